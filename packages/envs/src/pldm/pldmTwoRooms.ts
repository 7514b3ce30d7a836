import { EnvironmentError } from "@hjepa/errors";
import {
  Box,
  Env,
  type ResetOptions,
  type ResetResult,
  type RgbFrame,
  type Rng,
  type StepResult,
} from "gymnasium-js";
import { CELL, type GridMap } from "../map.ts";
import { drawMapCells, fillDisc, mapToAnsi, PALETTE } from "../render.ts";
import type {
  DataPolicy,
  Oracle,
  PlanningEnv,
  PlanningInfo,
  PlanningResetOptions,
  TrueState,
} from "../types.ts";
import { PLDMDataPolicy } from "./pldmDataPolicy.ts";
import { dataStep, evalStep } from "./pldmDynamics.ts";
import {
  isFreeState,
  isInsideBorders,
  mediumTaskRanges,
  type PLDMGeometry,
  pldmGeometry,
  sampleFreePosition,
  samplePLDMTask,
} from "./pldmGeometry.ts";
import { PLDM_DOT_STD, pldmWallMask, renderPLDMObs } from "./pldmObservation.ts";
import { pldmOracle } from "./pldmOracle.ts";

/**
 * `hjepa/PLDMTwoRooms-v0`: a port of PLDM's Two-Rooms ("wall") environment (vladisai/PLDM,
 * `pldm_envs/wall`). A dot moves by displacement actions in a 65 x 65 px arena split by a vertical wall with
 * one door near the top; the true state is its position `[x, y]` in pixels (x = column, y = row).
 *
 * Differences from PLDM, all deliberate:
 * - observations are channels-last (65 x 65 x 2) and the observation space declares what is returned (uint8
 *   0..255; PLDM declares a float [0, 1] box but returns uint8);
 * - an action outside the action space ([-1.8, 1.8]^2) throws, as the Gymnasium contract requires (PLDM never
 *   clips and accepts any displacement);
 * - `terminated` is true on success (Gymnasium convention; with eval dynamics, by default); PLDM's eval never
 *   stops early and reports success at any step, so a harness reproducing it may ignore `terminated`;
 * - a move parallel to a wall line never yields NaN (see `pldmDynamics.ts`).
 */

export const PLDM_OBS_MODES = ["pixels", "state"] as const;
export type PLDMObsMode = (typeof PLDM_OBS_MODES)[number];
export const PLDM_DYNAMICS = ["eval", "data"] as const;
export type PLDMDynamicsMode = (typeof PLDM_DYNAMICS)[number];
const RENDER_MODES = ["rgb_array", "ansi"] as const;

export type PLDMObs = Uint8Array | Float32Array;

/** PLDM's action space: a displacement of at most 1.8 px per axis. */
export const PLDM_ACTION_BOUND = 1.8;
/** Success: the mean over (x, y) of the squared error is below 1 px^2 (distance < sqrt(2) px). */
export const PLDM_SUCCESS_MSE = 1;
/** Pixels per arena pixel in `renderMap()` and `render()`. */
const CELL_PX = 4;

export interface PLDMTwoRoomsOptions {
  /** "pixels": uint8 [imgSize, imgSize, 2] (agent, walls); "state": float32 [x, y] in pixels. */
  obsMode?: PLDMObsMode;
  /** "eval": PLDM's eval env (bounce with noise); "data": PLDM's data generator (blocked moves stay put). */
  dynamics?: PLDMDynamicsMode;
  renderMode?: (typeof RENDER_MODES)[number] | null;
  /** Image side in pixels; PLDM's configs use 65 (the borders sit at 4 and imgSize - 5). */
  imgSize?: number;
  /**
   * End the episode on success. Default: true with eval dynamics (Gymnasium convention), false with data
   * dynamics, because PLDM's data episodes have no goal and always run their 90 steps (with a sampled goal,
   * about 5% of them would otherwise be cut short).
   */
  terminateOnSuccess?: boolean;
}

const OPTION_KEYS = ["obsMode", "dynamics", "renderMode", "imgSize", "terminateOnSuccess"];

function oneOf<T extends string>(value: unknown, allowed: readonly T[], name: string, fallback: T): T {
  if (value === undefined) return fallback;
  if (typeof value !== "string" || !(allowed as readonly string[]).includes(value)) {
    throw new EnvironmentError(
      `PLDMTwoRooms: ${name} must be one of ${allowed.join(", ")} (got ${String(value)})`,
    );
  }
  return value as T;
}

export class PLDMTwoRoomsEnv
  extends Env<PLDMObs, Float32Array>
  implements PlanningEnv<PLDMObs, Float32Array>
{
  override metadata = { renderModes: [...RENDER_MODES] as string[], renderFps: 10 };
  readonly geometry: PLDMGeometry;
  readonly obsMode: PLDMObsMode;
  readonly dynamics: PLDMDynamicsMode;
  readonly terminateOnSuccess: boolean;
  readonly observationSpace: Box<"uint8"> | Box<"float32">;
  readonly actionSpace = new Box({ low: -PLDM_ACTION_BOUND, high: PLDM_ACTION_BOUND, shape: [2] });
  private readonly wallMask: Uint8Array;
  private readonly wallMap: GridMap;
  private pos: [number, number] = [0, 0];
  private goal: [number, number] = [0, 0];
  private started = false;
  private cachedOracle: Oracle | null = null;

  constructor(kwargs: PLDMTwoRoomsOptions | Record<string, unknown> = {}) {
    super();
    const opts = kwargs as Record<string, unknown>;
    for (const key of Object.keys(opts)) {
      if (!OPTION_KEYS.includes(key)) {
        throw new EnvironmentError(
          `PLDMTwoRooms: unknown option '${key}' (expected one of ${OPTION_KEYS.join(", ")})`,
        );
      }
    }
    this.obsMode = oneOf(opts.obsMode, PLDM_OBS_MODES, "obsMode", "pixels");
    this.dynamics = oneOf(opts.dynamics, PLDM_DYNAMICS, "dynamics", "eval");
    const terminate = opts.terminateOnSuccess ?? this.dynamics === "eval";
    if (typeof terminate !== "boolean") {
      throw new EnvironmentError(
        `PLDMTwoRooms: terminateOnSuccess must be true or false (got ${String(terminate)})`,
      );
    }
    this.terminateOnSuccess = terminate;
    this.renderMode =
      opts.renderMode === undefined || opts.renderMode === null
        ? null
        : oneOf(opts.renderMode, RENDER_MODES, "renderMode", "rgb_array");
    const imgSize = opts.imgSize ?? 65;
    if (typeof imgSize !== "number")
      throw new EnvironmentError(`PLDMTwoRooms: imgSize must be a number (got ${imgSize})`);
    this.geometry = pldmGeometry(imgSize);
    const g = this.geometry;
    this.observationSpace =
      this.obsMode === "pixels"
        ? new Box<"uint8">({ low: 0, high: 255, shape: [g.imgSize, g.imgSize, 2], dtype: "uint8" })
        : new Box<"float32">({ low: g.borderLo, high: g.borderHi, shape: [2] });
    this.wallMask = pldmWallMask(g);
    const cells = new Uint8Array(g.imgSize * g.imgSize);
    for (let k = 0; k < cells.length; k++) cells[k] = this.wallMask[k] ? CELL.wall : CELL.free;
    this.wallMap = {
      rows: g.imgSize,
      cols: g.imgSize,
      cells,
      start: null,
      goal: null,
      key: null,
      door: null,
      source: "PLDMTwoRooms",
    };
  }

  reset(opts: ResetOptions = {}): ResetResult<PLDMObs> {
    this.seedRng(opts.seed);
    const o = (opts.options ?? {}) as PlanningResetOptions;
    // One sampled task fills whichever of start and goal the caller left out.
    const task =
      o.start === undefined || o.goal === undefined
        ? samplePLDMTask(this.rng, mediumTaskRanges(this.geometry))
        : null;
    this.pos = task !== null && o.start === undefined ? task.start : this.checkState(o.start, "start");
    this.goal = task !== null && o.goal === undefined ? task.goal : this.checkState(o.goal, "goal");
    this.started = true;
    return {
      obs: this.observe(this.pos),
      info: { goal: this.goalState(), goalObs: this.observe(this.goal), state: this.trueState() },
    };
  }

  step(action: Float32Array): StepResult<PLDMObs> {
    if (!this.started) throw new Error("PLDMTwoRooms.step: call reset() before step()");
    if (!this.actionSpace.contains(action)) {
      const shown =
        ArrayBuffer.isView(action) || Array.isArray(action)
          ? `[${Array.from(action).join(", ")}]`
          : String(action);
      throw new RangeError(
        `PLDMTwoRooms.step: action ${shown} is not in ${this.actionSpace} (expected a Float32Array of 2 ` +
          `displacements in [-${PLDM_ACTION_BOUND}, ${PLDM_ACTION_BOUND}] px)`,
      );
    }
    const a: [number, number] = [action[0] as number, action[1] as number];
    this.pos =
      this.dynamics === "eval"
        ? evalStep(this.geometry, this.pos, a, this.rng)
        : dataStep(this.geometry, this.pos, a);
    const success = this.isSuccess(this.pos, this.goal);
    const info: PlanningInfo = { state: this.trueState(), cost: 0, success };
    return {
      obs: this.observe(this.pos),
      reward: success ? 1 : 0,
      terminated: success && this.terminateOnSuccess,
      truncated: false,
      info,
    };
  }

  trueState(): number[] {
    return [...this.pos];
  }

  goalState(): number[] {
    return [...this.goal];
  }

  observe(state: TrueState): PLDMObs {
    const x = state[0] as number;
    const y = state[1] as number;
    if (this.obsMode === "state") return Float32Array.of(x, y);
    return renderPLDMObs(this.geometry, x, y, this.wallMask);
  }

  sampleFreeState(rng: Rng): number[] {
    return sampleFreePosition(this.geometry, rng);
  }

  /** PLDM's eval sampler ("medium"): start and goal in opposite rooms, 2.6 px from every wall. */
  sampleTask(rng: Rng): { start: number[]; goal: number[] } {
    return samplePLDMTask(rng, mediumTaskRanges(this.geometry));
  }

  isSuccess(state: TrueState, goal: TrueState): boolean {
    const dx = (state[0] as number) - (goal[0] as number);
    const dy = (state[1] as number) - (goal[1] as number);
    return (dx * dx + dy * dy) / 2 < PLDM_SUCCESS_MSE;
  }

  oracle(): Oracle {
    this.cachedOracle ??= pldmOracle(this.geometry);
    return this.cachedOracle;
  }

  dataPolicies(): Record<string, () => DataPolicy> {
    return { pldm: () => new PLDMDataPolicy() as DataPolicy };
  }

  /**
   * The arena's observation pixels (walls) scaled by 4, with the goal's success disc (radius sqrt(2) px) once
   * reset has set a goal.
   */
  renderMap(): { width: number; height: number; data: Uint8Array; cellPx: number } {
    const img = drawMapCells(this.wallMap, CELL_PX);
    if (this.started) {
      const [gx, gy] = this.stateToPixel(this.goal);
      fillDisc(img, gx, gy, Math.SQRT2 * CELL_PX, PALETTE.goal);
    }
    return { ...img, cellPx: CELL_PX };
  }

  /** Pixel (i, j) of the observation is centred at (x = j, y = i), so position x maps to (x + 0.5) * 4. */
  stateToPixel(state: TrueState): [number, number] {
    return [((state[0] as number) + 0.5) * CELL_PX, ((state[1] as number) + 0.5) * CELL_PX];
  }

  override render(): RgbFrame | string | null {
    if (this.renderMode === null) return null;
    if (this.renderMode === "ansi") {
      const cell = (s: readonly number[]): [number, number] => [
        Math.round(s[1] as number),
        Math.round(s[0] as number),
      ];
      return mapToAnsi(this.wallMap, [
        { cell: cell(this.goal), char: "G" },
        { cell: cell(this.pos), char: "A" },
      ]);
    }
    const { width, height, data } = this.renderMap();
    const img: RgbFrame = { width, height, data };
    const [ax, ay] = this.stateToPixel(this.pos);
    fillDisc(img, ax, ay, PLDM_DOT_STD * CELL_PX, PALETTE.agent);
    return img;
  }

  /**
   * A start or goal from reset options: two numbers, a free position. With data dynamics a start may also lie
   * inside the middle wall: PLDM's door-crosser starts (clamped only to the borders) sometimes do.
   */
  private checkState(s: unknown, name: "start" | "goal"): [number, number] {
    const arr = s as ArrayLike<number>;
    const ok = arr !== null && typeof arr === "object" && arr.length === 2;
    const x = ok ? Number(arr[0]) : Number.NaN;
    const y = ok ? Number(arr[1]) : Number.NaN;
    const g = this.geometry;
    const wallAllowed = name === "start" && this.dynamics === "data";
    if (!(wallAllowed ? isInsideBorders(g, x, y) : isFreeState(g, x, y))) {
      throw new EnvironmentError(
        `PLDMTwoRooms.reset: options.${name} ${ok ? `[${x}, ${y}]` : String(s)} is not a free position ` +
          `(expected [x, y] in (${g.borderLo}, ${g.borderHi})^2 outside the middle wall: x in ` +
          `[${g.wallLo}, ${g.wallHi}] is free only for y in [${g.doorLo}, ${g.doorHi}])`,
      );
    }
    return [x, y];
  }
}
