import { EnvironmentError } from "@hjepa/errors";
import {
  type Box,
  Discrete,
  Env,
  type RenderFrame,
  type ResetOptions,
  type ResetResult,
  type Rng,
  type StepResult,
} from "gymnasium-js";
import { CELL, type GridMap, MapError } from "../map.ts";
import { drawMapCells, fillDisc, fillRect, mapToAnsi, PALETTE, pictureCellPx } from "../render.ts";
import type { Oracle, PlanningEnv, PlanningInfo, TrueState } from "../types.ts";
import { labelComponents, pickExcept } from "./components.ts";
import { type GridObs, GridObsEncoder, type GridObsMode } from "./gridObs.ts";
import { GridOracle, MOVE_DC, MOVE_DR } from "./gridOracle.ts";

/** Constructor options shared by the grid environments. */
export interface GridEnvOptions {
  /** `coords` (default), `onehot` or `pixels`; see `GridObsEncoder`. */
  obsMode?: GridObsMode;
  /** Probability that the action is replaced by a uniformly random move (drawn from `env.rng`). */
  slip?: number;
  /** Whether a step ending on a hazard cell terminates the episode (it always costs 1). */
  hazardTerminates?: boolean;
  renderMode?: "rgb_array" | "ansi" | null;
  /** Pixels per cell of `pixels` observations (default: largest integer keeping the image within 64 px). */
  pixelScale?: number;
  /** Pixels per cell of `render()` and `renderMap()` pictures (default 16). */
  renderCellPx?: number;
}

export const GRID_RENDER_CELL_PX = 16;

/** `reset` info of the grid environments. */
export interface GridResetInfo extends PlanningInfo {
  goal: number[];
  goalObs: GridObs;
}
export type GridStepResult = StepResult<GridObs> & { info: PlanningInfo };
export type GridResetResult = ResetResult<GridObs> & { info: GridResetInfo };

const GRID_ENV_OPTION_KEYS = [
  "obsMode",
  "slip",
  "hazardTerminates",
  "renderMode",
  "pixelScale",
  "renderCellPx",
];

/** Rejects unknown constructor options (a misspelt kwarg would otherwise be silently ignored). */
export function checkOptionKeys(opts: object, extra: readonly string[], envName: string): void {
  const known = [...GRID_ENV_OPTION_KEYS, ...extra];
  for (const key of Object.keys(opts)) {
    if (!known.includes(key)) {
      throw new EnvironmentError(
        `${envName}: unknown option ${JSON.stringify(key)} (expected one of ${known.join(", ")})`,
      );
    }
  }
}

/**
 * A grid world with four moves (0 up, 1 right, 2 down, 3 left): a move into a wall, off the map or into a
 * locked door leaves the agent in place. The true state is `[row, col]`, or `[row, col, hasKey]` with the key
 * mechanics (entering the key cell picks the key up for the rest of the episode; door cells are passable only
 * while it is held). Reward 1 and termination when the agent is on the goal cell. A step ending on a hazard
 * cell (entering it or staying on it) has `info.cost = 1`. Subclasses choose the map and how start and goal
 * are sampled.
 */
export abstract class GridEnv extends Env<GridObs, number> implements PlanningEnv<GridObs, number> {
  override metadata = { renderModes: ["rgb_array", "ansi"], renderFps: 8 };
  readonly actionSpace = new Discrete(4);
  readonly observationSpace: Box<"float32"> | Box<"uint8">;
  readonly map: GridMap;
  readonly obsMode: GridObsMode;
  readonly slip: number;
  readonly hazardTerminates: boolean;
  readonly withKey: boolean;
  readonly renderCellPx: number;
  protected readonly encoder: GridObsEncoder;
  protected readonly envName: string;
  /** 1 for cells where starts and goals may be sampled: free, not a hazard, key or door. */
  protected readonly open: Uint8Array;
  /** Connected component of each non-wall cell (doors counted as passable), -1 for walls. */
  protected readonly component: Int32Array;
  /** The open cells of each component. */
  protected readonly componentCells: Int32Array[];
  protected r = 0;
  protected c = 0;
  protected k = 0;
  protected gr = 0;
  protected gc = 0;
  private started = false;
  private oracleInstance: GridOracle | null = null;
  private mapLayers: [Uint8Array | null, Uint8Array | null] = [null, null];

  protected constructor(map: GridMap, opts: GridEnvOptions, withKey: boolean, envName: string) {
    super();
    this.envName = envName;
    this.map = map;
    this.withKey = withKey;
    this.obsMode = opts.obsMode ?? "coords";
    // Every option error names the env, the option, what is expected and what was given.
    const invalid = (field: string, expected: string, got: string) =>
      new EnvironmentError(`${envName}: ${field} must be ${expected} (got ${got})`);
    this.slip = opts.slip ?? 0;
    if (!(this.slip >= 0 && this.slip <= 1))
      throw invalid("slip", "a probability in [0, 1]", String(opts.slip));
    this.hazardTerminates = opts.hazardTerminates ?? false;
    if (typeof this.hazardTerminates !== "boolean")
      throw invalid("hazardTerminates", "a boolean", String(opts.hazardTerminates));
    const mode = opts.renderMode ?? null;
    if (mode !== null && !this.metadata.renderModes.includes(mode))
      throw invalid(
        "renderMode",
        `one of ${this.metadata.renderModes.join(", ")} or null`,
        JSON.stringify(mode),
      );
    this.renderMode = mode;
    this.renderCellPx = opts.renderCellPx ?? pictureCellPx(map.rows, map.cols, GRID_RENDER_CELL_PX);
    if (!Number.isInteger(this.renderCellPx) || this.renderCellPx < 1)
      throw invalid("renderCellPx", "a positive integer", String(opts.renderCellPx));
    this.encoder = new GridObsEncoder(map, {
      mode: this.obsMode,
      withKey,
      owner: envName,
      ...(opts.pixelScale !== undefined ? { pixelScale: opts.pixelScale } : {}),
    });
    this.observationSpace = this.encoder.space;
    const n = map.rows * map.cols;
    this.open = new Uint8Array(n);
    for (let i = 0; i < n; i++) this.open[i] = map.cells[i] === CELL.free ? 1 : 0;
    this.component = labelComponents(map);
    const lists: number[][] = [];
    for (let i = 0; i < n; i++) {
      const comp = this.component[i] as number;
      if (comp < 0) continue;
      while (lists.length <= comp) lists.push([]);
      if (this.open[i] === 1) lists[comp]?.push(i);
    }
    this.componentCells = lists.map((l) => Int32Array.from(l));
    if (!this.componentCells.some((l) => l.length >= 2)) {
      throw new MapError(`${envName}: ${map.source} needs two connected free cells for a start and a goal`);
    }
  }

  // ---- sampling hooks (cell indices) ----

  /** A start cell for a sampled task. */
  protected abstract sampleStartCell(rng: Rng): number;
  /** A goal cell for a sampled task starting at `start`. */
  protected abstract sampleGoalCell(rng: Rng, start: number): number;

  /** A uniformly random open cell of `start`'s component other than `start`. */
  protected sameComponentGoal(rng: Rng, start: number): number {
    const pool = this.componentCells[this.component[start] as number] as Int32Array;
    const goal = pickExcept(pool, start, this.open[start] === 1, rng);
    if (goal < 0)
      throw new EnvironmentError(
        `${this.envName}: no free cell is reachable from the start ${this.cellStr(start)}`,
      );
    return goal;
  }

  sampleTask(rng: Rng): { start: number[]; goal: number[] } {
    const start = this.sampleStartCell(rng);
    const goal = this.sampleGoalCell(rng, start);
    return { start: this.stateOfCell(start, this.keyAt(start)), goal: this.stateOfCell(goal, 1) };
  }

  // ---- Gymnasium contract ----

  reset(opts: ResetOptions = {}): GridResetResult {
    this.seedRng(opts.seed);
    const o = (opts.options ?? {}) as { start?: unknown; goal?: unknown };
    let start: number;
    let hasKey = 0;
    if (o.start !== undefined) {
      const s = this.parseState(o.start, "options.start");
      start = s.cell;
      hasKey = s.hasKey;
      if (this.map.cells[start] === CELL.door && hasKey === 0) {
        throw new EnvironmentError(
          `${this.envName}.reset: options.start ${this.cellStr(start)} is a locked door (give hasKey 1)`,
        );
      }
    } else if (this.map.start !== null) {
      start = this.map.start[0] * this.map.cols + this.map.start[1];
    } else {
      start = this.sampleStartCell(this.rng);
    }
    hasKey = this.withKey ? Math.max(hasKey, this.keyAt(start)) : 0;
    let goal: number;
    if (o.goal !== undefined) goal = this.parseState(o.goal, "options.goal").cell;
    else if (this.map.goal !== null) goal = this.map.goal[0] * this.map.cols + this.map.goal[1];
    else goal = this.sampleGoalCell(this.rng, start);
    const cols = this.map.cols;
    this.r = Math.floor(start / cols);
    this.c = start - this.r * cols;
    this.k = hasKey;
    this.gr = Math.floor(goal / cols);
    this.gc = goal - this.gr * cols;
    this.started = true;
    const goalState = this.goalState();
    const info: GridResetInfo = {
      state: this.trueState(),
      goal: goalState,
      goalObs: this.observe(goalState),
      cost: 0,
      success: this.r === this.gr && this.c === this.gc,
    };
    return { obs: this.encoder.encode(this.r, this.c, this.k), info };
  }

  step(action: number): GridStepResult {
    if (action >>> 0 !== action || action > 3) {
      throw new RangeError(
        `${this.envName}.step: action ${String(action)} is not in the action space Discrete(4) (0 up, 1 right, 2 down, 3 left)`,
      );
    }
    if (!this.started) throw new Error(`${this.envName}.step: call reset() before step()`);
    let a = action;
    if (this.slip > 0 && this.rng.float() < this.slip) a = this.rng.int(4);
    const { rows, cols, cells } = this.map;
    const nr = this.r + MOVE_DR[a];
    const nc = this.c + MOVE_DC[a];
    if (nr >= 0 && nc >= 0 && nr < rows && nc < cols) {
      const v = cells[nr * cols + nc];
      if (v !== CELL.wall && (v !== CELL.door || this.k === 1)) {
        this.r = nr;
        this.c = nc;
        if (v === CELL.key && this.withKey) this.k = 1;
      }
    }
    const cost = cells[this.r * cols + this.c] === CELL.hazard ? 1 : 0;
    const success = this.r === this.gr && this.c === this.gc;
    const info: PlanningInfo = { state: this.trueState(), cost, success };
    return {
      obs: this.encoder.encode(this.r, this.c, this.k),
      reward: success ? 1 : 0,
      terminated: success || (cost === 1 && this.hazardTerminates),
      truncated: false,
      info,
    };
  }

  override render(): RenderFrame | null {
    if (this.renderMode === "ansi") {
      const marks: { cell: [number, number]; char: string }[] = [];
      if (this.k === 1 && this.map.key !== null) marks.push({ cell: this.map.key, char: "." });
      marks.push({ cell: [this.gr, this.gc], char: "G" }, { cell: [this.r, this.c], char: "A" });
      return mapToAnsi(this.map, marks);
    }
    if (this.renderMode !== "rgb_array") return null;
    const frame = this.mapPicture(this.k === 1);
    const px = this.renderCellPx;
    fillDisc(frame, (this.c + 0.5) * px, (this.r + 0.5) * px, 0.35 * px, PALETTE.agent);
    return { width: frame.width, height: frame.height, data: frame.data };
  }

  // ---- PlanningEnv ----

  trueState(): number[] {
    return this.withKey ? [this.r, this.c, this.k] : [this.r, this.c];
  }

  goalState(): number[] {
    return this.withKey ? [this.gr, this.gc, 1] : [this.gr, this.gc];
  }

  observe(state: TrueState): GridObs {
    // A state from hjepa's own code (a dataset, a planner): a bad one is a bug, not the user's input.
    const s = this.parseState(state, "observe state", true, (m) => new RangeError(m));
    const cols = this.map.cols;
    const r = Math.floor(s.cell / cols);
    return this.encoder.encode(r, s.cell - r * cols, s.hasKey);
  }

  /** A uniformly random open cell (free: not a wall, hazard, key or door cell). */
  sampleFreeState(rng: Rng): number[] {
    const cell = this.sampleOpenCell(rng);
    return this.stateOfCell(cell, this.keyAt(cell));
  }

  isSuccess(state: TrueState, goal: TrueState): boolean {
    return state[0] === goal[0] && state[1] === goal[1];
  }

  /** The exact BFS oracle (`GridOracle`); a stochastic subclass gives its own (an `Oracle`). */
  oracle(): Oracle {
    if (this.oracleInstance === null) {
      this.oracleInstance = new GridOracle(this.map, {
        withKey: this.withKey,
        name: `${this.envName}.oracle`,
      });
    }
    return this.oracleInstance;
  }

  renderMap(): { width: number; height: number; data: Uint8Array; cellPx: number } {
    const img = this.mapPicture(false);
    return { ...img, cellPx: this.renderCellPx };
  }

  stateToPixel(state: TrueState): [number, number] {
    return [
      ((state[1] as number) + 0.5) * this.renderCellPx,
      ((state[0] as number) + 0.5) * this.renderCellPx,
    ];
  }

  // ---- helpers ----

  protected sampleOpenCell(rng: Rng): number {
    let total = 0;
    for (const l of this.componentCells) total += l.length;
    let j = rng.int(total);
    for (const l of this.componentCells) {
      if (j < l.length) return l[j] as number;
      j -= l.length;
    }
    throw new Error(`${this.envName}: unreachable`);
  }

  /** 1 when the cell is the key cell (standing on it means holding the key), else 0. */
  protected keyAt(cell: number): number {
    return this.withKey && this.map.cells[cell] === CELL.key ? 1 : 0;
  }

  protected stateOfCell(cell: number, hasKey: number): number[] {
    const r = Math.floor(cell / this.map.cols);
    const c = cell - r * this.map.cols;
    return this.withKey ? [r, c, hasKey] : [r, c];
  }

  protected cellStr(cell: number): string {
    const r = Math.floor(cell / this.map.cols);
    return `[${r}, ${cell - r * this.map.cols}]`;
  }

  /**
   * Validates a true state given by a caller; walls are rejected unless `allowWall`. A problem is an
   * `EnvironmentError` (a start or goal the user gave, e.g. from a task set) unless `error` says otherwise.
   */
  protected parseState(
    value: unknown,
    what: string,
    allowWall = false,
    error: (message: string) => Error = (m) => new EnvironmentError(m),
  ): { cell: number; hasKey: number } {
    const { rows, cols } = this.map;
    const shape = this.withKey ? "[row, col] or [row, col, hasKey]" : "[row, col]";
    const arr = value as number[];
    const okLen = Array.isArray(value) || ArrayBuffer.isView(value);
    const len = okLen ? arr.length : -1;
    if (!okLen || !(len === 2 || (this.withKey && len === 3))) {
      throw error(`${this.envName}: ${what} must be ${shape} (got ${JSON.stringify(value)})`);
    }
    const r = arr[0] as number;
    const c = arr[1] as number;
    const hasKey = len === 3 ? (arr[2] as number) : 0;
    if (!Number.isInteger(r) || !Number.isInteger(c) || r < 0 || c < 0 || r >= rows || c >= cols) {
      throw error(
        `${this.envName}: ${what} [${Array.from(arr).join(", ")}] is not a cell of the ${rows}x${cols} map (expected integers, row < ${rows}, col < ${cols})`,
      );
    }
    if (hasKey !== 0 && hasKey !== 1) {
      throw error(`${this.envName}: ${what} has hasKey ${hasKey} (expected 0 or 1)`);
    }
    const cell = r * cols + c;
    if (!allowWall && this.map.cells[cell] === CELL.wall) {
      throw error(`${this.envName}: ${what} [${r}, ${c}] is a wall cell (expected a free cell)`);
    }
    return { cell, hasKey };
  }

  /** The map picture (key taken or not) with the goal marker, as a fresh copy. */
  private mapPicture(keyTaken: boolean): { width: number; height: number; data: Uint8Array } {
    const px = this.renderCellPx;
    const idx = keyTaken ? 1 : 0;
    this.mapLayers[idx] ??= drawMapCells(this.map, px, { keyTaken, doorOpen: keyTaken }).data;
    const layer = this.mapLayers[idx];
    const img = { width: this.map.cols * px, height: this.map.rows * px, data: layer.slice() };
    const inset = Math.max(1, Math.floor(px / 6));
    fillRect(
      img,
      this.gc * px + inset,
      this.gr * px + inset,
      (this.gc + 1) * px - inset,
      (this.gr + 1) * px - inset,
      PALETTE.goal,
    );
    return img;
  }
}
