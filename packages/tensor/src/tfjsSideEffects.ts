/**
 * Registers what Node does not get from `@tensorflow/tfjs-core` alone: the gradient functions and the
 * chained tensor methods (`x.reshape(...)`, `x.add(y)`, used by tfjs's own gradient code too).
 *
 * tfjs-core's Node build (CommonJS) has neither: they live in `dist/register_all_gradients.js` and
 * `dist/public/chained_ops/register_all_chained_ops.js`, ES module trees written for bundlers (relative imports
 * without ".js"), which the `@tensorflow/tfjs` union package or a bundler normally pulls in. Without them every
 * `tf.grad`/optimizer step fails with "gradient function not found". We load both trees with a Node resolve
 * hook limited to tfjs-core's own dist folder that adds the missing extension. The tree is a second copy of tfjs-core's code, but all state (engine, kernel and
 * gradient registries, the Tensor class) is kept on a global namespace by tfjs-core, so it shares our one
 * engine; `Tensor`'s `instanceof` is defined to accept tensors from either copy.
 */
import { createRequire, register } from "node:module";
import { dirname } from "node:path";
import { pathToFileURL } from "node:url";
import { getGradient, Tensor } from "@tensorflow/tfjs-core";

/** Kernels whose gradients training needs on every backend (checked after loading). */
export const REQUIRED_GRADIENTS = [
  "Add",
  "BatchMatMul",
  "Conv2D",
  "GatherV2",
  "Mean",
  "Multiply",
  "Relu",
  "Reshape",
  "Square",
  "Sum",
] as const;

/** Runs inside Node's loader thread: resolve hook, scoped to tfjs-core's ES module tree. */
const HOOK_SOURCE = `
let ROOT = null;
export async function initialize(data) { ROOT = data.root; }
export async function resolve(specifier, context, next) {
  const inside = ROOT && context.parentURL && context.parentURL.startsWith(ROOT);
  if (inside && specifier.startsWith(".") && !specifier.endsWith(".js")) {
    try { return await next(specifier + ".js", context); } catch {}
    try { return await next(specifier + "/index.js", context); } catch {}
  }
  return next(specifier, context);
}
export async function load(url, context, next) {
  if (ROOT && url.startsWith(ROOT) && url.endsWith(".js") && !url.slice(ROOT.length).startsWith("tf-core")) {
    return next(url, { ...context, format: "module" });
  }
  return next(url, context);
}
`;

let loading: Promise<void> | null = null;

/** Chained methods that must exist on tensors (checked after loading). */
const REQUIRED_METHODS = ["reshape", "add", "matMul", "flatten", "square"] as const;

function missingGradients(): string[] {
  return REQUIRED_GRADIENTS.filter((k) => getGradient(k) === undefined);
}

function missingMethods(): string[] {
  const proto = Tensor.prototype as unknown as Record<string, unknown>;
  return REQUIRED_METHODS.filter((m) => typeof proto[m] !== "function");
}

async function load(): Promise<void> {
  const require = createRequire(import.meta.url);
  const dist = dirname(require.resolve("@tensorflow/tfjs-core"));
  const distUrl = `${pathToFileURL(dist).href}/`;
  // The hook runs on Node's loader thread: it gets the folder through `initialize`.
  register(`data:text/javascript,${encodeURIComponent(HOOK_SOURCE)}`, { data: { root: distUrl } });
  for (const file of ["register_all_gradients.js", "public/chained_ops/register_all_chained_ops.js"]) {
    await import(/* @vite-ignore */ `${distUrl}${file}`);
  }
  const missing = [
    ...missingGradients().map((k) => `gradient ${k}`),
    ...missingMethods().map((m) => `x.${m}()`),
  ];
  if (missing.length > 0) {
    throw new Error(
      `@hjepa/tensor: loaded tfjs-core's gradients and chained ops from ${distUrl} but these are still missing: ` +
        `${missing.join(", ")}; expected @tensorflow/tfjs-core 4.22 to register them`,
    );
  }
}

/**
 * Makes sure gradients and chained tensor methods are registered (idempotent, about 0.5 s the first time).
 * Skips loading when they already are, for example by `@tensorflow/tfjs` or `@tensorflow/tfjs-node`.
 */
export function registerTfjsSideEffects(): Promise<void> {
  if (missingGradients().length === 0 && missingMethods().length === 0) return Promise.resolve();
  loading ??= load().catch((e: unknown) => {
    loading = null;
    throw e;
  });
  return loading;
}
