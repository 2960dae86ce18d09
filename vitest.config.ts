import { defineConfig } from "vitest/config";

// Two projects: `unit` needs no services; `integration` gets a real PostgreSQL (migrated) and a
// real Redis from test/support/global-setup.ts, shared by all its files, which therefore run one
// at a time. Each integration test isolates itself by creating its own shop(s).
export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: "unit",
          environment: "node",
          include: [
            "app/**/*.test.ts",
            "app/**/*.test.tsx",
            "test/unit/**/*.test.ts",
            "test/unit/**/*.test.tsx",
            "test/shopify-double/**/*.test.ts",
            "scripts/**/*.test.ts",
            "extensions/**/*.test.ts",
          ],
        },
      },
      {
        test: {
          name: "integration",
          environment: "node",
          include: ["test/integration/**/*.test.ts", "workers/**/*.test.ts"],
          globalSetup: ["test/support/global-setup.ts"],
          setupFiles: ["test/support/integration-env.ts"],
          // One fork runs the files one after another (fileParallelism is a global-only option).
          pool: "forks",
          poolOptions: { forks: { singleFork: true } },
          testTimeout: 60_000,
          hookTimeout: 120_000,
        },
      },
      {
        // Browser tests (Debian chromium via playwright-core) against the demo stack they start.
        test: {
          name: "e2e",
          environment: "node",
          include: ["test/e2e/**/*.test.ts"],
          pool: "forks",
          poolOptions: { forks: { singleFork: true } },
          testTimeout: 120_000,
          hookTimeout: 300_000,
        },
      },
    ],
  },
});
