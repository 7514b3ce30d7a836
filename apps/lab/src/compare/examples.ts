/** The report's example episodes: what the eval jobs drew (in map units), with each episode's outcome. */
import type { TrajectoryPlotInput } from "@hjepa/report";
import { cellKey } from "./aggregate.ts";
import type { EpisodeNumbers, EvalJobResult } from "./evalJob.ts";
import type { ComparisonPlan } from "./plan.ts";

type Pictures = NonNullable<EvalJobResult["pictures"]>;

/** The pictures of one arm from several eval jobs, together. */
export function mergePictures(a: Pictures | null, b: Pictures): Pictures {
  return a === null ? b : { ...a, episodes: [...a.episodes, ...b.episodes] };
}

/** The example episodes: each arm's first-budget, first-seed episodes on the drawn tasks, in task order. */
export function examples(
  plan: ComparisonPlan,
  drawn: Map<string, EvalJobResult["pictures"]>,
  episodes: Map<string, EpisodeNumbers[]>,
): TrajectoryPlotInput[] {
  const seed = plan.comparison.seeds[0] as number;
  const out: TrajectoryPlotInput[] = [];
  const order = new Map(plan.tasks.selected.map((i, k) => [plan.tasks.set.tasks[i]?.id, k]));
  plan.arms.forEach((arm, a) => {
    const pics = drawn.get(`${a}`);
    if (!pics) return;
    const numbers = new Map((episodes.get(cellKey(a, 0, seed)) ?? []).map((e) => [e.id, e]));
    const sorted = [...pics.episodes].sort((x, y) => (order.get(x.id) ?? 0) - (order.get(y.id) ?? 0));
    for (const p of sorted) {
      const e = numbers.get(p.id);
      if (!e) continue;
      out.push({
        env: pics.env,
        taskId: p.id,
        arm: arm.name,
        success: e.success,
        steps: e.steps,
        map: pics.map,
        start: p.start,
        goal: p.goal,
        goalRadius: pics.goalRadius,
        ...(pics.goalLabel ? { goalLabel: pics.goalLabel } : {}),
        path: p.path,
        plan: p.plan,
        subgoals: p.subgoals,
        subtitle: `seed ${seed}; bin ${e.bin}; shortest path ${e.optimal.toFixed(1)}, path taken ${e.pathLength.toFixed(1)}`,
      });
    }
  });
  return out;
}
