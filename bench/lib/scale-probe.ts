/**
 * Per-statement timing for bench:scale: wraps a better-sqlite3 connection's `prepare` so every
 * statement prepared afterwards (drizzle's and raw ones alike) records its calls, total and worst
 * time, and the arguments of its worst call, which `explain` replays under EXPLAIN QUERY PLAN.
 * Install it right after opening the database, before any service prepares its statements.
 */
import type Database from 'better-sqlite3';

export interface StatementStat {
  sql: string;
  calls: number;
  totalMs: number;
  maxMs: number;
  maxArgs: unknown[];
}

type Method = 'get' | 'all' | 'run';

export class StatementProfiler {
  readonly stats = new Map<string, StatementStat>();
  private readonly prepareRaw: (source: string) => Database.Statement;

  /** The first connection also runs `explain`; the app's reader and writer are both profiled. */
  constructor(...connections: [Database.Database, ...Database.Database[]]) {
    this.prepareRaw = connections[0].prepare.bind(connections[0]) as (source: string) => Database.Statement;
    const record = (sql: string, ms: number, args: unknown[]) => {
      let s = this.stats.get(sql);
      if (!s) this.stats.set(sql, (s = { sql, calls: 0, totalMs: 0, maxMs: 0, maxArgs: [] }));
      s.calls++;
      s.totalMs += ms;
      if (ms >= s.maxMs) {
        s.maxMs = ms;
        s.maxArgs = args;
      }
    };
    const wrap = (sqlite: Database.Database) => {
      const prepareRaw = sqlite.prepare.bind(sqlite) as (source: string) => Database.Statement;
      const wrapped = (source: string) => {
        const stmt = prepareRaw(source);
        for (const m of ['get', 'all', 'run'] as Method[]) {
          const f = (stmt[m] as (...a: unknown[]) => unknown).bind(stmt);
          (stmt as unknown as Record<Method, (...a: unknown[]) => unknown>)[m] = (...args: unknown[]) => {
            const t0 = performance.now();
            try {
              return f(...args);
            } finally {
              record(source, performance.now() - t0, args);
            }
          };
        }
        return stmt;
      };
      (sqlite as unknown as { prepare: typeof wrapped }).prepare = wrapped;
    };
    for (const c of connections) wrap(c);
  }

  reset(): void {
    this.stats.clear();
  }

  /** Statements by total time, most expensive first. */
  top(n: number): StatementStat[] {
    return [...this.stats.values()].sort((a, b) => b.totalMs - a.totalMs).slice(0, n);
  }

  /** EXPLAIN QUERY PLAN of a statement with the arguments of its worst call, as an indented tree. */
  explain(sql: string, args: unknown[] = []): string[] {
    const rows = this.prepareRaw(`explain query plan ${sql}`).all(...args) as { id: number; parent: number; detail: string }[];
    const depth = new Map<number, number>([[0, -1]]);
    return rows.map((r) => {
      const d = (depth.get(r.parent) ?? -1) + 1;
      depth.set(r.id, d);
      return `${'  '.repeat(d)}${r.detail}`;
    });
  }
}

/** One-line SQL for reports. */
export function oneLine(sql: string, max = 160): string {
  const s = sql.replace(/\s+/g, ' ').trim();
  return s.length > max ? `${s.slice(0, max - 1)}…` : s;
}

export interface Summary {
  n: number;
  p50: number;
  p95: number;
  p99: number;
  max: number;
  mean: number;
}

export function summarize(xs: number[]): Summary {
  const s = [...xs].sort((a, b) => a - b);
  const q = (p: number) => (s.length ? s[Math.min(s.length - 1, Math.floor(p * s.length))]! : NaN);
  return { n: s.length, p50: q(0.5), p95: q(0.95), p99: q(0.99), max: s.at(-1) ?? NaN, mean: s.reduce((a, b) => a + b, 0) / (s.length || 1) };
}

export const fmtSummary = (s: Summary, unit = 'ms') =>
  `p50 ${s.p50.toFixed(2)} ${unit}  p95 ${s.p95.toFixed(2)} ${unit}  p99 ${s.p99.toFixed(2)} ${unit}  max ${s.max.toFixed(2)} ${unit}  (n=${s.n})`;
