import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['shared/src/**/*.test.ts', 'server/src/**/*.test.ts', 'client/src/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    // better-sqlite3 and sharp are native; forks keep each test file in its own process.
    pool: 'forks',
  },
});
