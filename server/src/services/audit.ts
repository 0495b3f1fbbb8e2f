import type { DbOrTx } from '../db/client.ts';
import { auditLog } from '../db/schema/index.ts';

export interface AuditEntry {
  actorId: number | null;
  action: string;
  entity: string;
  entityId?: string | number | null;
  data?: unknown;
}

const row = (entry: AuditEntry, at: number) => ({
  at,
  actorId: entry.actorId,
  action: entry.action,
  entity: entry.entity,
  entityId: entry.entityId == null ? null : String(entry.entityId),
  data: entry.data === undefined ? null : JSON.stringify(entry.data),
});

/** Call inside the transaction that makes the change, so the log and the state never disagree. */
export async function audit(tx: DbOrTx, entry: AuditEntry, at = Date.now()): Promise<void> {
  await tx.insert(auditLog).values(row(entry, at));
}

/** Many entries in few statements (an import logs thousands in its one short transaction). */
export async function auditMany(tx: DbOrTx, entries: readonly AuditEntry[], at = Date.now()): Promise<void> {
  // 6 columns: 400 rows stay well under both engines' bound-parameter limits.
  for (let i = 0; i < entries.length; i += 400) await tx.insert(auditLog).values(entries.slice(i, i + 400).map((e) => row(e, at)));
}

/** The insert of a few entries (at most 400), not yet run: for writeTogether (db/write-together.ts). */
export function auditWrite(tx: DbOrTx, entries: readonly AuditEntry[], at: number) {
  if (entries.length === 0 || entries.length > 400) throw new Error(`auditWrite takes 1–400 entries, not ${entries.length}`);
  return tx.insert(auditLog).values(entries.map((e) => row(e, at)));
}
