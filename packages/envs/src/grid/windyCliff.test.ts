import { checkEnv, make, Rng } from "gymnasium-js";
import { describe, expect, it } from "vitest";
import { registerHjepaEnvs } from "../register.ts";
import { GRID_OBS_MODES } from "./gridObs.ts";
import { GridOracle } from "./gridOracle.ts";
import { WINDY_CLIFF_COLUMNS, WindyCliffEnv } from "./windyCliff.ts";

describe("WindyCliffEnv", () => {
  for (const obsMode of GRID_OBS_MODES) {
    it(`passes gymnasium-js checkEnv (${obsMode})`, () => {
      const create = (renderMode: string | null) =>
        new WindyCliffEnv({ obsMode, renderMode: renderMode as "ansi" | null });
      expect(() => checkEnv(create(null), { createEnv: create })).not.toThrow();
    });
  }

  it("is registered as hjepa/WindyCliff-v0 with a 200-step limit", () => {
    registerHjepaEnvs();
    const env = make("hjepa/WindyCliff-v0", { kwargs: { obsMode: "onehot" } });
    expect(env.unwrapped).toBeInstanceOf(WindyCliffEnv);
    expect(env.spec?.maxEpisodeSteps).toBe(200);
    env.close();
  });

  it("moves deterministically on calm cells and pushes down with probability gust on windy ones", () => {
    const env = new WindyCliffEnv({ gust: 0.3 });
    let calmMoves = 0;
    let pushed = 0;
    const trials = 4000;
    for (let seed = 0; seed < trials; seed++) {
      env.reset({ seed, options: { start: [1, 3], goal: [1, 11] } });
      const calm = env.step(1); // [1, 4]: calm
      if (calm.info.state[0] === 1 && calm.info.state[1] === 4) calmMoves++;
      const windy = env.step(1); // [1, 5]: windy
      expect(windy.info.state[1]).toBe(5);
      if (windy.info.state[0] === 2) pushed++;
      else expect(windy.info.state[0]).toBe(1);
    }
    expect(calmMoves).toBe(trials);
    // Binomial(4000, 0.3): sd 29; 5 sd either side.
    expect(Math.abs(pushed - 0.3 * trials)).toBeLessThan(145);
  });

  it("a gust at the gorge's edge costs 1 and ends the episode; reaching the goal ends it before any gust", () => {
    const env = new WindyCliffEnv({ gust: 1 });
    env.reset({ seed: 0, options: { start: [4, 4], goal: [1, 11] } });
    const r = env.step(1);
    expect(r.info.state).toEqual([5, 5]);
    expect(r.info.cost).toBe(1);
    expect(r.terminated).toBe(true);
    expect(r.info.success).toBe(false);
    env.reset({ seed: 0, options: { start: [4, 5], goal: [4, 6] } });
    const g = env.step(1);
    expect(g.info.state).toEqual([4, 6]);
    expect(g.info.success).toBe(true);
    expect(g.terminated).toBe(true);
  });

  it("samples the start on the calm ground of one side and the goal on the other", () => {
    const env = new WindyCliffEnv();
    const rng = new Rng(3);
    const [c0, c1] = WINDY_CLIFF_COLUMNS;
    let leftStarts = 0;
    for (let i = 0; i < 200; i++) {
      const { start, goal } = env.sampleTask(rng);
      const s = start[1] as number;
      const g = goal[1] as number;
      expect(s < c0 ? g > c1 : s > c1 && g < c0).toBe(true);
      if (s < c0) leftStarts++;
    }
    expect(leftStarts).toBeGreaterThan(60);
    expect(leftStarts).toBeLessThan(140);
  });

  it("rejects bad options with the option named", () => {
    expect(() => new WindyCliffEnv({ gust: 1.5 })).toThrow(/gust must be a probability/);
    expect(() => new WindyCliffEnv({ windColumns: [8, 4] })).toThrow(/windColumns/);
    expect(() => new WindyCliffEnv({ wind: 1 } as never)).toThrow(/unknown option "wind"/);
  });
});

describe("WindyOracle", () => {
  it("without gusts equals breadth-first search", () => {
    const env = new WindyCliffEnv({ gust: 0 });
    const bfs = new GridOracle(env.map);
    const rng = new Rng(1);
    for (let i = 0; i < 100; i++) {
      const a = env.sampleFreeState(rng);
      const b = env.sampleFreeState(rng);
      expect(env.oracle().distance(a, b)).toBe(bfs.distance(a, b));
    }
  });

  it("gives the expected moves of its safe policy: Monte Carlo agrees and the gorge is never entered", () => {
    const gust = 0.3;
    const env = new WindyCliffEnv({ gust });
    const oracle = env.oracle();
    const start = [4, 1];
    const goal = [4, 11];
    const expected = oracle.distance(start, goal);
    // The straight line along the edge is 10 moves; the safe strategy keeps off the edge and pays for gusts.
    expect(expected).toBeGreaterThan(10);
    expect(expected).toBeLessThan(16);
    let steps = 0;
    let hazards = 0;
    const runs = 2000;
    for (let seed = 0; seed < runs; seed++) {
      env.reset({ seed, options: { start, goal } });
      for (let t = 0; t < 200; t++) {
        const r = env.step(oracle.policy(env.trueState(), goal));
        steps++;
        hazards += r.info.cost;
        if (r.terminated) break;
      }
    }
    expect(hazards).toBe(0);
    expect(Math.abs(steps / runs - expected)).toBeLessThan(0.15);
    // Its calm route ends at the goal, one move at a time.
    const path = oracle.path(start, goal) as number[][];
    expect(path[0]).toEqual(start);
    expect(path.at(-1)).toEqual(goal);
    for (let i = 1; i < path.length; i++) {
      const [r0, c0] = path[i - 1] as number[];
      const [r1, c1] = path[i] as number[];
      expect(Math.abs((r1 as number) - (r0 as number)) + Math.abs((c1 as number) - (c0 as number))).toBe(1);
    }
  });

  it("is Infinity where only a risky move reaches the goal (gust 1 under a one-row bridge)", () => {
    const env = new WindyCliffEnv({
      gust: 1,
      windColumns: [2, 2],
      map: `
#####
#...#
##H##
#####
`,
    });
    expect(env.oracle().distance([1, 1], [1, 3])).toBe(Number.POSITIVE_INFINITY);
    expect(env.oracle().path([1, 1], [1, 3])).toBeNull();
    expect(env.oracle().distance([1, 1], [1, 2])).toBe(1);
  });
});
