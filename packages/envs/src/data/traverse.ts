import type { Box, Rng } from "gymnasium-js";
import type { DataPolicy, PlanningEnv } from "../types.ts";
import { type ActionKind, actionKind, toBox } from "./actionKind.ts";

/**
 * `traverse`: exploration that makes long traversals, for data whose windows must cross rooms (the upper
 * levels of a hierarchical world model). It keeps a heading for long stretches and turns only when a wall
 * stops it, towards a random heading away from the wall, preferring the one that leads farthest from the
 * states it visited recently. It reads the env's true state to notice that it is blocked, never the oracle:
 * no shortest path enters the data.
 *
 * Continuous (a 2-D Box): action `speed * (cos theta, sin theta)` mapped from [-1, 1]^2 onto the Box, with
 * small per-step heading jitter `VonMises(0, headingKappa)`. A step is blocked when the state moved less than
 * `blockedFraction` of what a free step at that speed moves (learned from the largest free move seen, so no
 * knowledge of the env's step size is needed; it assumes action dimension i moves state dimension i, as in
 * PointMaze and PLDM). On a block it draws `turnCandidates` headings from the half-circle facing away from
 * the part of the move the wall took, and a new speed uniform in [cruiseMinSpeed, 1].
 * Discrete: the same move is repeated until the state stops changing (or, with probability `turnProb` per
 * step, voluntarily, so that corridors are left at junctions); then another move is chosen among
 * `turnCandidates` distinct ones not yet blocked at this state, scored with the displacement each move last
 * produced (a move never seen to move scores best, so every move gets tried).
 * A candidate's score is the squared distance from its look-ahead point (`lookahead` free full steps ahead)
 * to the nearest of the last `memory` states; the best wins. `turnCandidates: 1` turns uniformly at random.
 * All randomness comes from the `rng` handed to `act`.
 */

export interface TraverseOptions {
  /** traverse (continuous): von Mises concentration of the per-step heading jitter (64: ~0.13 rad std). */
  headingKappa?: number;
  /** traverse (continuous): a stretch's speed is uniform in [cruiseMinSpeed, 1] (fraction of full speed). */
  cruiseMinSpeed?: number;
  /** traverse: a step that moves less than this fraction of a free step at the same speed is blocked. */
  blockedFraction?: number;
  /** traverse: headings (moves) drawn at a turn; the one leading farthest from recent states wins. */
  turnCandidates?: number;
  /** traverse: how many recent states the turn remembers (default 200 continuous, 32 discrete). */
  memory?: number;
  /** traverse: how far ahead (free full steps) a candidate is scored (default 16 continuous, 4 discrete). */
  lookahead?: number;
  /** traverse (discrete): probability of a voluntary turn at a step that was not blocked. */
  turnProb?: number;
}

export const TRAVERSE_DEFAULTS = {
  headingKappa: 64,
  cruiseMinSpeed: 0.6,
  blockedFraction: 0.5,
  turnCandidates: 8,
  turnProb: 0.1,
  // By action kind: a PointMaze step is half a unit (a room is ~10 steps across) and rooms are open, while a
  // grid step is a whole cell and a maze's walls are a few cells apart: grids look and remember less far.
  continuous: { memory: 200, lookahead: 16 },
  discrete: { memory: 32, lookahead: 4 },
} as const;

export function traversePolicy(opts: TraverseOptions = {}): DataPolicy {
  const D = TRAVERSE_DEFAULTS;
  const headingKappa = opts.headingKappa ?? D.headingKappa;
  const cruiseMinSpeed = opts.cruiseMinSpeed ?? D.cruiseMinSpeed;
  const blockedFraction = opts.blockedFraction ?? D.blockedFraction;
  const turnCandidates = opts.turnCandidates ?? D.turnCandidates;
  const turnProb = opts.turnProb ?? D.turnProb;
  check(headingKappa >= 0, "headingKappa", headingKappa, "a number >= 0");
  check(cruiseMinSpeed > 0 && cruiseMinSpeed <= 1, "cruiseMinSpeed", cruiseMinSpeed, "in (0, 1]");
  check(blockedFraction >= 0 && blockedFraction < 1, "blockedFraction", blockedFraction, "in [0, 1)");
  check(
    Number.isInteger(turnCandidates) && turnCandidates >= 1,
    "turnCandidates",
    turnCandidates,
    "an integer >= 1",
  );
  check(turnProb >= 0 && turnProb <= 1, "turnProb", turnProb, "a probability in [0, 1]");
  if (opts.memory !== undefined)
    check(Number.isInteger(opts.memory) && opts.memory >= 1, "memory", opts.memory, "an integer >= 1");
  if (opts.lookahead !== undefined) check(opts.lookahead > 0, "lookahead", opts.lookahead, "a number > 0");
  let memory = 0;
  let lookahead = 0;

  let kind: ActionKind | null = null;
  // Recent states (a ring buffer of `memory` rows of `dim` numbers) for the novelty score of a turn.
  let dim = 0;
  let recent = new Float64Array(0);
  let stored = 0;
  let prevState: number[] | null = null;
  // Continuous: heading, speed, the last command in [-1, 1]^2, and state units moved per unit of command.
  let theta = 0;
  let speed = 1;
  let lastU: [number, number] = [0, 0];
  let unitMove = 0;
  // Discrete: the current move (null: none yet this episode) and the displacement each move last produced.
  let move: number | null = null;
  let moveDelta: (number[] | null)[] = [];
  // Discrete: the moves tried since the state last changed (a wall on every one of those sides).
  const blockedHere = new Set<number>();

  const start = (env: PlanningEnv<unknown, unknown>): ActionKind => {
    const k = actionKind(env.actionSpace, "traverse");
    if (k.kind === "box" && k.space.size !== 2) {
      throw new RangeError(
        `data policy 'traverse': continuous traverse needs a 2-D Box action space (got ${k.space})`,
      );
    }
    if (kind === null || k.kind !== kind.kind) {
      const byKind = k.kind === "discrete" ? D.discrete : D.continuous;
      memory = opts.memory ?? byKind.memory;
      lookahead = opts.lookahead ?? byKind.lookahead;
      moveDelta = k.kind === "discrete" ? Array(k.space.n).fill(null) : [];
      dim = 0;
    }
    kind = k;
    prevState = null;
    stored = 0;
    move = null;
    blockedHere.clear();
    return k;
  };

  const remember = (s: readonly number[]) => {
    if (s.length !== dim) {
      dim = s.length;
      recent = new Float64Array(memory * dim);
      stored = 0;
    }
    recent.set(s, (stored % memory) * dim);
    stored++;
  };

  /** Squared distance from `p` to the nearest remembered state (Infinity with none). */
  const novelty = (p: readonly number[]): number => {
    let best = Number.POSITIVE_INFINITY;
    const n = Math.min(stored, memory);
    for (let j = 0; j < n; j++) {
      let d = 0;
      for (let i = 0; i < dim; i++) d += ((p[i] as number) - (recent[j * dim + i] as number)) ** 2;
      if (d < best) best = d;
    }
    return best;
  };

  const actContinuous = (s: number[], space: Box<"float32">, rng: Rng): Float32Array => {
    let turn = prevState === null;
    // The part of the last command the wall took (state units), to turn away from.
    let awayX = 0;
    let awayY = 0;
    if (prevState !== null) {
      const dx = (s[0] as number) - (prevState[0] as number);
      const dy = (s[1] as number) - (prevState[1] as number);
      const moved = Math.hypot(dx, dy);
      const commanded = Math.hypot(lastU[0], lastU[1]);
      if (commanded > 0) unitMove = Math.max(unitMove, moved / commanded);
      const expected = unitMove * commanded;
      // With nothing learned yet (unitMove 0) only a step that did not move at all counts as blocked.
      turn = moved <= blockedFraction * expected;
      if (turn) {
        awayX = unitMove * lastU[0] - dx;
        awayY = unitMove * lastU[1] - dy;
      }
    }
    if (turn) {
      const wallward = Math.hypot(awayX, awayY) > 0 ? Math.atan2(awayY, awayX) : null;
      const reach = lookahead * (unitMove > 0 ? unitMove : 1);
      let best = Number.NEGATIVE_INFINITY;
      for (let c = 0; c < turnCandidates; c++) {
        const t =
          wallward === null
            ? rng.uniform(-Math.PI, Math.PI)
            : wallward + Math.PI + rng.uniform(-Math.PI / 2, Math.PI / 2);
        const score = novelty([
          (s[0] as number) + reach * Math.cos(t),
          (s[1] as number) + reach * Math.sin(t),
          ...s.slice(2),
        ]);
        if (score > best) {
          best = score;
          theta = t;
        }
      }
      speed = rng.uniform(cruiseMinSpeed, 1);
    } else {
      theta += rng.vonMises(0, headingKappa);
    }
    lastU = [speed * Math.cos(theta), speed * Math.sin(theta)];
    return toBox(lastU, space);
  };

  const actDiscrete = (s: number[], n: number, first: number, rng: Rng): number => {
    let blocked = false;
    if (prevState !== null && move !== null) {
      const before = prevState;
      const delta = s.map((v, i) => v - (before[i] as number));
      blocked = delta.every((v) => v === 0);
      if (blocked) blockedHere.add(move);
      else {
        moveDelta[move - first] = delta;
        blockedHere.clear();
      }
    }
    if (move !== null && !blocked && !rng.bernoulli(turnProb)) return move;
    if (blockedHere.size >= n) blockedHere.clear();
    const pool = Array.from({ length: n }, (_, i) => first + i).filter(
      (m) => m !== move && !blockedHere.has(m),
    );
    rng.shuffle(pool);
    let best = Number.NEGATIVE_INFINITY;
    // With no other move left (a Discrete(1) space) the walk keeps trying its move.
    let choice = pool[0] ?? move ?? first;
    for (const m of pool.slice(0, turnCandidates)) {
      const d = moveDelta[m - first];
      const score = d ? novelty(s.map((v, i) => v + lookahead * (d[i] as number))) : Number.POSITIVE_INFINITY;
      if (score > best) {
        best = score;
        choice = m;
      }
    }
    move = choice;
    return choice;
  };

  return {
    name: "traverse",
    beginEpisode(env) {
      start(env);
      return undefined;
    },
    act(env, rng) {
      const k = kind ?? start(env);
      const s = env.trueState();
      const a =
        k.kind === "discrete"
          ? actDiscrete(s, k.space.n, k.space.start, rng)
          : actContinuous(s, k.space, rng);
      remember(s);
      prevState = s;
      return a;
    },
  };
}

function check(ok: boolean, name: string, got: number, expected: string): void {
  if (!ok || Number.isNaN(got))
    throw new RangeError(`data policy 'traverse': ${name} must be ${expected} (got ${got})`);
}
