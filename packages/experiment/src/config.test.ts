import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { FileSystemError, InputError } from "@hjepa/errors";
import { describe, expect, it } from "vitest";
import { z } from "zod";
import { ConfigError, loadConfig } from "./config.ts";

const schema = z.object({
  name: z.string(),
  world: z.object({ levels: z.array(z.object({ stride: z.number().int().positive() })) }),
});

describe("loadConfig", () => {
  const dir = mkdtempSync(join(tmpdir(), "hjepa-config-"));

  it("loads, overrides and validates", () => {
    const file = join(dir, "ok.json");
    writeFileSync(file, JSON.stringify({ name: "x", world: { levels: [{ stride: 1 }, { stride: 2 }] } }));
    const c = loadConfig(file, schema, ["world.levels[1].stride=4"]);
    expect(c.world.levels[1]?.stride).toBe(4);
  });

  it("names the file, the field path and what was expected", () => {
    const file = join(dir, "bad.json");
    writeFileSync(file, JSON.stringify({ name: "x", world: { levels: [{ stride: 1 }, { stride: 0 }] } }));
    expect(() => loadConfig(file, schema)).toThrow(ConfigError);
    expect(() => loadConfig(file, schema)).toThrow(`${file}: world.levels[1].stride`);
    expect(() => loadConfig(file, schema)).toThrow(/expected number to be >0 \(got 0\)/);
  });

  it("reports unreadable and non-JSON files on one line", () => {
    expect(() => loadConfig(join(dir, "missing.json"), schema)).toThrow(FileSystemError);
    expect(() => loadConfig(join(dir, "missing.json"), schema)).toThrow(
      /missing\.json: cannot read the config \(no such file or folder, ENOENT\)/,
    );
    const file = join(dir, "broken.json");
    writeFileSync(file, "{ nope");
    expect(() => loadConfig(file, schema)).toThrow(ConfigError);
    expect(() => loadConfig(file, schema)).toThrow(/broken\.json: not valid JSON/);
    // V8 quotes the text around the error, newlines included: the message still is one line.
    writeFileSync(file, '{\n  "name": x\n}');
    expect(() => loadConfig(file, schema)).toThrow(
      `${file}: not valid JSON (Unexpected token 'x', "{; "name": x; }" is not valid JSON)`,
    );
  });

  it("names the file for a bad --set, and is an InputError", () => {
    const file = join(dir, "ok2.json");
    writeFileSync(file, JSON.stringify({ name: "x", world: { levels: [] } }));
    expect(() => loadConfig(file, schema, ["world..levels=[]"])).toThrow(InputError);
    expect(() => loadConfig(file, schema, ["world..levels=[]"])).toThrow(
      `${file}: --set world..levels=[]: "world..levels" is not a field path like a.b[0].c`,
    );
  });
});
