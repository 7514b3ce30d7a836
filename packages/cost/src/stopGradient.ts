import { tf } from "@hjepa/tensor";

/**
 * The identity in the forward pass, a zero gradient in the backward pass (TF.js has no `stop_gradient`).
 * Used for ranking offsets that depend on the whole batch, so that they never steer a gradient planner.
 */
export const stopGradient = tf.customGrad((...args: Array<tf.Tensor | tf.GradSaveFunc>) => ({
  value: tf.clone(args[0] as tf.Tensor),
  gradFunc: (dy: tf.Tensor) => tf.zerosLike(dy),
})) as (x: tf.Tensor) => tf.Tensor;
