import { InputError } from "@hjepa/errors";
import { describe, expect, it } from "vitest";
import { renderSuccessByBin } from "./binPlots.ts";
import { inlineSvg, renderIndexHtml } from "./indexHtml.ts";
import { markdownToHtml } from "./markdown.ts";
import { parseSvg } from "./svgTesting.ts";

const rows = [
  { arm: "a", bin: "near", successes: 3, episodes: 4, ci95: [0.3, 0.95] as const },
  { arm: "b", bin: "near", successes: 1, episodes: 4, ci95: [0.05, 0.7] as const },
];

describe("renderIndexHtml", () => {
  it("is one self-contained page: SVGs and styles inline, no scripts, nothing fetched", async () => {
    const svg = await renderSuccessByBin({ title: "Success", rows });
    const html = renderIndexHtml({
      title: "Eval <two-rooms>",
      meta: [["run", "runs/x & y"]],
      sections: [
        {
          heading: "Summary",
          table: { columns: ["bin", "success"], rows: [["near", "75.0%"]] },
          plots: [
            { title: "one", svg, file: "success.svg" },
            { title: "two", svg },
          ],
        },
      ],
    });
    expect(html.startsWith("<!DOCTYPE html>")).toBe(true);
    expect(html).toContain("<title>Eval &lt;two-rooms&gt;</title>");
    expect(html).toContain("<dd>runs/x &amp; y</dd>");
    expect(html).toContain('<td class="l">near</td><td class="r">75.0%</td>');
    expect(html.match(/<svg /g)).toHaveLength(2);
    expect(html).toContain("<style>");
    expect(html).not.toMatch(/<script|<link|@import|<img|<iframe/i);
    // The only URLs are XML namespace names, which are never fetched.
    const urls = [...html.matchAll(/https?:\/\/[^"\s)]+/g)].map((m) => m[0]);
    expect(new Set(urls)).toEqual(new Set(["http://www.w3.org/2000/svg", "http://www.w3.org/1999/xlink"]));
    // Each inlined SVG still parses and keeps its marks.
    const inlined = [...html.matchAll(/<svg [\s\S]*?<\/svg>/g)].map((m) => parseSvg(m[0]));
    expect(inlined.map((p) => p.items("bars").length)).toEqual([2, 2]);
    expect(html).toContain('<a href="success.svg">success.svg</a>');
  });

  it("gives the ids of each inlined SVG a prefix of its own, so that plots never share a clip path", () => {
    const svg =
      '<svg xmlns="http://www.w3.org/2000/svg"><clipPath id="clip1"/><g clip-path="url(#clip1)"/></svg>';
    const html = renderIndexHtml({
      title: "t",
      sections: [
        {
          heading: "h",
          plots: [
            { title: "a", svg },
            { title: "b", svg },
          ],
        },
      ],
    });
    expect(html).toContain('id="p1-clip1"');
    expect(html).toContain('clip-path="url(#p2-clip1)"');
    const ids = [...html.matchAll(/ id="([^"]+)"/g)].map((m) => m[1]);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it("is the same bytes for the same input", async () => {
    const svg = await renderSuccessByBin({ title: "Success", rows });
    const input = { title: "t", sections: [{ heading: "h", plots: [{ title: "p", svg }] }] };
    expect(renderIndexHtml(input)).toBe(renderIndexHtml(input));
  });

  it("refuses an SVG that runs or fetches something", () => {
    const ns = 'xmlns="http://www.w3.org/2000/svg"';
    expect(() => inlineSvg(`<svg ${ns}><script>alert(1)</script></svg>`, "p", "plot")).toThrow(InputError);
    expect(() => inlineSvg(`<svg ${ns}><image href="https://x.org/a.png"/></svg>`, "p", "plot")).toThrow(
      /external reference/,
    );
    expect(() => inlineSvg(`<svg ${ns} onload="x()"></svg>`, "p", "plot")).toThrow(InputError);
    expect(() => inlineSvg("<html></html>", "p", "plot")).toThrow(/must be an SVG document/);
  });
});

describe("markdownToHtml", () => {
  it("turns a pipe table into an HTML table, right-aligning ---: columns", () => {
    const html = markdownToHtml(
      [
        "Results on `far` tasks:",
        "",
        "| arm | success |",
        "|:--|--:|",
        "| flat | 40% |",
        "| <b> | 7% |",
      ].join("\n"),
    );
    expect(html).toContain("<p>Results on <code>far</code> tasks:</p>");
    expect(html).toContain('<th class="l">arm</th><th class="r">success</th>');
    expect(html).toContain('<tr><td class="l">flat</td><td class="r">40%</td></tr>');
    expect(html).toContain("&lt;b&gt;");
  });

  it("keeps headings and fenced code", () => {
    const html = markdownToHtml("## Arms\n\n```\nhjepa compare --config x.json\n```\n");
    expect(html).toBe("<h4>Arms</h4>\n<pre><code>hjepa compare --config x.json</code></pre>");
  });
});
