import { InputError } from "@hjepa/errors";
import { escapeHtml } from "./escape.ts";
import { markdownToHtml } from "./markdown.ts";

/** A table given cell by cell. */
export interface HtmlTable {
  columns: readonly string[];
  rows: readonly (readonly (string | number)[])[];
  /** Per column: "left" or "right" (default: the first column left, the others right, as numbers read). */
  align?: readonly ("left" | "right")[];
}

/** One plot of a section: an SVG document (from the `render*` functions) and its title. */
export interface ReportPlot {
  title: string;
  svg: string;
  /** A line under the plot. */
  caption?: string;
  /** A file the same SVG was saved to (relative to the page), linked under the plot. */
  file?: string;
}

/** A section of the page: a heading, then text, a table (given as cells or as markdown), then plots. */
export interface ReportSection {
  heading: string;
  /** Paragraphs of plain text. */
  text?: readonly string[];
  table?: HtmlTable;
  /** Markdown: pipe tables, paragraphs, `#` headings, fenced code and `inline code` (no raw HTML). */
  markdown?: string;
  plots?: readonly ReportPlot[];
}

/** Input of `renderIndexHtml`. */
export interface IndexHtmlInput {
  /** The page's title and first heading. */
  title: string;
  /** Label-value lines under the title (run, task set, created at, command). */
  meta?: readonly (readonly [label: string, value: string])[];
  sections: readonly ReportSection[];
}

const STYLE = `
  body { font-family: Helvetica, Arial, sans-serif; color: #1a1a1a; margin: 24px auto; max-width: 1400px;
    padding: 0 16px; line-height: 1.45; }
  h1 { font-size: 24px; margin: 0 0 8px; }
  h2 { font-size: 19px; margin: 32px 0 10px; border-bottom: 1px solid #ddd; padding-bottom: 4px; }
  h3 { font-size: 16px; margin: 18px 0 8px; }
  dl.meta { display: grid; grid-template-columns: max-content auto; gap: 2px 14px; margin: 0 0 12px;
    font-size: 14px; color: #444; }
  dl.meta dt { font-weight: bold; }
  dl.meta dd { margin: 0; font-family: Menlo, Consolas, monospace; overflow-wrap: anywhere; }
  table { border-collapse: collapse; font-size: 14px; margin: 8px 0 16px; }
  th, td { border: 1px solid #d0d0d0; padding: 4px 9px; }
  th { background: #f2f2f2; }
  td.r, th.r { text-align: right; font-variant-numeric: tabular-nums; }
  td.l, th.l { text-align: left; }
  tbody tr:nth-child(even) { background: #fafafa; }
  code, pre { font-family: Menlo, Consolas, monospace; font-size: 13px; }
  pre { background: #f6f6f6; padding: 8px 10px; overflow-x: auto; }
  .plots { display: flex; flex-wrap: wrap; gap: 18px; align-items: flex-start; }
  figure { margin: 0; border: 1px solid #e2e2e2; padding: 8px; background: white; max-width: 100%; }
  figure svg { display: block; max-width: 100%; height: auto; }
  figcaption { font-size: 13px; color: #555; margin-top: 4px; }
`;

/**
 * An SVG document ready to inline: its XML prolog dropped and every id (clip paths, gradients) prefixed, so
 * that plots rendered separately (whose ids all start at 1) do not take each other's clip paths in one page.
 * Scripts, event handlers and external references are refused: the page must open offline and run nothing.
 */
export function inlineSvg(svg: string, idPrefix: string, where: string): string {
  const body = svg.replace(/^\s*<\?xml[^>]*\?>\s*/, "").trim();
  if (!body.startsWith("<svg")) {
    throw new InputError(
      `${where}: svg must be an SVG document starting with <svg (got "${body.slice(0, 30)}")`,
    );
  }
  if (/<script|<foreignObject|\son[a-z]+\s*=|(?:href|src)\s*=\s*"(?!#|data:)/i.test(body)) {
    throw new InputError(`${where}: svg holds a script, an event handler or an external reference`);
  }
  return body
    .replace(/\sid="([^"]+)"/g, ` id="${idPrefix}$1"`)
    .replace(/url\(#([^)]+)\)/g, `url(#${idPrefix}$1)`)
    .replace(/href="#([^"]+)"/g, `href="#${idPrefix}$1"`);
}

function tableHtml(table: HtmlTable): string {
  const align = (i: number) => table.align?.[i] ?? (i === 0 ? "left" : "right");
  const cls = (i: number) => (align(i) === "right" ? "r" : "l");
  const head = table.columns.map((c, i) => `<th class="${cls(i)}">${escapeHtml(c)}</th>`).join("");
  const body = table.rows
    .map((r) => `<tr>${r.map((v, i) => `<td class="${cls(i)}">${escapeHtml(String(v))}</td>`).join("")}</tr>`)
    .join("\n");
  return `<table>\n<thead><tr>${head}</tr></thead>\n<tbody>\n${body}\n</tbody>\n</table>`;
}

/**
 * One self-contained HTML page: styles and SVGs inline, no scripts, no fonts or images to fetch, so it opens
 * from the file system in any browser (and from an archive, or an e-mail attachment). Deterministic: the same
 * input gives the same bytes.
 */
export function renderIndexHtml(input: IndexHtmlInput): string {
  let plotIndex = 0;
  const sections = input.sections.map((s, si) => {
    const parts = [`<section>\n<h2>${escapeHtml(s.heading)}</h2>`];
    for (const p of s.text ?? []) parts.push(`<p>${escapeHtml(p)}</p>`);
    if (s.table) parts.push(tableHtml(s.table));
    if (s.markdown) parts.push(markdownToHtml(s.markdown));
    if (s.plots && s.plots.length > 0) {
      const figures = s.plots.map((p, pi) => {
        plotIndex += 1;
        const svg = inlineSvg(p.svg, `p${plotIndex}-`, `sections[${si}].plots[${pi}] ("${p.title}")`);
        const caption = [
          p.caption ? escapeHtml(p.caption) : "",
          p.file ? `<a href="${escapeHtml(p.file)}">${escapeHtml(p.file)}</a>` : "",
        ].filter((c) => c !== "");
        const figcaption = caption.length ? `\n<figcaption>${caption.join(" · ")}</figcaption>` : "";
        return `<figure aria-label="${escapeHtml(p.title)}">\n${svg}${figcaption}\n</figure>`;
      });
      parts.push(`<div class="plots">\n${figures.join("\n")}\n</div>`);
    }
    parts.push("</section>");
    return parts.join("\n");
  });
  const meta = input.meta?.length
    ? `<dl class="meta">\n${input.meta.map(([k, v]) => `<dt>${escapeHtml(k)}</dt><dd>${escapeHtml(v)}</dd>`).join("\n")}\n</dl>`
    : "";
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(input.title)}</title>
<style>${STYLE}</style>
</head>
<body>
<h1>${escapeHtml(input.title)}</h1>
${meta}
${sections.join("\n")}
</body>
</html>
`;
}
