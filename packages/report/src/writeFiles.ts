import { join } from "node:path";
import { writeFileAtomic } from "@hjepa/experiment/atomicWrite";

/** A name made safe for a file: letters, digits, dot, dash and underscore kept, anything else a dash. */
export function fileSlug(name: string): string {
  const slug = name.replace(/[^A-Za-z0-9._-]+/g, "-").replace(/^[-.]+|-+$/g, "");
  return slug === "" ? "x" : slug.slice(0, 80);
}

/**
 * Writes each SVG and then `index.html` into `dir`, every file atomically (temp file + rename), so that a
 * reader never sees half a file, and the page appears only once every plot it links to is there.
 */
export function writeReportFiles(
  dir: string,
  svgs: readonly { name: string; svg: string }[],
  html: string,
): { index: string; files: string[] } {
  const files: string[] = [];
  for (const s of svgs) {
    const file = join(dir, s.name);
    writeFileAtomic(file, s.svg, "write the plot");
    files.push(file);
  }
  const index = join(dir, "index.html");
  writeFileAtomic(index, html, "write the report");
  files.push(index);
  return { index, files };
}
