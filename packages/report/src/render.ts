import { type Loader, loader, parse, resetSVGDefIds, View } from "vega";
import { compile, type TopLevelSpec } from "vega-lite";
import { useTextWidth } from "./textWidth.ts";

/**
 * The look every plot shares: one sans-serif font at sizes a person reads on a screen and in print, titles
 * left-aligned, light grid lines, legends at the right.
 */
export const THEME = {
  font: "Helvetica, Arial, sans-serif",
  background: "white",
  title: { fontSize: 15, subtitleFontSize: 12, anchor: "start", offset: 10, subtitleColor: "#555" },
  axis: { labelFontSize: 12, titleFontSize: 13, titleFontWeight: "normal", gridColor: "#e6e6e6" },
  legend: { labelFontSize: 12, titleFontSize: 12, titleFontWeight: "bold", symbolSize: 120, labelLimit: 320 },
  view: { stroke: "#bbb" },
  padding: 8,
} as const;

/** Arm colours, in arm order (Tableau 10: distinguishable, and readable in greyscale by lightness). */
export const ARM_COLORS = [
  "#4e79a7",
  "#f28e2b",
  "#59a14f",
  "#e15759",
  "#76b7b2",
  "#b07aa1",
  "#edc948",
  "#ff9da7",
  "#9c755f",
  "#bab0ac",
] as const;

/** The colour of the `i`-th arm (the palette repeats after ten arms). */
export function armColor(i: number): string {
  return ARM_COLORS[i % ARM_COLORS.length] as string;
}

// Plots carry their data inline: a spec that names a URL is a bug, and rendering must never touch the network.
const offline: Loader = Object.assign(loader(), {
  load: (uri: string) => Promise.reject(new Error(`@hjepa/report renders offline; the spec asks for ${uri}`)),
  sanitize: (uri: string) =>
    Promise.reject(new Error(`@hjepa/report renders offline; the spec asks for ${uri}`)),
});

/** Options of `renderVegaLite`. */
export interface RenderOptions {
  /** Called with each Vega-Lite or Vega warning (a spec that compiles with a warning is usually a bug). */
  onWarning?: (message: string) => void;
}

/**
 * Compiles a Vega-Lite spec and renders it headless (vega's `renderer: "none"` view, no canvas, no network)
 * to an SVG string. The same spec gives byte-identical SVG: clip-path and gradient ids restart at each render
 * (so they repeat across plots: `renderIndexHtml` prefixes them when it inlines several in one page).
 */
export async function renderVegaLite(spec: TopLevelSpec, opts: RenderOptions = {}): Promise<string> {
  const warn = (...args: unknown[]) => opts.onWarning?.(args.map(String).join(" "));
  const logger = quietLogger(warn);
  const withTheme = { ...spec, config: { ...THEME, ...(spec.config ?? {}) } } as TopLevelSpec;
  const { spec: vgSpec } = compile(withTheme, { logger });
  useTextWidth();
  const view = new View(parse(vgSpec), { renderer: "none", loader: offline, logger });
  try {
    resetSVGDefIds();
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}

/** A vega logger that prints nothing and passes warnings and errors to `warn`. */
function quietLogger(warn: (...args: unknown[]) => void) {
  let level = 2; // vega's Warn
  const logger = {
    level(l?: number) {
      if (l === undefined) return level;
      level = l;
      return logger;
    },
    error(...args: unknown[]) {
      warn(...args);
      return logger;
    },
    warn(...args: unknown[]) {
      warn(...args);
      return logger;
    },
    info: () => logger,
    debug: () => logger,
  };
  return logger as never;
}
