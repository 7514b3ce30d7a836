import { defineProject } from "vitest/config";

export default defineProject({ test: { name: "@hjepa/contracts", include: ["src/**/*.test.ts"] } });
