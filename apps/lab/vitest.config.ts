import { defineProject } from "vitest/config";

export default defineProject({
  test: { name: "@hjepa/lab", include: ["src/**/*.test.ts"], testTimeout: 30000 },
});
