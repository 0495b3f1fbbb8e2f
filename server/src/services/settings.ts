import { SettingsSchema, type Settings, type SettingsPatch } from '#shared/schemas/settings.ts';
import type { DbOrTx } from '../db/client.ts';
import { settings } from '../db/schema/index.ts';
import { audit } from './audit.ts';
import { preparedPerDb } from '../db/prepared.ts';

const DEFAULTS = SettingsSchema.parse({});

/** Stored settings over the defaults; a stored value that no longer validates falls back to its default. */
const statements = preparedPerDb((db) => ({ all: db.select({ key: settings.key, value: settings.value }).from(settings).prepare('settings_all') }));

/**
 * Read from the database on every use (every sample handed out, hence prepared), never cached in
 * the process: several app instances then always agree. Inside a transaction pass its `tx`.
 */
export async function getSettings(db: DbOrTx): Promise<Settings> {
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
    await audit(tx, { actorId, action: 'settings.update', entity: 'settings', data: { before, after } }, now);
    return after;
  });
}
