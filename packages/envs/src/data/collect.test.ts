import { spawnSync } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Rng, register, registry } from "gymnasium-js";
import { describe, expect, it } from "vitest";
import { registerHjepaEnvs } from "../register.ts";
import type { DataPolicy, PlanningEnv } from "../types.ts";
import { CollectionInterrupted, collect, collectFromEnv, type Starts } from "./collect.ts";
import { openDataset } from "./openDataset.ts";
import { momentumPolicy } from "./policies.ts";
import { GridEnv, PointEnv } from "./testEnv.ts";

const tmp = () => mkdtempSync(join(tmpdir(), "hjepa-collect-"));

/** Replays the collection contract by hand: reset seeds from Rng(seed), the policy on its spawned rng. */
function replay(env: PlanningEnv, policy: DataPolicy, seed: number, episodes: number, steps: number) {
  const root = new Rng(seed);
  const prng = root.spawn();
  const states: number[] = [];
  const actions: number[] = [];
  const obs: number[] = [];
  for (let e = 0; e < episodes; e++) {
    const options = policy.beginEpisode(env, prng, { episodeIndex: e, steps });
    let o = env.reset({ seed: root.nextSeed(), options: options as Record<string, unknown> })
      .obs as Float32Array;
    for (let t = 0; t <= steps; t++) {
      states.push(...env.trueState());
      obs.push(...o);
      if (t === steps) {
        actions.push(Number.NaN, Number.NaN);
        break;
      }
      const a = policy.act(env, prng) as Float32Array;
      actions.push(...a);
      o = env.step(a).obs as Float32Array;
    }
  }
  return {
    states: Float32Array.from(states),
    actions: Float32Array.from(actions),
    obs: Float32Array.from(obs),
  };
}

describe("collectFromEnv", () => {
  it("writes what was collected, bit for bit, with its metadata", async () => {
    const out = join(tmp(), "point.arrow");
    const res = await collectFromEnv(new PointEnv(), {
      episodes: 3,
      steps: 20,
      policy: "momentum",
      seed: 7,
      out,
      storeObs: "always",
      envId: "Test/Point-v0",
      kwargs: { size: 10 },
    });
    expect(res).toMatchObject({
      episodes: 3,
      frames: 63,
      transitions: 60,
      aborted: false,
      terminatedEpisodes: 0,
    });
    const ds = openDataset(out);
    const want = replay(new PointEnv(), momentumPolicy(), 7, 3, 20);
    expect(ds.states).toEqual(want.states);
    expect(ds.actions).toEqual(want.actions);
    expect(ds.obs).toEqual(want.obs);
    expect(ds.numFrames).toBe(63);
    expect(Array.from(ds.episodeLengths)).toEqual([21, 21, 21]);
    expect(ds.metadata).toMatchObject({
      format: "hjepa-dataset",
      version: 1,
      envId: "Test/Point-v0",
      kwargs: { size: 10 },
      policy: "momentum",
      seed: 7,
      episodes: 3,
      steps: 20,
      stateDim: 2,
      action: { type: "Box", shape: [2], low: [-1, -1], high: [1, 1] },
      obs: { shape: [2], dtype: "float32", stored: true },
      numEpisodes: 3,
      numFrames: 63,
      numTransitions: 60,
      aborted: false,
    });
    // Entering the x < 1 strip costs 1; the first frame of an episode costs 0.
    expect(ds.costs[0]).toBe(0);
    for (let i = 1; i < 21; i++) {
      const entered = (ds.states[2 * (i - 1)] as number) >= 1 && (ds.states[2 * i] as number) < 1;
      expect(ds.costs[i]).toBe(entered ? 1 : 0);
    }
  });

  it("is an Arrow IPC file (ARROW1 at both ends), byte-identical for the same seed", async () => {
    const dir = tmp();
    const opts = { episodes: 4, steps: 15, policy: "uniform", storeObs: "auto" as const };
    await collectFromEnv(new PointEnv(), { ...opts, seed: 1, out: join(dir, "a.arrow") });
    await collectFromEnv(new PointEnv(), { ...opts, seed: 1, out: join(dir, "b.arrow") });
    await collectFromEnv(new PointEnv(), { ...opts, seed: 2, out: join(dir, "c.arrow") });
    const a = readFileSync(join(dir, "a.arrow"));
    expect(a.subarray(0, 6).toString("latin1")).toBe("ARROW1");
    expect(a.subarray(a.length - 6).toString("latin1")).toBe("ARROW1");
    expect(a.equals(readFileSync(join(dir, "b.arrow")))).toBe(true);
    expect(a.equals(readFileSync(join(dir, "c.arrow")))).toBe(false);
  });

  it("splits rows into record batches of batchSize and reads them back the same", async () => {
    const dir = tmp();
    const opts = { episodes: 5, steps: 12, policy: "momentum", seed: 3, storeObs: "always" as const };
    const small = await collectFromEnv(new PointEnv(), { ...opts, out: join(dir, "s.arrow"), batchSize: 7 });
    await collectFromEnv(new PointEnv(), { ...opts, out: join(dir, "l.arrow") });
    expect(small.batches).toBe(Math.ceil(65 / 7));
    const s = openDataset(join(dir, "s.arrow"));
    const l = openDataset(join(dir, "l.arrow"));
    expect(s.states).toEqual(l.states);
    expect(s.actions).toEqual(l.actions);
    expect(s.obs).toEqual(l.obs);
    expect(s.episodeStarts).toEqual(l.episodeStarts);
  });

  it("ends an episode where it terminates and records it; Discrete actions are int32 with -1 last", async () => {
    const out = join(tmp(), "grid.arrow");
    const res = await collectFromEnv(new GridEnv(), {
      episodes: 30,
      steps: 40,
      policy: "uniform",
      seed: 11,
      out,
    });
    const ds = openDataset(out);
    expect(ds.actionKind).toBe("discrete");
    expect(res.terminatedEpisodes).toBeGreaterThan(0);
    expect(ds.metadata.terminatedEpisodes).toBe(res.terminatedEpisodes);
    let terminated = 0;
    for (let e = 0; e < ds.numEpisodes; e++) {
      const last = (ds.episodeStarts[e] as number) + (ds.episodeLengths[e] as number) - 1;
      expect(ds.actions[last]).toBe(-1);
      if (ds.terminated[last]) {
        terminated++;
        expect(ds.episodeLengths[e]).toBeLessThanOrEqual(41);
      } else expect(ds.episodeLengths[e]).toBe(41);
    }
    expect(terminated).toBe(res.terminatedEpisodes);
    expect(ds.terminated.reduce((a, b) => a + b, 0)).toBe(terminated);
  });

  it("stores small observations under auto, not pixels", async () => {
    const dir = tmp();
    await collectFromEnv(new PointEnv({ pixels: 16 }), {
      episodes: 2,
      steps: 5,
      policy: "uniform",
      seed: 0,
      out: join(dir, "p.arrow"),
    });
    const p = openDataset(join(dir, "p.arrow"));
    expect(p.obs).toBeNull();
    expect(p.metadata.obs).toMatchObject({ shape: [16, 16], dtype: "uint8", stored: false });
    await collectFromEnv(new PointEnv({ pixels: 16 }), {
      episodes: 2,
      steps: 5,
      policy: "uniform",
      seed: 0,
      out: join(dir, "q.arrow"),
      storeObs: "always",
    });
    const q = openDataset(join(dir, "q.arrow"));
    expect(q.obs).toBeInstanceOf(Uint8Array);
    expect(q.obs?.length).toBe(12 * 256);
  });

  it("on abort finishes the current episode and saves a valid dataset, leaving no temp file", async () => {
    const dir = tmp();
    const out = join(dir, "abort.arrow");
    const ctrl = new AbortController();
    const inner = momentumPolicy();
    const policy: DataPolicy = {
      name: "momentum",
      beginEpisode: (env, rng, ctx) => {
        if (ctx.episodeIndex === 2) ctrl.abort();
        return inner.beginEpisode(env, rng, ctx);
      },
      act: (env, rng) => inner.act(env, rng),
    };
    const res = await collectFromEnv(new PointEnv(), {
      episodes: 10,
      steps: 8,
      policy,
      seed: 5,
      out,
      signal: ctrl.signal,
    });
    expect(res).toMatchObject({ aborted: true, episodes: 3, frames: 27 });
    const ds = openDataset(out);
    expect(ds.numEpisodes).toBe(3);
    expect(ds.metadata).toMatchObject({ aborted: true, numEpisodes: 3, episodes: 10 });
    expect(readdirSync(dir)).toEqual(["abort.arrow"]);
    await expect(
      collectFromEnv(new PointEnv(), {
        episodes: 1,
        steps: 1,
        policy: "uniform",
        seed: 0,
        out: join(dir, "x.arrow"),
        signal: ctrl.signal,
      }),
    ).rejects.toThrow(/interrupted after 0 of 1 episodes; nothing was written/);
    expect(readdirSync(dir)).toEqual(["abort.arrow"]);
  });

  it("stops inside an endless episode on abort and keeps it as a shorter, truncated episode", async () => {
    const dir = tmp();
    const out = join(dir, "long.arrow");
    const ctrl = new AbortController();
    // The goal is never reached (no termination) and the episode would take a billion steps.
    const env = new PointEnv({ goalRadius: 0 });
    setTimeout(() => ctrl.abort(), 100);
    const res = await collectFromEnv(env, {
      episodes: 3,
      steps: 1e9,
      policy: "uniform",
      seed: 1,
      out,
      signal: ctrl.signal,
    });
    expect(res).toMatchObject({ aborted: true, episodes: 1 });
    expect(res.transitions).toBeLessThan(1e9);
    const ds = openDataset(out);
    expect(ds.metadata).toMatchObject({ aborted: true, numEpisodes: 1, numTransitions: res.transitions });
    expect(Array.from(ds.episodeLengths)).toEqual([res.transitions + 1]);
    expect(ds.terminated.every((v) => v === 0)).toBe(true);
    expect(readdirSync(dir)).toEqual(["long.arrow"]);
  });

  it("with onAbort discard saves nothing, keeps an existing target and leaves no temp file", async () => {
    const dir = tmp();
    const out = join(dir, "cache.arrow");
    writeFileSync(out, "old");
    const ctrl = new AbortController();
    const inner = momentumPolicy();
    const policy: DataPolicy = {
      name: "momentum",
      beginEpisode: (env, rng, ctx) => {
        if (ctx.episodeIndex === 2) ctrl.abort();
        return inner.beginEpisode(env, rng, ctx);
      },
      act: (env, rng) => inner.act(env, rng),
    };
    const run = collectFromEnv(new PointEnv(), {
      episodes: 10,
      steps: 8,
      policy,
      seed: 5,
      out,
      signal: ctrl.signal,
      onAbort: "discard",
    });
    await expect(run).rejects.toThrow(CollectionInterrupted);
    await expect(run).rejects.toThrow(
      `collect(${out}): interrupted after 3 of 10 episodes; nothing was written`,
    );
    expect(readdirSync(dir)).toEqual(["cache.arrow"]);
    expect(readFileSync(out, "utf8")).toBe("old");
  });

  it("removes a temp file left by a killed process, not one of a running process", async () => {
    const dir = tmp();
    const out = join(dir, "data.arrow");
    // A pid that surely ended: a child that has exited (and been reaped).
    const dead = spawnSync(process.execPath, ["-e", ""]).pid as number;
    writeFileSync(join(dir, `.data.arrow.${dead}-0.tmp`), "partial");
    writeFileSync(join(dir, `.data.arrow.${process.ppid}-0.tmp`), "someone else's, still running");
    writeFileSync(join(dir, `.other.arrow.${dead}-0.tmp`), "another target");
    await collectFromEnv(new PointEnv(), { episodes: 1, steps: 3, policy: "uniform", seed: 0, out });
    expect(readdirSync(dir).sort()).toEqual(
      [`.data.arrow.${process.ppid}-0.tmp`, `.other.arrow.${dead}-0.tmp`, "data.arrow"].sort(),
    );
  });

  it("removes the temp file and keeps an existing target when the env throws", async () => {
    const dir = tmp();
    const out = join(dir, "keep.arrow");
    writeFileSync(out, "old");
    const env = new PointEnv();
    let n = 0;
    const step = env.step.bind(env);
    env.step = (a) => {
      if (++n === 30) throw new Error("boom");
      return step(a);
    };
    await expect(
      collectFromEnv(env, { episodes: 5, steps: 10, policy: "uniform", seed: 0, out, batchSize: 4 }),
    ).rejects.toThrow("boom");
    expect(readdirSync(dir)).toEqual(["keep.arrow"]);
    expect(readFileSync(out, "utf8")).toBe("old");
  });

  it("rejects bad options naming the option", async () => {
    const out = join(tmp(), "bad.arrow");
    await expect(
      collectFromEnv(new PointEnv(), { episodes: 0, steps: 5, policy: "uniform", seed: 0, out }),
    ).rejects.toThrow(`collect(${out}): episodes must be a positive integer (got 0)`);
    await expect(
      collectFromEnv(new PointEnv(), { episodes: 1, steps: 5, policy: "zig", seed: 0, out }),
    ).rejects.toThrow(/unknown data policy 'zig'/);
  });
});

describe("collect (by registry id)", () => {
  it("starts episodes at random free states with starts free (KeyDoor: behind the door too, with the key)", async () => {
    registerHjepaEnvs();
    const firstStates = async (starts: Starts | undefined) => {
      const out = join(tmp(), `kd-${JSON.stringify(starts)}.arrow`);
      const opts = {
        episodes: 40,
        steps: 3,
        policy: "momentum",
        seed: 4,
        out,
        kwargs: { obsMode: "onehot" },
      };
      await collect("hjepa/KeyDoor-v0", starts === undefined ? opts : { ...opts, starts });
      const ds = openDataset(out);
      const d = ds.stateDim;
      return {
        meta: ds.metadata,
        firsts: Array.from(ds.episodeStarts, (i) => Array.from(ds.states.subarray(i * d, (i + 1) * d))),
      };
    };
    const env = await firstStates(undefined);
    // The map's start S (row 5, column 6) every time, without the key; "env" is the same collection.
    expect(new Set(env.firsts.map((s) => s.join(",")))).toEqual(new Set(["5,6,0"]));
    expect(env.meta.starts).toBeUndefined();
    expect((await firstStates("env")).firsts).toEqual(env.firsts);
    const free = await firstStates("free");
    expect(free.meta.starts).toBe("free");
    const cells = new Set(free.firsts.map((s) => `${s[0]},${s[1]}`));
    expect(cells.size).toBeGreaterThan(20);
    // Behind the door (columns 8-11) with the key, and on the key side both with and without it.
    expect(free.firsts.some((s) => (s[1] as number) >= 8 && s[2] === 1)).toBe(true);
    expect(free.firsts.every((s) => (s[1] as number) < 7 || s[2] === 1)).toBe(true);
    expect(new Set(free.firsts.filter((s) => (s[1] as number) < 7).map((s) => s[2]))).toEqual(
      new Set([0, 1]),
    );
    // A quarter free: episodes 3, 7, 11, ... (floor((e + 1) / 4) steps up), the others at S.
    const mixed = await firstStates({ free: 0.25 });
    expect(mixed.meta.starts).toEqual({ free: 0.25 });
    const freeEpisodes = mixed.firsts.flatMap((s, e) => (s.join(",") === "5,6,0" ? [] : [e]));
    expect(freeEpisodes.length).toBeGreaterThan(6);
    expect(freeEpisodes.every((e) => e % 4 === 3)).toBe(true);
    expect(new Set(mixed.firsts.filter((_, e) => e % 4 === 3).map((s) => s.join(","))).size).toBeGreaterThan(
      6,
    );
    await expect(firstStates({ free: 1.5 })).rejects.toThrow(/starts must be "env", "free" or \{ free: f \}/);
  });

  it("makes the env with its kwargs and records the id and kwargs", async () => {
    if (!registry.has("test/DataPoint-v0")) {
      register({
        id: "test/DataPoint-v0",
        entryPoint: (kw) => new PointEnv(kw),
        kwargs: { size: 10 },
        maxEpisodeSteps: 5,
      });
    }
    const out = join(tmp(), "reg.arrow");
    const res = await collect("test/DataPoint-v0", {
      episodes: 2,
      steps: 8,
      policy: "uniform",
      seed: 0,
      out,
      kwargs: { size: 4 },
    });
    // The registered TimeLimit (5) does not apply: collection runs on the unwrapped env for `steps` steps.
    expect(res.frames).toBe(18);
    const ds = openDataset(out);
    expect(ds.metadata).toMatchObject({ envId: "test/DataPoint-v0", kwargs: { size: 4 } });
    for (const v of ds.states) expect(v).toBeLessThanOrEqual(4);
  });
});
