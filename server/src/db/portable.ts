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

/** A JSON object of the given columns (PostgreSQL's json_build_object, SQLite's json_object). */
export const jsonObject = (fields: Record<string, SQL>): SQL => {
  const pairs = sql.join(
    Object.entries(fields).map(([k, v]) => sql`${sql.raw(`'${k.replace(/'/g, "''")}'`)}, ${v}`),
    sql`, `,
  );
  return DIALECT === 'postgres' ? sql`json_build_object(${pairs})` : sql`json_object(${pairs})`;
};

/**
 * The group's values as one JSON array, in `order` (`[]` for none). PostgreSQL hands it back parsed,
 * SQLite as text: read it through `fromJson`.
 */
export const jsonArray = (value: SQL, order: SQL): SQL =>
  DIALECT === 'postgres' ? sql`coalesce(json_agg(${value} order by ${order}), '[]')` : sql`json_group_array(${value} order by ${order})`;

/** A `jsonArray`/`jsonObject` column as a value, on either engine. */
export const fromJson = <T>(v: unknown): T => (typeof v === 'string' ? (JSON.parse(v) as T) : (v as T));
