import { register } from "gymnasium-js";
import { GRID_MAZE_OBS_MODES, GridMazeEnv } from "./grid/gridMaze.ts";
import { KEY_DOOR_OBS_MODES, KeyDoorEnv } from "./grid/keyDoor.ts";
import { PLDM_OBS_MODES, PLDMTwoRoomsEnv } from "./pldm/pldmTwoRooms.ts";
import { POINT_MAZE_OBS_MODES, PointMazeEnv } from "./pointMaze/pointMaze.ts";

/** An environment registered in the `hjepa/` namespace, with the observation modes it supports. */
export interface HjepaEnvEntry {
  id: string;
  obsModes: readonly string[];
  description: string;
}

const MAX_STEPS = 200;

export const HJEPA_ENVS: readonly HjepaEnvEntry[] = [
  { id: "hjepa/TwoRooms-v0", obsModes: POINT_MAZE_OBS_MODES, description: "point mass, 2 rooms (1x2)" },
  { id: "hjepa/FourRooms-v0", obsModes: POINT_MAZE_OBS_MODES, description: "point mass, 4 rooms (2x2)" },
  { id: "hjepa/NineRooms-v0", obsModes: POINT_MAZE_OBS_MODES, description: "point mass, 9 rooms (3x3)" },
  { id: "hjepa/PLDMTwoRooms-v0", obsModes: PLDM_OBS_MODES, description: "port of PLDM's Two-Rooms (wall)" },
  {
    id: "hjepa/GridMaze-v0",
    obsModes: GRID_MAZE_OBS_MODES,
    description: "15x15 grid maze with loops, 4 moves",
  },
  { id: "hjepa/KeyDoor-v0", obsModes: KEY_DOOR_OBS_MODES, description: "fetch the key to open the door" },
];

let registered = false;

/** Registers every hjepa environment (idempotent; importing `@hjepa/envs` calls it). */
export function registerHjepaEnvs(): void {
  if (registered) return;
  registered = true;
  const pointMaze = (layout: string) => (kwargs: Record<string, unknown>) =>
    new PointMazeEnv({ layout, ...kwargs });
  register({ id: "hjepa/TwoRooms-v0", entryPoint: pointMaze("two-rooms"), maxEpisodeSteps: MAX_STEPS });
  register({ id: "hjepa/FourRooms-v0", entryPoint: pointMaze("four-rooms"), maxEpisodeSteps: MAX_STEPS });
  register({ id: "hjepa/NineRooms-v0", entryPoint: pointMaze("nine-rooms"), maxEpisodeSteps: MAX_STEPS });
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
  register({
    id: "hjepa/KeyDoor-v0",
    entryPoint: (kwargs) => new KeyDoorEnv(kwargs),
    maxEpisodeSteps: MAX_STEPS,
  });
}
