import type { Env, ResetOptions, ResetResult, StepResult } from "../core.ts";
import { Wrapper } from "./wrapper.ts";

/** The statistics of one finished episode: return, length, and wall time in seconds (6 decimals). */
export interface EpisodeStatistics {
  r: number;
  l: number;
  t: number;
}

export interface RecordEpisodeStatisticsOptions {
  /** How many recent episodes `returnQueue`, `lengthQueue` and `timeQueue` keep (default 100). */
  bufferLength?: number;
  /** The info key the statistics go under (default "episode"). */
  statsKey?: string;
}

/**
 * Gymnasium's `RecordEpisodeStatistics`: on the step that ends an episode (terminated or truncated), the
 * returned `info` carries `{[statsKey]: {r, l, t}}` (a copy of the env's info with that key added); the last
 * `bufferLength` episodes' returns, lengths and times are kept in `returnQueue`, `lengthQueue`, `timeQueue`.
 */
export class RecordEpisodeStatistics<Obs, Act> extends Wrapper<Obs, Act> {
  readonly bufferLength: number;
  readonly statsKey: string;
  episodeCount = 0;
  /** `performance.now()` (ms) when the current episode started, -1 before the first reset. */
  episodeStartTime = -1;
  episodeReturns = 0;
  episodeLengths = 0;
  private readonly returns: number[] = [];
  private readonly lengths: number[] = [];
  private readonly times: number[] = [];

  constructor(env: Env<Obs, Act>, opts: RecordEpisodeStatisticsOptions = {}) {
    super(env);
    const bufferLength = opts.bufferLength ?? 100;
    if (!Number.isSafeInteger(bufferLength) || bufferLength <= 0) {
      throw new RangeError(
        `RecordEpisodeStatistics: bufferLength must be a positive integer (got ${bufferLength})`,
      );
    }
    this.bufferLength = bufferLength;
    this.statsKey = opts.statsKey ?? "episode";
  }

  /** Returns of the last `bufferLength` episodes, oldest first. */
  get returnQueue(): readonly number[] {
    return this.returns;
  }

  /** Lengths of the last `bufferLength` episodes, oldest first. */
  get lengthQueue(): readonly number[] {
    return this.lengths;
  }

  /** Wall times (seconds) of the last `bufferLength` episodes, oldest first. */
  get timeQueue(): readonly number[] {
    return this.times;
  }

  override step(action: Act): StepResult<Obs> {
    const r = this.env.step(action);
    this.episodeReturns += r.reward;
    this.episodeLengths += 1;
    if (!(r.terminated || r.truncated)) return r;

    if (this.statsKey in r.info) {
      throw new Error(
        `RecordEpisodeStatistics: the env's info already has the key "${this.statsKey}"; ` +
          "choose another statsKey",
      );
    }
    const now = performance.now();
    const t = Math.round((now - this.episodeStartTime) * 1000) / 1e6;
    const stats: EpisodeStatistics = { r: this.episodeReturns, l: this.episodeLengths, t };
    push(this.times, t, this.bufferLength);
    push(this.returns, this.episodeReturns, this.bufferLength);
    push(this.lengths, this.episodeLengths, this.bufferLength);
    this.episodeCount += 1;
    this.episodeStartTime = now;
    return {
      obs: r.obs,
      reward: r.reward,
      terminated: r.terminated,
      truncated: r.truncated,
      info: { ...r.info, [this.statsKey]: stats },
    };
  }

  override reset(opts?: ResetOptions): ResetResult<Obs> {
    const r = this.env.reset(opts);
    this.episodeStartTime = performance.now();
    this.episodeReturns = 0;
    this.episodeLengths = 0;
    return r;
  }
}

function push(queue: number[], value: number, maxLength: number): void {
  queue.push(value);
  if (queue.length > maxLength) queue.shift();
}
