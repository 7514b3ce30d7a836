import type { Rng } from "gymnasium-js";
import type { PLDMGeometry } from "./pldmGeometry.ts";

/**
 * PLDM's two transition functions. An action is a displacement in pixels: the proposed next position is
 * `pos + action`, with no noise in free space.
 *
 * - `evalStep` (PLDM's eval env, `check_wall_intersect`): a blocked move bounces back with Gaussian noise.
 * - `dataStep` (PLDM's offline data generator): a blocked move leaves the agent where it was, without noise.
 *
 * Intercepts use the parametric form t = (c - p0) / d, never a slope, so no move produces NaN. PLDM uses
 * slopes, which only differ for a move parallel to a line (d = 0): PLDM then gets a correct intercept for the
 * perpendicular lines (an infinite slope gives a zero offset) and a NaN intercept only for a move lying on a
 * parallel line, which can happen only from a position exactly on that line. There we count the move as
 * touching the line at its start (eval) or, for a middle-wall face, as blocked when it runs outside the door
 * rows (data); the env itself never puts the agent on a line.
 */

/** Std (px) of the bounce noise, per axis. */
export const PLDM_BOUNCE_STD = 0.5;
/** After a bounce, a coordinate on or past an active line is put this far (px) inside it. */
export const PLDM_CLAMP_INSET = 0.3;

/** A wall line `axis = c`; `inside` is the sign of the room side; `door` marks the middle-wall faces. */
interface Line {
  axis: 0 | 1;
  c: number;
  inside: 1 | -1;
  door: boolean;
}

/** The lines that bound the agent's room: left room when x < wallX, else the right room (as PLDM). */
function activeLines(g: PLDMGeometry, x0: number): Line[] {
  const xs: Line[] =
    x0 < g.wallX
      ? [
          { axis: 0, c: g.borderLo, inside: 1, door: false },
          { axis: 0, c: g.wallLo, inside: -1, door: true },
        ]
      : [
          { axis: 0, c: g.wallHi, inside: 1, door: true },
          { axis: 0, c: g.borderHi, inside: -1, door: false },
        ];
  return [
    ...xs,
    { axis: 1, c: g.borderLo, inside: 1, door: false },
    { axis: 1, c: g.borderHi, inside: -1, door: false },
  ];
}

const outsideDoor = (g: PLDMGeometry, y: number) => y < g.doorLo || y > g.doorHi;

/**
 * Where the move first enters the middle wall through the door's frame: crossing y = doorHi going +y or
 * y = doorLo going -y, at an x in [wallLo, wallHi]. A start exactly on the frame line counts as the door side,
 * an end exactly on it does not cross (the door rows are inclusive).
 */
function doorFrameHit(
  g: PLDMGeometry,
  x0: number,
  y0: number,
  dx: number,
  dy: number,
): { x: number; y: number; back: 1 | -1 } | null {
  const y1 = y0 + dy;
  let edge: number;
  let back: 1 | -1;
  if (dy > 0 && y0 <= g.doorHi && y1 > g.doorHi) {
    edge = g.doorHi;
    back = -1;
  } else if (dy < 0 && y0 >= g.doorLo && y1 < g.doorLo) {
    edge = g.doorLo;
    back = 1;
  } else {
    return null;
  }
  const x = x0 + ((edge - y0) / dy) * dx;
  return x >= g.wallLo && x <= g.wallHi ? { x, y: edge, back } : null;
}

/**
 * PLDM's eval transition. Order: (1) the door frame: the agent is put at the crossing point plus N(0, 0.5^2)
 * noise per axis with the vertical part pointing back into the door, without clamping; (2) the active lines
 * (see `activeLines`): a line is hit when the endpoints' sign product is <= 0 (touching counts) and, for a
 * middle-wall face, the crossing is outside the door rows; (3) the hit closest to the start wins: the agent
 * is put at the crossing point plus N(0, 0.5^2) noise per axis with the normal part pointing back into the
 * room, then every coordinate on or past an active line is set 0.3 px inside it.
 */
export function evalStep(
  g: PLDMGeometry,
  pos: readonly [number, number],
  action: readonly [number, number],
  rng: Rng,
): [number, number] {
  const [x0, y0] = pos;
  const [dx, dy] = action;
  const frame = doorFrameHit(g, x0, y0, dx, dy);
  if (frame !== null) {
    const nx = rng.normal(0, PLDM_BOUNCE_STD);
    const ny = rng.normal(0, PLDM_BOUNCE_STD);
    return [frame.x + nx, frame.y + frame.back * Math.abs(ny)];
  }
  const p0 = [x0, y0];
  const d = [dx, dy];
  const lines = activeLines(g, x0);
  let best: { line: Line; t: number; at: [number, number] } | null = null;
  for (const line of lines) {
    const a = line.axis;
    const o = 1 - a;
    const pa = p0[a] as number;
    const da = d[a] as number;
    if ((pa - line.c) * (pa + da - line.c) > 0) continue;
    // Parallel to the line (da = 0) and still here: the start lies on it.
    const t = da === 0 ? 0 : (line.c - pa) / da;
    const q = (p0[o] as number) + t * (d[o] as number);
    if (line.door && !outsideDoor(g, q)) continue;
    if (best === null || t < best.t) {
      const at: [number, number] = a === 0 ? [line.c, q] : [q, line.c];
      best = { line, t, at };
    }
  }
  if (best === null) return [x0 + dx, y0 + dy];
  const n = [rng.normal(0, PLDM_BOUNCE_STD), rng.normal(0, PLDM_BOUNCE_STD)];
  const a = best.line.axis;
  n[a] = best.line.inside * Math.abs(n[a] as number);
  const out: [number, number] = [best.at[0] + (n[0] as number), best.at[1] + (n[1] as number)];
  for (const line of lines) {
    const v = out[line.axis];
    if ((v - line.c) * line.inside <= 0) out[line.axis] = line.c + line.inside * PLDM_CLAMP_INSET;
  }
  return out;
}

/**
 * PLDM's data-generation transition: the agent stays where it is (no noise) when the move touches or crosses a
 * border line, strictly crosses a door-frame edge (y = doorLo or y = doorHi at x in [wallLo, wallHi]; an
 * end exactly on the edge does not cross, a start exactly on it counts as the door side), or touches or
 * crosses a middle-wall face (x = wallLo or x = wallHi) outside the door rows. Otherwise it moves to pos + action.
 */
export function dataStep(
  g: PLDMGeometry,
  pos: readonly [number, number],
  action: readonly [number, number],
): [number, number] {
  const [x0, y0] = pos;
  const [dx, dy] = action;
  const x1 = x0 + dx;
  const y1 = y0 + dy;
  return dataBlocked(g, x0, y0, x1, y1) ? [x0, y0] : [x1, y1];
}

function dataBlocked(g: PLDMGeometry, x0: number, y0: number, x1: number, y1: number): boolean {
  const touches = (p0: number, p1: number, c: number) => (p0 - c) * (p1 - c) <= 0;
  if (touches(x0, x1, g.borderLo) || touches(x0, x1, g.borderHi)) return true;
  if (touches(y0, y1, g.borderLo) || touches(y0, y1, g.borderHi)) return true;
  for (const [edge, wallSide] of [
    [g.doorHi, 1],
    [g.doorLo, -1],
  ] as const) {
    const s0 = (y0 - edge) * wallSide;
    const s1 = (y1 - edge) * wallSide;
    // Strict: one end strictly on each side; a start on the edge is on the door side.
    if ((s0 <= 0 && s1 > 0) || (s0 > 0 && s1 < 0)) {
      const x = x0 + ((edge - y0) / (y1 - y0)) * (x1 - x0);
      if (x >= g.wallLo && x <= g.wallHi) return true;
    }
  }
  for (const face of [g.wallLo, g.wallHi]) {
    if (!touches(x0, x1, face)) continue;
    if (x1 === x0) {
      // Moving along the face: blocked where it leaves the door rows.
      if (outsideDoor(g, Math.min(y0, y1)) || outsideDoor(g, Math.max(y0, y1))) return true;
      continue;
    }
    const y = y0 + ((face - x0) / (x1 - x0)) * (y1 - y0);
    if (outsideDoor(g, y)) return true;
  }
  return false;
}
