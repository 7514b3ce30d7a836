import { escapeHtml } from "./escape.ts";

/**
 * The markdown the comparison and evaluation tables are written in, as HTML: pipe tables (with `---:` for
 * right-aligned columns), `#` headings, fenced code, paragraphs, and `inline code` and **bold** inside them.
 * Everything is escaped: raw HTML in the markdown shows as text.
 */
export function markdownToHtml(markdown: string): string {
  const lines = markdown.replace(/\r\n?/g, "\n").split("\n");
  const out: string[] = [];
  let i = 0;
  while (i < lines.length) {
    const line = lines[i] as string;
    if (line.trim() === "") {
      i++;
    } else if (line.startsWith("```")) {
      const code: string[] = [];
      i++;
      while (i < lines.length && !(lines[i] as string).startsWith("```")) code.push(lines[i++] as string);
      i++;
      out.push(`<pre><code>${escapeHtml(code.join("\n"))}</code></pre>`);
    } else if (/^#{1,6}\s/.test(line)) {
      const level = Math.min(6, Math.max(3, (line.match(/^#+/) as RegExpMatchArray)[0].length + 2));
      out.push(`<h${level}>${inline(line.replace(/^#+\s*/, ""))}</h${level}>`);
      i++;
    } else if (isRow(line) && i + 1 < lines.length && isSeparator(lines[i + 1] as string)) {
      const header = cells(line);
      const align = cells(lines[i + 1] as string).map((c) => (/^:?-+:$/.test(c) ? "r" : "l"));
      i += 2;
      const rows: string[][] = [];
      while (i < lines.length && isRow(lines[i] as string)) rows.push(cells(lines[i++] as string));
      const cls = (j: number) => align[j] ?? "l";
      out.push(
        [
          "<table>",
          `<thead><tr>${header.map((h, j) => `<th class="${cls(j)}">${inline(h)}</th>`).join("")}</tr></thead>`,
          "<tbody>",
          ...rows.map(
            (r) => `<tr>${r.map((c, j) => `<td class="${cls(j)}">${inline(c)}</td>`).join("")}</tr>`,
          ),
          "</tbody>",
          "</table>",
        ].join("\n"),
      );
    } else {
      const para: string[] = [];
      while (i < lines.length && (lines[i] as string).trim() !== "" && !isBlockStart(lines, i)) {
        para.push((lines[i++] as string).trim());
      }
      out.push(`<p>${inline(para.join(" "))}</p>`);
    }
  }
  return out.join("\n");
}

function isRow(line: string): boolean {
  return line.trim().startsWith("|");
}

function isSeparator(line: string): boolean {
  return isRow(line) && cells(line).every((c) => /^:?-+:?$/.test(c));
}

function isBlockStart(lines: readonly string[], i: number): boolean {
  const line = lines[i] as string;
  return (
    line.startsWith("```") ||
    /^#{1,6}\s/.test(line) ||
    (isRow(line) && i + 1 < lines.length && isSeparator(lines[i + 1] as string))
  );
}

function cells(line: string): string[] {
  return line
    .trim()
    .replace(/^\|/, "")
    .replace(/\|$/, "")
    .split("|")
    .map((c) => c.trim());
}

/** Escaped text with `code` and **bold** spans. */
function inline(text: string): string {
  return text
    .split(/(`[^`]*`)/)
    .map((part) =>
      part.startsWith("`") && part.endsWith("`") && part.length >= 2
        ? `<code>${escapeHtml(part.slice(1, -1))}</code>`
        : escapeHtml(part).replace(/\*\*([^*]+)\*\*/g, "<strong>$1</strong>"),
    )
    .join("");
}
