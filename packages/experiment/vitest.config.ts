import { defineProject } from "vitest/config";

export default defineProject({ test: { name: "@hjepa/experiment", include: ["src/**/*.test.ts"] } });
