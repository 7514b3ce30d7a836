import { describe, expect, it } from "vitest";
import { canonicalJson, jobId } from "./job.ts";

describe("job ids", () => {
  it("are a hash of kind and identity, whatever the key order, and stable across releases", () => {
    const a = jobId("eval", { agent: { planner: "mppi", horizon: 8 }, tasks: ["far-0", "far-1"] });
    const b = jobId("eval", { tasks: ["far-0", "far-1"], agent: { horizon: 8, planner: "mppi" } });
    expect(a).toBe(b);
    expect(a).toMatch(/^eval-[0-9a-f]{20}$/);
    // A fixed value: the job folders of earlier runs must still be found by later versions.
    expect(jobId("train", { key: "abc", agent: null })).toBe("train-97b0fb4683b4d24f994f");
  });

  it("change with anything in the identity: kind, values, array order", () => {
    const base = jobId("eval", { tasks: ["far-0", "far-1"], budget: 1600 });
    expect(jobId("train", { tasks: ["far-0", "far-1"], budget: 1600 })).not.toBe(base);
    expect(jobId("eval", { tasks: ["far-0", "far-1"], budget: 1601 })).not.toBe(base);
    expect(jobId("eval", { tasks: ["far-1", "far-0"], budget: 1600 })).not.toBe(base);
  });

  it("writes canonical JSON: keys sorted at every depth, undefined fields left out", () => {
    expect(canonicalJson({ b: 1, a: { d: [2, { f: 1, e: 0 }], c: undefined } })).toBe(
      '{"a":{"d":[2,{"e":0,"f":1}]},"b":1}',
    );
  });
});
