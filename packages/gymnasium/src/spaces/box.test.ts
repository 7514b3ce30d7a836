import { describe, expect, it } from "vitest";
import { Box } from "./box.ts";

describe("Box", () => {
  it("takes its shape from array bounds and validates its arguments", () => {
    const b = new Box({ low: [0, -1, 2], high: 5 });
    expect(b.shape).toEqual([3]);
    expect(b.size).toBe(3);
    expect(Array.from(b.high)).toEqual([5, 5, 5]);
    expect(() => new Box({ low: 0, high: 1 })).toThrow(/shape is required/);
    expect(() => new Box({ low: [0, 2], high: [1, 1] })).toThrow(/low\[1\] = 2 is above high\[1\] = 1/);
    expect(() => new Box({ low: [0, 0], high: [1, 1, 1] })).toThrow(/high has 3 elements, shape needs 2/);
    expect(() => new Box({ low: Number.NaN, high: 1, shape: [1] })).toThrow(/NaN/);
    expect(() => new Box({ low: 0, high: 1, shape: [2.5] })).toThrow(/non-negative integers/);
    // Integer dtypes clip the bounds to the dtype's range.
    const u8 = new Box({ low: -5, high: 300, shape: [2], dtype: "uint8" });
    expect([u8.low[0], u8.high[0]]).toEqual([0, 255]);
  });

  it("samples values it contains: bounded, unbounded, half-bounded and integer boxes", () => {
    const boxes = [
      new Box({ low: -1, high: 1, shape: [2, 3], seed: 1 }),
      new Box({ low: Number.NEGATIVE_INFINITY, high: Number.POSITIVE_INFINITY, shape: [4], seed: 2 }),
      new Box({ low: [0, Number.NEGATIVE_INFINITY], high: [Number.POSITIVE_INFINITY, 0], seed: 3 }),
      new Box({ low: -3, high: 3, shape: [5], dtype: "int32", seed: 4 }),
      new Box({ low: 0, high: 255, shape: [8], dtype: "uint8", seed: 5 }),
      new Box({ low: 0, high: 0.1, shape: [3], dtype: "float64", seed: 6 }),
      new Box({ low: 0, high: 0.1, shape: [3], seed: 6 }),
    ];
    for (const b of boxes) {
      for (let i = 0; i < 500; i++) {
        const x = b.sample();
        expect(x.length).toBe(b.size);
        if (!b.contains(x)) throw new Error(`${b.toString()} does not contain its sample ${Array.from(x)}`);
      }
    }
    const ints = boxes[3]!.sample();
    expect(ints).toBeInstanceOf(Int32Array);
    const seen = new Set<number>();
    for (let i = 0; i < 200; i++) for (const v of boxes[3]!.sample()) seen.add(v);
    expect([...seen].sort((a, b) => a - b)).toEqual([-3, -2, -1, 0, 1, 2, 3]);
    // Half-bounded dims are shifted exponentials on the open side.
    const half = boxes[2]!.sample();
    expect(half[0]).toBeGreaterThanOrEqual(0);
    expect(half[1]).toBeLessThanOrEqual(0);
  });

  it("is reproducible from a seed", () => {
    const a = new Box({ low: -1, high: 1, shape: [4], seed: 42 });
    const b = new Box({ low: -1, high: 1, shape: [4] });
    expect(b.seed(42)).toEqual([42]);
    expect(Array.from(a.sample())).toEqual(Array.from(b.sample()));
    expect(Array.from(a.sample())).not.toEqual(
      Array.from(new Box({ low: -1, high: 1, shape: [4], seed: 43 }).sample()),
    );
  });

  it("rejects values of the wrong dtype, length or bounds", () => {
    const f32 = new Box({ low: -1, high: 1, shape: [2] });
    expect(f32.contains(Float32Array.of(0.5, -1))).toBe(true);
    expect(f32.contains(Uint8Array.of(0, 1))).toBe(true); // uint8 casts safely to float32
    expect(f32.contains(Float64Array.of(0.5, 0.5))).toBe(false); // float64 does not (as NumPy's can_cast)
    expect(f32.contains(Int32Array.of(0, 0))).toBe(false);
    expect(f32.contains(Float32Array.of(0.5))).toBe(false);
    expect(f32.contains(Float32Array.of(0.5, 1.01))).toBe(false);
    expect(f32.contains(Float32Array.of(Number.NaN, 0))).toBe(false);
    expect(f32.contains([0.5, 0.5])).toBe(false);
    expect(f32.contains(0.5)).toBe(false);
    const f64 = new Box({ low: 0, high: 1, shape: [2], dtype: "float64" });
    expect(f64.contains(Float32Array.of(0.5, 0.25))).toBe(true);
    expect(f64.contains(Int32Array.of(0, 1))).toBe(true);
    const i32 = new Box({ low: 0, high: 10, shape: [2], dtype: "int32" });
    expect(i32.contains(Int32Array.of(0, 10))).toBe(true);
    expect(i32.contains(Float32Array.of(1, 2))).toBe(false);
    expect(i32.contains(Int32Array.of(-1, 2))).toBe(false);
    // A float32 bound is met by its float32-rounded value.
    const tenth = new Box({ low: 0, high: 0.1, shape: [1] });
    expect(tenth.contains(Float32Array.of(0.1))).toBe(true);
  });

  it("compares and prints like Gymnasium", () => {
    const a = new Box({ low: -1, high: 1, shape: [2] });
    expect(a.equals(new Box({ low: [-1, -1], high: [1, 1] }))).toBe(true);
    expect(a.equals(new Box({ low: -1, high: 1, shape: [2], dtype: "float64" }))).toBe(false);
    expect(a.equals(new Box({ low: -1, high: 1, shape: [1, 2] }))).toBe(false);
    expect(a.equals(new Box({ low: -1, high: 2, shape: [2] }))).toBe(false);
    expect(a.toString()).toBe("Box(-1.0, 1.0, (2,), float32)");
    expect(new Box({ low: [0, 0.5], high: Number.POSITIVE_INFINITY, dtype: "float64" }).toString()).toBe(
      "Box([0.0 0.5], inf, (2,), float64)",
    );
    expect(new Box({ low: 0, high: 255, shape: [64, 64, 3], dtype: "uint8" }).toString()).toBe(
      "Box(0.0, 255.0, (64, 64, 3), uint8)",
    );
    expect(a.isBounded()).toBe(true);
    const half = new Box({ low: 0, high: Number.POSITIVE_INFINITY, shape: [1] });
    expect([half.isBounded(), half.isBounded("below"), half.isBounded("above")]).toEqual([
      false,
      true,
      false,
    ]);
  });
});
