import { defineProject } from "vitest/config";

export default defineProject({ test: { name: "@hjepa/envs", include: ["src/**/*.test.ts"] } });
