import { createHash, randomBytes } from 'node:crypto';
import { and, eq, gt, lt, or } from 'drizzle-orm';
import type { Db } from '../db/client.ts';
import { sessions, users } from '../db/schema/index.ts';
import { rolesOf } from '../services/users.ts';
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
export function resolveSession(db: Db, token: string | undefined, policy: SessionPolicy, now = Date.now()): { sessionId: string; user: SessionUser } | null {
  if (!token || token.length > 100) return null;
  const id = tokenId(token);
  const row = db
    .select({ s: sessions, username: users.username, disabled: users.disabled })
    .from(sessions)
    .innerJoin(users, eq(users.id, sessions.userId))
    .where(and(eq(sessions.id, id), gt(sessions.expiresAt, now)))
    .get();
  if (!row || row.disabled) return null;
  if (now - row.s.lastSeenAt > 60_000) {
    const expiresAt = Math.min(now + policy.idleMs, row.s.createdAt + policy.maxMs);
    db.update(sessions).set({ lastSeenAt: now, expiresAt }).where(eq(sessions.id, id)).run();
  }
  return { sessionId: id, user: { id: row.s.userId, username: row.username, roles: rolesOf(db, row.s.userId) } };
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
