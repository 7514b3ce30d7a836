import { Rng } from "gymnasium-js";
import { bench, describe } from "vitest";
import { POINT_MAZE_LAYOUTS, POINT_MAZE_OBS_MODES, PointMazeEnv } from "./pointMaze.ts";

/**
 * `npx vitest bench --run packages/envs/src/pointMaze`: raw step throughput of the unwrapped env. One
 * iteration is STEPS steps, so steps/s = hz * STEPS. Targets: >= 1M steps/s (state), >= 20k (pixels).
 */
const STEPS = 4096;

for (const obsMode of POINT_MAZE_OBS_MODES) {
  describe(`PointMazeEnv ${obsMode}: ${STEPS} steps per iteration`, () => {
    for (const layout of POINT_MAZE_LAYOUTS) {
      const env = new PointMazeEnv({ layout, obsMode });
      const rng = new Rng(0);
      const actions = Array.from({ length: STEPS }, () =>
        Float32Array.of(rng.uniform(-1, 1), rng.uniform(-1, 1)),
      );
      env.reset({ seed: 0 });
      bench(layout, () => {
        for (let i = 0; i < STEPS; i++) {
          if (env.step(actions[i] as Float32Array).terminated) env.reset();
        }
      });
    }
  });
}
