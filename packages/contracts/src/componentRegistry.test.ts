import { InputError } from "@hjepa/errors";
import { describe, expect, it } from "vitest";
import { z } from "zod";
import { ComponentOptionError, ComponentRegistry } from "./componentRegistry.ts";

function shapes(): ComponentRegistry<Record<string, unknown>, string> {
  const registry = new ComponentRegistry<Record<string, unknown>, string>("shape");
  registry.register("square", {
    schema: z.object({ side: z.number().positive().default(1) }).strict(),
    create: (o) => `square ${o.side}`,
  });
  registry.register("circle", {
    schema: z
      .object({
        radius: z.number().positive({ error: "must be a positive number" }),
        filled: z.boolean().default(false),
      })
      .strict(),
    create: (o) => `circle ${o.radius}`,
  });
  return registry;
}

describe("ComponentRegistry", () => {
  it("lists, finds and refuses a taken name", () => {
    const registry = shapes();
    expect(registry.names()).toEqual(["circle", "square"]);
    expect(registry.has("square")).toBe(true);
    expect(registry.has("triangle")).toBe(false);
    expect(() => registry.register("square", { schema: z.object({}), create: () => "" })).toThrow(
      /a shape named "square" is already registered \(circle, square\)/,
    );
    expect(() => registry.register("", { schema: z.object({}), create: () => "" })).toThrow(/non-empty/);
  });

  it("parses options with the component's schema, filling defaults", () => {
    const registry = shapes();
    expect(registry.parse("square", {}, "model.shape")).toEqual({ side: 1 });
    expect(registry.parse("circle", { radius: 2 })).toEqual({ radius: 2, filled: false });
    expect(registry.create("square", { side: 3 })).toBe("square 3");
  });

  it("names the config path of every problem, one line each", () => {
    const registry = shapes();
    const bad = () => registry.parse("circle", { radius: -1, filed: true }, "agent.shapeOptions");
    expect(bad).toThrow(ComponentOptionError);
    expect(bad).toThrow(InputError);
    expect(bad).toThrow(
      [
        "agent.shapeOptions.radius must be a positive number (got -1)",
        "agent.shapeOptions.filed is not an option of circle; expected one of radius, filled (got true)",
      ].join("\n"),
    );
    expect(() => registry.parse("circle", {}, "agent.shapeOptions")).toThrow(
      /^agent\.shapeOptions\.radius .* \(got missing\)$/,
    );
  });

  it("lists the valid names for an unknown one, at the name's path", () => {
    const registry = shapes();
    expect(() => registry.parse("triangle", {}, "agent.shape")).toThrow(
      'agent.shape must be one of circle, square (got "triangle")',
    );
    const r = registry.safeParse(
      "triangle",
      {},
      { name: ["model", "shape", "type"], options: ["model", "shape"] },
    );
    expect(r).toEqual({
      success: false,
      issues: [
        { path: ["model", "shape", "type"], message: "must be one of circle, square", value: "triangle" },
      ],
    });
    expect(() => new ComponentRegistry("planner").parse("x", {})).toThrow(/\(no planner registered\)/);
  });
});
