import { sql, type SQL } from 'drizzle-orm';
import { DIALECT } from './dialect.ts';

/*
 * The few SQL pieces the two engines spell differently, in one place (db/types.ts lists what both
 * speak the same way).
 */

/**
 * SQLite's index hint: its planner picks a worse index for a few big aggregates at full scale
 * (bench:scale); naming it also makes a changed schema fail loudly instead of turning slow.
 * PostgreSQL has no hints and plans these well: nothing.
 */
export const indexedBy = (name: string): SQL => (DIALECT === 'sqlite' ? sql.raw(`indexed by ${name}`) : sql``);

/** The values of a group joined with commas (SQLite's group_concat, PostgreSQL's string_agg). */
export const commaList = (expr: SQL): SQL => (DIALECT === 'postgres' ? sql`string_agg(${expr}, ',')` : sql`group_concat(${expr})`);
