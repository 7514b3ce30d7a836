#!/usr/bin/env node
// The `hjepa` binary: registers tsx (the workspace's packages export TypeScript sources) and runs the CLI.
import { register } from "tsx/esm/api";

register();
await import("../src/main.ts");
