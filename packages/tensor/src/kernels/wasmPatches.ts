/**
 * Installs (and for benchmarks, removes) the wasm kernel patches in tfjs-core's global kernel registry.
 *
 * The engine looks a kernel up on every call, so installing works before or after the wasm backend
 * initialises: a replaced kernel keeps the stock `setupFunc`, which the engine runs when the backend starts.
 */
import {
  _FusedMatMul,
  BatchMatMul,
  getKernel,
  type KernelConfig,
  registerKernel,
  unregisterKernel,
} from "@tensorflow/tfjs-core";
import { patchedBatchMatMul } from "./batchMatMul.ts";
import { conv2DBackpropFilterWasm } from "./conv2DBackpropFilter.ts";
import { conv2DBackpropInputWasm } from "./conv2DBackpropInput.ts";
import { depthwiseConv2DBackpropFilterWasm } from "./depthwiseConv2DBackpropFilter.ts";
import { depthwiseConv2DBackpropInputWasm } from "./depthwiseConv2DBackpropInput.ts";
import { patchedFusedMatMul } from "./fusedMatMul.ts";
import { maxPoolGradWasm } from "./maxPoolGrad.ts";
import { unsortedSegmentSumWasm } from "./unsortedSegmentSum.ts";

/** A patch: the replacement config, built from the stock one (undefined when wasm has none). */
interface Patch {
  kernelName: string;
  make(stock: KernelConfig | undefined): KernelConfig;
}

const PATCHES: Patch[] = [
  { kernelName: BatchMatMul, make: (stock) => patchedBatchMatMul(required(stock, BatchMatMul)) },
  { kernelName: _FusedMatMul, make: (stock) => patchedFusedMatMul(required(stock, _FusedMatMul)) },
  { kernelName: conv2DBackpropFilterWasm.kernelName, make: () => conv2DBackpropFilterWasm },
  { kernelName: conv2DBackpropInputWasm.kernelName, make: () => conv2DBackpropInputWasm },
  { kernelName: depthwiseConv2DBackpropFilterWasm.kernelName, make: () => depthwiseConv2DBackpropFilterWasm },
  { kernelName: depthwiseConv2DBackpropInputWasm.kernelName, make: () => depthwiseConv2DBackpropInputWasm },
  { kernelName: maxPoolGradWasm.kernelName, make: () => maxPoolGradWasm },
  { kernelName: unsortedSegmentSumWasm.kernelName, make: () => unsortedSegmentSumWasm },
];

/** The kernels that `installWasmPatches` replaces or adds for the wasm backend. */
export const WASM_PATCHED_KERNELS: readonly string[] = PATCHES.map((p) => p.kernelName);

/** Stock configs saved at install time (undefined: wasm had no such kernel); null when not installed. */
let stockConfigs: Map<string, KernelConfig | undefined> | null = null;

function required(stock: KernelConfig | undefined, name: string): KernelConfig {
  if (stock === undefined) {
    throw new Error(
      `@hjepa/tensor: the wasm backend has no '${name}' kernel to patch; is @tensorflow/tfjs-backend-wasm 4.22 imported?`,
    );
  }
  return stock;
}

function replace(kernelName: string, config: KernelConfig | undefined): void {
  if (getKernel(kernelName, "wasm") !== undefined) unregisterKernel(kernelName, "wasm");
  if (config !== undefined) registerKernel(config);
}

/** Registers every patch for "wasm" (idempotent). */
export function installWasmPatches(): void {
  if (stockConfigs !== null) return;
  const saved = new Map<string, KernelConfig | undefined>();
  for (const patch of PATCHES) saved.set(patch.kernelName, getKernel(patch.kernelName, "wasm"));
  for (const patch of PATCHES) {
    const stock = saved.get(patch.kernelName);
    // Keep the stock setupFunc: it runs when the backend starts and uninstalling must leave a working kernel.
    const config = { ...patch.make(stock), setupFunc: stock?.setupFunc };
    replace(patch.kernelName, config);
  }
  stockConfigs = saved;
}

/** Restores the stock wasm kernels (for stock-vs-patched benchmarks and tests). */
export function uninstallWasmPatches(): void {
  if (stockConfigs === null) return;
  for (const [name, stock] of stockConfigs) replace(name, stock);
  stockConfigs = null;
}

export function wasmPatchesInstalled(): boolean {
  return stockConfigs !== null;
}
