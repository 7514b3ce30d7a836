import { loadWeights, type tf } from "@hjepa/tensor";

/**
 * Loads a checkpoint's weights into `model`'s parameters (checked by name and shape; the optimizer state in it
 * is skipped) and returns the checkpoint's step. On a failed check the model is disposed and the error thrown.
 */
export async function loadCheckpointWeights(
  model: { params: { entries(): [string, tf.Variable][] }; dispose(): void },
  checkpoint: string,
): Promise<number> {
  const vars = Object.fromEntries(model.params.entries());
  let loaded: Awaited<ReturnType<typeof loadWeights>>;
  try {
    loaded = await loadWeights(checkpoint, {
      expected: Object.fromEntries(Object.entries(vars).map(([n, v]) => [n, { shape: [...v.shape] }])),
      allowExtra: true,
    });
  } catch (e) {
    model.dispose();
    throw e;
  }
  const { weights, modelJson } = loaded;
  for (const [name, v] of Object.entries(vars)) v.assign(weights[name] as never);
  for (const t of Object.values(weights)) t.dispose();
  return Number((modelJson.userDefinedMetadata as { step?: number } | undefined)?.step ?? 0);
}
