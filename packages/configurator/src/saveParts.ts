import { join } from "node:path";
import type { WorldModel } from "@hjepa/contracts";
import type { ExperimentConfig } from "@hjepa/experiment";
import type { JepaWorldModel, WorldModelData } from "@hjepa/world-model";
import { buildLandmarks, fitAgentCritic, fitHazardClassifier } from "./extras.ts";
import { saveLandmarks } from "./landmarksFile.ts";
import type { PreparedAgent } from "./preparedRun.ts";

/**
 * Fits the learned parts `config.agent` asks for (hazard classifier, landmarks, critic) and saves each in its
 * folder under `dir` (`hazard/`, `landmarks/`, `critic/`). Returns prepared.json's `parts` (null for a part not
 * asked for) and `dispose`, which frees the fitted weights once the caller is done with the folder.
 */
export async function fitAndSaveParts(
  dir: string,
  config: ExperimentConfig,
  model: WorldModel | JepaWorldModel,
  data: WorldModelData | null,
  onCriticStep?: (step: number, total: number) => void,
): Promise<{ parts: PreparedAgent["parts"]; dispose: () => void }> {
  const parts: PreparedAgent["parts"] = { hazard: null, landmarks: null, critic: null };
  // Fitted in this order (hazard, landmarks, critic), as prepare always has.
  const fitted = data && fitHazardClassifier(config, model, data);
  let critic: ReturnType<typeof fitAgentCritic> = null;
  const dispose = () => {
    fitted?.classifier.dispose();
    critic?.critic.dispose();
  };
  try {
    if (fitted) {
      const saved = await fitted.classifier.save(join(dir, "hazard"));
      const hazards = fitted.fit.positives;
      parts.hazard = {
        folder: "hazard",
        sha256: saved.sha256,
        dim: fitted.classifier.dim,
        hidden: fitted.classifier.hidden,
        windows: hazards + fitted.fit.negatives,
        hazards,
        accuracy: fitted.fit.accuracy,
      };
    }
    const landmarks = data && buildLandmarks(config, model, data);
    if (landmarks) {
      const sha256 = await saveLandmarks(join(dir, "landmarks"), landmarks);
      const { size, dim, radius, transitions } = landmarks;
      parts.landmarks = { folder: "landmarks", sha256, size, dim, radius, transitions };
    }
    critic = data && fitAgentCritic(config, model, data, onCriticStep);
    if (critic) {
      const saved = await critic.critic.save(join(dir, "critic"));
      const { transitions, stepDistance, withinSlack } = critic.fit;
      parts.critic = {
        folder: "critic",
        sha256: saved.sha256,
        dim: critic.critic.dim,
        transitions,
        stepDistance,
        withinSlack,
      };
    }
    return { parts, dispose };
  } catch (e) {
    dispose();
    throw e;
  }
}
