import { SettingsSchema, type Settings, type SettingsPatch } from '#shared/schemas/settings.ts';
import type { Db } from '../db/client.ts';
import { settings } from '../db/schema/index.ts';
import { audit } from './audit.ts';
import { preparedPerDb } from '../db/prepared.ts';

const DEFAULTS = SettingsSchema.parse({});

/** Stored settings over the defaults; a stored value that no longer validates falls back to its default. */
const statements = preparedPerDb((db) => ({ all: db.select({ key: settings.key, value: settings.value }).from(settings).prepare() }));

/** Read on every sample handed out, hence prepared; inside a transaction pass the same Db. */
export function getSettings(db: Db): Settings {
  const stored: Record<string, unknown> = {};
  for (const row of statements(db).all.all()) {
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

export function updateSettings(db: Db, patch: SettingsPatch, actorId: number | null, now = Date.now()): Settings {
  return db.transaction((tx) => {
    const before = getSettings(db);
    for (const [key, value] of Object.entries(patch)) {
      if (value === undefined) continue;
      tx.insert(settings)
        .values({ key, value: JSON.stringify(value), updatedAt: now })
        .onConflictDoUpdate({ target: settings.key, set: { value: JSON.stringify(value), updatedAt: now } })
        .run();
    }
    const after = getSettings(db);
    audit(tx, { actorId, action: 'settings.update', entity: 'settings', data: { before, after } }, now);
    return after;
  });
}
