/// <reference path="./vega-scenegraph.d.ts" />
import { textMetrics } from "vega-scenegraph";

/**
 * Text widths for headless layout. Without a canvas, vega estimates every character at 0.8 em, which makes
 * plots half again as wide as their text (a wide blank margin right of each title). Vega takes a user
 * width function instead (as vl-convert does); this one sums per-character advance widths, the larger of
 * Helvetica's (as Arial and Liberation Sans, what browsers pick for the theme's font list) and DejaVu Sans's
 * (what Linux falls back to), so that text fits with either. Pure arithmetic: the same text gives the same
 * width on every machine, so SVGs stay byte-identical.
 */
// Advance widths in 1/1000 em of the printable ASCII characters 32 (space) to 126 (~).
// biome-ignore format: a table
const HELVETICA = [
  278, 278, 355, 556, 556, 889, 667, 191, 333, 333, 389, 584, 278, 333, 278, 278, 556, 556, 556, 556, 556, 556,
  556, 556, 556, 556, 278, 278, 584, 584, 584, 556, 1015, 667, 667, 722, 722, 667, 611, 778, 722, 278, 500, 667,
  556, 833, 722, 778, 667, 778, 722, 667, 611, 722, 667, 944, 667, 667, 611, 278, 278, 278, 469, 556, 333, 556,
  556, 500, 556, 556, 278, 556, 556, 222, 222, 500, 222, 833, 556, 556, 556, 556, 333, 500, 278, 556, 500, 722,
  500, 500, 500, 334, 260, 334, 584,
];
// biome-ignore format: a table
const DEJAVU_SANS = [
  318, 400, 460, 838, 636, 950, 780, 275, 390, 390, 500, 838, 318, 361, 318, 337, 636, 636, 636, 636, 636, 636,
  636, 636, 636, 636, 337, 337, 838, 838, 838, 531, 1000, 684, 686, 698, 770, 632, 575, 775, 752, 295, 295, 656,
  557, 863, 748, 787, 603, 787, 695, 635, 611, 732, 684, 989, 685, 611, 685, 390, 337, 390, 838, 500, 500, 613,
  635, 550, 635, 615, 352, 635, 634, 278, 278, 579, 278, 974, 634, 612, 635, 635, 411, 521, 392, 634, 592, 818,
  592, 592, 525, 636, 337, 636, 838,
];
const WIDTHS = HELVETICA.map((w, i) => Math.max(w, DEJAVU_SANS[i] as number));
/** Width of a character outside printable ASCII (accents, arrows, the middle dot), in 1/1000 em. */
const OTHER = 700;
/** Bold text is about this much wider in both fonts. */
const BOLD_FACTOR = 1.12;

/** Width in pixels of `text` at `fontSize` px (bold when `bold`). */
export function textWidth(text: string, fontSize: number, bold = false): number {
  let units = 0;
  for (const ch of text) {
    const code = ch.codePointAt(0) as number;
    units += code >= 32 && code <= 126 ? (WIDTHS[code - 32] as number) : OTHER;
  }
  return (units / 1000) * fontSize * (bold ? BOLD_FACTOR : 1);
}

interface TextItem {
  text?: unknown;
  fontSize?: number;
  fontWeight?: string | number;
}

function isBold(weight: string | number | undefined): boolean {
  return weight === "bold" || weight === "bolder" || (typeof weight === "number" && weight >= 600);
}

let installed = false;

/** Makes vega measure text with `textWidth` (idempotent; vega's own truncation to a `limit` still applies). */
export function useTextWidth(): void {
  if (installed) return;
  textMetrics.width = (item: TextItem, line?: unknown) => {
    const raw = line ?? item.text;
    const text = raw == null ? "" : String(raw).trim();
    const size = item.fontSize != null ? +item.fontSize || 0 : 11;
    return textWidth(text, size, isBold(item.fontWeight));
  };
  installed = true;
}
