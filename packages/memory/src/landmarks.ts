import { InputError } from "@hjepa/errors";

/** One observed move between two landmarks: one env step, and the primitive action taken. */
export interface LandmarkTransition {
  to: number;
  action: Float32Array;
}

const NONE: readonly LandmarkTransition[] = [];

/**
 * Landmarks: a set of representations of states the agent has actually observed (from its training data or
 * its own experience), at least `radius` apart. Graph planners snap imagined states to the nearest landmark,
 * so that long imagined paths do not drift off the set of real states and revisits of one state merge into
 * one node. Optionally they also record transitions: moves between landmarks seen in real experience (one env
 * step each, with its primitive action), the experience graph that `landmark-graph` plans on. Plain typed
 * arrays: no tensors; nearest-neighbour queries are brute force (meant for hundreds to a few thousand
 * landmarks).
 */
export class Landmarks {
  private readonly data: Float32Array;
  private count = 0;
  private spacingCache = -1;
  /**
   * Per landmark, its observed outgoing transitions (one per target landmark, the first action seen), as arrays
   * that planners read in their inner loops without a copy.
   */
  private readonly out: LandmarkTransition[][] = [];
  /** Size of a primitive action in the transitions (0 until the first is recorded). */
  private actionDim = 0;
  private transitionCount = 0;

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

  /**
   * Records an observed move from landmark `from` to landmark `to` (different landmarks) by the primitive
   * `action`. The first action seen for a pair is kept; repeats are ignored. All actions have one size.
   */
  addTransition(from: number, to: number, action: ArrayLike<number>): void {
    for (const i of [from, to])
      if (!Number.isInteger(i) || i < 0 || i >= this.count)
        throw new RangeError(`Landmarks.addTransition: index ${i} is outside 0..${this.count - 1}`);
    if (from === to) throw new RangeError(`Landmarks.addTransition: a transition from ${from} to itself`);
    if (this.transitionCount === 0) this.actionDim = action.length;
    if (action.length !== this.actionDim || action.length === 0)
      throw new Error(
        `Landmarks.addTransition: action has ${action.length} numbers, expected ${this.actionDim}`,
      );
    const edges = this.edgesOf(from);
    if (edges.some((t) => t.to === to)) return;
    edges.push({ to, action: Float32Array.from(action) });
    this.transitionCount += 1;
  }

  /** The observed transitions out of landmark `i`, in the order they were first seen. */
  transitionsFrom(i: number): readonly LandmarkTransition[] {
    return this.out[i] ?? NONE;
  }

  /** How many distinct transitions are recorded. */
  get transitions(): number {
    return this.transitionCount;
  }

  /** Size of the primitive actions the transitions carry (0 when none are recorded). */
  get transitionActionSize(): number {
    return this.actionDim;
  }

  /**
   * The transitions as arrays, e.g. to save them: `from` and `to` landmark indices and the actions
   * (`[count, transitionActionSize]` row-major), ordered by `from`, then first seen.
   */
  transitionArrays(): { from: Int32Array; to: Int32Array; actions: Float32Array } {
    const n = this.transitionCount;
    const from = new Int32Array(n);
    const to = new Int32Array(n);
    const actions = new Float32Array(n * this.actionDim);
    let e = 0;
    for (let i = 0; i < this.count; i++) {
      for (const t of this.out[i] ?? NONE) {
        from[e] = i;
        to[e] = t.to;
        actions.set(t.action, e * this.actionDim);
        e += 1;
      }
    }
    return { from, to, actions };
  }

  /** Restores transitions saved by `transitionArrays` (in order, so a round trip is exact). */
  addTransitionArrays(from: ArrayLike<number>, to: ArrayLike<number>, actions: ArrayLike<number>): void {
    const n = from.length;
    if (to.length !== n || (n > 0 && actions.length % n !== 0))
      throw new Error(`Landmarks: ${n} sources, ${to.length} targets and ${actions.length} action numbers`);
    const a = n > 0 ? actions.length / n : 0;
    const row = new Float32Array(a);
    for (let e = 0; e < n; e++) {
      for (let j = 0; j < a; j++) row[j] = actions[e * a + j] as number;
      this.addTransition(from[e] as number, to[e] as number, row);
    }
  }

  private edgesOf(i: number): LandmarkTransition[] {
    let edges = this.out[i];
    if (!edges) {
      edges = [];
      this.out[i] = edges;
    }
    return edges;
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
