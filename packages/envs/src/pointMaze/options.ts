import { EnvironmentError } from "@hjepa/errors";
import { type GridMap, mapFromOptions, roomsLayout } from "../map.ts";

export const POINT_MAZE_OBS_MODES = ["state", "pixels"] as const;
export type PointMazeObsMode = (typeof POINT_MAZE_OBS_MODES)[number];

/**
 * Built-in layouts: 1x2, 2x2, 3x3 and 5x5 rooms of 5x5 free cells, walls one cell thick, doors one cell wide.
 * "twenty-five-rooms" (31x31 cells) is the map whose far tasks need a third planning level.
 */
export const POINT_MAZE_LAYOUTS = ["two-rooms", "four-rooms", "nine-rooms", "twenty-five-rooms"] as const;
export type PointMazeLayout = (typeof POINT_MAZE_LAYOUTS)[number];

export const POINT_MAZE_RENDER_MODES = ["rgb_array", "ansi"] as const;

export interface PointMazeOptions {
  /** Built-in map (default "four-rooms"); ignored when `map` or `mapFile` is given. */
  layout?: PointMazeLayout;
  /** An ASCII map (see map.ts); `D` cells are walls here, `H` cells hazards, `S`/`G`/`K` free. */
  map?: string;
  /** A path to an ASCII map file. */
  mapFile?: string;
  /** "state" (default): [x / cols, y / rows]; "pixels": a 64 x 64 x 2 uint8 picture. */
  obsMode?: PointMazeObsMode;
  /** Displacement (map units) of a full action along each axis. Default 0.5. */
  maxStep?: number;
  /** Success when the point is within this distance (map units) of the goal. Default 0.5. */
  successRadius?: number;
  /** Std (map units) of Gaussian noise added to each displacement component, drawn from `env.rng`. Default 0. */
  actionNoise?: number;
  /** End the episode when a hazard cell is entered. Default false. */
  hazardTerminates?: boolean;
  renderMode?: "rgb_array" | "ansi" | null;
}

export interface PointMazeConfig {
  map: GridMap;
  obsMode: PointMazeObsMode;
  maxStep: number;
  successRadius: number;
  actionNoise: number;
  hazardTerminates: boolean;
  renderMode: string | null;
}

const KEYS = [
  "layout",
  "map",
  "mapFile",
  "obsMode",
  "maxStep",
  "successRadius",
  "actionNoise",
  "hazardTerminates",
  "renderMode",
];

export function pointMazeLayout(name: PointMazeLayout): GridMap {
  switch (name) {
    case "two-rooms":
      return roomsLayout(1, 2, { name });
    case "four-rooms":
      return roomsLayout(2, 2, { name });
    case "nine-rooms":
      return roomsLayout(3, 3, { name });
    case "twenty-five-rooms":
      return roomsLayout(5, 5, { name });
  }
}

/** Validates the env's kwargs (typed or from a config/command line) and fills in the defaults. */
export function parsePointMazeOptions(kwargs: PointMazeOptions | Record<string, unknown>): PointMazeConfig {
  const o = kwargs as Record<string, unknown>;
  for (const k of Object.keys(o)) {
    if (!KEYS.includes(k))
      throw new EnvironmentError(`PointMazeEnv: unknown option '${k}' (expected one of ${KEYS.join(", ")})`);
  }
  const layout = o.layout ?? "four-rooms";
  if (!POINT_MAZE_LAYOUTS.includes(layout as PointMazeLayout)) {
    throw new EnvironmentError(
      `PointMazeEnv: layout '${String(layout)}' is unknown (expected one of ${POINT_MAZE_LAYOUTS.join(", ")})`,
    );
  }
  for (const k of ["map", "mapFile"] as const) {
    if (o[k] !== undefined && typeof o[k] !== "string") {
      throw new EnvironmentError(`PointMazeEnv: ${k} must be a string (got ${typeof o[k]})`);
    }
  }
  const map = mapFromOptions(
    { map: o.map as string | undefined, mapFile: o.mapFile as string | undefined },
    () => pointMazeLayout(layout as PointMazeLayout),
  );
  const obsMode = o.obsMode ?? "state";
  if (!POINT_MAZE_OBS_MODES.includes(obsMode as PointMazeObsMode)) {
    throw new EnvironmentError(
      `PointMazeEnv: obsMode '${String(obsMode)}' is not supported (expected one of ${POINT_MAZE_OBS_MODES.join(", ")})`,
    );
  }
  const num = (k: string, dflt: number, min: number, strict: boolean): number => {
    const v = o[k] ?? dflt;
    if (typeof v !== "number" || !Number.isFinite(v) || (strict ? v <= min : v < min)) {
      throw new EnvironmentError(
        `PointMazeEnv: ${k} must be a finite number ${strict ? ">" : ">="} ${min} (got ${String(v)})`,
      );
    }
    return v;
  };
  const hazardTerminates = o.hazardTerminates ?? false;
  if (typeof hazardTerminates !== "boolean") {
    throw new EnvironmentError(
      `PointMazeEnv: hazardTerminates must be true or false (got ${String(hazardTerminates)})`,
    );
  }
  const renderMode = o.renderMode ?? null;
  if (renderMode !== null && !POINT_MAZE_RENDER_MODES.includes(renderMode as "ansi")) {
    throw new EnvironmentError(
      `PointMazeEnv: renderMode '${String(renderMode)}' is not supported (expected one of ${POINT_MAZE_RENDER_MODES.join(", ")} or null)`,
    );
  }
  return {
    map,
    obsMode: obsMode as PointMazeObsMode,
    maxStep: num("maxStep", 0.5, 0, true),
    successRadius: num("successRadius", 0.5, 0, true),
    actionNoise: num("actionNoise", 0, 0, false),
    hazardTerminates,
    renderMode: renderMode as string | null,
  };
}
