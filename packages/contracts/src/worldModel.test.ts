import { InputError } from "@hjepa/errors";
import { describe, expect, it } from "vitest";
import { checkLatent, LatentVariableError } from "./worldModel.ts";

const shape = (...s: number[]) => ({ shape: s });

describe("checkLatent", () => {
  it("passes an absent z on every level", () => {
    expect(() => checkLatent({ level: 1, latent: null }, undefined, [4])).not.toThrow();
    expect(() => checkLatent({ level: 2, latent: { size: 3 } }, undefined, [4, 5])).not.toThrow();
  });

  it("rejects a z given to a level without a latent variable, by class, naming the level", () => {
    const e = (() => {
      try {
        checkLatent({ level: 2, latent: null }, shape(4, 3), [4]);
      } catch (x) {
        return x;
      }
      return null;
    })();
    expect(e).toBeInstanceOf(LatentVariableError);
    expect(e).toBeInstanceOf(InputError);
    expect((e as LatentVariableError).level).toBe(2);
    expect((e as Error).message).toMatch(/^level 2: its predictor takes no latent variable z/);
  });

  it("checks z's shape against [...leading, latent.size]", () => {
    const level = { level: 1, latent: { size: 3 } };
    expect(() => checkLatent(level, shape(4, 3), [4])).not.toThrow();
    expect(() => checkLatent(level, shape(4, 5, 3), [4, 5])).not.toThrow();
    expect(() => checkLatent(level, shape(4, 2), [4])).toThrow(/z must have shape \[4, 3\] \(got \[4, 2\]\)/);
    expect(() => checkLatent(level, shape(4, 3), [4, 5])).toThrow(LatentVariableError);
  });
});
