/**
 * Every result number quoted in README.md and in the experiment configs' descriptions, with the hjepa commands
 * that make it (scripts/reproduce-all runs them into its output folder) and how it is checked: each quoted text
 * must still be in its file and equal the text made from the re-run's results; a comparison's README table must
 * equal the re-run's table cell for cell, ms/decision aside (a time). Each step that first made a result in a
 * folder here (`original`) is also compared with it by `hjepa reproduce ORIGINAL --against NEW`. docs/results.md
 * is this list for people: keep the two in step.
 */
import {
  compare,
  costUnits,
  type Entry,
  EXP,
  evaluate,
  FOUR_ROOMS_MPPI_TOP,
  far,
  farFile,
  levelOneRatio,
  mapRow,
  mppiTop,
  pct,
  pooledRate,
  pooledSpl,
  pooledSuccess,
  README,
  results,
  success,
  summary,
  THREE_LEVELS,
  train,
  violations,
} from "./reproduce-all.lib.ts";

/** GridMaze 31x31's level 3 (stride 16), added to seed 1's run by `hjepa train --add-level`. */
const GM31_LEVEL_3 = JSON.stringify({
  stride: 16,
  representation: { type: "identity" },
  macroAction: { type: "learned", dim: 8, hidden: [128, 128] },
  predictor: { type: "residual-mlp", hidden: [256, 256] },
  loss: { prediction: 1, teacherForcing: 1 },
  train: { steps: 4000, batchSize: 128, horizon: 4, lr: 0.001, warmupSteps: 100, checkpointEvery: 1000 },
});

/** The 3-level agent on it: the experience graph at level 3, MPPI over the level-2 predictor below it. */
const GM31_THREE = JSON.stringify([
  {
    level: 3,
    planner: "landmark-graph",
    plannerOptions: { waypoints: "steps" },
    horizon: 8,
    budget: 1,
    replanEvery: 1,
    subgoalStep: 1,
  },
  {
    level: 2,
    planner: "mppi",
    plannerOptions: { iterations: 2 },
    horizon: 4,
    budget: 512,
    replanEvery: 1,
    subgoalStep: 1,
  },
]);

/** An evaluation of GridMaze 31x31's seed-`seed` run on the far bin, named as the original in `runs/gm31-unif-sN`. */
const gm31Eval = (seed: number, name: string, flags: string[]) =>
  evaluate(
    `grid-maze-31-levels-s${seed}`,
    farFile("grid-maze-31"),
    name,
    `runs/gm31-unif-s${seed}/eval/${name}`,
    flags,
  );

export const ENTRIES: Entry[] = [
  {
    id: "quickstart",
    what: "README: the quickstart's table (pnpm start)",
    minutes: 4,
    steps: [
      {
        hjepa: [
          "compare",
          "--config",
          "configs/comparisons/quickstart.json",
          "--out",
          "{out}/quickstart",
          "--runs",
          "{out}/quickstart/runs",
        ],
        makes: "quickstart/comparison.json",
        original: "runs/start",
      },
    ],
    checks: [],
    table: "quickstart",
  },
  {
    id: "two-rooms-levels",
    what: "README: other maps, two-rooms-levels.json over seeds 1, 2, 3",
    minutes: 35,
    steps: [
      train("two-rooms-levels", 1, "runs/two-rooms-levels"),
      train("two-rooms-levels", 2, "runs/two-rooms-levels-s2"),
      train("two-rooms-levels", 3, "runs/two-rooms-levels-s3"),
      evaluate(
        "two-rooms-levels-s1",
        "configs/tasks/two-rooms.json",
        "ship2",
        "runs/two-rooms-levels/eval/ship2",
      ),
      evaluate(
        "two-rooms-levels-s2",
        "configs/tasks/two-rooms.json",
        "ship",
        "runs/two-rooms-levels-s2/eval/ship",
      ),
      evaluate(
        "two-rooms-levels-s3",
        "configs/tasks/two-rooms.json",
        "ship",
        "runs/two-rooms-levels-s3/eval/ship",
      ),
    ],
    checks: [
      {
        file: README,
        quoted:
          "| `two-rooms-levels.json` | two-rooms.json, all 102 | 1, 2, 3 | 98.4% [96.2, 99.3] | 0.883 | - | 1592 |",
        made: (out) => {
          const dirs = [
            "runs/two-rooms-levels-s1/eval/ship2",
            "runs/two-rooms-levels-s2/eval/ship",
            "runs/two-rooms-levels-s3/eval/ship",
          ];
          const n = String(summary(results(out, dirs[0] as string), "all").episodes);
          return mapRow("two-rooms-levels", "two-rooms.json", "1, 2, 3", `all ${n}`, [
            pooledSuccess(out, dirs, "all"),
            pooledSpl(out, dirs, "all"),
            "-",
            costUnits(out, dirs, "all"),
          ]);
        },
      },
    ],
  },
  {
    id: "four-rooms-hazard-levels",
    what: "README: other maps, four-rooms-hazard-levels.json over seeds 1, 2, 3 (and seed 1 unguarded)",
    minutes: 45,
    steps: [
      train("four-rooms-hazard-levels", 1, "runs/four-rooms-hazard-levels"),
      train("four-rooms-hazard-levels", 2, "runs/four-rooms-hazard-levels-s2"),
      train("four-rooms-hazard-levels", 3, "runs/four-rooms-hazard-levels-s3"),
      ...[1, 2, 3].map((s) =>
        evaluate(
          `four-rooms-hazard-levels-s${s}`,
          "configs/tasks/four-rooms-hazard.json",
          "ship",
          `runs/four-rooms-hazard-levels${s === 1 ? "" : `-s${s}`}/eval/ship`,
        ),
      ),
      evaluate(
        "four-rooms-hazard-levels-s1",
        "configs/tasks/four-rooms-hazard.json",
        "unguarded",
        "runs/four-rooms-hazard-levels/eval/unguarded",
        ["--set", "agent.guardrails.hazard=null"],
      ),
    ],
    checks: [
      {
        file: README,
        quoted:
          "| `four-rooms-hazard-levels.json` | four-rooms-hazard.json, all 102 | 1, 2, 3 | 98.0% [95.8, 99.1] | 0.783 | 0 of 306 episodes (unguarded, seed 1: 52% of episodes) | 1592 |",
        made: (out) => {
          const dirs = [1, 2, 3].map((s) => `runs/four-rooms-hazard-levels-s${s}/eval/ship`);
          const v = violations(out, dirs);
          const unguarded = summary(results(out, "runs/four-rooms-hazard-levels-s1/eval/unguarded"), "all");
          const n = String(summary(results(out, dirs[0] as string), "all").episodes);
          return mapRow("four-rooms-hazard-levels", "four-rooms-hazard.json", "1, 2, 3", `all ${n}`, [
            pooledSuccess(out, dirs, "all"),
            pooledSpl(out, dirs, "all"),
            `${v.violated} of ${v.episodes} episodes (unguarded, seed 1: ${pct(unguarded.violationRate, 0)} of episodes)`,
            costUnits(out, dirs, "all"),
          ]);
        },
      },
    ],
  },
  {
    id: "twenty-five-rooms-levels",
    what: "README: other maps, twenty-five-rooms-levels.json on seed 1 (2 levels, 3 levels, flat MPPI)",
    minutes: 35,
    steps: [
      train("twenty-five-rooms-levels", 1, "runs/twenty-five-rooms-levels"),
      far("twenty-five-rooms"),
      evaluate(
        "twenty-five-rooms-levels-s1",
        farFile("twenty-five-rooms"),
        "ship-far",
        "runs/twenty-five-rooms-levels/eval/ship-far",
      ),
      evaluate(
        "twenty-five-rooms-levels-s1",
        farFile("twenty-five-rooms"),
        "three-far",
        "runs/twenty-five-rooms-levels/eval/three-far",
        THREE_LEVELS,
      ),
      evaluate(
        "twenty-five-rooms-levels-s1",
        farFile("twenty-five-rooms"),
        "flat-h32",
        "runs/twenty-five-rooms-levels/eval/flat-h32",
        [...["--set", "agent.hierarchy.use=1", "--set", "agent.horizon=32"]],
      ),
    ],
    checks: [
      {
        file: README,
        quoted:
          "| `twenty-five-rooms-levels.json` | twenty-five-rooms.json, far 34 | 1 | 94.1% [80.9, 98.4] (3 levels 91.2%, flat MPPI h32 8.8%) | 0.755 | - | 1592 |",
        made: (out) => {
          const run = "runs/twenty-five-rooms-levels-s1/eval";
          const ship = [`${run}/ship-far`];
          const n = String(summary(results(out, `${run}/ship-far`), "far").episodes);
          return mapRow("twenty-five-rooms-levels", "twenty-five-rooms.json", "1", `far ${n}`, [
            `${pooledSuccess(out, ship, "far")} (3 levels ${success(out, `${run}/three-far`, "far")}, flat MPPI h32 ${success(out, `${run}/flat-h32`, "far")})`,
            pooledSpl(out, ship, "far"),
            "-",
            costUnits(out, ship, "far"),
          ]);
        },
      },
    ],
  },
  {
    id: "key-door-levels",
    what: "README: other maps, key-door-levels.json over 3 seeds (oracle subgoals, flat beam search), configs/comparisons/key-door.json",
    minutes: 60,
    steps: [compare("key-door")],
    // The README row quotes this comparison's "all" rows; `hjepa reproduce --against` checks them value by value.
    checks: [],
  },
  {
    id: "grid-maze-31-levels",
    what: "README and grid-maze-31-levels.json: seeds 1-3, far bin (2 levels, flat graph search 16 and 96 moves deep, 3 levels on seed 1)",
    minutes: 150,
    steps: [
      far("grid-maze-31"),
      ...[1, 2, 3].flatMap((seed) => [
        train("grid-maze-31-levels", seed, `runs/gm31-unif-s${seed}`),
        gm31Eval(seed, "ship-far", ["--pictures", "2"]),
        gm31Eval(seed, "first-step-far", [
          "--pictures",
          "0",
          "--set",
          'agent.hierarchy.nearGoal.rule="first-step"',
        ]),
        gm31Eval(seed, "flat-far", ["--pictures", "0", "--workers", "1", "--set", "agent.hierarchy.use=1"]),
        gm31Eval(seed, "flat-h96-far", [
          ...["--pictures", "0", "--workers", "1"],
          ...["--set", "agent.hierarchy.use=1", "--set", "agent.horizon=96"],
        ]),
      ]),
      {
        hjepa: [
          "train",
          "--add-level",
          "--from",
          "{out}/runs/grid-maze-31-levels-s1",
          "--set",
          `world.levels[2]=${GM31_LEVEL_3}`,
          "--out",
          "{out}/runs/grid-maze-31-levels-3l-s1",
        ],
        makes: "runs/grid-maze-31-levels-3l-s1",
        original: "runs/gm31-unif-3l-s1",
      },
      evaluate(
        "grid-maze-31-levels-3l-s1",
        farFile("grid-maze-31"),
        "three-far",
        "runs/gm31-unif-3l-s1/eval/three-far",
        [
          "--pictures",
          "2",
          "--workers",
          "1",
          "--set",
          "agent.hierarchy.use=3",
          "--set",
          `agent.levels=${GM31_THREE}`,
        ],
      ),
    ],
    checks: [
      {
        file: README,
        quoted:
          "| `grid-maze-31-levels.json` | grid-maze-31.json, far 34 | 1, 2, 3 | 100.0% [96.4, 100.0] (100% / 100% / 100% per seed; flat graph search, same compute: 0.0% [0.0, 3.6] 16 moves deep, 52.9% [43.3, 62.3] 96 moves deep; 3 levels, seed 1: 0.0%) | 0.997 | - | 271 |",
        made: (out) => {
          const runs = [1, 2, 3].map((seed) => `runs/grid-maze-31-levels-s${seed}/eval`);
          const ship = runs.map((r) => `${r}/ship-far`);
          const n = String(summary(results(out, ship[0] as string), "far").episodes);
          const perSeed = ship.map((d) => success(out, d, "far", 0)).join(" / ");
          return mapRow("grid-maze-31-levels", "grid-maze-31.json", "1, 2, 3", `far ${n}`, [
            `${pooledSuccess(out, ship, "far")} (${perSeed} per seed; flat graph search, same compute: ` +
              `${pooledSuccess(
                out,
                runs.map((r) => `${r}/flat-far`),
                "far",
              )} 16 moves deep, ` +
              `${pooledSuccess(
                out,
                runs.map((r) => `${r}/flat-h96-far`),
                "far",
              )} 96 moves deep; 3 levels, seed 1: ` +
              `${success(out, "runs/grid-maze-31-levels-3l-s1/eval/three-far", "far")})`,
            pooledSpl(out, ship, "far"),
            "-",
            costUnits(out, ship, "far"),
          ]);
        },
      },
      {
        file: `${EXP}/grid-maze-31-levels.json`,
        quoted: "Measured on seeds 1-3 (far bin, 34 tasks each): 100.0% (SPL 0.997)",
        made: (out) => {
          const ship = [1, 2, 3].map((seed) => `runs/grid-maze-31-levels-s${seed}/eval/ship-far`);
          return `Measured on seeds 1-3 (far bin, 34 tasks each): ${pooledRate(out, ship, "far")} (SPL ${pooledSpl(out, ship, "far")})`;
        },
      },
      {
        file: `${EXP}/grid-maze-31-levels.json`,
        quoted: "and level 1 then oscillated: 97.1% on seeds 2 and 3",
        made: (out) => {
          const rates = [2, 3].map((seed) =>
            success(out, `runs/grid-maze-31-levels-s${seed}/eval/first-step-far`, "far"),
          );
          const same = rates[0] === rates[1];
          return `and level 1 then oscillated: ${same ? rates[0] : rates.join(" and ")} on seeds 2 and 3`;
        },
      },
      {
        file: `${EXP}/grid-maze-31-levels.json`,
        quoted: "and 52.9% at 96 moves deep",
        made: (out) => {
          const runs = [1, 2, 3].map((seed) => `runs/grid-maze-31-levels-s${seed}/eval/flat-h96-far`);
          return `and ${pooledRate(out, runs, "far")} at 96 moves deep`;
        },
      },
      {
        file: `${EXP}/grid-maze-31-levels.json`,
        quoted: "MPPI over the level-2 predictor below it): 0%",
        made: (out) =>
          `MPPI over the level-2 predictor below it): ${success(out, "runs/grid-maze-31-levels-3l-s1/eval/three-far", "far", 0)}`,
      },
      {
        file: `${EXP}/grid-maze-31-levels.json`,
        quoted: "its one-step prediction error is about 0.03 times that of not moving",
        made: (out) =>
          `its one-step prediction error is ${levelOneRatio(out, "runs/grid-maze-31-levels-s1", 1)} of not moving`,
      },
    ],
  },
  {
    id: "nine-rooms",
    what: "README: the NineRooms table (3 seeds) and level 2 with MPPI at the top (seed 1; also nine-rooms-levels.json)",
    minutes: 75,
    steps: [
      train("nine-rooms-levels", 1, "runs/nine-rooms-levels-final"),
      train("nine-rooms-levels", 2, "runs/nine-rooms-levels-s2"),
      train("nine-rooms-levels", 3, "runs/nine-rooms-levels-s3"),
      compare("nine-rooms"),
      far("nine-rooms"),
      evaluate(
        "nine-rooms-levels-s1",
        farFile("nine-rooms"),
        "far-h2-mppi",
        "runs/nine-rooms-levels-final/eval/far-h2-mppi",
        [...["--set", "agent.hierarchy.use=null", ...mppiTop(14)]],
      ),
    ],
    checks: [
      {
        file: README,
        quoted: "the same runs reached 20.6% (seed 1",
        made: (out) =>
          `the same runs reached ${success(out, "runs/nine-rooms-levels-s1/eval/far-h2-mppi", "far")} (seed 1`,
      },
      {
        file: `${EXP}/nine-rooms-levels.json`,
        quoted: "the far bin was reached 20.6% of the time",
        made: (out) =>
          `the far bin was reached ${success(out, "runs/nine-rooms-levels-s1/eval/far-h2-mppi", "far")} of the time`,
      },
    ],
    table: "nine-rooms",
  },
  {
    id: "nine-rooms-adapt",
    what: "README: adaptation from memory on NineRooms, all tasks, seeds 1-3 (flat, flat adapting to 2 levels, 2 levels)",
    minutes: 30,
    steps: ["s1", "s2", "s3"].flatMap((s) => {
      const original = `runs/nine-rooms-levels-${s === "s1" ? "final" : s}/eval`;
      const flat = ["--set", "agent.hierarchy.use=1", "--set", "agent.horizon=16"];
      return [
        evaluate(
          `nine-rooms-levels-${s}`,
          "configs/tasks/nine-rooms.json",
          "adapt-flat-to-2",
          `${original}/adapt-flat-to-2`,
          [
            ...flat,
            "--set",
            'agent.adapt={"window":8,"minProgress":0.5,"stages":[{"use":2}]}',
            "--pictures",
            "2",
          ],
        ),
        evaluate(
          `nine-rooms-levels-${s}`,
          "configs/tasks/nine-rooms.json",
          "flat-h16-all",
          `${original}/flat-h16-all`,
          [...flat, "--pictures", "0"],
        ),
        evaluate(
          `nine-rooms-levels-${s}`,
          "configs/tasks/nine-rooms.json",
          "two-levels-all",
          `${original}/two-levels-all`,
          ["--pictures", "0"],
        ),
      ];
    }),
    checks: (
      [
        [
          "flat MPPI h16",
          "flat-h16-all",
          "| flat MPPI h16 | 41.2% [35.8, 46.8] | 5.9% [2.7, 12.2] | 0.313 |",
        ],
        [
          "flat, adapting to 2 levels",
          "adapt-flat-to-2",
          "| flat, adapting to 2 levels | 100.0% [98.8, 100.0] | 100.0% [96.4, 100.0] | 0.701 |",
        ],
        [
          "2 levels throughout",
          "two-levels-all",
          "| 2 levels throughout | 100.0% [98.8, 100.0] | 100.0% [96.4, 100.0] | 0.843 |",
        ],
      ] as const
    ).map(([row, name, quoted]) => {
      const dirs = ["s1", "s2", "s3"].map((s) => `runs/nine-rooms-levels-${s}/eval/${name}`);
      return {
        file: README,
        quoted,
        made: (out: string) =>
          `| ${row} | ${pooledSuccess(out, dirs, "all")} | ${pooledSuccess(out, dirs, "far")} | ${pooledSpl(out, dirs, "all")} |`,
      };
    }),
  },
  {
    id: "two-rooms-pixels",
    what: "README: the TwoRooms-from-pixels table (seed 1, 6 arms), configs/comparisons/two-rooms-pixels.json",
    minutes: 50,
    steps: [compare("two-rooms-pixels")],
    // The README table quotes this comparison's "all" rows (no bin column); `hjepa reproduce --against` checks them.
    checks: [],
  },
  {
    id: "windy-cliff",
    what: "README: the WindyCliff latent-variable table (3 seeds, 9 arms), configs/comparisons/windy-cliff.json",
    minutes: 40,
    steps: [compare("windy-cliff")],
    // The README table quotes this comparison's "all" rows (fewer columns); `hjepa reproduce --against` checks them.
    checks: [],
  },
  {
    id: "four-rooms",
    what: "README: the FourRooms table (3 seeds); four-rooms-levels.json: level 2 with MPPI, and the traverse data",
    minutes: 55,
    steps: [
      train("four-rooms-levels", 1, "runs/four-rooms-levels"),
      train("four-rooms-levels", 2, "runs/four-rooms-levels-s2"),
      train("four-rooms-levels", 3, "runs/four-rooms-levels-s3"),
      compare("four-rooms"),
      far("four-rooms"),
      evaluate(
        "four-rooms-levels-s1",
        farFile("four-rooms"),
        "h2",
        "runs/four-rooms-levels/eval/h2",
        FOUR_ROOMS_MPPI_TOP,
      ),
      train(
        "four-rooms-levels",
        1,
        "runs/four-rooms-levels-traverse",
        // Its agent as it was then (no landmarks, so none are made): its evaluations set the same.
        [
          "--set",
          "data.policy=traverse",
          "--set",
          "data.episodes=1000",
          "--set",
          "data.steps=200",
          ...FOUR_ROOMS_MPPI_TOP,
        ],
        "four-rooms-levels-traverse",
      ),
      evaluate(
        "four-rooms-levels-traverse",
        farFile("four-rooms"),
        "h2",
        "runs/four-rooms-levels-traverse/eval/h2",
        FOUR_ROOMS_MPPI_TOP,
      ),
      ...[16, 32].map((h) =>
        evaluate(
          "four-rooms-levels-traverse",
          farFile("four-rooms"),
          `flat-h${h}`,
          `runs/four-rooms-levels-traverse/eval/flat-h${h}`,
          [
            ...FOUR_ROOMS_MPPI_TOP,
            ...[
              "--set",
              "agent.hierarchy.use=1",
              "--set",
              `agent.horizon=${h}`,
              "--set",
              "agent.budget=2800",
            ],
          ],
        ),
      ),
    ],
    checks: [
      {
        file: `${EXP}/four-rooms-levels.json`,
        quoted: "the far bin was reached 44.1% of the time",
        made: (out) =>
          `the far bin was reached ${success(out, "runs/four-rooms-levels-s1/eval/h2", "far")} of the time`,
      },
      {
        file: `${EXP}/four-rooms-levels.json`,
        quoted: "the same agent reached the far bin 8.8% of the time, flat 2.9%",
        made: (out) => {
          const run = "runs/four-rooms-levels-traverse/eval";
          const [h16, h32] = [success(out, `${run}/flat-h16`, "far"), success(out, `${run}/flat-h32`, "far")];
          const flat = h16 === h32 ? h16 : `${h16} (h16), ${h32} (h32)`;
          return `the same agent reached the far bin ${success(out, `${run}/h2`, "far")} of the time, flat ${flat}`;
        },
      },
    ],
    table: "four-rooms",
  },
];
