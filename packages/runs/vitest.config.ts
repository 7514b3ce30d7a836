import { defineProject } from "vitest/config";

export default defineProject({
  test: { name: "@hjepa/runs", include: ["src/**/*.test.ts"], testTimeout: 60000 },
});
