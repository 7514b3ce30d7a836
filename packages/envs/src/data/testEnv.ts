import {
  Box,
  Discrete,
  Env,
  type ResetOptions,
  type ResetResult,
  type Rng,
  type StepResult,
} from "gymnasium-js";
import { type GridMap, isPassable, parseMap } from "../map.ts";
import { drawMapCells } from "../render.ts";
import type { Oracle, PlanningEnv, PlanningResetOptions, TrueState } from "../types.ts";

/**
 * Two tiny planning environments used only by the tests of data collection, task sets and pictures, so that
 * those tests do not depend on the real environments: a point mass in an open square (continuous actions)
 * and a grid with a wall (discrete actions, BFS oracle).
 */

export interface PointEnvOptions {
  /** Side of the square, in map units. */
  size?: number;
  /** Distance moved per step at full action. */
  speed?: number;
  goalRadius?: number;
  /** Observe a `pixels` x `pixels` uint8 picture instead of the state (for obs rendering tests). */
  pixels?: number;
  /** End the episode on reaching the goal. */
  terminateOnSuccess?: boolean;
}

/** A point in [0, size]^2 moved by `speed * action`; entering x < 1 costs 1 (a hazard strip). */
export class PointEnv
  extends Env<Float32Array | Uint8Array, Float32Array>
  implements PlanningEnv<Float32Array | Uint8Array, Float32Array>
{
  readonly observationSpace: Box<"float32" | "uint8">;
  readonly actionSpace = new Box({ low: -1, high: 1, shape: [2] });
  readonly size: number;
  private readonly speed: number;
  private readonly goalRadius: number;
  private readonly pixels: number;
  private readonly terminateOnSuccess: boolean;
  private x = 0;
  private y = 0;
  private goal: number[] = [0, 0];

  constructor(opts: PointEnvOptions = {}) {
    super();
    this.size = opts.size ?? 10;
    this.speed = opts.speed ?? 0.5;
    this.goalRadius = opts.goalRadius ?? 0.5;
    this.pixels = opts.pixels ?? 0;
    this.terminateOnSuccess = opts.terminateOnSuccess ?? false;
    this.observationSpace =
      this.pixels > 0
        ? new Box({ low: 0, high: 255, shape: [this.pixels, this.pixels], dtype: "uint8" })
        : new Box({ low: 0, high: this.size, shape: [2] });
  }

  reset(opts: ResetOptions = {}): ResetResult<Float32Array | Uint8Array> {
    this.seedRng(opts.seed);
    const o = (opts.options ?? {}) as PlanningResetOptions;
    const start = o.start ?? this.sampleFreeState(this.rng);
    this.goal = [...(o.goal ?? this.sampleFreeState(this.rng))];
    this.x = start[0] as number;
    this.y = start[1] as number;
    return { obs: this.observe([this.x, this.y]), info: { goal: this.goalState() } };
  }

  step(action: Float32Array): StepResult<Float32Array | Uint8Array> {
    const ax = Math.max(-1, Math.min(1, action[0] as number));
    const ay = Math.max(-1, Math.min(1, action[1] as number));
    const wasSafe = this.x >= 1;
    this.x = Math.max(0, Math.min(this.size, this.x + this.speed * ax));
    this.y = Math.max(0, Math.min(this.size, this.y + this.speed * ay));
    const success = this.isSuccess([this.x, this.y], this.goal);
    const cost = wasSafe && this.x < 1 ? 1 : 0;
    return {
      obs: this.observe([this.x, this.y]),
      reward: success ? 1 : 0,
      terminated: success && this.terminateOnSuccess,
      truncated: false,
      info: { state: [this.x, this.y], cost, success },
    };
  }

  trueState(): number[] {
    return [this.x, this.y];
  }
  goalState(): number[] {
    return [...this.goal];
  }
  observe(state: TrueState): Float32Array | Uint8Array {
    if (this.pixels === 0) return Float32Array.of(state[0] as number, state[1] as number);
    const img = new Uint8Array(this.pixels * this.pixels);
    const [px, py] = this.stateToPixel(state);
    const c = Math.min(this.pixels - 1, Math.floor(px / 4));
    const r = Math.min(this.pixels - 1, Math.floor(py / 4));
    img[r * this.pixels + c] = 255;
    return img;
  }
  sampleFreeState(rng: Rng): number[] {
    return [rng.uniform(0, this.size), rng.uniform(0, this.size)];
  }
  isSuccess(state: TrueState, goal: TrueState): boolean {
    return (
      Math.hypot((state[0] as number) - (goal[0] as number), (state[1] as number) - (goal[1] as number)) <=
      this.goalRadius
    );
  }
  oracle(): Oracle {
    return {
      distance: (a, b) =>
        Math.hypot((a[0] as number) - (b[0] as number), (a[1] as number) - (b[1] as number)),
      path: (a, b) => [[...a], [...b]],
    };
  }
  renderMap(): { width: number; height: number; data: Uint8Array; cellPx: number } {
    const side = this.pixels > 0 ? this.pixels * 4 : 40;
    return { width: side, height: side, data: new Uint8Array(side * side * 3).fill(245), cellPx: 4 };
  }
  stateToPixel(state: TrueState): [number, number] {
    const side = this.pixels > 0 ? this.pixels * 4 : 40;
    return [((state[0] as number) / this.size) * side, ((state[1] as number) / this.size) * side];
  }
}

const GRID = `
#######
#.....#
#..#..#
#..#..#
#..#..#
#.....#
#######
`;

const MOVES: readonly [number, number][] = [
  [-1, 0],
  [0, 1],
  [1, 0],
  [0, -1],
];

/** A 5x5 grid split by a wall, four moves (up, right, down, left), terminated on reaching the goal. */
export class GridEnv extends Env<Float32Array, number> implements PlanningEnv<Float32Array, number> {
  readonly map: GridMap = parseMap(GRID, "GridEnv");
  readonly observationSpace = new Box({ low: 0, high: 6, shape: [2] });
  readonly actionSpace = new Discrete(4);
  private pos: number[] = [1, 1];
  private goal: number[] = [5, 5];

  reset(opts: ResetOptions = {}): ResetResult<Float32Array> {
    this.seedRng(opts.seed);
    const o = (opts.options ?? {}) as PlanningResetOptions;
    this.pos = [...(o.start ?? this.sampleFreeState(this.rng))];
    this.goal = [...(o.goal ?? this.sampleFreeState(this.rng))];
    return { obs: this.observe(this.pos), info: { goal: this.goalState() } };
  }

  step(action: number): StepResult<Float32Array> {
    const [dr, dc] = MOVES[action] as [number, number];
    const r = (this.pos[0] as number) + dr;
    const c = (this.pos[1] as number) + dc;
    if (isPassable(this.map, r, c)) this.pos = [r, c];
    const success = this.isSuccess(this.pos, this.goal);
    return {
      obs: this.observe(this.pos),
      reward: success ? 1 : 0,
      terminated: success,
      truncated: false,
      info: { state: [...this.pos], cost: 0, success },
    };
  }

  trueState(): number[] {
    return [...this.pos];
  }
  goalState(): number[] {
    return [...this.goal];
  }
  observe(state: TrueState): Float32Array {
    return Float32Array.of(state[0] as number, state[1] as number);
  }
  sampleFreeState(rng: Rng): number[] {
    for (;;) {
      const r = rng.int(1, 6);
      const c = rng.int(1, 6);
      if (isPassable(this.map, r, c)) return [r, c];
    }
  }
  isSuccess(state: TrueState, goal: TrueState): boolean {
    return state[0] === goal[0] && state[1] === goal[1];
  }
  oracle(): Oracle {
    return {
      distance: (a, b) => {
        const path = this.bfs(a, b);
        return path.length === 0 ? Number.POSITIVE_INFINITY : path.length - 1;
      },
      path: (a, b) => {
        const path = this.bfs(a, b);
        return path.length === 0 ? null : path;
      },
    };
  }
  renderMap(): { width: number; height: number; data: Uint8Array; cellPx: number } {
    const img = drawMapCells(this.map, 4);
    return { ...img, cellPx: 4 };
  }
  stateToPixel(state: TrueState): [number, number] {
    return [((state[1] as number) + 0.5) * 4, ((state[0] as number) + 0.5) * 4];
  }

  /** Shortest path by BFS, both ends included; empty when unreachable. */
  private bfs(a: TrueState, b: TrueState): number[][] {
    const { rows, cols } = this.map;
    const prev = new Int32Array(rows * cols).fill(-2);
    const from = (a[0] as number) * cols + (a[1] as number);
    const to = (b[0] as number) * cols + (b[1] as number);
    prev[from] = -1;
    const queue = [from];
    for (let i = 0; i < queue.length; i++) {
      const v = queue[i] as number;
      if (v === to) break;
      for (const [dr, dc] of MOVES) {
        const r = Math.floor(v / cols) + dr;
        const c = (v % cols) + dc;
        const w = r * cols + c;
        if (isPassable(this.map, r, c) && prev[w] === -2) {
          prev[w] = v;
          queue.push(w);
        }
      }
    }
    const path: number[][] = [];
    for (let v = to; v !== -1 && prev[v] !== -2; v = prev[v] as number)
      path.unshift([Math.floor(v / cols), v % cols]);
    return path;
  }
}
