import { defineProject } from "vitest/config";

export default defineProject({ test: { name: "@hjepa/memory", include: ["src/**/*.test.ts"] } });
