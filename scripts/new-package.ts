/**
 * `pnpm new:package NAME --kind planner|encoder|predictor|regularizer|cost`: scaffolds a research package (see
 * scripts/newPackage/ and the README's "Add a planner in five minutes").
 */
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { newPackageMain } from "./newPackage/cli.ts";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
process.exitCode = await newPackageMain(process.argv.slice(2), root);
