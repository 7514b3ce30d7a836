import type { Rng } from "gymnasium-js";
import { CELL, type GridMap, MapError, mapFromOptions, parseMap } from "../map.ts";
import { pickExcept, reachableCells } from "./components.ts";
import { checkOptionKeys, GridEnv, type GridEnvOptions } from "./gridCore.ts";
import { GRID_OBS_MODES } from "./gridObs.ts";

export const KEY_DOOR_OBS_MODES = GRID_OBS_MODES;

/**
 * The built-in KeyDoor layout: the door D in the middle wall is next to the start S, but it is locked; the
 * shortest path first walks away from the goal G to the key K in the far corner (22 moves, against a
 * Manhattan distance of 6 from S to G).
 */
export const KEY_DOOR_MAP = `
#############
#K.....#....#
#......#....#
#......#..G.#
#......D....#
#.....S#....#
#......#....#
#############
`;

export interface KeyDoorOptions extends GridEnvOptions {
  /** An ASCII map (text) instead of `KEY_DOOR_MAP`; it must hold exactly one K and one D. */
  map?: string;
  /** An ASCII map file instead of `KEY_DOOR_MAP`. */
  mapFile?: string;
}

/**
 * A key-door grid task: the true state is `[row, col, hasKey]`; the key is picked up on entering K and held for
 * the episode; D is passable only while the key is held; the goal is reached on its cell with either hasKey
 * (goal states and `goalObs` carry hasKey = 1). Start and goal: `reset({options})`, else the map's S / G, else
 * sampled: the start on the key side (cells reachable from K without the door, hasKey 0) and the goal behind
 * the door (cells reachable only through it); if the door separates nothing, any other free cell of the
 * start's component.
 */
export class KeyDoorEnv extends GridEnv {
  /** 1 for cells reachable from the key without passing the door. */
  readonly keySide: Uint8Array;
  private readonly keyCell: number;
  private readonly startPool: Int32Array;
  private readonly behindPool: Int32Array;

  constructor(opts: KeyDoorOptions = {}) {
    checkOptionKeys(opts, ["map", "mapFile"], "KeyDoorEnv");
    const map = mapFromOptions(opts, () => parseMap(KEY_DOOR_MAP, "KEY_DOOR_MAP"));
    checkKeyDoor(map);
    super(map, opts, true, "KeyDoorEnv");
    this.keyCell = (map.key as [number, number])[0] * map.cols + (map.key as [number, number])[1];
    this.keySide = reachableCells(map, this.keyCell, { doorPassable: false });
    const keyComp = this.component[this.keyCell] as number;
    const start: number[] = [];
    const behind: number[] = [];
    for (const cell of this.componentCells[keyComp] as Int32Array) {
      if (this.keySide[cell] === 1) start.push(cell);
      else behind.push(cell);
    }
    if (start.length === 0) {
      throw new MapError(
        `KeyDoorEnv: ${map.source} has no free cell on the key side (reachable from K without the door) to start from`,
      );
    }
    this.startPool = Int32Array.from(start);
    this.behindPool = Int32Array.from(behind);
  }

  protected sampleStartCell(rng: Rng): number {
    return this.startPool[rng.int(this.startPool.length)] as number;
  }

  protected sampleGoalCell(rng: Rng, start: number): number {
    if (this.behindPool.length > 0 && this.component[start] === this.component[this.keyCell]) {
      const goal = pickExcept(
        this.behindPool,
        start,
        this.open[start] === 1 && this.keySide[start] === 0,
        rng,
      );
      if (goal >= 0) return goal;
    }
    return this.sameComponentGoal(rng, start);
  }

  /** A uniformly random free cell; hasKey is random on the key side and 1 behind the door (it must be held). */
  override sampleFreeState(rng: Rng): number[] {
    const cell = this.sampleOpenCell(rng);
    return this.stateOfCell(cell, this.keySide[cell] === 1 ? rng.int(2) : 1);
  }
}

/** A KeyDoor map holds exactly one key and one door. */
function checkKeyDoor(map: GridMap): void {
  let keys = 0;
  let doors = 0;
  for (const v of map.cells) {
    if (v === CELL.key) keys++;
    else if (v === CELL.door) doors++;
  }
  if (keys !== 1 || doors !== 1 || map.key === null || map.door === null) {
    throw new MapError(
      `KeyDoorEnv: ${map.source} has ${keys} key cell(s) 'K' and ${doors} door cell(s) 'D'; expected exactly one of each`,
    );
  }
}
