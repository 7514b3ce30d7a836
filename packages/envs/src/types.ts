import type { Env, Info, Rng } from "gymnasium-js";

/**
 * The true (simulator) state of a planning environment, as plain numbers:
 * PointMaze and PLDM Two-Rooms `[x, y]` (continuous, map units / pixels), GridMaze `[row, col]`,
 * KeyDoor `[row, col, hasKey]`. Tasks, oracles and datasets all speak in true states.
 */
export type TrueState = readonly number[];

/** Exact shortest paths between true states. */
export interface Oracle {
  /** Shortest-path length from `from` to any state satisfying `to` (Infinity if unreachable). Units: cells
   * (grid environments, one per move) or map units (PointMaze) or pixels (PLDM). */
  distance(from: TrueState, to: TrueState): number;
  /** A shortest path as a list of true states from `from` to `to` inclusive, or null if unreachable. */
  path(from: TrueState, to: TrueState): TrueState[] | null;
}

/** Options every planning environment's `reset` accepts (in `reset({options})`). */
export interface PlanningResetOptions {
  /** Start state; sampled from the seed when absent. */
  start?: TrueState;
  /** Goal state; sampled from the seed when absent. */
  goal?: TrueState;
}

/**
 * What every hjepa planning environment adds to the Gymnasium contract. `reset` puts
 * `info.goal` (true goal state) and `info.goalObs` (the goal's observation in the env's observation mode)
 * in its info; `step` puts `info.state`, `info.cost` (1 when a hazard was entered, else 0) and
 * `info.success` in its info. `terminated` is true on success.
 */
export interface PlanningEnv<Obs = unknown, Act = unknown> extends Env<Obs, Act> {
  /** Current true state (a copy). */
  trueState(): number[];
  /** Current goal (a copy). */
  goalState(): number[];
  /** The observation the agent would see at a true state (same observation mode as the env). */
  observe(state: TrueState): Obs;
  /** A uniformly random valid (free, non-wall) state, from `rng`. */
  sampleFreeState(rng: Rng): number[];
  /** True when `state` counts as having reached `goal`. */
  isSuccess(state: TrueState, goal: TrueState): boolean;
  /** The exact shortest-path oracle for this env's map. */
  oracle(): Oracle;
  /** A top-down RGB picture of the map (walls, hazards, key, door, goal) without the agent. */
  renderMap(): { width: number; height: number; data: Uint8Array; cellPx: number };
  /** Maps a true state to pixel coordinates (x right, y down) in `renderMap()`'s picture. */
  stateToPixel(state: TrueState): [number, number];
  /** The env's own start-goal sampler for evaluation tasks (e.g. PLDM's protocol); when absent, task sets
   * sample start and goal independently with `sampleFreeState`. */
  sampleTask?(rng: Rng): { start: number[]; goal: number[] };
  /** Data-collection policies this env provides itself (e.g. `pldm`), by name. */
  dataPolicies?(): Record<string, () => DataPolicy>;
}

/**
 * A behaviour policy for offline data collection. `beginEpisode` may choose the episode's start (returned
 * as reset options) and precompute actions; `act` returns the next action. All randomness from `rng`.
 */
export interface DataPolicy<Act = unknown> {
  readonly name: string;
  beginEpisode(
    env: PlanningEnv<unknown, Act>,
    rng: Rng,
    ctx: { episodeIndex: number; steps: number },
  ): PlanningResetOptions | undefined;
  act(env: PlanningEnv<unknown, Act>, rng: Rng): Act;
}

export function isPlanningEnv(env: unknown): env is PlanningEnv {
  const e = env as Partial<PlanningEnv>;
  return (
    typeof e?.trueState === "function" && typeof e?.oracle === "function" && typeof e?.observe === "function"
  );
}

/** Step info of a planning environment. */
export interface PlanningInfo extends Info {
  state: number[];
  cost: number;
  success: boolean;
}
