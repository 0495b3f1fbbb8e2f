import type { SessionUser } from '#shared/schemas/users.ts';
import type { App } from '../app.ts';
import { ServiceError } from '../services/errors.ts';
import { findUserByName, rolesOf } from '../services/users.ts';
import { deviceFailed, knownDevice, rememberDevice } from './devices.ts';
import { ACCOUNT_RULE, ADDRESS_RULE, clearKey, confirmFailure, reserveAttempt, returnAttempt, type ThrottleKey } from './login-throttle.ts';
import { dummyPasswordHash, verifyPassword } from './password.ts';
import { createSession } from './sessions.ts';

/** One message for every failure, so a login attempt does not tell which usernames exist. */
const BAD_LOGIN = 'unknown username or wrong password';

export interface LoginResult {
  user: SessionUser;
  token: string;
  expiresAt: number;
  /** The known-device token to keep in the browser. */
  deviceToken: string;
}

/**
 * Order matters: the attempt is counted against the account and the client address *before* the
 * password is hashed (so concurrent guesses cannot outrun the count), unless the browser is a
 * known device of that account (then only the device's own allowance applies).
 */
export async function login(app: App, username: string, password: string, ip: string, deviceToken?: string): Promise<LoginResult> {
  const name = username.trim().toLowerCase();
  const user = await findUserByName(app.db, username.trim());
  const device = user ? await knownDevice(app.db, deviceToken, user.id) : null;
  const keys: ThrottleKey[] = device ? [] : [{ key: `user:${name}`, rule: ACCOUNT_RULE }, { key: `ip:${ip}`, rule: ADDRESS_RULE }];
  if (keys.length) await reserveAttempt(app.db, keys);
  let ok: boolean;
  try {
    ok = await verifyPassword(password, user?.passwordHash ?? (await dummyPasswordHash()));
  } catch (err) {
    // Never checked (e.g. the hashing queue was full): not a failed guess.
    await returnAttempt(app.db, keys.map((k) => k.key));
    throw err;
  }
  if (!user || !ok || user.disabled) {
    if (device) await deviceFailed(app.db, device.id);
    else await confirmFailure(app.db, keys.map((k) => k.key));
    throw new ServiceError('UNAUTHORIZED', user?.disabled && ok ? 'this account is disabled' : BAD_LOGIN);
  }
  if (keys.length) {
    await clearKey(app.db, keys[0]!.key);
    await returnAttempt(app.db, [keys[1]!.key]);
  }
  const remembered = await rememberDevice(app.db, user.id, deviceToken);
  const { token, expiresAt } = await createSession(app.db, user.id, { idleMs: app.config.sessionIdleMs, maxMs: app.config.sessionMaxMs });
  return { user: { id: user.id, username: user.username, roles: await rolesOf(app.db, user.id) }, token, expiresAt, deviceToken: remembered };
}
