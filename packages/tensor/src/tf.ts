/**
 * The TensorFlow.js namespace for the whole monorepo. Other packages import `tf` from `@hjepa/tensor`, never
 * from `@tensorflow/*`, so that there is one tfjs-core (one engine, one kernel registry) and every backend
 * registers into it.
 *
 * Importing this module also makes tfjs trainable in Node: it installs the wasm kernel patches and registers
 * tfjs's gradients and chained tensor methods (about 0.5 s, once per process; see tfjsSideEffects.ts). The
 * backend is chosen by `initTensors`.
 */
// Side-effect imports: they register the "cpu" and "wasm" backend factories (nothing is initialised yet).
import "@tensorflow/tfjs-backend-cpu";
import "@tensorflow/tfjs-backend-wasm";
import { installWasmPatches } from "./kernels/wasmPatches.ts";
import { registerTfjsSideEffects } from "./tfjsSideEffects.ts";

installWasmPatches();
await registerTfjsSideEffects();

export * as tf from "@tensorflow/tfjs-core";
