import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { tf } from "@hjepa/tensor";
import { registerRegularizer } from "@hjepa/world-model";
import { describe, expect, it } from "vitest";
import { z } from "zod";
import { fullExperimentSchema } from "./configSchema.ts";

const file = join(dirname(fileURLToPath(import.meta.url)), "../../../configs/experiments/two-rooms.json");
const base = JSON.parse(readFileSync(file, "utf8"));

// What a research package's regulariser registers (see `pnpm new:package NAME --kind regularizer`).
registerRegularizer("test-centring", {
  schema: z.object({ type: z.literal("test-centring"), weight: z.number().min(0).default(1) }).strict(),
  create: () => ({ compute: (ctx) => tf.sum(tf.square(tf.mean(ctx.regularized(), 0))) as tf.Scalar }),
});

/** two-rooms.json with level 1's loss given `regularizers`, parsed by the full schema. */
function parse(regularizers: unknown) {
  const [one, ...rest] = base.world.levels;
  const levels = [{ ...one, loss: { ...one.loss, regularizers } }, ...rest];
  return fullExperimentSchema.safeParse({ ...base, world: { ...base.world, levels } });
}

describe("fullExperimentSchema: level 1's regularizers", () => {
  it("parses each by its registered schema, filling defaults; a config without them resolves as before", () => {
    const r = parse([{ type: "test-centring" }]);
    expect(r.success && r.data.world.levels[0]?.loss).toMatchObject({
      regularizers: [{ type: "test-centring", weight: 1 }],
    });
    const plain = fullExperimentSchema.parse(base);
    expect(plain.world.levels[0]?.loss).not.toHaveProperty("regularizers");
  });

  it("refuses an unknown type or option, naming the field", () => {
    const unknown = parse([{ type: "nope" }]);
    expect(unknown.success).toBe(false);
    expect(unknown.error?.issues[0]).toMatchObject({
      path: ["world", "levels", 0, "loss", "regularizers", 0, "type"],
    });
    expect(unknown.error?.issues[0]?.message).toMatch(/must be one of .*test-centring/);
    const option = parse([{ type: "test-centring", scale: 2 }]);
    expect(option.error?.issues[0]).toMatchObject({
      path: ["world", "levels", 0, "loss", "regularizers", 0, "scale"],
      message: "is not an option of test-centring; expected one of weight",
    });
  });
});
