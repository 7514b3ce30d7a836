export * from "./core.ts";
export * from "./rng.ts";
export * from "./spaces/box.ts";
export * from "./spaces/dict.ts";
export * from "./spaces/discrete.ts";
export * from "./spaces/multiDiscrete.ts";
export * from "./spaces/space.ts";
export * from "./spaces/tuple.ts";
