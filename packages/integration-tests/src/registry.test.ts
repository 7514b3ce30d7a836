import { HJEPA_ENVS, isPlanningEnv } from "@hjepa/envs";
import { checkEnv, make, registeredIds } from "gymnasium-js";
import { describe, expect, it } from "vitest";

describe("hjepa registry", () => {
  it("registers every hjepa environment listed in HJEPA_ENVS", () => {
    const ids = registeredIds().filter((id) => id.startsWith("hjepa/"));
    expect(ids.sort()).toEqual(HJEPA_ENVS.map((e) => e.id).sort());
  });

  for (const { id, obsModes } of HJEPA_ENVS) {
    for (const obsMode of obsModes) {
      it(`${id} (${obsMode}) passes checkEnv`, () => {
        const env = make(id, { kwargs: { obsMode }, disableEnvChecker: true });
        checkEnv(env.unwrapped);
        env.close();
      });

      it(`${id} (${obsMode}): goalObs is the goal's observation, in the space; the oracle is finite`, () => {
        const env = make(id, { kwargs: { obsMode } });
        const { obs, info } = env.reset({ seed: 3 });
        const core = env.unwrapped;
        expect(isPlanningEnv(core)).toBe(true);
        if (!isPlanningEnv(core)) return;
        expect(env.observationSpace.contains(obs)).toBe(true);
        expect(env.observationSpace.contains(info.goalObs)).toBe(true);
        expect(Array.from(info.goalObs as ArrayLike<number>)).toEqual(
          Array.from(core.observe(info.goal as number[]) as ArrayLike<number>),
        );
        const d = core.oracle().distance(core.trueState(), core.goalState());
        expect(Number.isFinite(d)).toBe(true);
        expect(d).toBeGreaterThan(0);
        env.close();
      });
    }
  }
});
