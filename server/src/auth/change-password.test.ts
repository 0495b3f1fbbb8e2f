import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { TRPCError } from '@trpc/server';
import { eq } from 'drizzle-orm';
import { auditLog, sessions, users } from '../db/schema/index.ts';
import { callerFor, makeUser, recordingJar, TEST_PASSWORD, testApp, type TestApp } from '../testing/app.ts';
import type { Context } from '../trpc/context.ts';
import { createCallerFactory } from '../trpc/init.ts';
import { appRouter } from '../routers/root.ts';
import { ACCOUNT_RULE } from './login-throttle.ts';
import { verifyPassword } from './password.ts';
import { createSession, resolveSession } from './sessions.ts';

const policy = { idleMs: 60 * 60_000, maxMs: 24 * 3600_000 };
const NEW_PASSWORD = 'a brand new passphrase';

async function code(p: Promise<unknown>): Promise<string> {
  try {
    await p;
    return 'ok';
  } catch (e) {
    if (!(e instanceof TRPCError)) throw e;
    return `${e.code}: ${e.message}`;
  }
}

describe('changing one\'s own password', () => {
  let app: TestApp;
  beforeEach(async () => (app = await testApp()));
  afterEach(async () => app.cleanup());

  /** The router called from one of the user's sessions (the one that asks stays signed in). */
  async function fromSession(userId: number, username: string) {
    const { token } = await createSession(app.db, userId, policy);
    const resolved = (await resolveSession(app.db, token, policy))!;
    const ctx: Context = { app, user: { id: userId, username, roles: resolved.user.roles }, sessionId: resolved.sessionId, cookies: recordingJar(), ip: '127.0.0.1' };
    return { token, caller: createCallerFactory(appRouter)(ctx) };
  }

  it('needs the current password; ends every other session of the user, keeps this one; audited', async () => {
    const u = await makeUser(app, 'spk', ['speaker']);
    const other = await makeUser(app, 'someone', ['annotator']);
    const { token: elsewhere } = await createSession(app.db, u.id, policy);
    const { token: theirs } = await createSession(app.db, other.id, policy);
    const { token: here, caller } = await fromSession(u.id, 'spk');

    expect(await code(caller.auth.changePassword({ currentPassword: 'not my password', newPassword: NEW_PASSWORD }))).toBe('BAD_REQUEST: the current password is wrong');
    expect(await resolveSession(app.db, elsewhere, policy)).not.toBeNull();

    expect(await caller.auth.changePassword({ currentPassword: TEST_PASSWORD, newPassword: NEW_PASSWORD })).toEqual({ ok: true, sessionsEnded: 1 });
    const [row] = await app.db.select().from(users).where(eq(users.id, u.id));
    expect(await verifyPassword(NEW_PASSWORD, row!.passwordHash)).toBe(true);
    expect(await verifyPassword(TEST_PASSWORD, row!.passwordHash)).toBe(false);
    expect(await resolveSession(app.db, here, policy)).not.toBeNull();
    expect(await resolveSession(app.db, elsewhere, policy)).toBeNull();
    // Other users' sessions are not touched.
    expect(await resolveSession(app.db, theirs, policy)).not.toBeNull();
    const [entry] = await app.db.select().from(auditLog).where(eq(auditLog.action, 'user.password.own'));
    expect(entry).toMatchObject({ actorId: u.id, entity: 'user', entityId: String(u.id), data: JSON.stringify({ sessionsEnded: 1 }) });
    // The new password logs in; the old one does not.
    const anon = callerFor(app, null);
    expect(await code(anon.auth.login({ username: 'spk', password: TEST_PASSWORD }))).toMatch(/^UNAUTHORIZED/);
    expect((await anon.auth.login({ username: 'spk', password: NEW_PASSWORD })).user.username).toBe('spk');
  });

  it('refuses weak or unchanged new passwords before any hashing, and anonymous callers', async () => {
    const u = await makeUser(app, 'val', ['validator']);
    const { caller } = await fromSession(u.id, 'val');
    expect(await code(caller.auth.changePassword({ currentPassword: TEST_PASSWORD, newPassword: 'short' }))).toMatch(/^BAD_REQUEST: password must have at least 10/);
    expect(await code(caller.auth.changePassword({ currentPassword: TEST_PASSWORD, newPassword: 'val-is-my-name' }))).toMatch(/username/);
    expect(await code(caller.auth.changePassword({ currentPassword: TEST_PASSWORD, newPassword: TEST_PASSWORD }))).toMatch(/same as the current/);
    expect(await code(callerFor(app, null).auth.changePassword({ currentPassword: TEST_PASSWORD, newPassword: NEW_PASSWORD }))).toBe('UNAUTHORIZED: please log in');
    expect(await app.db.select().from(auditLog).where(eq(auditLog.action, 'user.password.own'))).toEqual([]);
  });

  it('guesses of the current password are throttled on their own key, not the account\'s logins', async () => {
    const u = await makeUser(app, 'ann', ['annotator']);
    const { caller } = await fromSession(u.id, 'ann');
    const outcomes: string[] = [];
    for (let i = 0; i < ACCOUNT_RULE.free + 1; i++) outcomes.push(await code(caller.auth.changePassword({ currentPassword: `guess number ${i}`, newPassword: NEW_PASSWORD })));
    expect(outcomes.slice(0, ACCOUNT_RULE.free).every((o) => o === 'BAD_REQUEST: the current password is wrong')).toBe(true);
    expect(outcomes.at(-1)).toMatch(/^TOO_MANY_REQUESTS/);
    // Even the right password waits out the backoff now.
    expect(await code(caller.auth.changePassword({ currentPassword: TEST_PASSWORD, newPassword: NEW_PASSWORD }))).toMatch(/^TOO_MANY_REQUESTS/);
    // Logging in is a different door: it is not slowed by these guesses.
    expect((await callerFor(app, null).auth.login({ username: 'ann', password: TEST_PASSWORD })).user.username).toBe('ann');
    expect((await app.db.select().from(sessions).where(eq(sessions.userId, u.id))).length).toBe(2);
  });
});
