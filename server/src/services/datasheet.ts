import { eq } from 'drizzle-orm';
import { DatasheetText, DEFAULT_DATASHEET } from '#shared/schemas/datasheet.ts';
import type { DbOrTx } from '../db/client.ts';
import { settings } from '../db/schema/index.ts';
import { audit } from './audit.ts';

/**
 * The admin-written text of the releases' datasheet (Admin → Datasheet): one row of the settings
 * table under its own key. Not a key of SettingsSchema: the settings form and every settings read
 * (each sample handed out) have no use for several kilobytes of prose. createRelease copies it
 * into the new release's parameters, so later edits never change a release already made.
 */
export const DATASHEET_KEY = 'datasheet';

/** The stored text, or the defaults; a stored value that no longer validates gives the defaults (and the page shows them). */
export async function getDatasheet(db: DbOrTx): Promise<DatasheetText> {
  const [row] = await db.select({ value: settings.value }).from(settings).where(eq(settings.key, DATASHEET_KEY));
  if (!row) return { ...DEFAULT_DATASHEET };
  try {
    const parsed = DatasheetText.safeParse(JSON.parse(row.value));
    return parsed.success ? parsed.data : { ...DEFAULT_DATASHEET };
  } catch {
    return { ...DEFAULT_DATASHEET };
  }
}

/** Replaces the text (already validated by DatasheetText); audited with the sections that changed. */
export async function updateDatasheet(db: DbOrTx, text: DatasheetText, actorId: number | null, now = Date.now()): Promise<DatasheetText> {
  return db.transaction(async (tx) => {
    const before = await getDatasheet(tx);
    const value = JSON.stringify(text);
    await tx.insert(settings).values({ key: DATASHEET_KEY, value, updatedAt: now }).onConflictDoUpdate({ target: settings.key, set: { value, updatedAt: now } });
    const changed = (Object.keys(text) as (keyof DatasheetText)[]).filter((k) => text[k] !== before[k]);
    // The licence and the sections touched, not the prose: the log stays readable, the text is in the row.
    await audit(tx, { actorId, action: 'datasheet.update', entity: 'datasheet', data: { changed, licence: text.licence } }, now);
    return text;
  });
}
