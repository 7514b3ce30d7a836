import { InputError } from "@hjepa/errors";
import { describe, expect, it } from "vitest";
import { Landmarks } from "./landmarks.ts";

describe("Landmarks", () => {
  it("keeps one landmark per cluster and finds the nearest", () => {
    // Three clusters of noisy points around (0,0), (1,0), (0,1); radius 0.3 merges each cluster.
    const centres = [
      [0, 0],
      [1, 0],
      [0, 1],
    ];
    const reps: number[] = [];
    for (let i = 0; i < 30; i++) {
      const c = centres[i % 3] as number[];
      const jitter = ((i * 7919) % 13) / 13 - 0.5;
      reps.push((c[0] as number) + 0.05 * jitter, (c[1] as number) - 0.05 * jitter);
    }
    const set = Landmarks.fromRepresentations(reps, 2, 0.3);
    expect(set.size).toBe(3);
    expect(set.nearest([0.9, 0.1]).index).toBe(1);
    expect(set.nearest([0.1, 0.8]).index).toBe(2);
    expect(set.nearest([0, 0]).distance).toBeLessThan(0.05);
    expect(Array.from(set.at(0))).toEqual([reps[0], reps[1]].map((x) => Math.fround(x as number)));
  });

  it("add returns the existing index for a near duplicate", () => {
    const set = new Landmarks(2, 0.5);
    expect(set.add([0, 0])).toBe(0);
    expect(set.add([3, 0])).toBe(1);
    expect(set.add([0.2, 0.1])).toBe(0);
    expect(set.size).toBe(2);
    expect(set.spacing()).toBeCloseTo(3, 6);
    set.add([0, 1]);
    expect(set.spacing()).toBeCloseTo(1, 6);
    expect(new Landmarks(2, 0.5).spacing()).toBe(0);
  });

  it("is empty at first and rejects bad input", () => {
    const set = new Landmarks(3, 0.1, 2);
    expect(set.nearest([0, 0, 0])).toEqual({ index: -1, distance: Infinity });
    expect(() => set.add([0, 0])).toThrow(/2 numbers, expected 3/);
    set.add([0, 0, 0]);
    set.add([1, 0, 0]);
    expect(() => set.add([2, 0, 0])).toThrow(InputError);
    expect(() => set.add([2, 0, 0])).toThrow(
      /capacity 2 reached at radius .*; use a larger radius or capacity/,
    );
    expect(() => set.at(2)).toThrow(/outside 0..1/);
    expect(() => new Landmarks(2, 0)).toThrow(/radius must be a positive number/);
    expect(() => Landmarks.fromRepresentations([1, 2, 3], 2, 0.1)).toThrow(/not a whole number/);
  });

  it("toArray and fromArray round-trip exactly, order and spacing included", () => {
    const set = Landmarks.fromRepresentations([0, 0, 0.1, 0, 3, 0, 0, 1.7, 3.2, 0.1], 2, 0.5, 8);
    const back = Landmarks.fromArray(set.toArray(), 2, 0.5, 8);
    expect(back.size).toBe(3);
    expect(Array.from(back.toArray())).toEqual(Array.from(set.toArray()));
    expect(back.spacing()).toBe(set.spacing());
    expect(back.nearest([2.9, 0.2])).toEqual(set.nearest([2.9, 0.2]));
    expect(() => Landmarks.fromArray(new Float32Array(6), 2, 0.5, 2)).toThrow(/exceed the capacity 2/);
  });

  it("records observed transitions once per pair, with the first action, and round-trips them exactly", () => {
    const set = Landmarks.fromRepresentations([0, 0, 1, 0, 2, 0], 2, 0.5);
    set.addTransition(0, 1, [0.5, 0]);
    set.addTransition(1, 2, [0.5, 0]);
    set.addTransition(1, 0, [-0.5, 0]);
    set.addTransition(0, 1, [0.9, 0.9]);
    expect(set.transitions).toBe(3);
    expect(set.transitionActionSize).toBe(2);
    expect(set.transitionsFrom(1).map((t) => [t.to, Array.from(t.action)])).toEqual([
      [2, [0.5, 0]],
      [0, [-0.5, 0]],
    ]);
    expect(set.transitionsFrom(0).map((t) => Array.from(t.action))).toEqual([[0.5, 0]]);
    expect(set.transitionsFrom(2)).toEqual([]);
    const arrays = set.transitionArrays();
    const back = Landmarks.fromArray(set.toArray(), 2, 0.5);
    back.addTransitionArrays(arrays.from, arrays.to, arrays.actions);
    expect(back.transitionArrays()).toEqual(arrays);
    expect(() => set.addTransition(0, 0, [0, 0])).toThrow(/to itself/);
    expect(() => set.addTransition(0, 3, [0, 0])).toThrow(/outside 0..2/);
    expect(() => set.addTransition(2, 0, [0])).toThrow(/expected 2/);
  });
});
