import { defineProject } from "vitest/config";

export default defineProject({
  test: { name: "@hjepa/actor", include: ["src/**/*.test.ts"], testTimeout: 60000 },
});
