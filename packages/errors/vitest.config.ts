import { defineProject } from "vitest/config";

export default defineProject({ test: { name: "@hjepa/errors", include: ["src/**/*.test.ts"] } });
