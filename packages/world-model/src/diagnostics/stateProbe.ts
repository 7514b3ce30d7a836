import type { Rng } from "gymnasium-js";
import type { FrameEncoder, WorldModelData } from "../data.ts";
import type { RowMajor } from "./matrix.ts";
import { type MlpProbe, type MlpProbeOptions, mlpProbeR2 } from "./mlpProbe.ts";
import type { R2Score } from "./probe.ts";

export interface StateProbeOptions {
  /** Frames drawn from the training episodes to fit the probe on (default 4096). */
  trainFrames?: number;
  /** Frames drawn from the validation episodes to score it on (default 1024). */
  testFrames?: number;
  mlp?: MlpProbeOptions;
}

export const STATE_PROBE_DEFAULTS = { trainFrames: 4096, testFrames: 1024 } as const;

/** A decoder from representations to true states, with its held-out score. */
export interface StateProbe {
  /** Representation size it reads. */
  dim: number;
  /** True-state size it writes. */
  stateDim: number;
  /** Held-out R^2 on frames of the validation episodes. */
  r2: R2Score;
  probe: MlpProbe;
  /** True states decoded from row-major [n, dim] representations, as row-major [n, stateDim]. */
  predict(z: RowMajor, n: number): Float64Array;
}

/**
 * A nonlinear probe from an encoder's representations to true states: an MLP fitted on encoded frames of the
 * training episodes and scored on frames of the held-out (validation) episodes. `rng` draws both frame sets
 * and the probe's weights and minibatches (three child streams).
 */
export function fitStateProbe(
  data: WorldModelData,
  encoder: FrameEncoder,
  rng: Rng,
  options: StateProbeOptions = {},
): StateProbe {
  const [trainRng, testRng, fitRng] = rng.spawn(3);
  const train = data.sampleArrays(
    options.trainFrames ?? STATE_PROBE_DEFAULTS.trainFrames,
    1,
    trainRng,
    "train",
  );
  const test = data.sampleArrays(
    options.testFrames ?? STATE_PROBE_DEFAULTS.testFrames,
    1,
    testRng,
    "validation",
  );
  const dim = encoder.encoder.dim;
  const stateDim = data.dataset.stateDim;
  const { r2, probe } = mlpProbeR2(
    data.encodeFrames(encoder, train),
    train.states,
    data.encodeFrames(encoder, test),
    test.states,
    dim,
    stateDim,
    fitRng,
    options.mlp,
  );
  return { dim, stateDim, r2, probe, predict: (z, n) => probe.predict(z, n) };
}
