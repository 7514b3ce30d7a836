import { EnvironmentError } from "@hjepa/errors";
import {
  Box,
  Env,
  type RenderFrame,
  type ResetOptions,
  type ResetResult,
  type Rng,
  type StepResult,
} from "gymnasium-js";
import type { GridMap } from "../map.ts";
import { drawMapCells, fillDisc, mapToAnsi, PALETTE, pictureCellPx } from "../render.ts";
import type { Oracle, PlanningEnv, PlanningResetOptions, TrueState } from "../types.ts";
import {
  POINT_MAZE_RENDER_MODES,
  type PointMazeObsMode,
  type PointMazeOptions,
  parsePointMazeOptions,
} from "./options.ts";
import { pointMazeOracle } from "./oracle.ts";
import { PIXEL_SIDE, PixelObserver } from "./pixels.ts";
import { WallGrid } from "./walls.ts";

export {
  POINT_MAZE_LAYOUTS,
  POINT_MAZE_OBS_MODES,
  type PointMazeLayout,
  type PointMazeObsMode,
  type PointMazeOptions,
  pointMazeLayout,
} from "./options.ts";

/** Pixels per cell of `render()` and `renderMap()`. */
export const POINT_MAZE_CELL_PX = 16;
/** Radius of the agent's disc in `render()`, in map units. */
const AGENT_RADIUS = 0.25;
/** Tries of rejection sampling for a goal away from the start before giving up. */
const SAMPLE_TRIES = 1000;

type Obs = Float32Array | Uint8Array;

/**
 * A point mass in a map of rooms (continuous 2-D actions). The true state is `[x, y]` in map units (cell
 * (r, c) covers x in [c, c+1), y in [r, r+1); x right, y down). An action in [-1, 1]^2 moves the point by
 * `action * maxStep` (plus optional Gaussian `actionNoise`), blocked by walls and doors with sliding (see
 * `WallGrid`). Reward 1 and `terminated` when within `successRadius` of the goal; `info.cost` 1 when a hazard
 * cell is entered or stayed in (terminating too with `hazardTerminates`).
 */
export class PointMazeEnv extends Env<Obs, Float32Array> implements PlanningEnv<Obs, Float32Array> {
  override metadata = { renderModes: [...POINT_MAZE_RENDER_MODES] as string[], renderFps: 10 };
  readonly observationSpace: Box<"float32"> | Box<"uint8">;
  readonly actionSpace = new Box({ low: -1, high: 1, shape: [2] });
  readonly map: GridMap;
  readonly walls: WallGrid;
  readonly obsMode: PointMazeObsMode;
  readonly maxStep: number;
  readonly successRadius: number;
  readonly actionNoise: number;
  readonly hazardTerminates: boolean;
  /** The pixel observer (scale and offset of the 64 x 64 picture), null in state mode. */
  readonly pixels: PixelObserver | null;

  private x = Number.NaN;
  private y = Number.NaN;
  private gx = Number.NaN;
  private gy = Number.NaN;
  private readonly out = new Float64Array(2);
  private readonly r2: number;
  /** Passable non-hazard cells (all passable cells if every one is a hazard), where states are sampled. */
  private readonly sampleCells: Int32Array;
  private readonly regionCells = new Map<number, Int32Array>();
  private cachedOracle: Oracle | null = null;
  private cachedMap: { goal: string; data: Uint8Array } | null = null;

  constructor(kwargs: PointMazeOptions | Record<string, unknown> = {}) {
    super();
    const cfg = parsePointMazeOptions(kwargs);
    this.map = cfg.map;
    this.obsMode = cfg.obsMode;
    this.maxStep = cfg.maxStep;
    this.successRadius = cfg.successRadius;
    this.actionNoise = cfg.actionNoise;
    this.hazardTerminates = cfg.hazardTerminates;
    this.renderMode = cfg.renderMode;
    this.r2 = cfg.successRadius * cfg.successRadius;
    this.walls = new WallGrid(this.map);
    const { rows, cols } = this.map;
    this.pixels = this.obsMode === "pixels" ? new PixelObserver(this.walls) : null;
    this.observationSpace =
      this.obsMode === "pixels"
        ? new Box<"uint8">({ low: 0, high: 255, shape: [PIXEL_SIDE, PIXEL_SIDE, 2], dtype: "uint8" })
        : new Box<"float32">({ low: 0, high: 1, shape: [2] });
    const cells: number[] = [];
    const passable: number[] = [];
    for (let i = 0; i < rows * cols; i++) {
      if (this.walls.blocked[i] === 1) continue;
      passable.push(i);
      if (this.walls.hazard[i] === 0) cells.push(i);
    }
    this.sampleCells = Int32Array.from(cells.length > 0 ? cells : passable);
    const byRegion = new Map<number, number[]>();
    for (const i of this.sampleCells) {
      const reg = this.walls.region[i] as number;
      const list = byRegion.get(reg);
      if (list) list.push(i);
      else byRegion.set(reg, [i]);
    }
    for (const [reg, list] of byRegion) this.regionCells.set(reg, Int32Array.from(list));
  }

  reset(opts: ResetOptions = {}): ResetResult<Obs> {
    this.seedRng(opts.seed);
    const o = (opts.options ?? {}) as PlanningResetOptions;
    const start = o.start === undefined ? null : this.checkState(o.start, "options.start");
    const goal = o.goal === undefined ? null : this.checkState(o.goal, "options.goal");
    const rng = this.rng;
    const s = start ?? (goal ? this.sampleAway(rng, goal, "start") : this.sampleFreeState(rng));
    const g = goal ?? this.sampleAway(rng, s, "goal");
    [this.x, this.y] = s as [number, number];
    [this.gx, this.gy] = g as [number, number];
    return {
      obs: this.observe(s),
      info: { goal: this.goalState(), goalObs: this.observe(g), state: this.trueState() },
    };
  }

  step(action: Float32Array): StepResult<Obs> {
    if (Number.isNaN(this.x)) throw new Error("PointMazeEnv.step: call reset() before step()");
    const a0 = action?.[0] as number;
    const a1 = action?.[1] as number;
    if (action?.length !== 2 || !(a0 >= -1 && a0 <= 1 && a1 >= -1 && a1 <= 1)) this.actionError(action);
    let dx = a0 * this.maxStep;
    let dy = a1 * this.maxStep;
    if (this.actionNoise > 0) {
      const rng = this.rng;
      dx += rng.normal(0, this.actionNoise);
      dy += rng.normal(0, this.actionNoise);
    }
    const hazard = this.walls.move(this.x, this.y, dx, dy, this.out);
    const x = this.out[0] as number;
    const y = this.out[1] as number;
    this.x = x;
    this.y = y;
    const ex = x - this.gx;
    const ey = y - this.gy;
    const success = ex * ex + ey * ey <= this.r2;
    return {
      obs: this.observeXY(x, y),
      reward: success ? 1 : 0,
      terminated: success || (hazard && this.hazardTerminates),
      truncated: false,
      info: { state: [x, y], cost: hazard ? 1 : 0, success },
    };
  }

  trueState(): number[] {
    return [this.x, this.y];
  }

  goalState(): number[] {
    return [this.gx, this.gy];
  }

  observe(state: TrueState): Obs {
    return this.observeXY(state[0] as number, state[1] as number);
  }

  /** A uniformly random passable state outside hazards (uniform over the area of those cells). */
  sampleFreeState(rng: Rng): number[] {
    return this.sampleIn(rng, this.sampleCells);
  }

  isSuccess(state: TrueState, goal: TrueState): boolean {
    const ex = (state[0] as number) - (goal[0] as number);
    const ey = (state[1] as number) - (goal[1] as number);
    return ex * ex + ey * ey <= this.r2;
  }

  /** The exact geodesic oracle (a visibility graph over the wall cells), built on first use. */
  oracle(): Oracle {
    this.cachedOracle ??= pointMazeOracle(this.walls);
    return this.cachedOracle;
  }

  /**
   * The map at `POINT_MAZE_CELL_PX` pixels per cell (fewer on a map too large for that), with the goal's success
   * disc once a goal is set.
   */
  renderMap(): { width: number; height: number; data: Uint8Array; cellPx: number } {
    const px = pictureCellPx(this.map.rows, this.map.cols, POINT_MAZE_CELL_PX);
    const key = `${this.gx},${this.gy}`;
    if (this.cachedMap?.goal !== key) {
      const img = drawMapCells(this.map, px);
      if (!Number.isNaN(this.gx))
        fillDisc(img, this.gx * px, this.gy * px, this.successRadius * px, PALETTE.goal);
      this.cachedMap = { goal: key, data: img.data };
    }
    return {
      width: this.map.cols * px,
      height: this.map.rows * px,
      data: this.cachedMap.data.slice(),
      cellPx: px,
    };
  }

  stateToPixel(state: TrueState): [number, number] {
    return [(state[0] as number) * POINT_MAZE_CELL_PX, (state[1] as number) * POINT_MAZE_CELL_PX];
  }

  override render(): RenderFrame | null {
    if (this.renderMode === "ansi") {
      const marks: { cell: [number, number]; char: string }[] = [];
      if (!Number.isNaN(this.gx)) marks.push({ cell: [Math.floor(this.gy), Math.floor(this.gx)], char: "G" });
      if (!Number.isNaN(this.x)) marks.push({ cell: [Math.floor(this.y), Math.floor(this.x)], char: "A" });
      return mapToAnsi(this.map, marks);
    }
    if (this.renderMode === "rgb_array") {
      const img = this.renderMap();
      if (!Number.isNaN(this.x)) {
        const [px, py] = this.stateToPixel([this.x, this.y]);
        fillDisc(img, px, py, AGENT_RADIUS * POINT_MAZE_CELL_PX, PALETTE.agent);
      }
      return { width: img.width, height: img.height, data: img.data };
    }
    return null;
  }

  private observeXY(x: number, y: number): Obs {
    if (this.pixels !== null) return this.pixels.observe(x, y);
    const out = new Float32Array(2);
    out[0] = x / this.map.cols;
    out[1] = y / this.map.rows;
    return out;
  }

  private sampleIn(rng: Rng, cells: Int32Array): number[] {
    const i = cells[rng.int(cells.length)] as number;
    const r = Math.floor(i / this.map.cols);
    const c = i - r * this.map.cols;
    return [c + rng.float(), r + rng.float()];
  }

  /** A state in the same connected region as `from`, farther than `successRadius` from it. */
  private sampleAway(rng: Rng, from: readonly number[], what: string): number[] {
    const [fx, fy] = from as [number, number];
    const region = this.walls.region[Math.floor(fy) * this.map.cols + Math.floor(fx)] as number;
    const cells = this.regionCells.get(region);
    if (cells) {
      for (let k = 0; k < SAMPLE_TRIES; k++) {
        const p = this.sampleIn(rng, cells);
        if (!this.isSuccess(p, from)) return p;
      }
    }
    throw new EnvironmentError(
      `PointMazeEnv.reset: cannot sample a ${what} farther than successRadius = ${this.successRadius} from [${fx}, ${fy}] in its connected region of ${this.map.source} (${cells?.length ?? 0} non-hazard free cells); use a smaller successRadius or a larger region`,
    );
  }

  private checkState(v: unknown, name: string): number[] {
    const { rows, cols, source } = this.map;
    const expected = `expected a free state [x, y] with x in [0, ${cols}), y in [0, ${rows}) outside '#' and 'D' cells`;
    const arr = v as ArrayLike<unknown> | null;
    const x = arr?.[0];
    const y = arr?.[1];
    if (
      arr?.length !== 2 ||
      typeof x !== "number" ||
      typeof y !== "number" ||
      !Number.isFinite(x) ||
      !Number.isFinite(y)
    ) {
      const shown =
        Array.isArray(v) || ArrayBuffer.isView(v)
          ? `[${Array.from(v as ArrayLike<unknown>).join(", ")}]`
          : String(v);
      throw new EnvironmentError(`PointMazeEnv.reset: ${name} = ${shown} is not a point; ${expected}`);
    }
    const r = Math.floor(y);
    const c = Math.floor(x);
    if (r < 0 || c < 0 || r >= rows || c >= cols) {
      throw new EnvironmentError(
        `PointMazeEnv.reset: ${name} = [${x}, ${y}] is outside the ${cols} x ${rows} map ${source}; ${expected}`,
      );
    }
    if (this.walls.isBlocked(r, c)) {
      throw new EnvironmentError(
        `PointMazeEnv.reset: ${name} = [${x}, ${y}] is in a wall cell (row ${r}, col ${c}) of ${source}; ${expected}`,
      );
    }
    return [x, y];
  }

  private actionError(action: unknown): never {
    const shown = action == null ? String(action) : `[${Array.from(action as ArrayLike<number>).join(", ")}]`;
    throw new RangeError(
      `PointMazeEnv.step: action ${shown} is outside the action space ${this.actionSpace} (expected 2 numbers in [-1, 1])`,
    );
  }
}
