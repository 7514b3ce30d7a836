import { describe, expect, it } from "vitest";
import { WalkEnv } from "../testing/toyEnvs.ts";
import { RecordEpisodeStatistics } from "./recordEpisodeStatistics.ts";
import { TimeLimit } from "./timeLimit.ts";

describe("RecordEpisodeStatistics", () => {
  it("puts {r, l, t} in info only on the step that ends an episode", () => {
    const env = new RecordEpisodeStatistics(new WalkEnv({ size: 3 }));
    env.reset({ options: { start: 0, goal: 3 } });
    const infos = [1, 1, 1].map((a) => env.step(a).info);
    expect(infos[0]).not.toHaveProperty("episode");
    expect(infos[1]).not.toHaveProperty("episode");
    const ep = infos[2]?.episode as { r: number; l: number; t: number };
    expect([ep.r, ep.l]).toEqual([1, 3]);
    expect(ep.t).toBeGreaterThanOrEqual(0);
    expect(ep.t).toBeLessThan(5);
    expect(Math.round(ep.t * 1e6) / 1e6).toBe(ep.t);
    expect(infos[2]).toMatchObject({ x: 3, success: true });
    expect(env.episodeCount).toBe(1);
  });

  it("counts truncated episodes and keeps the last bufferLength episodes", () => {
    const env = new RecordEpisodeStatistics(new TimeLimit(new WalkEnv({ size: 100 }), 4), {
      bufferLength: 3,
    });
    for (let e = 0; e < 5; e++) {
      env.reset({ options: { start: 0, goal: 100 } });
      let r = env.step(1);
      for (let k = 1; k <= e && !r.truncated; k++) r = env.step(1);
      while (!r.truncated) r = env.step(0);
      expect((r.info.episode as { l: number }).l).toBe(4);
    }
    expect(env.lengthQueue).toEqual([4, 4, 4]);
    expect(env.returnQueue).toEqual([0, 0, 0]);
    expect(env.timeQueue.length).toBe(3);
    expect(env.episodeCount).toBe(5);
  });

  it("uses statsKey and refuses to overwrite an existing info key", () => {
    const env = new RecordEpisodeStatistics(new WalkEnv({ size: 1 }), { statsKey: "stats" });
    env.reset({ options: { start: 0, goal: 1 } });
    expect(env.step(1).info).toHaveProperty("stats");
    const clash = new RecordEpisodeStatistics(new WalkEnv({ size: 1 }), { statsKey: "x" });
    clash.reset({ options: { start: 0, goal: 1 } });
    expect(() => clash.step(1)).toThrow(/already has the key "x"/);
    expect(() => new RecordEpisodeStatistics(new WalkEnv(), { bufferLength: 0 })).toThrow(/positive integer/);
  });
});
