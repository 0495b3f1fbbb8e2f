/**
 * Splits rows into runs for multi-row inserts and IN (...) lists: 500 by default stays well under
 * both engines' bound-parameter limits (SQLite 32,766, PostgreSQL 65,535) for the widest rows here.
 */
export function chunked<T>(rows: readonly T[], size = 500): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < rows.length; i += size) out.push(rows.slice(i, i + size));
  return out;
}
