/**
 * Seeded weight initialisers. The numbers are drawn in JavaScript from a gymnasium-js `Rng` into a
 * Float32Array and only then become a tensor, so the same Rng state gives bit-identical weights on every
 * backend (TensorFlow.js's own random ops differ between backends).
 *
 * Fans follow the Keras convention: a [fanIn, fanOut] matrix; a conv filter [..kernel, inChannels,
 * outChannels] multiplies both fans by the kernel size; a vector has fanIn = fanOut = its length.
 */
import type { Rng } from "gymnasium-js";
import { tf } from "./tf.ts";

export interface Fans {
  fanIn: number;
  fanOut: number;
}

function checkShape(shape: readonly number[], where: string): void {
  if (!shape.every((d) => Number.isSafeInteger(d) && d >= 0)) {
    throw new Error(`${where}: shape must be non-negative integers (got [${shape}])`);
  }
}

/** Fan-in and fan-out of a weight of `shape` (Keras convention, see the module comment). */
export function fans(shape: readonly number[]): Fans {
  checkShape(shape, "fans");
  if (shape.length === 0) return { fanIn: 1, fanOut: 1 };
  if (shape.length === 1) return { fanIn: shape[0], fanOut: shape[0] };
  const receptive = shape.slice(0, -2).reduce((a, b) => a * b, 1);
  return { fanIn: shape[shape.length - 2] * receptive, fanOut: shape[shape.length - 1] * receptive };
}

function fill(shape: readonly number[], where: string, draw: () => number): tf.Tensor {
  checkShape(shape, where);
  const values = new Float32Array(shape.reduce((a, b) => a * b, 1));
  for (let i = 0; i < values.length; i++) values[i] = draw();
  return tf.tensor(values, [...shape], "float32");
}

function positiveFan(fan: number, where: string, shape: readonly number[]): number {
  if (!(fan > 0)) throw new Error(`${where}: shape [${shape}] has a zero fan; expected non-empty dimensions`);
  return fan;
}

/** All zeros (biases). */
export function zeros(shape: readonly number[]): tf.Tensor {
  return fill(shape, "zeros", () => 0);
}

/** Normal(mean, std) entries. */
export function normal(shape: readonly number[], rng: Rng, { mean = 0, std = 1 } = {}): tf.Tensor {
  if (!(std >= 0)) throw new Error(`normal: std must be >= 0 (got ${std})`);
  return fill(shape, "normal", () => rng.normal(mean, std));
}

/** Uniform(low, high) entries. */
export function uniform(shape: readonly number[], rng: Rng, { low = -0.05, high = 0.05 } = {}): tf.Tensor {
  if (!(low <= high)) throw new Error(`uniform: needs low <= high (got ${low}, ${high})`);
  return fill(shape, "uniform", () => rng.uniform(low, high));
}

/** Glorot/Xavier uniform: U(-l, l) with l = sqrt(6 / (fanIn + fanOut)). For tanh/linear layers. */
export function glorotUniform(shape: readonly number[], rng: Rng): tf.Tensor {
  checkShape(shape, "glorotUniform");
  const { fanIn, fanOut } = fans(shape);
  const limit = Math.sqrt(6 / positiveFan(fanIn + fanOut, "glorotUniform", shape));
  return fill(shape, "glorotUniform", () => rng.uniform(-limit, limit));
}

/** He/Kaiming normal: N(0, 2 / fanIn), not truncated (as PyTorch's kaiming_normal_). For ReLU layers. */
export function heNormal(shape: readonly number[], rng: Rng): tf.Tensor {
  checkShape(shape, "heNormal");
  const std = Math.sqrt(2 / positiveFan(fans(shape).fanIn, "heNormal", shape));
  return fill(shape, "heNormal", () => rng.normal(0, std));
}

/** He/Kaiming uniform: U(-l, l) with l = sqrt(6 / fanIn). For ReLU layers. */
export function heUniform(shape: readonly number[], rng: Rng): tf.Tensor {
  checkShape(shape, "heUniform");
  const limit = Math.sqrt(6 / positiveFan(fans(shape).fanIn, "heUniform", shape));
  return fill(shape, "heUniform", () => rng.uniform(-limit, limit));
}
