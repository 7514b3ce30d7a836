import { checkEnv } from "gymnasium-js";
import { describe, expect, it } from "vitest";
import type { GridEnvOptions } from "./gridCore.ts";
import { GridMazeEnv } from "./gridMaze.ts";
import { GRID_OBS_MODES } from "./gridObs.ts";
import { KeyDoorEnv } from "./keyDoor.ts";

const envs = { GridMazeEnv, KeyDoorEnv };

describe("grid environments pass gymnasium-js checkEnv", () => {
  for (const [name, Ctor] of Object.entries(envs)) {
    for (const obsMode of GRID_OBS_MODES) {
      it(`${name} (${obsMode}, slip 0.2)`, () => {
        const make = (renderMode: string | null) =>
          new Ctor({ obsMode, slip: 0.2, renderMode: renderMode as GridEnvOptions["renderMode"] });
        expect(() => checkEnv(make(null), { createEnv: make })).not.toThrow();
      });
    }
  }
});
