import type { Settings, SettingsPatch } from '#shared/schemas/settings.ts';
import type { CurationJobs } from './curation-jobs.ts';
import type { Db } from '../db/client.ts';
import { getSettings, updateSettings } from './settings.ts';

/**
 * Saves settings from the admin page. Stored look-alike pairs were cut at the old distance: when it
 * changes they are rescored by a background job (the answer only waits for it to be queued).
 */
export async function updateSettingsFromAdmin(deps: { db: Db; curation: CurationJobs }, patch: SettingsPatch, actorId: number): Promise<Settings> {
  const before = (await getSettings(deps.db)).lookalikeMaxDistance;
  const after = await updateSettings(deps.db, patch, actorId);
  if (after.lookalikeMaxDistance !== before) {
    await deps.curation.rescoreAll(actorId);
  }
  return after;
}
