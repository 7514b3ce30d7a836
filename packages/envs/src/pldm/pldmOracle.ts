import type { Rect } from "../geometry/rects.ts";
import { VisibilityGraph } from "../geometry/visibility.ts";
import type { Oracle, TrueState } from "../types.ts";
import type { PLDMGeometry } from "./pldmGeometry.ts";

/**
 * The exact geodesic (shortest-path) distance in PLDM's Two-Rooms arena, in pixels, by a visibility graph over
 * the middle wall's two pieces: [wallLo, wallHi] x [borderLo, doorLo] above the door and
 * [wallLo, wallHi] x [doorHi, borderHi] below it, inside the border square.
 *
 * The agent lives in the open set (inside the border lines, off the closed wall), so the shortest path is an
 * infimum that is not attained: the oracle returns the length of the limit path in the closure, which touches
 * the door's corners (e.g. (31, 14)). The eval dynamics allow moves through those corners (a face crossing
 * at a door row is open), so an agent can come arbitrarily close to this length.
 */
export function pldmWallRects(g: PLDMGeometry): Rect[] {
  return [
    { x0: g.wallLo, y0: g.borderLo, x1: g.wallHi, y1: g.doorLo },
    { x0: g.wallLo, y0: g.doorHi, x1: g.wallHi, y1: g.borderHi },
  ];
}

export function pldmOracle(g: PLDMGeometry): Oracle {
  const bounds: Rect = { x0: g.borderLo, y0: g.borderLo, x1: g.borderHi, y1: g.borderHi };
  const graph = new VisibilityGraph(pldmWallRects(g), bounds);
  const pt = (s: TrueState): [number, number] => [s[0] as number, s[1] as number];
  return {
    distance: (from, to) => graph.distance(pt(from), pt(to)),
    path: (from, to) => graph.path(pt(from), pt(to)),
  };
}
