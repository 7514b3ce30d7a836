import { describe, expect, it } from "vitest";
import type { Info } from "../core.ts";
import { addInfo } from "./infos.ts";

describe("addInfo", () => {
  it("batches numbers, booleans, typed arrays and nested objects with presence masks", () => {
    const infos: Info = {};
    addInfo(infos, { x: 1.5, ok: true, v: Float32Array.of(1, 2), nested: { c: 3 } }, 0, 3);
    addInfo(infos, {}, 1, 3);
    addInfo(infos, { x: -2, ok: false, v: Float32Array.of(5, 6), nested: { c: 4, d: "z" } }, 2, 3);
    expect(infos.x).toEqual(Float64Array.of(1.5, 0, -2));
    expect(infos._x).toEqual(Uint8Array.of(1, 0, 1));
    expect(infos.ok).toEqual(Uint8Array.of(1, 0, 0));
    expect(infos.v).toEqual(Float32Array.of(1, 2, 0, 0, 5, 6));
    const nested = infos.nested as Info;
    expect(nested.c).toEqual(Float64Array.of(3, 0, 4));
    expect(nested.d).toEqual([null, null, "z"]);
    expect(nested._d).toEqual(Uint8Array.of(0, 0, 1));
    expect(infos._nested).toEqual(Uint8Array.of(1, 0, 1));
  });

  it("keeps other values (and finalObs) in plain arrays, and rejects inconsistent types", () => {
    const infos: Info = {};
    addInfo(infos, { finalObs: Float32Array.of(1), tag: "a" }, 1, 2);
    expect(infos.finalObs).toEqual([null, Float32Array.of(1)]);
    expect(infos.tag).toEqual([null, "a"]);
    const bad: Info = {};
    addInfo(bad, { x: 1 }, 0, 2);
    expect(() => addInfo(bad, { x: Float32Array.of(1, 2) }, 1, 2)).toThrow(
      /info\["x"\] of sub-env 1 is a Float32Array of length 2, but earlier sub-envs gave values batched as a Float64Array of 2 elements/,
    );
  });
});
