import { defineProject } from "vitest/config";

export default defineProject({
  test: { name: "@hjepa/planner-icem", include: ["src/**/*.test.ts"], testTimeout: 60000 },
});
