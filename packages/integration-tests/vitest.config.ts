import { defineProject } from "vitest/config";

export default defineProject({
  test: { name: "@hjepa/integration-tests", include: ["src/**/*.test.ts"], testTimeout: 60000 },
});
