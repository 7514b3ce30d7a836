import { InputError } from "@hjepa/errors";

/** The names in `given` order, or in first-seen order of `seen` when none is given (duplicates dropped). */
export function orderOf(given: readonly string[] | undefined, seen: readonly string[]): string[] {
  return [...new Set(given ?? seen)];
}

/** Success rate of `successes` out of `episodes`, or null for an empty cell (drawn as nothing, not as 0). */
export function rate(successes: number, episodes: number): number | null {
  return episodes > 0 ? successes / episodes : null;
}

/** Throws an `InputError` naming the plot and field when `x` is not a finite number. */
export function finite(x: number, where: string): number {
  if (!Number.isFinite(x)) throw new InputError(`${where} must be a finite number (got ${x})`);
  return x;
}

/** Throws an `InputError` when `rows` is empty: a plot of nothing is a caller's mistake, not an empty picture. */
export function nonEmpty<T>(rows: readonly T[], plot: string): readonly T[] {
  if (rows.length === 0) throw new InputError(`${plot}: no rows to plot (expected at least one)`);
  return rows;
}
