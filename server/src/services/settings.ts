import { sql } from 'drizzle-orm';
import { SettingsSchema, type Settings, type SettingsPatch } from '#shared/schemas/settings.ts';
import type { DbOrTx } from '../db/client.ts';
import { CHANGES_CHANNEL } from '../db/pg-notify.ts';
import { DIALECT } from '../db/dialect.ts';
import { postgresHooksOf } from '../db/postgres.ts';
import { settings } from '../db/schema/index.ts';
import { audit } from './audit.ts';
import { preparedPerDb } from '../db/prepared.ts';

const DEFAULTS = SettingsSchema.parse({});

/** Stored settings over the defaults; a stored value that no longer validates falls back to its default. */
const statements = preparedPerDb((db) => ({ all: db.select({ key: settings.key, value: settings.value }).from(settings).prepare('settings_all') }));

const cached = new WeakMap<DbOrTx, { generation: string; value: Settings }>();
/** Changes this process committed: its own copies go at once, without waiting for the notification. */
let localChanges = 0;

/**
 * The settings. On SQLite read on every use (a prepared statement in process, microseconds: the
 * CLI may change them beside the server). On PostgreSQL, called with the database (not a
 * transaction), kept per process until a change is heard (LISTEN/NOTIFY, db/pg-notify.ts:
 * updateSettings notifies in its transaction, so every instance drops its copy when the change
 * commits), and read through whenever that feed is not listening. A round trip less on every
 * sample handed out (bench:validate). Inside a transaction pass its `tx`: read from the database.
 */
export async function getSettings(db: DbOrTx): Promise<Settings> {
  const feed = postgresHooksOf(db)?.changes;
  if (!feed?.live) return readSettings(db);
  const generation = `${feed.generation('settings')}/${localChanges}`;
  const hit = cached.get(db);
  if (hit && hit.generation === generation) return hit.value;
  const value = await readSettings(db);
  // Kept only if nothing was heard while reading: the read may predate that change.
  if (feed.live && `${feed.generation('settings')}/${localChanges}` === generation) cached.set(db, { generation, value: Object.freeze(value) });
  return value;
}

async function readSettings(db: DbOrTx): Promise<Settings> {
  const stored: Record<string, unknown> = {};
  for (const row of await statements(db).all.execute()) {
    try {
      stored[row.key] = JSON.parse(row.value);
    } catch {
      // A hand-edited row must not take the server down; the default applies.
    }
  }
  const out = { ...DEFAULTS };
  for (const key of Object.keys(DEFAULTS) as (keyof Settings)[]) {
    const one = SettingsSchema.shape[key].safeParse(stored[key]);
    if (one.success && stored[key] !== undefined) (out as Record<string, unknown>)[key] = one.data;
  }
  return out;
}

export async function updateSettings(db: DbOrTx, patch: SettingsPatch, actorId: number | null, now = Date.now()): Promise<Settings> {
  try {
    return await writeSettings(db, patch, actorId, now);
  } finally {
    localChanges++;
  }
}

async function writeSettings(db: DbOrTx, patch: SettingsPatch, actorId: number | null, now: number): Promise<Settings> {
  return db.transaction(async (tx) => {
    const before = await getSettings(tx);
    for (const [key, value] of Object.entries(patch)) {
      if (value === undefined) continue;
      await tx
        .insert(settings)
        .values({ key, value: JSON.stringify(value), updatedAt: now })
        .onConflictDoUpdate({ target: settings.key, set: { value: JSON.stringify(value), updatedAt: now } });
    }
    const after = await getSettings(tx);
    // Delivered to every instance's change feed when this commits (PostgreSQL only).
    if (DIALECT === 'postgres') await tx.execute(sql`select pg_notify(${CHANGES_CHANNEL}, 'settings')`);
    await audit(tx, { actorId, action: 'settings.update', entity: 'settings', data: { before, after } }, now);
    return after;
  });
}
