import { defineProject } from "vitest/config";

export default defineProject({
  test: { name: "@hjepa/agent", include: ["src/**/*.test.ts"], testTimeout: 120000 },
});
