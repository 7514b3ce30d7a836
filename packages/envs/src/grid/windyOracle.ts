import { EnvironmentError } from "@hjepa/errors";
import { CELL, type GridMap } from "../map.ts";
import type { Oracle, TrueState } from "../types.ts";
import { moveCell } from "./gridOracle.ts";

/** Where the wind blows on a grid: which cells are windy, the chance of a gust, and the row it pushes toward. */
export interface WindSpec {
  /** 1 for windy cells (row-major, like the map). */
  windy: Uint8Array;
  /** Probability that a step ending on a windy cell is pushed one cell on by the wind. */
  gust: number;
  /** The move the wind makes (0 up, 1 right, 2 down, 3 left). */
  direction: number;
}

/** Sweeps of value iteration at most; the values converge geometrically (rate `gust`), far sooner. */
const MAX_SWEEPS = 100_000;
const TOLERANCE = 1e-10;

/**
 * The oracle of a windy grid: the expected number of moves to the goal under the optimal safe policy, by value
 * iteration over cells. A move goes as on any grid (into a wall: stay); reaching the goal ends the episode before
 * any gust; otherwise a move that ends on a windy cell is pushed one cell on in the wind's direction with
 * probability `gust` (into a wall: no push). A safe policy never takes a move with any chance of ending on a
 * hazard, so the distance is the expected length of the shortest hazard-free strategy (Infinity when the goal
 * cannot be reached safely). Expected, not worst-case: a task's distance is the mean of its realisations.
 * `path` is the route that strategy takes when no gust blows.
 */
export class WindyOracle implements Oracle {
  private readonly n: number;
  private readonly values = new Map<number, Float64Array>();
  private readonly safeSets = new Map<number, Uint8Array>();

  constructor(
    private readonly map: GridMap,
    private readonly wind: WindSpec,
    private readonly name = "WindyOracle",
  ) {
    this.n = map.rows * map.cols;
  }

  distance(from: TrueState, to: TrueState): number {
    const v = this.valuesTo(this.cell(to, "distance", "to"));
    return v[this.cell(from, "distance", "from")] as number;
  }

  path(from: TrueState, to: TrueState): number[][] | null {
    const goal = this.cell(to, "path", "to");
    const v = this.valuesTo(goal);
    let s = this.cell(from, "path", "from");
    if (!Number.isFinite(v[s] as number)) return null;
    const out = [this.stateOf(s)];
    // Without gusts every optimal move makes progress, so the path is shorter than the number of cells.
    for (let i = 0; s !== goal && i < this.n; i++) {
      const a = this.bestMove(v, s, goal);
      s = this.landing(s, a);
      out.push(this.stateOf(s));
    }
    return s === goal ? out : null;
  }

  /** The optimal safe move at `state` toward `goal` (-1 at the goal or when it cannot be reached safely). */
  policy(state: TrueState, goal: TrueState): number {
    const g = this.cell(goal, "policy", "goal");
    const v = this.valuesTo(g);
    const s = this.cell(state, "policy", "state");
    return s === g || !Number.isFinite(v[s] as number) ? -1 : this.bestMove(v, s, g);
  }

  /** The outcomes of move `a` from `cell`: cells with their probabilities (the goal ends the move). */
  outcomes(cell: number, a: number, goal: number): { cell: number; p: number }[] {
    const m = this.landing(cell, a);
    if (m === goal || this.wind.windy[m] !== 1 || this.wind.gust === 0) return [{ cell: m, p: 1 }];
    const pushed = this.landing(m, this.wind.direction);
    if (pushed === m) return [{ cell: m, p: 1 }];
    const out = [{ cell: pushed, p: this.wind.gust }];
    if (this.wind.gust < 1) out.push({ cell: m, p: 1 - this.wind.gust });
    return out;
  }

  /**
   * Expected moves to `goal` from every cell (Infinity where it cannot be reached safely), cached per goal. First
   * the cells from which a safe strategy reaches the goal almost surely (the largest set whose cells each have a
   * move that stays in it and a chance of getting closer), then value iteration from 0 on that set: iteration from
   * above would never leave Infinity where a gust can push back to the same cell.
   */
  private valuesTo(goal: number): Float64Array {
    const hit = this.values.get(goal);
    if (hit) return hit;
    const inSet = this.safeSet(goal);
    this.safeSets.set(goal, inSet);
    const v = new Float64Array(this.n);
    for (let sweep = 0; sweep < MAX_SWEEPS; sweep++) {
      let change = 0;
      for (let s = 0; s < this.n; s++) {
        if (s === goal || inSet[s] !== 1) continue;
        let best = Number.POSITIVE_INFINITY;
        for (let a = 0; a < 4; a++) best = Math.min(best, this.moveValue(v, s, a, goal, inSet));
        change = Math.max(change, Math.abs(best - (v[s] as number)));
        v[s] = best;
      }
      if (change <= TOLERANCE) break;
    }
    for (let s = 0; s < this.n; s++) if (inSet[s] !== 1) v[s] = Number.POSITIVE_INFINITY;
    this.values.set(goal, v);
    return v;
  }

  /** 1 for the cells from which some safe strategy reaches `goal` with probability 1. */
  private safeSet(goal: number): Uint8Array {
    let inSet = new Uint8Array(this.n);
    for (let s = 0; s < this.n; s++) {
      const v = this.map.cells[s];
      if (v !== CELL.wall && v !== CELL.hazard) inSet[s] = 1;
    }
    inSet[goal] = 1;
    for (;;) {
      // Cells of the set that reach the goal by moves whose every outcome stays in the set.
      const reach = new Uint8Array(this.n);
      reach[goal] = 1;
      let grew = true;
      while (grew) {
        grew = false;
        for (let s = 0; s < this.n; s++) {
          if (reach[s] === 1 || inSet[s] !== 1) continue;
          for (let a = 0; a < 4 && reach[s] !== 1; a++) {
            const out = this.outcomes(s, a, goal);
            if (
              out.every((o) => inSet[o.cell] === 1) &&
              out.some((o) => reach[o.cell] === 1 && o.cell !== s)
            ) {
              reach[s] = 1;
              grew = true;
            }
          }
        }
      }
      if (reach.every((x, i) => x === inSet[i])) return inSet;
      inSet = reach;
    }
  }

  /** 1 + the expected value after move `a` from `s`; Infinity for a move that may leave the safe set. */
  private moveValue(v: Float64Array, s: number, a: number, goal: number, inSet: Uint8Array): number {
    let e = 0;
    for (const o of this.outcomes(s, a, goal)) {
      if (inSet[o.cell] !== 1) return Number.POSITIVE_INFINITY;
      e += o.p * (v[o.cell] as number);
    }
    return 1 + e;
  }

  private bestMove(v: Float64Array, s: number, goal: number): number {
    const inSet = this.safeSets.get(goal) as Uint8Array;
    let best = -1;
    let bestValue = Number.POSITIVE_INFINITY;
    for (let a = 0; a < 4; a++) {
      const q = this.moveValue(v, s, a, goal, inSet);
      if (q < bestValue) {
        bestValue = q;
        best = a;
      }
    }
    return best;
  }

  /** The cell a move from `cell` ends on (without wind): itself when a wall or the map's edge is in the way. */
  private landing(cell: number, a: number): number {
    const m = moveCell(this.map.rows, this.map.cols, cell, a);
    return m < 0 || this.map.cells[m] === CELL.wall ? cell : m;
  }

  private stateOf(cell: number): number[] {
    const r = Math.floor(cell / this.map.cols);
    return [r, cell - r * this.map.cols];
  }

  private cell(state: TrueState, where: string, what: string): number {
    const { rows, cols } = this.map;
    const r = state[0] as number;
    const c = state[1] as number;
    if (
      state.length !== 2 ||
      !Number.isInteger(r) ||
      !Number.isInteger(c) ||
      r < 0 ||
      c < 0 ||
      r >= rows ||
      c >= cols
    ) {
      throw new EnvironmentError(
        `${this.name}.${where}: ${what} [${state.join(", ")}] is not a cell of the ${rows}x${cols} map (expected integer [row, col] inside it)`,
      );
    }
    return r * cols + c;
  }
}
