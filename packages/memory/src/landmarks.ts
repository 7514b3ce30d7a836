import { InputError } from "@hjepa/errors";

/**
 * Landmarks: a set of representations of states the agent has actually observed (from its training data or
 * its own experience), at least `radius` apart. Graph planners snap imagined states to the nearest landmark,
 * so that long imagined paths do not drift off the set of real states and revisits of one state merge into
 * one node. Plain typed arrays: no tensors; nearest-neighbour queries are brute force (meant for hundreds to
 * a few thousand landmarks).
 */
export class Landmarks {
  private readonly data: Float32Array;
  private count = 0;
  private spacingCache = -1;

  /**
   * @param dim representation size.
   * @param radius a candidate closer than this (Euclidean) to an existing landmark is not added.
   * @param capacity most landmarks kept; adding beyond it throws.
   */
  constructor(
    readonly dim: number,
    readonly radius: number,
    readonly capacity = 4096,
  ) {
    if (!Number.isInteger(dim) || dim < 1)
      throw new Error(`Landmarks: dim must be a positive integer (got ${dim})`);
    if (!(radius > 0) || !Number.isFinite(radius))
      throw new Error(`Landmarks: radius must be a positive number (got ${radius})`);
    if (!Number.isInteger(capacity) || capacity < 1)
      throw new Error(`Landmarks: capacity must be a positive integer (got ${capacity})`);
    this.data = new Float32Array(capacity * dim);
  }

  /**
   * Greedy dedup of `reps` (`[n, dim]` row-major) in order: each row farther than `radius` from every kept
   * landmark becomes one. Rows beyond `capacity` landmarks are an error naming how many were kept.
   */
  static fromRepresentations(
    reps: ArrayLike<number>,
    dim: number,
    radius: number,
    capacity = 4096,
  ): Landmarks {
    if (reps.length % dim !== 0)
      throw new Error(`Landmarks: ${reps.length} numbers is not a whole number of ${dim}-vectors`);
    const set = new Landmarks(dim, radius, capacity);
    const row = new Float32Array(dim);
    for (let i = 0; i < reps.length / dim; i++) {
      for (let j = 0; j < dim; j++) row[j] = reps[i * dim + j] as number;
      set.add(row);
    }
    return set;
  }

  /**
   * Landmarks restored exactly from `toArray()` (`[n, dim]` row-major): every row is kept as it is, in order,
   * without the dedup of `fromRepresentations` (they were kept at least `radius` apart when made).
   */
  static fromArray(rows: ArrayLike<number>, dim: number, radius: number, capacity = 4096): Landmarks {
    if (rows.length % dim !== 0)
      throw new Error(`Landmarks: ${rows.length} numbers is not a whole number of ${dim}-vectors`);
    const set = new Landmarks(dim, radius, capacity);
    const n = rows.length / dim;
    if (n > capacity) throw new Error(`Landmarks.fromArray: ${n} landmarks exceed the capacity ${capacity}`);
    for (let i = 0; i < rows.length; i++) set.data[i] = rows[i] as number;
    set.count = n;
    return set;
  }

  /** The landmarks as one `[size, dim]` row-major array (a copy), e.g. to save them. */
  toArray(): Float32Array {
    return this.data.slice(0, this.count * this.dim);
  }

  get size(): number {
    return this.count;
  }

  /** Adds `rep` unless a landmark lies within `radius`; returns the index of the new or the nearby landmark. */
  add(rep: ArrayLike<number>): number {
    this.checkDim(rep, "add");
    const near = this.nearest(rep);
    if (near.index >= 0 && near.distance < this.radius) return near.index;
    if (this.count === this.capacity) {
      // The radius and capacity come from the user's config (agent.landmarks): they can fix this one.
      throw new InputError(
        `Landmarks.add: capacity ${this.capacity} reached at radius ${this.radius}; use a larger radius or capacity`,
      );
    }
    for (let j = 0; j < this.dim; j++) this.data[this.count * this.dim + j] = rep[j] as number;
    this.count += 1;
    this.spacingCache = -1;
    return this.count - 1;
  }

  /** The landmark nearest to `rep` and its Euclidean distance (index -1 and Infinity when empty). */
  nearest(rep: ArrayLike<number>): { index: number; distance: number } {
    this.checkDim(rep, "nearest");
    const d = this.dim;
    let index = -1;
    let best = Infinity;
    for (let i = 0; i < this.count; i++) {
      let s = 0;
      for (let j = 0; j < d && s < best; j++) {
        const e = (this.data[i * d + j] as number) - (rep[j] as number);
        s += e * e;
      }
      if (s < best) {
        best = s;
        index = i;
      }
    }
    return { index, distance: Math.sqrt(best) };
  }

  /**
   * The typical distance between neighbouring landmarks: the median over landmarks of the distance to the
   * nearest other one (0 with fewer than two). Cached until the next add.
   */
  spacing(): number {
    if (this.spacingCache >= 0) return this.spacingCache;
    const d = this.dim;
    const nearest: number[] = [];
    for (let i = 0; i < this.count; i++) {
      let best = Infinity;
      for (let k = 0; k < this.count; k++) {
        if (k === i) continue;
        let s = 0;
        for (let j = 0; j < d && s < best; j++) {
          const e = (this.data[i * d + j] as number) - (this.data[k * d + j] as number);
          s += e * e;
        }
        best = Math.min(best, s);
      }
      if (best < Infinity) nearest.push(Math.sqrt(best));
    }
    nearest.sort((a, b) => a - b);
    this.spacingCache = nearest[Math.floor(nearest.length / 2)] ?? 0;
    return this.spacingCache;
  }

  /** A view of landmark `i` (do not modify). */
  at(i: number): Float32Array {
    if (!Number.isInteger(i) || i < 0 || i >= this.count)
      throw new RangeError(`Landmarks.at: index ${i} is outside 0..${this.count - 1}`);
    return this.data.subarray(i * this.dim, (i + 1) * this.dim);
  }

  private checkDim(rep: ArrayLike<number>, where: string): void {
    if (rep.length !== this.dim)
      throw new Error(`Landmarks.${where}: representation has ${rep.length} numbers, expected ${this.dim}`);
  }
}
