import type { Rng } from "gymnasium-js";
import { CELL, type GridMap, MapError, mapFromOptions } from "../map.ts";
import { checkOptionKeys, GridEnv, type GridEnvOptions } from "./gridCore.ts";
import { GRID_OBS_MODES } from "./gridObs.ts";
import { generateMaze } from "./mazeGen.ts";

export const GRID_MAZE_OBS_MODES = GRID_OBS_MODES;

export interface GridMazeOptions extends GridEnvOptions {
  /** Side of the generated maze in cells, outer walls included (odd, default 15). */
  size?: number;
  /** Seed of the maze layout (default 0): fixed per env instance; reset's seed only samples start and goal. */
  mazeSeed?: number;
  /** Fraction of the perfect maze's remaining inner walls removed to make loops (default 0.1). */
  loops?: number;
  /** An ASCII map (text) instead of a generated maze. */
  map?: string;
  /** An ASCII map file instead of a generated maze. */
  mapFile?: string;
}

/**
 * A grid maze with four moves, generated from `mazeSeed` (or read from `map` / `mapFile`). Start and goal:
 * `reset({options: {start, goal}})` as `[row, col]`, else the map's S / G, else sampled from reset's seed
 * (distinct free cells of one connected component, never on a hazard).
 */
export class GridMazeEnv extends GridEnv {
  constructor(opts: GridMazeOptions = {}) {
    checkOptionKeys(opts, ["size", "mazeSeed", "loops", "map", "mapFile"], "GridMazeEnv");
    const map = mapFromOptions(opts, () =>
      generateMaze(opts.size ?? 15, { seed: opts.mazeSeed ?? 0, loops: opts.loops ?? 0.1 }),
    );
    rejectKeyDoor(map);
    super(map, opts, false, "GridMazeEnv");
  }

  protected sampleStartCell(rng: Rng): number {
    // Only cells with a possible goal in their component can start a task.
    for (;;) {
      const cell = this.sampleOpenCell(rng);
      if ((this.componentCells[this.component[cell] as number] as Int32Array).length >= 2) return cell;
    }
  }

  protected sampleGoalCell(rng: Rng, start: number): number {
    return this.sameComponentGoal(rng, start);
  }
}

function rejectKeyDoor(map: GridMap): void {
  for (let i = 0; i < map.cells.length; i++) {
    const v = map.cells[i];
    if (v === CELL.key || v === CELL.door) {
      const r = Math.floor(i / map.cols);
      throw new MapError(
        `GridMazeEnv: ${map.source} has a ${v === CELL.key ? "key 'K'" : "door 'D'"} at row ${r + 1}, column ${
          i - r * map.cols + 1
        }; GridMaze maps use # . S G H only (keys and doors need KeyDoorEnv)`,
      );
    }
  }
}
