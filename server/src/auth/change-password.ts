import { and, eq, ne } from 'drizzle-orm';
import type { Db } from '../db/client.ts';
import { sessions, users } from '../db/schema/index.ts';
import { sessionsChanged } from './session-cache.ts';
import { audit } from '../services/audit.ts';
import { badRequest, conflict, notFound } from '../services/errors.ts';
import { ACCOUNT_RULE, clearKey, confirmFailure, reserveAttempt, returnAttempt } from './login-throttle.ts';
import { hashPassword, passwordProblem, verifyPassword } from './password.ts';

/**
 * A signed-in user changes their own password. The current password is asked for, so a session
 * left open on someone else's screen is not enough to take the account over; those checks are
 * throttled like logins (their own key: a wrong guess here must not slow down the account's
 * logins). Both hashes run on the bounded hashing thread, before the write transaction. Every
 * other session of the user ends; the one that asked stays signed in.
 */
export async function changeOwnPassword(db: Db, userId: number, sessionId: string | null, currentPassword: string, newPassword: string): Promise<{ sessionsEnded: number }> {
  const [user] = await db.select().from(users).where(eq(users.id, userId));
  if (!user) throw notFound(`user ${userId}`);
  // Refusals that need no hashing come first and count as no guess.
  const problem = passwordProblem(newPassword, user.username);
  if (problem) throw badRequest(problem);
  if (newPassword === currentPassword) throw badRequest('the new password is the same as the current one');

  const key = `password:${userId}`;
  await reserveAttempt(db, [{ key, rule: ACCOUNT_RULE }]);
  let ok: boolean;
  try {
    ok = await verifyPassword(currentPassword, user.passwordHash);
  } catch (err) {
    // Never checked (the hashing queue was full): not a failed guess.
    await returnAttempt(db, [key]);
    throw err;
  }
  if (!ok) {
    await confirmFailure(db, [key]);
    // Not UNAUTHORIZED: the session is fine, and the page must not ask for a new log-in.
    throw badRequest('the current password is wrong');
  }
  await clearKey(db, key);

  const passwordHash = await hashPassword(newPassword);
  const out = await db.transaction(async (tx) => {
    // Changed meanwhile (another tab, an admin's reset): the check above was against an old password.
    const [now] = await tx.select({ passwordHash: users.passwordHash }).from(users).where(eq(users.id, userId));
    if (!now || now.passwordHash !== user.passwordHash) throw conflict('your password was changed meanwhile; reload the page and try again');
    await tx.update(users).set({ passwordHash }).where(eq(users.id, userId));
    const others = sessionId === null ? eq(sessions.userId, userId) : and(eq(sessions.userId, userId), ne(sessions.id, sessionId));
    const ended = await tx.delete(sessions).where(others).returning({ id: sessions.id });
    await audit(tx, { actorId: userId, action: 'user.password.own', entity: 'user', entityId: userId, data: { sessionsEnded: ended.length } });
    return { sessionsEnded: ended.length };
  });
  sessionsChanged();
  return out;
}
