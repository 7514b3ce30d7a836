import { EnvironmentError } from "@hjepa/errors";
import type { Rng } from "gymnasium-js";
import { CELL, type GridMap, MapError, mapFromOptions, parseMap } from "../map.ts";
import { checkOptionKeys, GridEnv, type GridEnvOptions, type GridStepResult } from "./gridCore.ts";
import { GRID_OBS_MODES } from "./gridObs.ts";
import { MOVE_DC, MOVE_DR } from "./gridOracle.ts";
import { type WindSpec, WindyOracle } from "./windyOracle.ts";

export const WINDY_CLIFF_OBS_MODES = GRID_OBS_MODES;

/**
 * The built-in WindyCliff layout (7x13): a 4-row field whose middle columns 5-7 are windy and lie above a gorge
 * of hazard cells (row 5). Three windy columns: crossing on the top row is safe whatever the gusts (3 pushes
 * reach row 4 at most), crossing on the bottom row falls with probability 1 - (1 - gust)^3. Starts and goals are sampled on the calm ground left and right of the wind, so every
 * task crosses it; the straight crossing along the gorge's edge is the shortest and the most dangerous.
 */
export const WINDY_CLIFF_MAP = `
#############
#...........#
#...........#
#...........#
#...........#
#####HHH#####
#############
`;

/** The windy columns of `WINDY_CLIFF_MAP` (inclusive). */
export const WINDY_CLIFF_COLUMNS: readonly [number, number] = [5, 7];

export interface WindyCliffOptions extends GridEnvOptions {
  /** Probability that a step ending on a windy cell is pushed one cell down (default 0.3). */
  gust?: number;
  /** First and last windy column, inclusive (default [5, 7]); every row of those columns is windy. */
  windColumns?: readonly [number, number];
  /** An ASCII map (text) instead of `WINDY_CLIFF_MAP`. */
  map?: string;
  /** An ASCII map file instead of `WINDY_CLIFF_MAP`. */
  mapFile?: string;
}

/** The wind pushes down (toward the gorge): move 2. */
const WIND_DIRECTION = 2;

/**
 * A grid with wind: the stochastic environment for latent-variable world models. A move goes as on any grid
 * (`GridEnv`); reaching the goal ends the episode at once; otherwise a move that ends on a windy cell is pushed
 * one cell down with probability `gust` (drawn from the env's seeded rng; a wall below stops the push). A push
 * onto a hazard costs 1 (and ends the episode with `hazardTerminates`). So the same state and action have two
 * futures in the wind and one elsewhere: a deterministic world model predicts their average, which is no real
 * future, and the guardrail on that average misses the gorge.
 *
 * Tasks: the start on the calm cells on one side of the windy columns, the goal on the other side (the side
 * drawn at random); the oracle (`WindyOracle`) gives the expected number of moves of the optimal strategy that
 * never risks a hazard. `hazardTerminates` defaults to true here: falling into the gorge ends the episode.
 */
export class WindyCliffEnv extends GridEnv {
  readonly gust: number;
  readonly windColumns: readonly [number, number];
  /** 1 for windy cells. */
  readonly windy: Uint8Array;
  private readonly left: Int32Array;
  private readonly right: Int32Array;
  private windyOracle: WindyOracle | null = null;

  constructor(opts: WindyCliffOptions = {}) {
    checkOptionKeys(opts, ["gust", "windColumns", "map", "mapFile"], "WindyCliffEnv");
    const map = mapFromOptions(opts, () => parseMap(WINDY_CLIFF_MAP, "WINDY_CLIFF_MAP"));
    rejectKeyDoor(map);
    super(map, { hazardTerminates: true, ...opts }, false, "WindyCliffEnv");
    const gust = opts.gust ?? 0.3;
    if (!(typeof gust === "number" && gust >= 0 && gust <= 1)) {
      throw new EnvironmentError(
        `WindyCliffEnv: gust must be a probability in [0, 1] (got ${String(opts.gust)})`,
      );
    }
    this.gust = gust;
    const cols = opts.windColumns ?? WINDY_CLIFF_COLUMNS;
    const [c0, c1] = cols;
    if (
      !Array.isArray(cols) ||
      cols.length !== 2 ||
      !Number.isInteger(c0) ||
      !Number.isInteger(c1) ||
      c0 < 0 ||
      c1 < c0 ||
      c1 >= map.cols
    ) {
      throw new EnvironmentError(
        `WindyCliffEnv: windColumns must be [first, last] columns of the map, 0 <= first <= last < ${map.cols} (got ${JSON.stringify(opts.windColumns)})`,
      );
    }
    this.windColumns = [c0, c1];
    this.windy = new Uint8Array(map.rows * map.cols);
    const left: number[] = [];
    const right: number[] = [];
    for (let i = 0; i < this.windy.length; i++) {
      const c = i % map.cols;
      if (map.cells[i] !== CELL.wall && c >= c0 && c <= c1) this.windy[i] = 1;
      if (this.open[i] !== 1) continue;
      if (c < c0) left.push(i);
      else if (c > c1) right.push(i);
    }
    this.left = Int32Array.from(left);
    this.right = Int32Array.from(right);
  }

  /** The wind as the oracle and tests read it. */
  wind(): WindSpec {
    return { windy: this.windy, gust: this.gust, direction: WIND_DIRECTION };
  }

  override step(action: number): GridStepResult {
    const moved = super.step(action);
    if (moved.terminated || this.windy[this.r * this.map.cols + this.c] !== 1 || this.gust === 0)
      return moved;
    if (!(this.rng.float() < this.gust)) return moved;
    const { rows, cols, cells } = this.map;
    const nr = this.r + MOVE_DR[WIND_DIRECTION];
    const nc = this.c + MOVE_DC[WIND_DIRECTION];
    if (nr < 0 || nr >= rows || cells[nr * cols + nc] === CELL.wall) return moved;
    this.r = nr;
    this.c = nc;
    const cost = cells[nr * cols + nc] === CELL.hazard ? 1 : 0;
    const success = this.r === this.gr && this.c === this.gc;
    return {
      obs: this.encoder.encode(this.r, this.c, 0),
      reward: success ? 1 : 0,
      terminated: success || (cost === 1 && this.hazardTerminates),
      truncated: false,
      info: { state: this.trueState(), cost, success, gust: true },
    };
  }

  override oracle(): WindyOracle {
    this.windyOracle ??= new WindyOracle(this.map, this.wind(), "WindyCliffEnv.oracle");
    return this.windyOracle;
  }

  protected sampleStartCell(rng: Rng): number {
    if (this.left.length === 0 || this.right.length === 0) return this.sampleOpenCell(rng);
    const side = rng.int(2) === 0 ? this.left : this.right;
    return side[rng.int(side.length)] as number;
  }

  protected sampleGoalCell(rng: Rng, start: number): number {
    const c = start % this.map.cols;
    const other = c < this.windColumns[0] ? this.right : c > this.windColumns[1] ? this.left : null;
    if (other === null || other.length === 0) return this.sameComponentGoal(rng, start);
    return other[rng.int(other.length)] as number;
  }
}

function rejectKeyDoor(map: GridMap): void {
  if (map.key !== null || map.door !== null || map.cells.some((v) => v === CELL.key || v === CELL.door)) {
    throw new MapError(
      `WindyCliffEnv: ${map.source} has a key 'K' or a door 'D'; WindyCliff maps use # . S G H only`,
    );
  }
}
