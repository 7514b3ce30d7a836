/**
 * @hjepa/tensor: the one place that imports TensorFlow.js. Use `tf` from here, start a backend with
 * `initTensors` (before any gradient), initialise weights from a seeded `Rng` (`init`), and save/load weights
 * in the TF.js format.
 */
export {
  assertSingleTfjsCore,
  BACKEND_CHOICES,
  type BackendChoice,
  type InitTensorsOptions,
  type InitTensorsResult,
  initTensors,
  NATIVE_PACKAGES,
} from "./backend.ts";
export {
  type BenchOptions,
  benchConvTrainStep,
  benchMatmul,
  benchTrainStep,
  type MatmulBench,
  type TrainStepBench,
} from "./bench.ts";
export * as init from "./init.ts";
export {
  installWasmPatches,
  uninstallWasmPatches,
  WASM_PATCHED_KERNELS,
  wasmPatchesInstalled,
} from "./kernels/wasmPatches.ts";
export {
  type BackendValues,
  expectArraysClose,
  expectBackendsClose,
  expectNoLeaks,
  maxRelativeError,
  valuesOn,
  withLeakCheck,
} from "./testing.ts";
export { tf } from "./tf.ts";
export {
  type ExpectedWeights,
  type LoadWeightsOptions,
  loadWeights,
  loadWeightsInto,
  MODEL_JSON,
  type ModelJson,
  type NamedWeights,
  readModelJson,
  type SavedWeights,
  type SaveWeightsOptions,
  saveWeights,
  WEIGHTS_BIN,
  type WeightDtype,
  type WeightSpec,
  type WeightsManifestGroup,
} from "./weights.ts";
