// vega-scenegraph ships no types; this is the one export @hjepa/report uses (see textWidth.ts).
declare module "vega-scenegraph" {
  export const textMetrics: {
    width: (item: never, text?: unknown) => number;
    estimateWidth: (item: never, text?: unknown) => number;
  };
}
