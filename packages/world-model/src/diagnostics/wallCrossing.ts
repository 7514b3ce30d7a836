/**
 * Imagination against walls: does a world model's imagined future stay on the right side of the walls? From
 * held-out windows of the dataset, the window's own action sequence of `horizon` env steps is rolled out in
 * the model (from the encoded start frame) and in the env (reset to the window's start state); a nonlinear
 * probe decodes the imagined end representation, and the diagnostic counts how often it lies in a different
 * region (room, or cell) than the env's true end state. The same count for the probe applied to the encoding
 * of the true end frame measures the probe's own error, so the gap between the two is the model's.
 *
 * Generic over the rollout: level 1 passes `JepaWorldModel.rollout`; a level above passes a function that
 * turns the primitive actions into its macro-actions and predicts, with its own encoder.
 */
import type { PlanningEnv } from "@hjepa/envs";
import { EnvironmentError } from "@hjepa/errors";
import { tf } from "@hjepa/tensor";
import type { Rng } from "gymnasium-js";
import type { FrameEncoder, WindowArrays, WorldModelData } from "../data.ts";
import { differentRegions, envRegions, type Regions } from "./regions.ts";
import { fitStateProbe, type StateProbeOptions } from "./stateProbe.ts";

/** Imagined representation after primitive actions: `s0 [B, d]`, `actions [B, H, k]` -> `[B, d]` or `[B, H, d]`. */
export type LatentRollout = (s0: tf.Tensor2D, actions: tf.Tensor3D) => tf.Tensor;

/** Decodes row-major [n, d] representations into row-major [n, stateDim] true states. */
export interface StateDecoder {
  predict(z: ArrayLike<number>, n: number): Float64Array;
}

export interface WallCrossingOptions {
  data: WorldModelData;
  /** The run's env (unwrapped), reset to each window's start state and stepped with its actions. */
  env: PlanningEnv;
  /** The representation the rollout starts from and the probe reads. */
  encoder: FrameEncoder;
  rollout: LatentRollout;
  /** Env steps per action sequence (H). */
  horizon: number;
  /** Held-out windows (default 512). */
  samples?: number;
  /** Draws the windows, the env's reset seeds and (when no decoder is given) the probe's frames and weights. */
  rng: Rng;
  /** A fitted decoder; without one an MLP probe is fitted with `probeOptions` (see `fitStateProbe`). */
  decoder?: StateDecoder;
  probeOptions?: StateProbeOptions;
  /** The regions to compare (default: `envRegions(env)`: rooms of a rooms layout, else cells). */
  regions?: Regions;
}

export const WALL_CROSSING_DEFAULTS = { samples: 512 } as const;

export interface WallCrossingReport {
  horizon: number;
  samples: number;
  regionKind: Regions["kind"];
  /** Held-out R^2 of the probe fitted here (null when a decoder was given). */
  probeR2: number | null;
  /** Fraction of windows whose decoded imagined end lies in a different region than the true end. */
  imaginedMismatch: number;
  /** The same for the decoded encoding of the true end frame: the probe's own error. */
  probeMismatch: number;
  /** Imagined end in the wrong region while the probe reads the true end in the right one: the model's error. */
  modelOnlyMismatch: number;
  /** Fraction of windows whose true end lies in another region than their start (they went through a door). */
  crossed: number;
  /** `imaginedMismatch` among the windows that crossed and among those that stayed (null when there are none). */
  imaginedMismatchCrossed: number | null;
  imaginedMismatchStayed: number | null;
  /** Fraction of decoded imagined end states inside a wall (or off the map), and of decoded true ends. */
  imaginedInWall: number;
  probeInWall: number;
  /** Mean distance (state units) from the decoded imagined end, and from the decoded true end, to the true end. */
  imaginedError: number;
  probeError: number;
  /** Mean distance between the env's end state and the one the dataset recorded (0 for a deterministic env). */
  replayGap: number;
}

/** Windows encoded and rolled out per batch. */
const CHUNK = 128;

export function wallCrossing(opts: WallCrossingOptions): WallCrossingReport {
  const { data, env, encoder, horizon } = opts;
  const samples = opts.samples ?? WALL_CROSSING_DEFAULTS.samples;
  if (!(Number.isInteger(horizon) && horizon >= 1))
    throw new Error(`wallCrossing: horizon must be an integer >= 1 (got ${horizon})`);
  if (!(Number.isInteger(samples) && samples >= 1))
    throw new Error(`wallCrossing: samples must be an integer >= 1 (got ${samples})`);
  const regions = opts.regions ?? envRegions(env);
  const [windowRng, envRng, probeRng] = opts.rng.spawn(3);

  const w = data.sampleArrays(samples, horizon + 1, windowRng, "validation");
  const sd = data.dataset.stateDim;
  const k = data.dataset.actionDim;
  const frame = data.obsShape.reduce((a, b) => a * b, 1);
  const L = horizon + 1;

  // The env replays each window's actions from its start state.
  const starts = new Float64Array(samples * sd);
  const ends = new Float64Array(samples * sd);
  const endObs =
    w.obs instanceof Uint8Array ? new Uint8Array(samples * frame) : new Float32Array(samples * frame);
  let replayGap = 0;
  for (let b = 0; b < samples; b++) {
    const start = resetAt(env, Array.from(w.states.subarray(b * L * sd, b * L * sd + sd)), envRng.nextSeed());
    for (let t = 0; t < horizon; t++) {
      const a = w.actions.subarray((b * horizon + t) * k, (b * horizon + t + 1) * k);
      env.step(data.dataset.actionKind === "discrete" ? (a[0] as number) : Float32Array.from(a));
    }
    const end = env.trueState();
    starts.set(start, b * sd);
    ends.set(end, b * sd);
    endObs.set(env.observe(end) as ArrayLike<number>, b * frame);
    replayGap += distance(end, w.states.subarray((b * L + horizon) * sd, (b * L + L) * sd));
  }

  const zStart = data.encodeFrames(encoder, firstFrames(w, frame));
  const zTrueEnd = data.encodeFrames(encoder, {
    obs: endObs,
    actions: new Float32Array(0),
    states: Float32Array.from(ends),
    costs: new Float32Array(samples),
    batch: samples,
    length: 1,
  });
  const d = encoder.encoder.dim;
  const zImagined = new Float32Array(samples * d);
  for (let b0 = 0; b0 < samples; b0 += CHUNK) {
    const n = Math.min(samples, b0 + CHUNK) - b0;
    const last = tf.tidy(() => {
      const s0 = tf.tensor2d(zStart.subarray(b0 * d, (b0 + n) * d), [n, d]);
      const actions = tf.tensor3d(w.actions.subarray(b0 * horizon * k, (b0 + n) * horizon * k), [
        n,
        horizon,
        k,
      ]);
      const out = opts.rollout(s0, actions);
      if (out.rank === 2) return out;
      return tf.reshape(tf.slice(out, [0, (out.shape[1] as number) - 1, 0], [n, 1, d]), [n, d]);
    });
    zImagined.set(last.dataSync(), b0 * d);
    last.dispose();
  }

  let probeR2: number | null = null;
  let decoder = opts.decoder;
  if (decoder === undefined) {
    const fitted = fitStateProbe(data, encoder, probeRng, opts.probeOptions);
    probeR2 = fitted.r2.mean;
    decoder = fitted;
  }
  const imagined = decoder.predict(zImagined, samples);
  const decodedTrue = decoder.predict(zTrueEnd, samples);

  let imaginedMismatch = 0;
  let probeMismatch = 0;
  let modelOnly = 0;
  let crossed = 0;
  let mismatchCrossed = 0;
  let imaginedInWall = 0;
  let probeInWall = 0;
  let imaginedError = 0;
  let probeError = 0;
  for (let b = 0; b < samples; b++) {
    const truth = Array.from(ends.subarray(b * sd, (b + 1) * sd));
    const imag = Array.from(imagined.subarray(b * sd, (b + 1) * sd));
    const read = Array.from(decodedTrue.subarray(b * sd, (b + 1) * sd));
    const truthRegions = regions.of(truth);
    const imagWrong = differentRegions(regions.of(imag), truthRegions);
    const readWrong = differentRegions(regions.of(read), truthRegions);
    const didCross = differentRegions(
      regions.of(Array.from(starts.subarray(b * sd, (b + 1) * sd))),
      truthRegions,
    );
    if (imagWrong) imaginedMismatch++;
    if (readWrong) probeMismatch++;
    if (imagWrong && !readWrong) modelOnly++;
    if (didCross) {
      crossed++;
      if (imagWrong) mismatchCrossed++;
    }
    if (regions.inWall(imag)) imaginedInWall++;
    if (regions.inWall(read)) probeInWall++;
    imaginedError += distance(imag, truth);
    probeError += distance(read, truth);
  }
  const stayed = samples - crossed;
  return {
    horizon,
    samples,
    regionKind: regions.kind,
    probeR2,
    imaginedMismatch: imaginedMismatch / samples,
    probeMismatch: probeMismatch / samples,
    modelOnlyMismatch: modelOnly / samples,
    crossed: crossed / samples,
    imaginedMismatchCrossed: crossed > 0 ? mismatchCrossed / crossed : null,
    imaginedMismatchStayed: stayed > 0 ? (imaginedMismatch - mismatchCrossed) / stayed : null,
    imaginedInWall: imaginedInWall / samples,
    probeInWall: probeInWall / samples,
    imaginedError: imaginedError / samples,
    probeError: probeError / samples,
    replayGap: replayGap / samples,
  };
}

/** One-line summary of a report. */
export function formatWallCrossing(r: WallCrossingReport): string {
  const pct = (v: number | null) => (v === null ? "-" : `${(100 * v).toFixed(1)}%`);
  return (
    `H=${r.horizon}: imagined end in another ${r.regionKind} ${pct(r.imaginedMismatch)} ` +
    `(probe on the true end ${pct(r.probeMismatch)}, model alone ${pct(r.modelOnlyMismatch)}; ` +
    `${pct(r.imaginedMismatchCrossed)} of the ${pct(r.crossed)} that changed ${r.regionKind}, ` +
    `${pct(r.imaginedMismatchStayed)} of the rest) | in a wall ${pct(r.imaginedInWall)} ` +
    `(true end ${pct(r.probeInWall)}) | error ${r.imaginedError.toFixed(3)} (true end ${r.probeError.toFixed(3)})`
  );
}

/** The first frame of every window, as windows of length 1. */
function firstFrames(w: WindowArrays, frame: number): WindowArrays {
  const n = w.batch;
  const obs = w.obs instanceof Uint8Array ? new Uint8Array(n * frame) : new Float32Array(n * frame);
  const sd = w.states.length / (n * w.length);
  const states = new Float32Array(n * sd);
  for (let b = 0; b < n; b++) {
    obs.set(w.obs.subarray(b * w.length * frame, (b * w.length + 1) * frame), b * frame);
    states.set(w.states.subarray(b * w.length * sd, (b * w.length + 1) * sd), b * sd);
  }
  return { obs, actions: new Float32Array(0), states, costs: new Float32Array(n), batch: n, length: 1 };
}

/**
 * Resets `env` at `state` and returns the start used. Datasets store states as float32: a PointMaze point
 * stopped on a wall face (the largest double below it) is stored as the face itself, which belongs to the wall
 * and is refused; then each whole-numbered coordinate is moved off the face by a hair (1e-9 relative), trying
 * every direction in a fixed order until the env takes one.
 */
function resetAt(env: PlanningEnv, state: number[], seed: number): number[] {
  const onFace = state.flatMap((v, i) => (Number.isInteger(v) ? [i] : []));
  let refused: unknown = null;
  for (let code = 0; code < 3 ** onFace.length; code++) {
    const start = [...state];
    onFace.forEach((i, j) => {
      // Digit j of `code` in base 3 moves coordinate j by 0, -1 or +1 hair.
      const sign = [0, -1, 1][Math.floor(code / 3 ** j) % 3] as number;
      const v = state[i] as number;
      start[i] = v + sign * 1e-9 * Math.max(1, Math.abs(v));
    });
    try {
      env.reset({ seed, options: { start } });
      return start;
    } catch (e) {
      if (!(e instanceof EnvironmentError)) throw e;
      refused = e;
    }
  }
  throw new EnvironmentError(
    `wallCrossing: the env refuses the window's start state [${state.join(", ")}] (${(refused as Error).message})`,
  );
}

function distance(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += ((a[i] as number) - (b[i] as number)) ** 2;
  return Math.sqrt(s);
}
