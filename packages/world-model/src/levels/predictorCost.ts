import type { ParamStore } from "@hjepa/perception";

/** Where a level's predictor keeps its weights in the level's `params` (level 1 and every level above). */
const PREDICTOR_SCOPE = "predictor/";

/**
 * Multiply-adds of one predictor call on one candidate, from the shapes of the predictor's weights in `params`:
 * each weight matrix `[in, out]` costs `in * out`. Biases, activations and normalisation (O(width)) are left out,
 * and so is level 1's action featurisation (a standardisation or a one-hot). Deterministic: shapes, not timings.
 */
export function predictorMultiplyAdds(params: ParamStore, where: string): number {
  let total = 0;
  for (const [name, v] of params.entries()) {
    if (!name.startsWith(PREDICTOR_SCOPE) || v.rank < 2) continue;
    if (v.rank > 2) {
      // A convolution's cost depends on its input's size, which its weights do not say.
      throw new Error(
        `${where}: cannot count the multiply-adds of ${name} [${v.shape.join(", ")}] from its shape`,
      );
    }
    total += v.size;
  }
  if (total === 0) throw new Error(`${where}: no predictor weight matrix under "${PREDICTOR_SCOPE}"`);
  return total;
}
