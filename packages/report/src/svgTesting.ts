import { DOMParser, type Element } from "@xmldom/xmldom";

/**
 * Test helpers (not exported by the package): parse a rendered SVG as XML, strictly, and find vega's marks by
 * the classes its SVG renderer writes (`mark-<type> role-<role> <layer name>_marks`).
 */
export interface ParsedSvg {
  root: Element;
  /** The items of the layer named `name` (its `<path>`, `<line>` or `<text>` elements). */
  items(name: string): Element[];
  /** The text of every `<text>` inside groups with class `role-<role>` (e.g. "legend-label", "title-text"). */
  texts(role: string): string[];
  width: number;
  height: number;
}

export function parseSvg(svg: string): ParsedSvg {
  const doc = new DOMParser({
    onError: (level, message) => {
      if (level !== "warning") throw new Error(`SVG does not parse: ${message}`);
    },
  }).parseFromString(svg, "image/svg+xml");
  const root = doc.documentElement as Element;
  if (root.tagName !== "svg") throw new Error(`root element is <${root.tagName}>, expected <svg>`);
  const groups = Array.from(root.getElementsByTagName("g"));
  const classes = (e: Element) => (e.getAttribute("class") ?? "").split(/\s+/);
  return {
    root,
    items(name) {
      const g = groups.filter((e) => classes(e).includes(`${name}_marks`));
      if (g.length === 0) return [];
      return g.flatMap((e) => Array.from(e.childNodes).filter((n): n is Element => n.nodeType === 1));
    },
    texts(role) {
      return groups
        .filter((e) => classes(e).includes(`role-${role}`))
        .flatMap((e) => Array.from(e.getElementsByTagName("text")).map((t) => t.textContent ?? ""));
    },
    width: Number(root.getAttribute("width")),
    height: Number(root.getAttribute("height")),
  };
}

/** The translate(x, y) of an element's `transform` attribute. */
export function translation(e: Element): [number, number] {
  const m = /translate\(([-\d.e]+),\s*([-\d.e]+)\)/.exec(e.getAttribute("transform") ?? "");
  if (!m) throw new Error(`no translate in transform="${e.getAttribute("transform")}"`);
  return [Number(m[1]), Number(m[2])];
}
