import { isPlanningEnv, PALETTE, type PlanningEnv } from "@hjepa/envs";
import { make, Rng } from "gymnasium-js";
import { describe, expect, it } from "vitest";
import { mapViewOf } from "./mapView.ts";

function core(id: string): PlanningEnv {
  const env = make(id).unwrapped;
  if (!isPlanningEnv(env)) throw new Error(`${id} is not a planning env`);
  return env;
}

const ENVS = ["hjepa/FourRooms-v0", "hjepa/GridMaze-v0", "hjepa/KeyDoor-v0", "hjepa/PLDMTwoRooms-v0"];

describe("mapViewOf", () => {
  it.each(ENVS)("%s: walls where the env's own picture has walls, and states where it draws them", (id) => {
    const env = core(id);
    const view = mapViewOf(env);
    // After a reset: before one, grid envs draw their goal marker on cell (0, 0), a wall.
    env.reset({ seed: 0 });
    const picture = env.renderMap();
    const { rows, cols, cells } = view.map;
    expect([cols * picture.cellPx, rows * picture.cellPx]).toEqual([picture.width, picture.height]);
    for (let r = 0; r < rows; r++) {
      for (let c = 0; c < cols; c++) {
        // The picture's pixel at the centre of cell (r, c).
        const px = Math.floor((c + 0.5) * picture.cellPx);
        const py = Math.floor((r + 0.5) * picture.cellPx);
        const i = 3 * (py * picture.width + px);
        const wall = [0, 1, 2].every((k) => picture.data[i + k] === PALETTE.wall[k]);
        expect(cells[r * cols + c] === 1, `${id} cell (${r}, ${c})`).toBe(wall);
      }
    }
    const rng = new Rng(3);
    for (let k = 0; k < 20; k++) {
      const s = env.sampleFreeState(rng);
      const [x, y] = view.toMap(s);
      const [px, py] = env.stateToPixel(s);
      expect(x).toBeCloseTo(px / picture.cellPx, 9);
      expect(y).toBeCloseTo(py / picture.cellPx, 9);
      // A free state lies on a cell that is not a wall.
      expect(cells[Math.floor(y) * cols + Math.floor(x)]).not.toBe(1);
    }
  });

  it("gives each env's success radius in map units", () => {
    expect(mapViewOf(core("hjepa/FourRooms-v0")).goalRadius).toBe(0.5);
    expect(mapViewOf(core("hjepa/GridMaze-v0"))).toMatchObject({
      goalRadius: 0.5,
      goalLabel: "goal (reached on its cell)",
    });
    expect(mapViewOf(core("hjepa/PLDMTwoRooms-v0")).goalRadius).toBeCloseTo(Math.SQRT2, 12);
  });
});
