export * from "./episodeMemory.ts";
export * from "./landmarks.ts";
