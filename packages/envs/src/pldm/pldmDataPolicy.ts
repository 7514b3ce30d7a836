import { InputError } from "@hjepa/errors";
import type { Rng } from "gymnasium-js";
import type { DataPolicy, PlanningEnv, PlanningResetOptions } from "../types.ts";
import { isInWall, type PLDMGeometry } from "./pldmGeometry.ts";

/**
 * PLDM's offline data policy (`pldm_envs/wall/data/single.py` and `wall.py`), to be collected with
 * `dynamics: "data"`. Every episode's actions are drawn in `beginEpisode` and replayed by `act`.
 *
 * - Random walk: heading theta_0 ~ U[0, 2 pi), theta_t = theta_{t-1} + VonMises(0, kappa = 5); step length
 *   ~ TruncNormal(1.0, 0.4, [0.2, 1.8]) i.i.d.; action = length * (cos theta_t, sin theta_t).
 * - Start: uniform on [4, 60]^2; a start inside the middle wall gets its x redrawn uniformly on the left
 *   [4, 31] or the right [33, 60] side, 50/50.
 * - Door crossers: the first ceil(1024 * crossWallRate) episodes of every block of 1024 (PLDM's batch). A door
 *   point x ~ U[31, 33], y ~ TruncNormal(10, 1.4, [6, 14]) and a crossing step k ~ U{1..T} (T actions); a
 *   left-going walk of k actions (initial heading pi + phi, phi ~ U[-45, 45] degrees) reversed and negated
 *   leads to the door, then a right-going walk of T - k actions (initial heading phi) leaves it; half the
 *   crossers are time-reversed (actions reversed and negated); the start is the door point minus the sum
 *   of the actions before the door, clamped to [4.01, 59.99]. The start is not moved out of the middle wall
 *   (PLDM does not either); the blocked moves of the data dynamics mean some crossers never cross.
 *
 * One value of phi serves both walks, so the heading is continuous through the door (the spec names one
 * heading); PLDM draws from NumPy's global generator, whose stream we do not reproduce.
 */

export interface PLDMDataPolicyOptions {
  /** Fraction of each block of 1024 episodes that are door crossers (PLDM's good-quality data: 0.6). */
  crossWallRate?: number;
  /** Frames per episode, so episodeLength - 1 actions (PLDM: 91). */
  episodeLength?: number;
}

export const PLDM_DATA_DEFAULTS = {
  crossWallRate: 0.6,
  episodeLength: 91,
  /** PLDM's batch: crossers are the first ceil(batchSize * crossWallRate) episodes of each batch. */
  batchSize: 1024,
  /** Von Mises concentration of the heading change (PLDM: 1 / 0.2). */
  kappa: 5,
  stepMean: 1.0,
  stepStd: 0.4,
  stepMin: 0.2,
  stepMax: 1.8,
  /** Door point y ~ TruncNormal(door centre, doorYStd, door rows). */
  doorYStd: 1.4,
  /** Crossers head within this angle (rad) of straight left/right. */
  crossHeadingSpread: Math.PI / 4,
  /** Crosser starts are clamped this far (px) inside the border lines. */
  startInset: 0.01,
} as const;

export class PLDMDataPolicy implements DataPolicy<Float32Array> {
  readonly name = "pldm";
  readonly crossWallRate: number;
  readonly episodeLength: number;
  /** Whether the current episode is a door crosser. */
  crosser = false;
  /**
   * For a crosser: the door point, the number of actions before it (after time reversal) and whether the
   * episode was time-reversed; null otherwise.
   */
  door: { point: [number, number]; step: number; reversed: boolean } | null = null;
  /** The current episode's start and its action sequence (episodeLength - 1 actions). */
  start: [number, number] = [0, 0];
  actions: Float32Array[] = [];
  private t = 0;

  constructor(opts: PLDMDataPolicyOptions = {}) {
    this.crossWallRate = opts.crossWallRate ?? PLDM_DATA_DEFAULTS.crossWallRate;
    this.episodeLength = opts.episodeLength ?? PLDM_DATA_DEFAULTS.episodeLength;
    if (!(this.crossWallRate >= 0 && this.crossWallRate <= 1)) {
      throw new InputError(`PLDMDataPolicy: crossWallRate must be in [0, 1] (got ${this.crossWallRate})`);
    }
    if (!Number.isInteger(this.episodeLength) || this.episodeLength < 2) {
      throw new InputError(
        `PLDMDataPolicy: episodeLength must be an integer >= 2 frames (got ${this.episodeLength})`,
      );
    }
  }

  /** How many episodes of each block of 1024 are door crossers. */
  get crossersPerBatch(): number {
    return Math.ceil(PLDM_DATA_DEFAULTS.batchSize * this.crossWallRate);
  }

  beginEpisode(
    env: PlanningEnv<unknown, Float32Array>,
    rng: Rng,
    ctx: { episodeIndex: number; steps: number },
  ): PlanningResetOptions {
    const g = (env.unwrapped as { geometry?: PLDMGeometry }).geometry;
    if (g === undefined) {
      throw new InputError(
        `PLDMDataPolicy: env ${env} is not a PLDMTwoRooms env (expected hjepa/PLDMTwoRooms-v0)`,
      );
    }
    const n = this.episodeLength - 1;
    if (ctx.steps > n) {
      throw new InputError(
        `PLDMDataPolicy: episode ${ctx.episodeIndex} asks for ${ctx.steps} steps but episodeLength ` +
          `${this.episodeLength} gives ${n} actions (set episodeLength to at least steps + 1)`,
      );
    }
    this.crosser = ctx.episodeIndex % PLDM_DATA_DEFAULTS.batchSize < this.crossersPerBatch;
    const ep = this.crosser ? crosserEpisode(g, rng, n) : randomEpisode(g, rng, n);
    this.start = ep.start;
    this.actions = ep.actions;
    this.door = ep.door;
    this.t = 0;
    return { start: [...ep.start] };
  }

  act(): Float32Array {
    const a = this.actions[this.t];
    if (a === undefined) {
      throw new RangeError(
        `PLDMDataPolicy.act: the episode's ${this.actions.length} actions are used up ` +
          `(call beginEpisode first; episodeLength ${this.episodeLength} gives episodeLength - 1 actions)`,
      );
    }
    this.t++;
    return Float32Array.from(a);
  }
}

/** `n` actions of the heading random walk, starting with heading `theta0`. */
export function pldmWalk(rng: Rng, theta0: number, n: number): Float32Array[] {
  const d = PLDM_DATA_DEFAULTS;
  const out: Float32Array[] = [];
  let theta = theta0;
  for (let t = 0; t < n; t++) {
    if (t > 0) theta += rng.vonMises(0, d.kappa);
    const len = rng.truncNormal(d.stepMean, d.stepStd, d.stepMin, d.stepMax);
    out.push(Float32Array.of(len * Math.cos(theta), len * Math.sin(theta)));
  }
  return out;
}

interface Episode {
  start: [number, number];
  actions: Float32Array[];
  door: PLDMDataPolicy["door"];
}

function randomEpisode(g: PLDMGeometry, rng: Rng, n: number): Episode {
  let x = rng.uniform(g.borderLo, g.borderHi);
  const y = rng.uniform(g.borderLo, g.borderHi);
  if (isInWall(g, x, y))
    x = rng.bernoulli(0.5) ? rng.uniform(g.borderLo, g.wallLo) : rng.uniform(g.wallHi, g.borderHi);
  return { start: [x, y], actions: pldmWalk(rng, rng.uniform(0, 2 * Math.PI), n), door: null };
}

const negate = (a: Float32Array) => Float32Array.of(-(a[0] as number), -(a[1] as number));

function crosserEpisode(g: PLDMGeometry, rng: Rng, n: number): Episode {
  const d = PLDM_DATA_DEFAULTS;
  const doorX = rng.uniform(g.wallLo, g.wallHi);
  const doorY = rng.truncNormal((g.doorLo + g.doorHi) / 2, d.doorYStd, g.doorLo, g.doorHi);
  const k = rng.int(1, n + 1);
  const phi = rng.uniform(-d.crossHeadingSpread, d.crossHeadingSpread);
  const before = pldmWalk(rng, Math.PI + phi, k)
    .reverse()
    .map(negate);
  const after = pldmWalk(rng, phi, n - k);
  let actions = [...before, ...after];
  let atDoor = k;
  const reversed = rng.bernoulli(0.5);
  if (reversed) {
    actions = actions.reverse().map(negate);
    atDoor = n - k;
  }
  let x = doorX;
  let y = doorY;
  for (let t = 0; t < atDoor; t++) {
    x -= (actions[t] as Float32Array)[0] as number;
    y -= (actions[t] as Float32Array)[1] as number;
  }
  const lo = g.borderLo + d.startInset;
  const hi = g.borderHi - d.startInset;
  const clamp = (v: number) => Math.min(hi, Math.max(lo, v));
  return { start: [clamp(x), clamp(y)], actions, door: { point: [doorX, doorY], step: atDoor, reversed } };
}
