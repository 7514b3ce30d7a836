import type { ParamStore } from "@hjepa/perception";
import { emaTau, emaUpdate } from "../train/ema.ts";

/** Momentum of an EMA target at the first and the last training step. */
export interface EmaSchedule {
  start: number;
  end: number;
}

/**
 * An EMA target (BYOL, I-JEPA): a copy of an online network that computes prediction targets. Its parameters
 * are frozen, so no gradient reaches the online network through the targets; after every optimizer step they
 * move toward the online ones with a momentum that rises from `start` to `end` over training.
 */
export class EmaTarget<N extends { readonly params: ParamStore }> {
  /** `copy` has the online network's architecture; it starts equal to it and is frozen. */
  constructor(
    readonly online: N,
    readonly copy: N,
    readonly schedule: EmaSchedule,
  ) {
    const from = online.params.entries();
    const to = copy.params.entries();
    if (from.length !== to.length) {
      throw new Error(`EmaTarget: the copy has ${to.length} parameters, the online network ${from.length}`);
    }
    to.forEach(([, v], i) => {
      v.assign((from[i] as (typeof from)[number])[1]);
    });
    for (const [name] of to) copy.params.freeze(name);
  }

  /** Moves the copy toward the online network by momentum `tau`. */
  moveToward(tau: number): void {
    emaUpdate(
      this.copy.params.entries().map(([, v]) => v),
      this.online.params.entries().map(([, v]) => v),
      tau,
    );
  }

  /** The update after optimizer step `step` (0-based) of `totalSteps`. */
  afterStep(step: number, totalSteps: number): void {
    this.moveToward(emaTau(step, { ...this.schedule, totalSteps }));
  }
}
