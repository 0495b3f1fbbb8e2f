import { sql, type AnyColumn, type SQL } from 'drizzle-orm';

/**
 * LIKE on user-typed text. `%` and `_` in the text are matched literally: each is escaped with a
 * backslash, and SQLite only honours that with an ESCAPE clause (without one, `\_` means "a
 * backslash, then any character", so a search containing `_` never matched). Case-insensitive
 * on both engines (SQLite's LIKE ignores ASCII case, PostgreSQL's does not): both sides lowered.
 */
const escapeLike = (text: string) => text.replace(/[%_\\]/g, (c) => `\\${c}`);

export function containsText(column: AnyColumn, text: string): SQL {
  return sql`lower(${column}) like lower(${`%${escapeLike(text)}%`}) escape '\\'`;
}

export function startsWithText(column: AnyColumn, text: string): SQL {
  return sql`lower(${column}) like lower(${`${escapeLike(text)}%`}) escape '\\'`;
}
