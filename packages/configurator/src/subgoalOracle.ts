import type { SubgoalOracle } from "@hjepa/agent";
import type { WorldModel } from "@hjepa/contracts";
import type { PlanningEnv, TrueState } from "@hjepa/envs";
import { tf } from "@hjepa/tensor";

/**
 * The point `lookahead` units (the oracle's distance units: map units, or moves on a grid) along `path` from its
 * first state, interpolated between waypoints of a continuous path; the path's end when it is shorter.
 */
export function pointAlong(path: readonly TrueState[], lookahead: number, discrete: boolean): number[] {
  let left = lookahead;
  for (let i = 1; i < path.length; i++) {
    const a = path[i - 1] as TrueState;
    const b = path[i] as TrueState;
    const len = Math.hypot((b[0] as number) - (a[0] as number), (b[1] as number) - (a[1] as number));
    if (len >= left && len > 0) {
      if (discrete) return [...b];
      const f = left / len;
      return a.map((v, j) => (j < 2 ? v + f * ((b[j] as number) - v) : (b[j] as number)));
    }
    left -= len;
  }
  return [...(path[path.length - 1] as TrueState)];
}

/**
 * The oracle-subgoal arm's subgoals: the level-1 representation of the observation at the point `lookahead`
 * units along the env's exact shortest path from the agent's true state to the goal (the goal itself when it is
 * nearer; the current state when the oracle finds no path).
 */
export function makeSubgoalOracle(
  core: PlanningEnv,
  model: WorldModel,
  lookahead: number,
  discrete: boolean,
): SubgoalOracle {
  const oracle = core.oracle();
  return {
    subgoal(state, goal) {
      const path = oracle.path(state, goal) ?? [state];
      const point = pointAlong(path, lookahead, discrete);
      const obs = core.observe(point) as ArrayLike<number>;
      const shape = model.obsShape;
      return tf.tidy(() => {
        const data = obs instanceof Uint8Array ? Int32Array.from(obs) : Float32Array.from(obs);
        return model.encode(tf.tensor(data, [1, ...shape], obs instanceof Uint8Array ? "int32" : "float32"));
      });
    },
  };
}
