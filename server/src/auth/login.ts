import type { SessionUser } from '#shared/schemas/users.ts';
import type { App } from '../app.ts';
import { ServiceError } from '../services/errors.ts';
import { findUserByName, rolesOf } from '../services/users.ts';
import { dummyPasswordHash, verifyPassword } from './password.ts';
import { createSession } from './sessions.ts';

/** One message for every failure, so a login attempt does not tell which usernames exist. */
const BAD_LOGIN = 'unknown username or wrong password';

export async function login(app: App, username: string, password: string, ip: string): Promise<{ user: SessionUser; token: string; expiresAt: number }> {
  const keys = [`u:${username.toLowerCase()}`, `ip:${ip}`];
  const wait = app.loginLimiter.retryAfter(keys);
  if (wait > 0) throw new ServiceError('TOO_MANY_REQUESTS', `too many failed logins; try again in ${Math.ceil(wait / 60_000)} min`);
  const user = findUserByName(app.db, username);
  const ok = await verifyPassword(password, user?.passwordHash ?? (await dummyPasswordHash()));
  if (!user || !ok || user.disabled) {
    app.loginLimiter.fail(keys);
    throw new ServiceError('UNAUTHORIZED', user?.disabled && ok ? 'this account is disabled' : BAD_LOGIN);
  }
  app.loginLimiter.succeed(keys);
  const { token, expiresAt } = createSession(app.db, user.id, { idleMs: app.config.sessionIdleMs, maxMs: app.config.sessionMaxMs });
  return { user: { id: user.id, username: user.username, roles: rolesOf(app.db, user.id) }, token, expiresAt };
}
