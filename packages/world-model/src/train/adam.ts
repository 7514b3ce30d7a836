import { tf } from "@hjepa/tensor";

export interface AdamOptions {
  beta1?: number;
  beta2?: number;
  epsilon?: number;
}

/**
 * Adam with its moments held as named variables, so that a checkpoint carries the optimizer state and a
 * resumed run continues exactly as an uninterrupted one (TF.js's optimizers hide their slots' names).
 */
export class Adam {
  private readonly m = new Map<string, tf.Variable>();
  private readonly v = new Map<string, tf.Variable>();
  /** Number of updates applied so far (for bias correction). */
  step = 0;
  readonly beta1: number;
  readonly beta2: number;
  readonly epsilon: number;

  constructor(
    private readonly params: Map<string, tf.Variable>,
    opts: AdamOptions = {},
  ) {
    this.beta1 = opts.beta1 ?? 0.9;
    this.beta2 = opts.beta2 ?? 0.999;
    this.epsilon = opts.epsilon ?? 1e-8;
    for (const [name, p] of params) {
      // tf.variable keeps its own reference to the initial value, so the zeros are created inside tidy.
      this.m.set(
        name,
        tf.tidy(() => tf.variable(tf.zerosLike(p), false)),
      );
      this.v.set(
        name,
        tf.tidy(() => tf.variable(tf.zerosLike(p), false)),
      );
    }
  }

  /** Applies one update from gradients keyed by parameter name. */
  apply(grads: Record<string, tf.Tensor>, lr: number): void {
    this.step += 1;
    const c1 = 1 - this.beta1 ** this.step;
    const c2 = 1 - this.beta2 ** this.step;
    tf.tidy(() => {
      for (const [name, p] of this.params) {
        const g = grads[name];
        if (!g) continue;
        const m = this.m.get(name) as tf.Variable;
        const v = this.v.get(name) as tf.Variable;
        m.assign(tf.add(tf.mul(m, this.beta1), tf.mul(g, 1 - this.beta1)));
        v.assign(tf.add(tf.mul(v, this.beta2), tf.mul(tf.square(g), 1 - this.beta2)));
        const update = tf.div(tf.mul(m, lr / c1), tf.add(tf.sqrt(tf.div(v, c2)), this.epsilon));
        p.assign(tf.sub(p, update));
      }
    });
  }

  /** The optimizer state as named tensors (for checkpoints): `adam/m/<param>`, `adam/v/<param>`. */
  stateTensors(): Record<string, tf.Variable> {
    const out: Record<string, tf.Variable> = {};
    for (const [name, t] of this.m) out[`adam/m/${name}`] = t;
    for (const [name, t] of this.v) out[`adam/v/${name}`] = t;
    return out;
  }

  dispose(): void {
    for (const t of [...this.m.values(), ...this.v.values()]) t.dispose();
    this.m.clear();
    this.v.clear();
  }
}
