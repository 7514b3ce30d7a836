import { defineProject } from "vitest/config";

export default defineProject({
  test: { name: "@hjepa/perception", include: ["src/**/*.test.ts"], testTimeout: 60000 },
});
