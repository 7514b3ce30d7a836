import { defineProject } from "vitest/config";

export default defineProject({ test: { name: "@hjepa/report", include: ["src/**/*.test.ts"] } });
