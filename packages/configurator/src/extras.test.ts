import { describe, expect, it } from "vitest";
import { hazardLabels } from "./extras.ts";

describe("hazardLabels", () => {
  it("labels a window's middle frame by its own cost without a margin", () => {
    expect(Array.from(hazardLabels([0, 1, 0, 0], 4, 1))).toEqual([0, 1, 0, 0]);
  });

  it("with a margin, labels the middle frame when any frame of its window has a cost", () => {
    // Three windows of 3 frames (margin 1): entering a hazard next, just entered, never.
    const costs = [0, 0, 1, 1, 0, 0, 0, 0, 0];
    expect(Array.from(hazardLabels(costs, 3, 3))).toEqual([1, 1, 0]);
  });

  it("rejects costs that are not batch x length", () => {
    expect(() => hazardLabels([0, 0, 0], 2, 2)).toThrow(/3 costs for 2 windows of 2 frames/);
  });
});
