import { initTensors } from "@hjepa/tensor";
import { beforeAll, describe, expect, it } from "vitest";
import { toyConfig, toyData } from "../testing.ts";
import { buildWorldModel, trainWorldModel } from "./trainer.ts";

let data: Awaited<ReturnType<typeof toyData>>["data"];

beforeAll(async () => {
  await initTensors({ backend: "cpu" });
  data = (await toyData(toyConfig())).data;
});

describe("trainWorldModel with a given model", () => {
  it("trains that model in place, to exactly what it builds itself (EMA target and inverse dynamics too)", async () => {
    const config = toyConfig({
      train: { steps: 8 },
      loss: { inverseDynamics: 0.5, teacherForcing: 0.5 },
      model: {
        encoder: { type: "mlp", hidden: [32], dim: 8 },
        predictor: { hidden: [32] },
        inverseDynamics: { hidden: [16] },
        ema: { start: 0.9, end: 1 },
      },
    });
    const own = await trainWorldModel({ config, data });
    const given = buildWorldModel(config, data);
    const r = await trainWorldModel({ config, data, model: given });
    expect(r.model).toBe(given);
    expect(r.losses).toEqual(own.losses);
    const weights = (m: typeof given) => m.params.entries().map(([k, v]) => [k, Array.from(v.dataSync())]);
    expect(weights(given)).toEqual(weights(own.model));
    own.model.dispose();
    given.dispose();
  });
});

describe("buildWorldModel", () => {
  it("gives the EMA target the online encoder's input normalisation", () => {
    const config = toyConfig({
      model: {
        encoder: { type: "mlp", hidden: [32], dim: 8 },
        predictor: { hidden: [32] },
        ema: { start: 0.9, end: 1 },
      },
    });
    const model = buildWorldModel(config, data);
    const byName = new Map(model.params.entries().map(([k, v]) => [k, Array.from(v.dataSync())]));
    const online = [...byName].filter(([k]) => k.startsWith("encoder/") && /input(Mean|Std)/.test(k));
    expect(online.length).toBeGreaterThan(0);
    for (const [k, v] of online) expect(byName.get(k.replace(/^encoder\//, "target/"))).toEqual(v);
    // The data are not centred at 0: the statistics really were set.
    expect(online.some(([, v]) => v.some((x) => Math.abs(x) > 0.1 && Math.abs(x - 1) > 0.1))).toBe(true);
    model.dispose();
  });
});
