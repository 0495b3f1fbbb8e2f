import type { NodePgDatabase } from 'drizzle-orm/node-postgres';
import type * as pgSchema from './schema-pg/index.ts';

/**
 * The database as every service sees it, on both engines: drizzle's PostgreSQL API, typed with the
 * PostgreSQL tables. On SQLite the same calls run on drizzle's SQLite builders over the SQLite
 * tables (db/schema/index.ts picks them; the schema-parity test keeps the two table sets alike).
 * Typing with the stricter of the two keeps services portable: PostgreSQL's builders have no
 * synchronous `.get()/.all()/.run()`, so every query is awaited, and results come back as arrays.
 *
 * Rules that make one service layer work on both (checked by running every test on both):
 * - every write is inside `db.transaction(...)` or `lazyTransaction(...)` (outside one, both
 *   engines are read-only);
 * - inside a transaction, use its `tx`, and await nothing but the database (no files, no hashing:
 *   on SQLite the writer waits, on PostgreSQL locks are held);
 * - raw SQL only through `db.execute(sql\`…\`)`, in the SQL both engines speak (`true`/`false`,
 *   `coalesce`, `case`, `count(*) filter (where …)`; never `ifnull`, `iif`, `group_concat`,
 *   SQLite's two-argument `max`, or PostgreSQL's `::` casts), and numbers cast with `cast(… as
 *   integer)` or read through `Number(...)`.
 */
export type Db = NodePgDatabase<typeof pgSchema>;
/** A transaction handle; services accept either so that they compose inside transactions. */
export type Tx = Parameters<Parameters<Db['transaction']>[0]>[0];
export type DbOrTx = Db | Tx;
