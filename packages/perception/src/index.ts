import "./cnnEncoder.ts";
import "./embeddingEncoder.ts";
import "./mlpEncoder.ts";

export * from "./cnnEncoder.ts";
export * from "./embeddingEncoder.ts";
export * from "./encoder.ts";
export * from "./layers.ts";
export * from "./mlpEncoder.ts";
export * from "./params.ts";
