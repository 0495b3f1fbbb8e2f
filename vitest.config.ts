import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['shared/src/**/*.test.ts', 'server/src/**/*.test.ts', 'client/src/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    // better-sqlite3 and sharp are native; forks keep each test file in its own process.
    pool: 'forks',
    // With DATABASE_URL (npm run test:unit:pg) every test app gets a throw-away PostgreSQL database,
    // copied from a template this run migrates once; either way the run drops what it made on
    // PostgreSQL at the end (server/src/testing/pg-global-setup.ts).
    globalSetup: ['server/src/testing/pg-global-setup.ts'],
  },
});
