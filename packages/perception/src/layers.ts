import { InputError } from "@hjepa/errors";
import { init, tf } from "@hjepa/tensor";
import type { Rng } from "gymnasium-js";
import type { ParamStore } from "./params.ts";

/** Activation functions by name (configs name them). */
export const ACTIVATIONS = {
  relu: (x: tf.Tensor) => tf.relu(x),
  elu: (x: tf.Tensor) => tf.elu(x),
  tanh: (x: tf.Tensor) => tf.tanh(x),
  silu: (x: tf.Tensor) => tf.mul(x, tf.sigmoid(x)),
  linear: (x: tf.Tensor) => x,
} as const;
export type ActivationName = keyof typeof ACTIVATIONS;

export function activation(name: ActivationName): (x: tf.Tensor) => tf.Tensor {
  const f = ACTIVATIONS[name];
  if (!f)
    throw new InputError(
      `unknown activation "${name}" (expected one of ${Object.keys(ACTIVATIONS).join(", ")})`,
    );
  return f;
}

/** y = x W + b. */
export class Dense {
  readonly w: tf.Variable;
  readonly b: tf.Variable;
  constructor(
    params: ParamStore,
    readonly inDim: number,
    readonly outDim: number,
    rng: Rng,
  ) {
    this.w = params.add("w", init.glorotUniform([inDim, outDim], rng));
    this.b = params.add("b", init.zeros([outDim]));
  }
  /** With `activation` "relu" or "elu" the bias and activation are fused into the matmul (one kernel). */
  apply(x: tf.Tensor2D, activation: FusedActivation = "linear"): tf.Tensor2D {
    return tf.fused.matMul({ a: x, b: this.w as tf.Tensor2D, bias: this.b, activation }) as tf.Tensor2D;
  }
}

/** Activations TF.js can fuse into a matmul. */
type FusedActivation = "linear" | "relu" | "elu";
const FUSABLE: ReadonlySet<string> = new Set(["linear", "relu", "elu"]);

/** Layer normalisation over the last axis, with gain and bias. */
export class LayerNorm {
  readonly gain: tf.Variable;
  readonly bias: tf.Variable;
  constructor(
    params: ParamStore,
    dim: number,
    readonly eps = 1e-5,
  ) {
    this.gain = params.add("gain", tf.ones([dim]));
    this.bias = params.add("bias", init.zeros([dim]));
  }
  apply(x: tf.Tensor2D): tf.Tensor2D {
    const { mean, variance } = tf.moments(x, -1, true);
    const normed = tf.div(tf.sub(x, mean), tf.sqrt(tf.add(variance, this.eps)));
    return tf.add(tf.mul(normed, this.gain), this.bias) as tf.Tensor2D;
  }
}

export interface MlpOptions {
  /** Layer sizes from input to output, e.g. [2, 64, 64, 16]. */
  sizes: readonly number[];
  activation?: ActivationName;
  /** Layer norm before each hidden activation. */
  layerNorm?: boolean;
  /** Activation on the output layer (default linear). */
  outputActivation?: ActivationName;
}

/** A multilayer perceptron: Dense (+ LayerNorm) + activation, linear output. */
export class Mlp {
  private readonly layers: Dense[] = [];
  private readonly norms: LayerNorm[] = [];
  private readonly act: (x: tf.Tensor) => tf.Tensor;
  private readonly outAct: (x: tf.Tensor) => tf.Tensor;

  constructor(
    params: ParamStore,
    readonly opts: MlpOptions,
    rng: Rng,
  ) {
    const { sizes } = opts;
    if (sizes.length < 2 || !sizes.every((s) => Number.isInteger(s) && s > 0)) {
      throw new Error(`Mlp: sizes must be >= 2 positive integers (got [${sizes.join(", ")}])`);
    }
    for (let i = 0; i + 1 < sizes.length; i++) {
      this.layers.push(new Dense(params.scope(`dense${i}`), sizes[i] as number, sizes[i + 1] as number, rng));
      if (opts.layerNorm && i + 2 < sizes.length)
        this.norms.push(new LayerNorm(params.scope(`norm${i}`), sizes[i + 1] as number));
    }
    this.act = activation(opts.activation ?? "relu");
    this.outAct = activation(opts.outputActivation ?? "linear");
  }

  get inDim(): number {
    return this.opts.sizes[0] as number;
  }
  get outDim(): number {
    return this.opts.sizes[this.opts.sizes.length - 1] as number;
  }

  apply(x: tf.Tensor2D): tf.Tensor2D {
    return tf.tidy(() => this.forward(x));
  }

  private forward(x: tf.Tensor2D): tf.Tensor2D {
    let h = x;
    const hidden = this.opts.activation ?? "relu";
    const output = this.opts.outputActivation ?? "linear";
    this.layers.forEach((layer, i) => {
      const last = i + 1 === this.layers.length;
      const name = last ? output : hidden;
      // Fuse bias + activation into the matmul where possible (fewer kernels per layer, forward and backward).
      if (FUSABLE.has(name) && (last || !this.opts.layerNorm)) {
        h = layer.apply(h, name as FusedActivation);
        return;
      }
      h = layer.apply(h);
      if (!last && this.opts.layerNorm) h = (this.norms[i] as LayerNorm).apply(h);
      h = (last ? this.outAct : this.act)(h) as tf.Tensor2D;
    });
    return h;
  }
}

/** A 2-D convolution (NHWC) with bias; He-normal initialised for ReLU stacks. */
export class Conv2D {
  readonly filter: tf.Variable;
  readonly bias: tf.Variable;
  constructor(
    params: ParamStore,
    readonly inChannels: number,
    readonly outChannels: number,
    readonly kernel: number,
    readonly stride: number,
    rng: Rng,
    readonly padding: "same" | "valid" = "same",
  ) {
    this.filter = params.add("filter", init.heNormal([kernel, kernel, inChannels, outChannels], rng));
    this.bias = params.add("bias", init.zeros([outChannels]));
  }
  apply(x: tf.Tensor4D): tf.Tensor4D {
    return tf.add(
      tf.conv2d(x, this.filter as tf.Tensor4D, this.stride, this.padding),
      this.bias,
    ) as tf.Tensor4D;
  }
  /** Output spatial size for an input of `size` pixels. */
  outSize(size: number): number {
    return this.padding === "same"
      ? Math.ceil(size / this.stride)
      : Math.floor((size - this.kernel) / this.stride) + 1;
  }
}
