import { createHash, randomBytes } from 'node:crypto';
import { and, eq, gt, lt, or, sql } from 'drizzle-orm';
import { lazyTransaction, type Db } from '../db/client.ts';
import { sessions, users } from '../db/schema/index.ts';
import { isRole } from '#shared/roles.ts';
import { preparedPerDb } from '../db/prepared.ts';
import type { SessionUser } from '#shared/schemas/users.ts';

export const SESSION_COOKIE = 'studio_session';

export interface SessionPolicy {
  idleMs: number;
  maxMs: number;
}

const tokenId = (token: string) => createHash('sha256').update(token).digest('hex');

/** Returns the cookie token; only its hash is stored. */
export function createSession(db: Db, userId: number, policy: SessionPolicy, now = Date.now()): { token: string; expiresAt: number } {
  const token = randomBytes(32).toString('base64url');
  const expiresAt = now + policy.idleMs;
  db.insert(sessions).values({ id: tokenId(token), userId, createdAt: now, lastSeenAt: now, expiresAt }).run();
  return { token, expiresAt };
}

/**
 * Resolves a cookie token to its user and slides the idle expiry forward (at most once a minute,
 * so a busy client does not write on every request). Disabled users have no sessions.
 */
const statements = preparedPerDb((db) => ({
  lookup: db
    .select({
      userId: sessions.userId,
      createdAt: sessions.createdAt,
      lastSeenAt: sessions.lastSeenAt,
      username: users.username,
      disabled: users.disabled,
      roles: sql<string | null>`(select group_concat(r.role) from "user_roles" r where r.user_id = "sessions"."user_id")`,
    })
    .from(sessions)
    .innerJoin(users, eq(users.id, sessions.userId))
    .where(and(eq(sessions.id, sql.placeholder('id')), gt(sessions.expiresAt, sql.placeholder('now'))))
    .prepare(),
}));

export function resolveSession(db: Db, token: string | undefined, policy: SessionPolicy, now = Date.now()): { sessionId: string; user: SessionUser } | null {
  if (!token || token.length > 100) return null;
  const id = tokenId(token);
  const row = statements(db).lookup.get({ id, now });
  if (!row || row.disabled) return null;
  if (now - row.lastSeenAt > 60_000) {
    const expiresAt = Math.min(now + policy.idleMs, row.createdAt + policy.maxMs);
    lazyTransaction(db, () => db.update(sessions).set({ lastSeenAt: now, expiresAt }).where(eq(sessions.id, id)).run());
  }
  const roles = (row.roles ?? '').split(',').filter(isRole).sort();
  return { sessionId: id, user: { id: row.userId, username: row.username, roles } };
}

export function deleteSession(db: Db, sessionId: string): void {
  db.delete(sessions).where(eq(sessions.id, sessionId)).run();
}

export function purgeExpiredSessions(db: Db, policy: SessionPolicy, now = Date.now()): number {
  return db
    .delete(sessions)
    .where(or(lt(sessions.expiresAt, now), lt(sessions.createdAt, now - policy.maxMs)))
    .run().changes;
}
