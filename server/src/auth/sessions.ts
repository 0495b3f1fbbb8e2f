import { createHash, randomBytes } from 'node:crypto';
import { and, eq, gt, lt, or, sql } from 'drizzle-orm';
import { lazyTransaction, type Db } from '../db/client.ts';
import { sessions, users } from '../db/schema/index.ts';
import { isRole } from '#shared/roles.ts';
import { preparedPerDb } from '../db/prepared.ts';
import { isBusy } from '../db/busy.ts';
import { commaList } from '../db/portable.ts';
import { postgresHooksOf } from '../db/postgres.ts';
import { cachedSession, keepSession, sessionGeneration, sessionsChanged } from './session-cache.ts';
import type { SessionUser } from '#shared/schemas/users.ts';

export const SESSION_COOKIE = 'studio_session';

/** A session's expiry slides forward at most this often (a busy client does not write on every request). */
const SLIDE_AFTER_MS = 60_000;

export interface SessionPolicy {
  idleMs: number;
  maxMs: number;
}

const tokenId = (token: string) => createHash('sha256').update(token).digest('hex');

/** Returns the cookie token; only its hash is stored. */
export async function createSession(db: Db, userId: number, policy: SessionPolicy, now = Date.now()): Promise<{ token: string; expiresAt: number }> {
  const token = randomBytes(32).toString('base64url');
  const expiresAt = now + policy.idleMs;
  await db.transaction((tx) => tx.insert(sessions).values({ id: tokenId(token), userId, createdAt: now, lastSeenAt: now, expiresAt }));
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
      expiresAt: sessions.expiresAt,
      username: users.username,
      disabled: users.disabled,
      // The user's roles in one string, so the session lookup stays one statement on every request.
      roles: sql<string | null>`(select ${commaList(sql`r.role`)} from "user_roles" r where r.user_id = "sessions"."user_id")`,
    })
    .from(sessions)
    .innerJoin(users, eq(users.id, sessions.userId))
    .where(and(eq(sessions.id, sql.placeholder('id')), gt(sessions.expiresAt, sql.placeholder('now'))))
    .prepare('session_lookup'),
}));

export interface ResolvedSession {
  sessionId: string;
  user: SessionUser;
  /** Set when this request slid the session's expiry: the cookie's Max-Age must follow. */
  slidTo?: number;
}

export async function resolveSession(db: Db, token: string | undefined, policy: SessionPolicy, now = Date.now()): Promise<ResolvedSession | null> {
  if (!token || token.length > 100) return null;
  const id = tokenId(token);
  // PostgreSQL: a copy kept by this process while nothing that could change it was heard (session-cache.ts).
  const feed = postgresHooksOf(db)?.changes;
  let row = feed ? cachedSession(feed, id, now, SLIDE_AFTER_MS) : undefined;
  if (!row) {
    const generation = feed ? sessionGeneration(feed) : '';
    [row] = await statements(db).lookup.execute({ id, now });
    if (row && feed) keepSession(feed, id, row, generation);
  }
  if (!row || row.disabled) return null;
  const roles = (row.roles ?? '').split(',').filter(isRole).sort();
  const resolved: ResolvedSession = { sessionId: id, user: { id: row.userId, username: row.username, roles } };
  if (now - row.lastSeenAt > SLIDE_AFTER_MS) {
    const expiresAt = Math.min(now + policy.idleMs, row.createdAt + policy.maxMs);
    try {
      await lazyTransaction(db, (tx) => tx.update(sessions).set({ lastSeenAt: now, expiresAt }).where(eq(sessions.id, id)));
      resolved.slidTo = expiresAt;
    } catch (err) {
      // Another process holds SQLite's write lock (the CLI importing), or PostgreSQL reports a
      // conflict: the slide is only a convenience, and the next request a minute on tries again.
      // The server never waits for the lock.
      if (!isBusy(err)) throw err;
    }
  }
  return resolved;
}

export async function deleteSession(db: Db, sessionId: string): Promise<void> {
  await db.transaction((tx) => tx.delete(sessions).where(eq(sessions.id, sessionId)));
  sessionsChanged();
}

export async function purgeExpiredSessions(db: Db, policy: SessionPolicy, now = Date.now()): Promise<number> {
  const gone = await db.transaction((tx) =>
    tx
      .delete(sessions)
      .where(or(lt(sessions.expiresAt, now), lt(sessions.createdAt, now - policy.maxMs)))
      .returning({ id: sessions.id }),
  );
  return gone.length;
}
