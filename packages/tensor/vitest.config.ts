import { defineProject } from "vitest/config";

export default defineProject({
  test: { name: "@hjepa/tensor", include: ["src/**/*.test.ts"], testTimeout: 60000 },
});
