export * from "./components.ts";
export * from "./gridCore.ts";
export * from "./gridMaze.ts";
export * from "./gridObs.ts";
export * from "./gridOracle.ts";
export * from "./keyDoor.ts";
export * from "./mazeGen.ts";
