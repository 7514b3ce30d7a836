import type {
  LatentDescription,
  PrimitiveActionDescription,
  WorldModel,
  WorldModelLevel,
} from "@hjepa/contracts";
import { dataStep, evalStep, PLDMTwoRoomsEnv, type PlanningEnv } from "@hjepa/envs";
import { InputError } from "@hjepa/errors";
import type { ExperimentConfig } from "@hjepa/experiment";
import { tf } from "@hjepa/tensor";
import { describePrimitiveActions } from "@hjepa/world-model";
import { Box, Rng } from "gymnasium-js";
import { makeRunEnv } from "./load.ts";

/**
 * A world model whose level 1 is the environment's own simulator: the representation is the true state and
 * `predict` applies the env's exact transition to every candidate. Planning over it with the same planner,
 * horizon, budget and cost as a learned model gives an upper bound for that planner: whatever it still misses
 * is the planner's or the cost's, not the world model's. Used by `hjepa eval --world true-dynamics`.
 */

/** An environment's exact transition on true states, and how to read the true state from an observation. */
export interface TrueDynamics {
  /** The environment, for messages. */
  readonly name: string;
  /** Values per true state (the representation's size). */
  readonly stateSize: number;
  /** The env's next true state from `state` under the primitive action `action` (its noise drawn from `rng`). */
  step(state: readonly number[], action: readonly number[], rng: Rng): number[];
  /** The true state one observation shows: `obs` holds a batch, the observation starts at `offset`. */
  stateOf(obs: ArrayLike<number>, offset: number): number[];
}

/**
 * PLDM Two-Rooms: the env's transition (eval or data dynamics, as the env was made), and the agent's position
 * read back from a pixel observation as the intensity-weighted centroid of the dot channel (the dot is a
 * Gaussian of std 1.3 px, so the centroid is within a few hundredths of a pixel of the true position) or taken
 * as is from a state observation.
 */
export function pldmTrueDynamics(env: PLDMTwoRoomsEnv): TrueDynamics {
  const g = env.geometry;
  const n = g.imgSize;
  const pixels = env.obsMode === "pixels";
  return {
    name: "hjepa/PLDMTwoRooms-v0",
    stateSize: 2,
    step: (state, action, rng) => {
      const pos: [number, number] = [state[0] as number, state[1] as number];
      const a: [number, number] = [action[0] as number, action[1] as number];
      return env.dynamics === "eval" ? evalStep(g, pos, a, rng) : dataStep(g, pos, a);
    },
    stateOf: (obs, offset) => {
      if (!pixels) return [obs[offset] as number, obs[offset + 1] as number];
      let w = 0;
      let sx = 0;
      let sy = 0;
      for (let i = 0; i < n; i++) {
        for (let j = 0; j < n; j++) {
          const v = obs[offset + (i * n + j) * 2] as number;
          if (v === 0) continue;
          w += v;
          sx += v * j;
          sy += v * i;
        }
      }
      return w > 0 ? [sx / w, sy / w] : [Number.NaN, Number.NaN];
    },
  };
}

/** The true dynamics of a run's environment; an env without them is an `InputError` that says which have them. */
export function trueDynamicsOf(core: PlanningEnv): TrueDynamics {
  if (core instanceof PLDMTwoRoomsEnv) return pldmTrueDynamics(core);
  const id = core.spec?.id ?? core.constructor.name;
  throw new InputError(
    `true dynamics: ${id} has no exact transition exposed to planners (available for hjepa/PLDMTwoRooms-v0)`,
  );
}

/** Level 1 over the true dynamics: the representation is the true state; one call steps every candidate. */
class TrueDynamicsLevel implements WorldModelLevel {
  readonly level = 1;
  readonly stride = 1;
  readonly latent: LatentDescription | null = null;
  /** Charged like a learned level 1 (1 unit per candidate-step), so budgets compare call for call. */
  readonly costPerCall = 1;
  /** No predictor weights: the simulator's arithmetic is not counted. */
  readonly multiplyAdds = 0;
  readonly sharesRepresentationBelow = true;
  readonly dim: number;

  constructor(
    private readonly dynamics: TrueDynamics,
    readonly actions: PrimitiveActionDescription,
    private readonly rng: Rng,
  ) {
    this.dim = dynamics.stateSize;
  }

  represent(s1: tf.Tensor2D): tf.Tensor2D {
    return tf.clone(s1);
  }

  lift(below: tf.Tensor2D): tf.Tensor2D {
    return tf.clone(below);
  }

  predict(s: tf.Tensor2D, a: tf.Tensor2D): tf.Tensor2D {
    const [rows, d] = s.shape;
    const k = a.shape[1];
    const states = s.dataSync();
    const actions = a.dataSync();
    const out = new Float32Array(rows * d);
    for (let r = 0; r < rows; r++) {
      const state = Array.from(states.subarray(r * d, (r + 1) * d));
      const action = Array.from(actions.subarray(r * k, (r + 1) * k));
      out.set(this.dynamics.step(state, action, this.rng), r * d);
    }
    return tf.tensor2d(out, [rows, d]);
  }

  encodeActions(primitive: tf.Tensor3D): tf.Tensor2D {
    const [rows, steps, k] = primitive.shape;
    if (steps !== 1) {
      throw new InputError(`level 1: encodeActions takes 1 primitive action per row, got ${steps}`);
    }
    return tf.reshape(primitive, [rows, k]) as tf.Tensor2D;
  }

  rollout(s0: tf.Tensor2D, actions: tf.Tensor3D): tf.Tensor3D {
    return tf.tidy(() => {
      const steps = tf.unstack(actions, 1) as tf.Tensor2D[];
      let s = s0;
      const out: tf.Tensor2D[] = [];
      for (const a of steps) {
        s = this.predict(s, a);
        out.push(s);
      }
      return tf.stack(out, 1) as tf.Tensor3D;
    });
  }
}

/** A one-level `WorldModel` over an environment's true dynamics (see the module comment). */
export class TrueDynamicsWorldModel implements WorldModel {
  readonly levels: readonly [WorldModelLevel];

  constructor(
    private readonly dynamics: TrueDynamics,
    readonly obsShape: readonly number[],
    actions: PrimitiveActionDescription,
    rng: Rng,
  ) {
    this.levels = [new TrueDynamicsLevel(dynamics, actions, rng)];
  }

  encode(obs: tf.Tensor): tf.Tensor2D {
    const b = obs.shape[0] as number;
    const size = obs.size / b;
    const values = obs.dataSync();
    const d = this.dynamics.stateSize;
    const out = new Float32Array(b * d);
    for (let i = 0; i < b; i++) out.set(this.dynamics.stateOf(values, i * size), i * d);
    return tf.tensor2d(out, [b, d]);
  }

  /** Nothing to free (no weights); here so eval disposes every world model the same way. */
  dispose(): void {}
}

/**
 * The true-dynamics world model of a run's environment (its config's env id and kwargs). The simulator's own
 * noise (PLDM's bounces off walls) is drawn from a stream derived from the config's seed.
 */
export function trueDynamicsModel(config: ExperimentConfig): TrueDynamicsWorldModel {
  const { env, core } = makeRunEnv(config);
  try {
    const space = env.observationSpace;
    if (!(space instanceof Box)) {
      throw new InputError(`true dynamics: ${config.env.id} needs a Box observation space`);
    }
    return new TrueDynamicsWorldModel(
      trueDynamicsOf(core),
      [...space.shape],
      describePrimitiveActions(env.actionSpace),
      new Rng(config.seed).derive("true-dynamics"),
    );
  } finally {
    env.close();
  }
}
