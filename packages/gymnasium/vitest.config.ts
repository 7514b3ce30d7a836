import { defineProject } from "vitest/config";

export default defineProject({ test: { name: "gymnasium-js", include: ["src/**/*.test.ts"] } });
