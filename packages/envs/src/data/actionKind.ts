import { Box, Discrete, type Space } from "gymnasium-js";

/** The action space of a data policy's env, checked once: a bounded Box or a Discrete. */
export type ActionKind = { kind: "box"; space: Box<"float32"> } | { kind: "discrete"; space: Discrete };

export function actionKind(space: Space<unknown, unknown>, policy: string): ActionKind {
  if (space instanceof Box) {
    if (!space.isBounded()) {
      throw new RangeError(
        `data policy '${policy}': the action space ${space} must be bounded on both sides`,
      );
    }
    return { kind: "box", space: space as Box<"float32"> };
  }
  if (space instanceof Discrete) return { kind: "discrete", space };
  throw new TypeError(
    `data policy '${policy}': unsupported action space ${space} (expected a Box or a Discrete)`,
  );
}

/** Maps `u` in [-1, 1]^k (per dimension) onto the Box's [low, high], clipped. */
export function toBox(u: ArrayLike<number>, space: Box<"float32">): Float32Array {
  const { low, high, size } = space;
  const a = new Float32Array(size);
  for (let i = 0; i < size; i++) {
    const lo = low[i] as number;
    const hi = high[i] as number;
    a[i] = Math.min(hi, Math.max(lo, lo + ((u[i] as number) + 1) * 0.5 * (hi - lo)));
  }
  return a;
}
