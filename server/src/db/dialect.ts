/**
 * Which database engine this process runs on, decided once from the environment before any table
 * is imported: `DATABASE_URL=postgres://…` selects PostgreSQL, nothing selects the embedded SQLite
 * file. It is read at import time (not from `loadConfig`) because the tables services import are
 * the chosen dialect's (db/schema/index.ts), and module-level statements built from them must see
 * the right ones from the start — as Django and Rails pick their backend at boot.
 */
export type Dialect = 'sqlite' | 'postgres';

export function dialectOf(databaseUrl: string | undefined): Dialect {
  if (!databaseUrl) return 'sqlite';
  if (/^postgres(ql)?:\/\//i.test(databaseUrl)) return 'postgres';
  throw new Error(`DATABASE_URL must be a postgres:// or postgresql:// URL (or unset for the embedded SQLite file), not "${databaseUrl.replace(/\/\/[^@/]*@/, '//…@')}"`);
}

export const DIALECT: Dialect = dialectOf(process.env.DATABASE_URL);
