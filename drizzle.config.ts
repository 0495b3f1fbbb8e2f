import { defineConfig } from 'drizzle-kit';

export default defineConfig({
  dialect: 'sqlite',
  schema: './server/src/db/schema-sqlite/index.ts',
  out: './migrations',
  casing: 'snake_case',
  dbCredentials: { url: 'data/studio.db' },
});
