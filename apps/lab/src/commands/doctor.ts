import { createHash } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { createRequire } from "node:module";
import { availableParallelism, cpus, tmpdir, totalmem } from "node:os";
import { join } from "node:path";
import { findRepoRoot, gitState, lockfileHash } from "@hjepa/experiment";
import { Rng } from "gymnasium-js";
import { defineCommand } from "../cli.ts";
import { version } from "../version.ts";

/** What a bug report needs, and whether this machine gives the same numbers twice. */
export const command = defineCommand({
  spec: {
    name: "doctor",
    summary: "print what a bug report needs: versions, backends, cores, determinism checks",
    flags: {},
    notes: ["Exits 1 when a determinism check fails on this machine (results would not reproduce)."],
    examples: ["hjepa doctor"],
  },
  async run() {
    const root = findRepoRoot(process.env.INIT_CWD ?? process.cwd());
    const git = gitState(root);
    const require = createRequire(join(root, "packages/tensor/package.json"));
    const line = (k: string, v: string) => console.log(`${k.padEnd(22)} ${v}`);
    line("hjepa", version());
    line("node", `${process.version} (${process.platform}-${process.arch})`);
    line(
      "commit",
      git.commit ? `${git.commit.slice(0, 12)}${git.dirty ? " (uncommitted changes)" : ""}` : "unknown",
    );
    line("lockfile sha256", lockfileHash(root)?.slice(0, 16) ?? "none");
    line("cores", `${availableParallelism()} (${cpus()[0]?.model.trim() ?? "unknown cpu"})`);
    line("memory", `${(totalmem() / 2 ** 30).toFixed(1)} GiB`);
    line("tfjs-core", packageVersion(require, "@tensorflow/tfjs-core"));
    for (const pkg of ["@tensorflow/tfjs-backend-wasm", "@tensorflow/tfjs-node-gpu", "@tensorflow/tfjs-node"])
      line(pkg.replace("@tensorflow/", ""), packageVersion(require, pkg));
    const { initTensors } = await import("@hjepa/tensor");
    const tensors = await initTensors({ backend: "auto" });
    line("backend (auto)", tensors.reason);
    line("HJEPA_BACKEND", process.env.HJEPA_BACKEND ?? "(not set)");

    const checks: [string, boolean][] = [
      ["tensors: seeded training twice, same weights", await sameTwice(trainToy)],
      ["envs: seeded dataset twice, same bytes", await sameTwice(collectToy)],
    ];
    for (const [what, ok] of checks) line("determinism", `${ok ? "pass" : "FAIL"}  ${what}`);
    if (checks.some(([, ok]) => !ok)) process.exitCode = 1;
  },
});

function packageVersion(require: NodeJS.Require, name: string): string {
  try {
    const pkg = JSON.parse(readFileSync(require.resolve(`${name}/package.json`), "utf8")) as {
      version: string;
    };
    return pkg.version;
  } catch {
    return "not installed";
  }
}

async function sameTwice(run: () => Promise<string>): Promise<boolean> {
  const first = await run();
  const second = await run();
  return first === second;
}

/** A hash of the weights after 20 Adam steps of a small seeded MLP on the active backend. */
async function trainToy(): Promise<string> {
  const { init, tf } = await import("@hjepa/tensor");
  const rng = new Rng(7);
  const w1 = tf.variable(init.glorotUniform([8, 32], rng));
  const w2 = tf.variable(init.glorotUniform([32, 1], rng));
  const x = tf.tensor2d(
    Float32Array.from({ length: 64 * 8 }, () => rng.uniform(-1, 1)),
    [64, 8],
  );
  const y = tf.tensor2d(
    Float32Array.from({ length: 64 }, () => rng.normal()),
    [64, 1],
  );
  const adam = tf.train.adam(0.01);
  for (let i = 0; i < 20; i++) {
    adam.minimize(() => tf.mean(tf.square(tf.sub(tf.matMul(tf.relu(tf.matMul(x, w1)), w2), y))) as never);
  }
  const hash = createHash("sha256").update(w1.dataSync()).update(w2.dataSync()).digest("hex");
  tf.dispose([w1, w2, x, y]);
  adam.dispose();
  return hash;
}

/** A hash of a small dataset collected with a fixed seed. */
async function collectToy(): Promise<string> {
  const { collect } = await import("@hjepa/envs/data");
  const dir = mkdtempSync(join(tmpdir(), "hjepa-doctor-"));
  try {
    const out = join(dir, "toy.arrow");
    await collect("hjepa/TwoRooms-v0", { episodes: 4, steps: 50, policy: "momentum", seed: 3, out });
    return createHash("sha256").update(readFileSync(out)).digest("hex");
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
