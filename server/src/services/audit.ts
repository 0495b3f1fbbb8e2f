import type { DbOrTx } from '../db/client.ts';
import { auditLog } from '../db/schema/index.ts';

export interface AuditEntry {
  actorId: number | null;
  action: string;
  entity: string;
  entityId?: string | number | null;
  data?: unknown;
}

/** Call inside the transaction that makes the change, so the log and the state never disagree. */
export function audit(tx: DbOrTx, entry: AuditEntry, at = Date.now()): void {
  tx.insert(auditLog)
    .values({
      at,
      actorId: entry.actorId,
      action: entry.action,
      entity: entry.entity,
      entityId: entry.entityId == null ? null : String(entry.entityId),
      data: entry.data === undefined ? null : JSON.stringify(entry.data),
    })
    .run();
}
