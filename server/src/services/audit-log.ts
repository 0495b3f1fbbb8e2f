import { and, desc, eq, lt, type SQL } from 'drizzle-orm';
import type { Db } from '../db/client.ts';
import { auditLog, users } from '../db/schema/index.ts';
import { startsWithText } from './like.ts';

export interface AuditQuery {
  /** Prefix of the action, e.g. "video." or "user.disable". */
  action?: string;
  entity?: string;
  entityId?: string;
  actor?: string;
  /** Keyset paging: entries older than this id. */
  before?: number;
  limit: number;
}

/** The audit log, newest first, filtered; keyset-paged so deep pages stay cheap. */
export async function listAudit(db: Db, q: AuditQuery) {
  const where: SQL[] = [];
  if (q.action) where.push(startsWithText(auditLog.action, q.action));
  if (q.entity) where.push(eq(auditLog.entity, q.entity));
  if (q.entityId) where.push(eq(auditLog.entityId, q.entityId));
  if (q.actor) where.push(eq(users.username, q.actor));
  if (q.before) where.push(lt(auditLog.id, q.before));
  const rows = await db
    .select({ id: auditLog.id, at: auditLog.at, actor: users.username, action: auditLog.action, entity: auditLog.entity, entityId: auditLog.entityId, data: auditLog.data })
    .from(auditLog)
    .leftJoin(users, eq(users.id, auditLog.actorId))
    .where(where.length ? and(...where) : undefined)
    .orderBy(desc(auditLog.id))
    .limit(q.limit + 1);
  const more = rows.length > q.limit;
  const page = rows.slice(0, q.limit);
  return { entries: page, nextBefore: more ? page.at(-1)!.id : null };
}
