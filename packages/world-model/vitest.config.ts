import { defineProject } from "vitest/config";

export default defineProject({
  test: { name: "@hjepa/world-model", include: ["src/**/*.test.ts"], testTimeout: 60000 },
});
