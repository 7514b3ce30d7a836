/**
 * `hjepa bench` (and `pnpm bench`): environment step throughput (steps/s, per observation mode) and offline data collection speed.
 * Benchmarks measure; tests assert behaviour. Run on an otherwise idle machine for stable numbers.
 */
import { mkdtempSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { HJEPA_ENVS } from "@hjepa/envs";
import { InputError } from "@hjepa/errors";
import { experimentSchema, findRepoRoot, levelOne, loadConfig } from "@hjepa/experiment";
import type { EncoderConfig } from "@hjepa/perception";
import { type Env, make, Rng } from "gymnasium-js";
import { defineCommand } from "../cli.ts";

const SECTIONS = ["startup", "envs", "collect", "tensors", "levels"] as const;
type Section = (typeof SECTIONS)[number];

export const command = defineCommand({
  spec: {
    name: "bench",
    summary:
      "benchmarks: start-up, env steps/s, data collection, matmul GFLOP/s, training ms/step, 3-level training time",
    flags: {
      quick: { type: "boolean", help: "a short smoke run (fewer repetitions, smaller sizes)" },
      only: {
        type: "string",
        value: "SECTIONS",
        default: SECTIONS.join(","),
        help: `comma-separated sections to run: ${SECTIONS.join(", ")}`,
      },
    },
    notes: [
      "Benchmarks measure; tests assert behaviour. Run on an otherwise idle machine for stable numbers.",
    ],
    examples: ["hjepa bench", "hjepa bench --only startup,envs --quick"],
  },
  run: ({ values }) => benchRun(values.quick ?? false, sections(values.only)),
});

function sections(only: string | undefined): Set<Section> {
  if (only === undefined) return new Set(SECTIONS);
  const names = only.split(",").map((s) => s.trim());
  const bad = names.filter((n) => !(SECTIONS as readonly string[]).includes(n));
  if (bad.length > 0 || names.length === 0)
    throw new InputError(`--only must list sections from ${SECTIONS.join(", ")} (got "${only}")`);
  return new Set(names as Section[]);
}

export interface Row {
  what: string;
  value: string;
  target: string;
}

/** Steps per second of `env` over about `seconds`, with actions pre-sampled from a seeded Rng. */
function stepsPerSecond(env: Env<unknown, unknown>, seconds: number): number {
  const rng = new Rng(0);
  const space = env.actionSpace;
  space.seed(rng.nextSeed());
  const actions = Array.from({ length: 4096 }, () => space.sample());
  env.reset({ seed: 0 });
  let steps = 0;
  const t0 = performance.now();
  let now = t0;
  while (now - t0 < seconds * 1000) {
    for (let i = 0; i < 4096; i++) {
      const r = env.step(actions[i] as never);
      if (r.terminated || r.truncated) env.reset();
    }
    steps += 4096;
    now = performance.now();
  }
  return steps / ((now - t0) / 1000);
}

function fmt(n: number): string {
  return n >= 1e6 ? `${(n / 1e6).toFixed(2)}M` : n >= 1e3 ? `${(n / 1e3).toFixed(1)}k` : n.toFixed(0);
}

/** Runs the chosen benchmarks and prints one table (`--quick` for a short smoke run). */
async function benchRun(quick: boolean, only: Set<Section>): Promise<void> {
  const rows: Row[] = [];
  const seconds = quick ? 0.3 : 1.5;
  if (only.has("startup")) {
    const { benchStartup } = await import("../startupBench.ts");
    rows.push(...(await benchStartup({ quick })));
  }
  for (const { id, obsModes } of only.has("envs") ? HJEPA_ENVS : []) {
    for (const obsMode of obsModes) {
      // Raw env speed (no wrappers), then as `make` gives it (checker, order enforcing, time limit).
      const raw = make(id, { kwargs: { obsMode } }).unwrapped as Env<unknown, unknown>;
      const sps = stepsPerSecond(raw, seconds);
      raw.close();
      const wrapped = make(id, { kwargs: { obsMode } });
      const spsWrapped = stepsPerSecond(wrapped as Env<unknown, unknown>, seconds);
      wrapped.close();
      const target =
        id === "hjepa/TwoRooms-v0"
          ? obsMode === "state"
            ? ">= 1M"
            : obsMode === "pixels"
              ? ">= 20k"
              : ""
          : "";
      rows.push({
        what: `${id} ${obsMode} steps/s (raw / make)`,
        value: `${fmt(sps)} / ${fmt(spsWrapped)}`,
        target,
      });
    }
  }

  if (only.has("collect")) await benchCollect(quick, rows);
  if (only.has("tensors")) await benchTensors(quick, rows);
  if (only.has("levels")) {
    const { benchLevels } = await import("../levelsBench.ts");
    rows.push(...benchLevels(findRepoRoot(), { quick }));
  }

  const w0 = Math.max(...rows.map((r) => r.what.length), 4);
  const w1 = Math.max(...rows.map((r) => r.value.length), 5);
  console.log(`${"what".padEnd(w0)}  ${"value".padEnd(w1)}  target`);
  console.log(`${"-".repeat(w0)}  ${"-".repeat(w1)}  ------`);
  for (const r of rows) console.log(`${r.what.padEnd(w0)}  ${r.value.padEnd(w1)}  ${r.target}`);
}

async function benchCollect(quick: boolean, rows: Row[]): Promise<void> {
  const { collect } = await import("@hjepa/envs/data");
  const dir = mkdtempSync(join(tmpdir(), "hjepa-bench-"));
  try {
    const transitions = quick ? 100_000 : 1_000_000;
    const steps = 1000;
    const out = join(dir, "bench.arrow");
    const t0 = performance.now();
    const res = await collect("hjepa/TwoRooms-v0", {
      episodes: transitions / steps,
      steps,
      policy: "momentum",
      seed: 0,
      out,
      // A tiny success radius so that episodes run their full length and the transition count is exact.
      kwargs: { successRadius: 1e-6 },
    });
    const s = (performance.now() - t0) / 1000;
    const mb = statSync(out).size / 1e6;
    rows.push({
      what: `collect ${fmt(res.frames)} TwoRooms transitions to Arrow (${mb.toFixed(1)} MB)`,
      value: `${s.toFixed(2)} s (${fmt(res.frames / s)}/s)`,
      target: "< 15 s for 1M",
    });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

async function benchTensors(quick: boolean, rows: Row[]): Promise<void> {
  const { benchMatmul, initTensors } = await import("@hjepa/tensor");
  const { benchEncoderStep, benchWorldModelStep } = await import("@hjepa/world-model");
  const { prepareData } = await import("@hjepa/runs");
  // Tensors: matmul throughput (plain and transposed, as every matmul gradient is) on each backend, stock and
  // patched wasm, and world-model training steps at the sizes the world-model issue names.
  const root = findRepoRoot();
  for (const [backend, patches] of [
    ["wasm", false],
    ["wasm", true],
    ["cpu", true],
  ] as const) {
    await initTensors({ backend });
    const size = backend === "cpu" ? 256 : 512;
    const results = await benchMatmul(backend, [size], {
      wasmPatches: patches,
      minMs: quick ? 100 : 400,
      transposes: [
        [false, false],
        [true, false],
        [false, true],
      ],
    });
    const cell = results.map((r) => `${r.gflops.toFixed(1)}`).join(" / ");
    rows.push({
      what: `matmul ${size}^3 GFLOP/s plain / A^T / B^T (${backend}${backend === "wasm" ? (patches ? ", patched" : ", stock") : ""})`,
      value: cell,
      target: "",
    });
  }
  for (const backend of ["wasm", "cpu"] as const) {
    await initTensors({ backend });
    const pixels = loadConfig(join(root, "configs/experiments/two-rooms-pixels.json"), experimentSchema);
    const encoderMs = await benchEncoderStep(
      levelOne(pixels).model.encoder as EncoderConfig,
      [64, 64, 2],
      64,
      {
        steps: quick || backend === "cpu" ? 3 : 20,
      },
    );
    rows.push({
      what: `CNN encoder train step, 64 images of 64x64x2 (${backend})`,
      value: `${encoderMs.toFixed(1)} ms`,
      target: backend === "wasm" ? "<= 200 ms (wasm)" : "",
    });
    for (const [file, batch, target] of [
      ["two-rooms.json", 256, "<= 60 ms (wasm)"],
      ["two-rooms-pixels.json", 32, ""],
    ] as const) {
      if (backend === "cpu" && file.includes("pixels")) continue; // minutes per step on the pure-JS backend
      const config = loadConfig(join(root, "configs/experiments", file), experimentSchema, [
        `train.batchSize=${batch}`,
        "data.episodes=200",
      ]);
      const { data } = await prepareData(config, { root });
      const steps = quick || backend === "cpu" ? 5 : 30;
      const ms = await benchWorldModelStep(config, data, { warmup: 3, steps });
      rows.push({
        what: `world-model train step, ${file} batch ${batch} (${backend})`,
        value: `${ms.toFixed(1)} ms`,
        target: backend === "wasm" ? target : "",
      });
    }
  }
}
