/**
 * The numbers a result folder holds, as named values that `hjepa reproduce` compares one by one. A value is a
 * JSON leaf or a vector (an array of numbers at any depth, e.g. a trajectory: one value, compared element by
 * element). Each value has a category: a result (`metric`), a checksum of learned weights (`checksum`: equal
 * bytes or not, so meaningful only on a deterministic backend) or a time (`timing`: milliseconds, seconds,
 * dates; reported beside and never compared, since no two runs take the same time).
 */

export type Value = number | string | boolean | null | readonly number[];

export type Category = "metric" | "checksum" | "timing";

export interface Metric {
  name: string;
  value: Value;
  category: Category;
  /** Values of one kind over many records (every episode's success) are shown as one line per group. */
  group?: string;
  /** Compared only when both sides have it (a run folder that may be gone); its notes say when it is not. */
  optional?: boolean;
}

/**
 * Keys that hold a time: ms, seconds, elapsed, ETA, durations, dates (createdAt, startedAt...) and `timing`
 * objects. By key, because the files name their times consistently (msPerDecision, planningMs, elapsed).
 */
const TIMING_KEY =
  /^(ms|seconds|elapsed|eta|duration|timing|timestamp)$|^ms[A-Z]|Ms$|Ms[A-Z]|Seconds|PerSecond|Elapsed|Duration|Timestamp|At$/;

/** Keys that hold a checksum of bytes (sha256 of weights or saved parts). */
const CHECKSUM_KEY = /sha256|checksum/i;

export function isTimingKey(key: string): boolean {
  return TIMING_KEY.test(key);
}

/** An array whose leaves, at any depth, are all numbers (an empty array counts). */
function numericLeaves(value: readonly unknown[]): number[] | null {
  const out: number[] = [];
  const walk = (v: unknown): boolean => {
    if (typeof v === "number") {
      out.push(v);
      return true;
    }
    return Array.isArray(v) && v.every(walk);
  };
  return value.every(walk) ? out : null;
}

export class MetricSet {
  readonly items: Metric[] = [];
  private readonly names = new Set<string>();
  /** What could not be compared and why (a missing run folder): printed under the table. */
  readonly notes: string[] = [];

  add(name: string, value: Value, category: Category = "metric", group?: string, optional?: boolean): void {
    let unique = name;
    for (let k = 2; this.names.has(unique); k++) unique = `${name} #${k}`;
    this.names.add(unique);
    this.items.push({
      name: unique,
      value,
      category,
      ...(group === undefined ? {} : { group }),
      ...(optional ? { optional } : {}),
    });
  }

  /**
   * Adds every leaf of a JSON value under `name`: object keys joined with ".", array elements as "[i]", an array
   * of numbers as one vector. With `group`, each leaf joins the group `${group}: <its path with [*] for indices>`,
   * so that, say, every episode's `pathLength` is one line of the table.
   */
  addJson(name: string, value: unknown, group?: string, inherited: Category = "metric"): void {
    this.walk(name, "", value, group, inherited);
  }

  private walk(name: string, path: string, value: unknown, group: string | undefined, category: Category) {
    const full = path === "" ? name : `${name} ${path}`;
    const groupName =
      group === undefined ? undefined : `${group}: ${path.replace(/\[\d+\]/g, "[*]") || "value"}`;
    if (value === null || typeof value !== "object") {
      const leaf = value === undefined ? null : (value as number | string | boolean);
      this.add(full, leaf, category, groupName);
      return;
    }
    if (Array.isArray(value)) {
      const numbers = numericLeaves(value);
      if (numbers !== null) {
        this.add(full, numbers, category, groupName);
        return;
      }
      value.forEach((v, i) => {
        this.walk(name, `${path}[${i}]`, v, group, category);
      });
      return;
    }
    for (const [key, v] of Object.entries(value as Record<string, unknown>)) {
      const child =
        category === "timing" || isTimingKey(key)
          ? "timing"
          : category === "checksum" || CHECKSUM_KEY.test(key)
            ? "checksum"
            : "metric";
      this.walk(name, path === "" ? key : `${path}.${key}`, v, group, child);
    }
  }
}
