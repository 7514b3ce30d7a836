import { describe, expect, it } from "vitest";
import { applyOverrides, OverrideError, parseOverride } from "./overrides.ts";

describe("--set overrides", () => {
  it("parses dotted paths with indices and JSON values", () => {
    expect(parseOverride("world.levels[1].stride=4")).toMatchObject({
      path: ["world", "levels", 1, "stride"],
      value: 4,
    });
    expect(parseOverride("a.b=true").value).toBe(true);
    expect(parseOverride("a.b=[1,2]").value).toEqual([1, 2]);
    expect(parseOverride("name=two-rooms").value).toBe("two-rooms");
    expect(parseOverride('name="42"').value).toBe("42");
  });

  it("applies overrides to a copy, creating missing objects", () => {
    const base = { a: { b: 1 }, list: [{ x: 1 }, { x: 2 }] };
    const out = applyOverrides(base, ["a.b=2", "list[1].x=5", "c.d=hello"]);
    expect(out).toEqual({ a: { b: 2 }, list: [{ x: 1 }, { x: 5 }], c: { d: "hello" } });
    expect(base.a.b).toBe(1);
  });

  it("rejects malformed overrides with a message naming them", () => {
    expect(() => parseOverride("novalue")).toThrow(/--set novalue: expected path.to.field=value/);
    expect(() => parseOverride("=3")).toThrow(/expected path/);
    for (const bad of ["train..steps=60", ".a=1", "a.=1", "a[x]=1", "a]=1"]) {
      expect(() => parseOverride(bad)).toThrow(OverrideError);
      expect(() => parseOverride(bad)).toThrow(/is not a field path like a\.b\[0\]\.c/);
    }
    expect(parseOverride("world.levels[1].stride=4").path).toEqual(["world", "levels", 1, "stride"]);
    expect(parseOverride("a[0][1]=4").path).toEqual(["a", 0, 1]);
    expect(() => applyOverrides({ a: 1 }, ["a.b=2"])).toThrow(/a is a number, not an object/);
  });
});
