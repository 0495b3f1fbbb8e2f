import { defineConfig } from 'drizzle-kit';

// The PostgreSQL twin of drizzle.config.ts (db/schema-pg mirrors db/schema-sqlite).
export default defineConfig({
  dialect: 'postgresql',
  schema: './server/src/db/schema-pg/index.ts',
  out: './migrations-pg',
  casing: 'snake_case',
});
