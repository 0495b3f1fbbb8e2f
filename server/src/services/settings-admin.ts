import type { Settings, SettingsPatch } from '#shared/schemas/settings.ts';
import { backfillCuration, type CurationDeps } from './curation.ts';
import { getSettings, updateSettings } from './settings.ts';

/**
 * Saves settings from the admin page. Stored look-alike pairs were cut at the old distance: when it
 * changes they are rescored in the background (the answer does not wait for it).
 */
export async function updateSettingsFromAdmin(deps: CurationDeps, patch: SettingsPatch, actorId: number): Promise<Settings> {
  const before = (await getSettings(deps.db)).lookalikeMaxDistance;
  const after = await updateSettings(deps.db, patch, actorId);
  if (after.lookalikeMaxDistance !== before) {
    void backfillCuration(deps, undefined, { all: true }).catch((err: unknown) => deps.log.warn({ err }, 'curation rescoring failed'));
  }
  return after;
}
