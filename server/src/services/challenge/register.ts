import type { App } from '../../app.ts';
import { ADDRESS_RULE, confirmFailure, reserveAttempt, returnAttempt, type ThrottleRule } from '../../auth/login-throttle.ts';
import { createSession } from '../../auth/sessions.ts';
import { ServiceError } from '../errors.ts';
import { createUser } from '../users.ts';
import { challengeByInvite } from './challenges.ts';

const REGISTER_RULE: ThrottleRule = { free: 20, baseMs: 60_000, capMs: 6 * 3600_000 };

/**
 * Self-registration of a participant with a challenge's invite code. A guess at a code counts
 * against the client address like a failed login (login-throttle.ts), so codes cannot be found by
 * trying; a right code hands the attempt back. The account gets only the participant role.
 */
export async function registerParticipant(app: App, input: { inviteCode: string; username: string; password: string }, ip: string) {
  const keys = [
    { key: `ip:${ip}`, rule: ADDRESS_RULE },
    // Every registration hashes a password and makes an account: a lab behind one address gets
    // 20 a day, then each further one waits longer (login-throttle.ts backoff).
    { key: `register:${ip}`, rule: REGISTER_RULE },
  ];
  await reserveAttempt(app.db, keys).catch((err: unknown) => {
    // The throttle speaks of logins; say what was refused here.
    if (err instanceof ServiceError && err.code === 'TOO_MANY_REQUESTS') throw new ServiceError('TOO_MANY_REQUESTS', err.message.replace('too many failed logins', 'too many registrations or wrong codes from this address'));
    throw err;
  });
  const challengeId = await challengeByInvite(app.db, input.inviteCode);
  if (challengeId === null) {
    await confirmFailure(app.db, keys.map((k) => k.key));
    throw new ServiceError('BAD_REQUEST', 'this invite code is not valid; ask the organizers for the current one');
  }
  // A right code is not a failed guess; the registration itself stays counted.
  await returnAttempt(app.db, [keys[0]!.key]);
  const user = await createUser(app.db, { username: input.username, password: input.password, roles: ['participant'] }, null);
  const session = await createSession(app.db, user.id, { idleMs: app.config.sessionIdleMs, maxMs: app.config.sessionMaxMs });
  return { user: { id: user.id, username: user.username, roles: user.roles }, challengeId, ...session };
}
