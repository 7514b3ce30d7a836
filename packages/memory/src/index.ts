export * from "./episodeMemory.ts";
