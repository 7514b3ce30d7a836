import { type ParamStore, setStats } from "@hjepa/perception";
import { tf } from "@hjepa/tensor";

/** How the dataset's actions are given: continuous vectors of `dim`, or discrete indices in [0, n). */
export type ActionSpec = { kind: "continuous"; dim: number } | { kind: "discrete"; n: number };

/**
 * Turns raw actions into predictor inputs: continuous actions are standardised with data statistics (kept as
 * non-trainable parameters, so checkpoints carry them); discrete actions become one-hot vectors.
 */
export class ActionFeatures {
  readonly size: number;
  private readonly mean: tf.Variable | null;
  private readonly std: tf.Variable | null;

  constructor(
    readonly spec: ActionSpec,
    params: ParamStore,
  ) {
    if (spec.kind === "continuous") {
      this.size = spec.dim;
      this.mean = params.add("actionMean", tf.zeros([spec.dim]), { trainable: false });
      this.std = params.add("actionStd", tf.ones([spec.dim]), { trainable: false });
    } else {
      this.size = spec.n;
      this.mean = null;
      this.std = null;
    }
  }

  /** `[B, k]` float actions (discrete: `[B, 1]` or `[B]` indices) -> `[B, size]` features. */
  apply(actions: tf.Tensor): tf.Tensor2D {
    return tf.tidy(() => {
      if (this.spec.kind === "discrete") {
        return tf.cast(
          tf.oneHot(tf.cast(tf.reshape(actions, [-1]), "int32"), this.spec.n),
          "float32",
        ) as tf.Tensor2D;
      }
      const a = tf.reshape(tf.cast(actions, "float32"), [-1, this.size]);
      return tf.div(tf.sub(a, this.mean as tf.Variable), this.std as tf.Variable) as tf.Tensor2D;
    });
  }

  /** The continuous-action statistics (null for discrete actions), e.g. for a level above to copy. */
  normalization(): { mean: Float32Array; std: Float32Array } | null {
    if (!this.mean || !this.std) return null;
    return { mean: Float32Array.from(this.mean.dataSync()), std: Float32Array.from(this.std.dataSync()) };
  }

  /** Sets continuous-action statistics from data (a no-op for discrete actions). */
  setNormalization(mean: ArrayLike<number>, std: ArrayLike<number>): void {
    if (!this.mean || !this.std) return;
    setStats(this.mean, this.std, mean, std, "ActionFeatures");
  }
}
