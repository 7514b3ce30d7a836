import { register } from "gymnasium-js";
import { GRID_MAZE_OBS_MODES, GridMazeEnv } from "./grid/gridMaze.ts";
import { KEY_DOOR_OBS_MODES, KeyDoorEnv } from "./grid/keyDoor.ts";
import { WINDY_CLIFF_OBS_MODES, WindyCliffEnv } from "./grid/windyCliff.ts";
import { CELL, formatMap, roomsLayout } from "./map.ts";
import { PLDM_OBS_MODES, PLDMTwoRoomsEnv } from "./pldm/pldmTwoRooms.ts";
import { POINT_MAZE_OBS_MODES, PointMazeEnv } from "./pointMaze/pointMaze.ts";

/** An environment registered in the `hjepa/` namespace, with the observation modes it supports. */
export interface HjepaEnvEntry {
  id: string;
  obsModes: readonly string[];
  description: string;
}

const MAX_STEPS = 200;
/**
 * The larger maps' limit keeps the slack of the 200 steps above (about 4x the longest shortest path at full
 * speed: NineRooms 24.7 map units = 50 steps of 0.5, GridMaze-v0 46 moves). TwentyFiveRooms' longest shortest
 * path is 41.7 map units = 84 full-speed steps along an axis (at the default maxStep 0.5), GridMaze31's 94
 * moves: 400 is 4x or more of either (asserted in twentyFiveRooms.test.ts and gridMaze31.test.ts). A smaller
 * maxStep passed as a kwarg needs a larger maxEpisodeSteps in `make`.
 */
const LARGE_MAP_MAX_STEPS = 400;

export const HJEPA_ENVS: readonly HjepaEnvEntry[] = [
  { id: "hjepa/TwoRooms-v0", obsModes: POINT_MAZE_OBS_MODES, description: "point mass, 2 rooms (1x2)" },
  { id: "hjepa/FourRooms-v0", obsModes: POINT_MAZE_OBS_MODES, description: "point mass, 4 rooms (2x2)" },
  {
    id: "hjepa/FourRoomsHazard-v0",
    obsModes: POINT_MAZE_OBS_MODES,
    description: "point mass, 4 rooms with a 2x2 hazard in each (guardrails)",
  },
  { id: "hjepa/NineRooms-v0", obsModes: POINT_MAZE_OBS_MODES, description: "point mass, 9 rooms (3x3)" },
  {
    id: "hjepa/TwentyFiveRooms-v0",
    obsModes: POINT_MAZE_OBS_MODES,
    description: "point mass, 25 rooms (5x5), far tasks for 3 planning levels",
  },
  { id: "hjepa/PLDMTwoRooms-v0", obsModes: PLDM_OBS_MODES, description: "port of PLDM's Two-Rooms (wall)" },
  {
    id: "hjepa/GridMaze-v0",
    obsModes: GRID_MAZE_OBS_MODES,
    description: "15x15 grid maze with loops, 4 moves",
  },
  {
    id: "hjepa/GridMaze31-v0",
    obsModes: GRID_MAZE_OBS_MODES,
    description: "31x31 grid maze with loops, 4 moves, far tasks for 3 planning levels",
  },
  { id: "hjepa/KeyDoor-v0", obsModes: KEY_DOOR_OBS_MODES, description: "fetch the key to open the door" },
  {
    id: "hjepa/WindyCliff-v0",
    obsModes: WINDY_CLIFF_OBS_MODES,
    description: "grid with gusts of wind toward a gorge of hazards (stochastic; latent-variable models)",
  },
];

/**
 * FourRooms with a 2x2 hazard (`H`) in the middle of each room, next to the straight lines between the doors,
 * so that the shortest path and a hazard-free path differ: the guardrail benchmark.
 */
export const FOUR_ROOMS_HAZARD_MAP: string = (() => {
  const map = roomsLayout(2, 2, { name: "four-rooms-hazard" });
  for (const r0 of [3, 9]) {
    for (const c0 of [3, 9]) {
      for (const [dr, dc] of [
        [0, 0],
        [0, 1],
        [1, 0],
        [1, 1],
      ] as const) {
        map.cells[(r0 + dr) * map.cols + c0 + dc] = CELL.hazard;
      }
    }
  }
  return formatMap(map);
})();

let registered = false;

/** Registers every hjepa environment (idempotent; importing `@hjepa/envs` calls it). */
export function registerHjepaEnvs(): void {
  if (registered) return;
  registered = true;
  const pointMaze = (layout: string) => (kwargs: Record<string, unknown>) =>
    new PointMazeEnv({ layout, ...kwargs });
  register({ id: "hjepa/TwoRooms-v0", entryPoint: pointMaze("two-rooms"), maxEpisodeSteps: MAX_STEPS });
  register({ id: "hjepa/FourRooms-v0", entryPoint: pointMaze("four-rooms"), maxEpisodeSteps: MAX_STEPS });
  register({
    id: "hjepa/FourRoomsHazard-v0",
    entryPoint: (kwargs) => new PointMazeEnv({ map: FOUR_ROOMS_HAZARD_MAP, ...kwargs }),
    maxEpisodeSteps: MAX_STEPS,
  });
  register({ id: "hjepa/NineRooms-v0", entryPoint: pointMaze("nine-rooms"), maxEpisodeSteps: MAX_STEPS });
  register({
    id: "hjepa/TwentyFiveRooms-v0",
    entryPoint: pointMaze("twenty-five-rooms"),
    maxEpisodeSteps: LARGE_MAP_MAX_STEPS,
  });
  register({
    id: "hjepa/PLDMTwoRooms-v0",
    entryPoint: (kwargs) => new PLDMTwoRoomsEnv(kwargs),
    maxEpisodeSteps: MAX_STEPS,
  });
  register({
    id: "hjepa/GridMaze-v0",
    entryPoint: (kwargs) => new GridMazeEnv(kwargs),
    maxEpisodeSteps: MAX_STEPS,
  });
  // Gymnasium's FrozenLake8x8 pattern: the same entry point, its defaults in the spec's kwargs (given ones win).
  register({
    id: "hjepa/GridMaze31-v0",
    entryPoint: (kwargs) => new GridMazeEnv(kwargs),
    kwargs: { size: 31 },
    maxEpisodeSteps: LARGE_MAP_MAX_STEPS,
  });
  register({
    id: "hjepa/KeyDoor-v0",
    entryPoint: (kwargs) => new KeyDoorEnv(kwargs),
    maxEpisodeSteps: MAX_STEPS,
  });
  register({
    id: "hjepa/WindyCliff-v0",
    entryPoint: (kwargs) => new WindyCliffEnv(kwargs),
    maxEpisodeSteps: MAX_STEPS,
  });
}
