/**
 * `--db sqlite|postgres` and `--instances <n>` for the benchmarks that start real servers
 * (bench:validate, test:crash). Several instances share one database only on PostgreSQL.
 */
import { spawnSync } from 'node:child_process';

export interface EngineChoice {
  engine: 'sqlite' | 'postgres';
  instances: number;
  /** PostgreSQL through its Unix socket in this folder (`--pg-socket <dir>`), else TCP on 127.0.0.1. */
  pgSocket: string | null;
}

function option(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

/**
 * Reads the options. For PostgreSQL, a process started without DATABASE_URL runs itself again with
 * it set and exits with that run's status: the engine is chosen when the server modules load
 * (db/dialect.ts), before any benchmark code runs. The database itself is made by the caller.
 */
export function chooseEngine(maxInstances: number): EngineChoice {
  const instances = Number(option('instances') ?? 1);
  const engine = option('db') ?? 'sqlite';
  if (!Number.isInteger(instances) || instances < 1 || instances > maxInstances) throw new Error(`--instances takes 1…${maxInstances}`);
  if (engine !== 'sqlite' && engine !== 'postgres') throw new Error('--db takes sqlite or postgres');
  if (engine === 'sqlite' && instances > 1) throw new Error('several instances share one database only on PostgreSQL: add --db postgres');
  const pgSocket = option('pg-socket') ?? null;
  if (pgSocket !== null && (engine !== 'postgres' || !pgSocket.startsWith('/'))) throw new Error('--pg-socket takes the absolute folder of PostgreSQL\'s socket (e.g. /var/run/postgresql), with --db postgres');
  if (engine === 'postgres' && !process.env.DATABASE_URL) {
    // The throw-away databases are made through PG_ADMIN_URL (server/src/testing/pg.ts): on the socket too.
    const admin = pgSocket ? `postgres://postgres@localhost:5432/postgres?host=${encodeURIComponent(pgSocket)}` : (process.env.PG_ADMIN_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres');
    const again = spawnSync(process.execPath, [...process.execArgv, ...process.argv.slice(1)], {
      stdio: 'inherit',
      env: { ...process.env, DATABASE_URL: admin, PG_ADMIN_URL: admin },
    });
    process.exit(again.status ?? 1);
  }
  return { engine, instances, pgSocket };
}
