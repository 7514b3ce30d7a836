export * from "./pldmDataPolicy.ts";
export * from "./pldmDynamics.ts";
export * from "./pldmEval.ts";
export * from "./pldmGeometry.ts";
export * from "./pldmObservation.ts";
export * from "./pldmOracle.ts";
export * from "./pldmTwoRooms.ts";
