import {
  checkLatent,
  type LatentDescription,
  LatentVariableError,
  type MacroActionDescription,
  type PrimitiveActionDescription,
  type WorldModel,
  type WorldModelLevel,
} from "@hjepa/contracts";
import { EnvironmentError } from "@hjepa/errors";
import { tf } from "@hjepa/tensor";
import { JepaWorldModel } from "../jepa.ts";
import { isLatentPredictor } from "../latentPredictor.ts";
import { latentPriorProbabilities, sampleLatentCodes } from "../latentRollout.ts";
import type { Predictor } from "../predictor.ts";
import { actionsText, describeActionSpec, describeMacroActions, specFits } from "./actionDescription.ts";
import { predictorMultiplyAdds } from "./predictorCost.ts";
import type { UpperLevelModel } from "./upperLevel.ts";

/** Level 1 of the contract over a trained `JepaWorldModel`: primitive actions, one env step per prediction. */
class PrimitiveLevel implements WorldModelLevel {
  readonly level = 1;
  readonly stride = 1;
  readonly latent: LatentDescription | null;
  readonly costPerCall = 1;
  readonly dim: number;
  readonly multiplyAdds: number;

  constructor(
    private readonly model: JepaWorldModel,
    readonly actions: PrimitiveActionDescription,
  ) {
    this.dim = model.encoder.dim;
    this.multiplyAdds = predictorMultiplyAdds(model.params, "level 1");
    this.latent = latentOf(model.predictor);
  }

  sampleLatent(s: tf.Tensor2D, a: tf.Tensor2D, uniform: tf.Tensor2D): tf.Tensor2D {
    checkLatent(this, uniform, [s.shape[0]]);
    return tf.tidy(() => sampleLatentCodes(this.model.predictor, s, this.model.actions.apply(a), uniform));
  }

  latentPrior(s: tf.Tensor2D, a: tf.Tensor2D): tf.Tensor2D {
    requireLatent(this);
    return tf.tidy(() => latentPriorProbabilities(this.model.predictor, s, this.model.actions.apply(a)));
  }

  readonly sharesRepresentationBelow = true;

  represent(s1: tf.Tensor2D): tf.Tensor2D {
    return tf.clone(s1);
  }

  lift(below: tf.Tensor2D): tf.Tensor2D {
    return tf.clone(below);
  }

  predict(s: tf.Tensor2D, a: tf.Tensor2D, z?: tf.Tensor2D): tf.Tensor2D {
    checkLatent(this, z, [s.shape[0]]);
    return this.model.predict(s, a, z);
  }

  encodeActions(primitive: tf.Tensor3D): tf.Tensor2D {
    checkChunk(this, primitive);
    return tf.reshape(primitive, [primitive.shape[0], primitive.shape[2]]);
  }

  rollout(s0: tf.Tensor2D, actions: tf.Tensor3D, z?: tf.Tensor3D): tf.Tensor3D {
    checkLatent(this, z, actions.shape.slice(0, 2));
    return this.model.rollout(s0, actions, z);
  }
}

/** Level k >= 2 of the contract over an `UpperLevelModel`: its macro-action latent, `stride` env steps ahead. */
class MacroLevel implements WorldModelLevel {
  readonly latent: LatentDescription | null;
  readonly level: number;
  readonly stride: number;
  readonly dim: number;
  readonly multiplyAdds: number;
  readonly costPerCall: number;

  constructor(
    private readonly model: UpperLevelModel,
    /** Levels 2..k, in order: their representations take a level-1 representation up to this level. */
    private readonly chain: readonly UpperLevelModel[],
    readonly actions: MacroActionDescription,
    levelOneMultiplyAdds: number,
  ) {
    this.level = model.level;
    this.stride = model.stride;
    this.dim = model.dim;
    this.multiplyAdds = predictorMultiplyAdds(model.params, `level ${model.level}`);
    this.costPerCall = this.multiplyAdds / levelOneMultiplyAdds;
    this.latent = latentOf(model.predictor);
  }

  sampleLatent(s: tf.Tensor2D, a: tf.Tensor2D, uniform: tf.Tensor2D): tf.Tensor2D {
    checkLatent(this, uniform, [s.shape[0]]);
    return sampleLatentCodes(this.model.predictor, s, a, uniform);
  }

  latentPrior(s: tf.Tensor2D, a: tf.Tensor2D): tf.Tensor2D {
    requireLatent(this);
    return latentPriorProbabilities(this.model.predictor, s, a);
  }

  get sharesRepresentationBelow(): boolean {
    return this.model.config.representation.type === "identity";
  }

  represent(s1: tf.Tensor2D): tf.Tensor2D {
    return tf.tidy(() => this.chain.reduce((s, m) => m.representation.apply(s), s1));
  }

  lift(below: tf.Tensor2D): tf.Tensor2D {
    return tf.tidy(() => this.model.representation.apply(below));
  }

  predict(s: tf.Tensor2D, a: tf.Tensor2D, z?: tf.Tensor2D): tf.Tensor2D {
    checkLatent(this, z, [s.shape[0]]);
    return this.model.predict(s, a, z);
  }

  encodeActions(primitive: tf.Tensor3D): tf.Tensor2D {
    checkChunk(this, primitive);
    return this.model.encodeMacro(primitive);
  }

  rollout(s0: tf.Tensor2D, actions: tf.Tensor3D, z?: tf.Tensor3D): tf.Tensor3D {
    checkLatent(this, z, actions.shape.slice(0, 2));
    return this.model.rollout(s0, actions, z);
  }
}

/** A level's latent variable: its predictor's codes, or null for a deterministic predictor. */
function latentOf(predictor: Predictor): LatentDescription | null {
  return isLatentPredictor(predictor) ? { kind: "categorical", size: predictor.latent.size } : null;
}

/** `encodeActions` takes exactly one macro-step of primitive actions: `[N, stride, k]`. */
function checkChunk(level: WorldModelLevel, primitive: tf.Tensor3D): void {
  if (primitive.shape[1] !== level.stride)
    throw new Error(
      `level ${level.level}: encodeActions takes ${level.stride} primitive actions per row, got ${primitive.shape[1]}`,
    );
}

/**
 * The `WorldModel` contract over a trained level 1 and the levels trained above it (each `upper[i]` over the one
 * before, `upper[0]` over `levelOne`). Level 1's actions are described by `primitive` (the environment's action
 * space, `describePrimitiveActions`), each level above by its saved macro-action statistics, which it must
 * have (they are saved with a level's final checkpoint). Costs per call come from the predictors' weight shapes.
 * `dispose` disposes every level.
 */
export class HierarchicalWorldModel implements WorldModel {
  readonly levels: readonly [WorldModelLevel, ...WorldModelLevel[]];

  constructor(
    readonly levelOne: JepaWorldModel,
    readonly upper: readonly UpperLevelModel[],
    primitive: PrimitiveActionDescription,
  ) {
    if (!specFits(levelOne.actionSpec, primitive)) {
      const spec = levelOne.actionSpec;
      const has = spec.kind === "discrete" ? `${spec.n} discrete values from 0` : `a box of ${spec.dim}`;
      throw new EnvironmentError(
        `the environment's actions (${actionsText(primitive)}) do not fit the world model's level 1, trained on ${has}`,
      );
    }
    const first = new PrimitiveLevel(levelOne, primitive);
    const above = upper.map((model, i) => {
      const below = i === 0 ? levelOne : upper[i - 1];
      if (model.below !== below) {
        throw new Error(
          `HierarchicalWorldModel: upper[${i}] (level ${model.level}) is not over the level before it`,
        );
      }
      const stats = model.macroStatistics();
      if (stats === null) {
        throw new Error(
          `HierarchicalWorldModel: level ${model.level} has no macro-action statistics (its training has not finished)`,
        );
      }
      return new MacroLevel(model, upper.slice(0, i + 1), describeMacroActions(stats), first.multiplyAdds);
    });
    this.levels = [first, ...above];
  }

  get obsShape(): readonly number[] {
    return this.levelOne.obsShape;
  }

  encode(obs: tf.Tensor): tf.Tensor2D {
    return this.levelOne.encode(obs);
  }

  /** Disposes the levels above (top first), then level 1. */
  dispose(): void {
    for (const m of [...this.upper].reverse()) m.dispose();
    this.levelOne.dispose();
  }
}

/**
 * `model` as the contract: a `WorldModel` as it is; a trained level 1 alone as the one-level world model over
 * it, its actions described by `primitive` when given (else by its action spec: unknown box bounds are
 * infinite). The wrapper owns nothing: dispose the level-1 model as before.
 */
export function asWorldModel(
  model: WorldModel | JepaWorldModel,
  primitive?: PrimitiveActionDescription,
): WorldModel {
  if (!(model instanceof JepaWorldModel)) return model;
  return new HierarchicalWorldModel(model, [], primitive ?? describeActionSpec(model.actionSpec));
}

/** A `LatentVariableError` for a level whose predictor takes no z (it has no prior to read). */
function requireLatent(level: { readonly level: number; readonly latent: LatentDescription | null }): void {
  if (level.latent !== null) return;
  throw new LatentVariableError(
    `level ${level.level}: its predictor takes no latent variable z, so it has no prior p(z | s, a)`,
    level.level,
  );
}
