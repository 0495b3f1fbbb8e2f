import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { TRPCError } from '@trpc/server';
import { eq } from 'drizzle-orm';
import { auditLog, sessions } from '../db/schema/index.ts';
import { callerFor, makeUser, recordingJar, TEST_PASSWORD, testApp, type TestApp } from '../testing/app.ts';
import { createUser, setUserDisabled } from '../services/users.ts';
import { generatePassword, hashPassword, passwordProblem, verifyPassword } from './password.ts';
import { createSession, resolveSession, SESSION_COOKIE } from './sessions.ts';
import { LoginLimiter } from './rate-limit.ts';

const policy = { idleMs: 60 * 60_000, maxMs: 24 * 3600_000 };

describe('passwords', () => {
  it('hashes with scrypt (memory-hard), salted, and verifies only the right password', async () => {
    const a = await hashPassword('correct horse battery');
    const b = await hashPassword('correct horse battery');
    expect(a).toMatch(/^scrypt\$32768\$8\$3\$/);
    expect(a).not.toBe(b);
    expect(await verifyPassword('correct horse battery', a)).toBe(true);
    expect(await verifyPassword('correct horse batterY', a)).toBe(false);
    expect(await verifyPassword('x', 'not-a-hash')).toBe(false);
  });

  it('enforces length and refuses passwords that contain the username', () => {
    expect(passwordProblem('short')).toMatch(/at least 10/);
    expect(passwordProblem('alice-is-great', 'alice')).toMatch(/username/);
    expect(passwordProblem('aaaaaaaaaaaa')).toMatch(/repeated/);
    expect(passwordProblem('a fine long passphrase')).toBeNull();
  });

  it('generates passwords that pass the rules and differ', () => {
    const ps = new Set(Array.from({ length: 50 }, () => generatePassword()));
    expect(ps.size).toBe(50);
    for (const p of ps) expect(passwordProblem(p)).toBeNull();
  });
});

describe('sessions and login', () => {
  let app: TestApp;
  beforeEach(() => (app = testApp()));
  afterEach(() => app.cleanup());

  it('stores only a hash of the token and resolves it to the user with roles', async () => {
    const u = await makeUser(app, 'val', ['validator', 'speaker']);
    const { token } = createSession(app.db, u.id, policy);
    const row = app.db.select().from(sessions).get()!;
    expect(row.id).not.toContain(token);
    expect(resolveSession(app.db, token, policy)?.user).toEqual({ id: u.id, username: 'val', roles: ['speaker', 'validator'] });
    expect(resolveSession(app.db, token + 'x', policy)).toBeNull();
  });

  it('expires idle sessions and slides the expiry on use, up to the maximum age', async () => {
    const u = await makeUser(app, 'idle', ['annotator']);
    const t0 = 1_000_000;
    const { token } = createSession(app.db, u.id, policy, t0);
    expect(resolveSession(app.db, token, policy, t0 + policy.idleMs - 1)).not.toBeNull();
    // That use slid the expiry forward by another idle period.
    expect(resolveSession(app.db, token, policy, t0 + policy.idleMs + 1000)).not.toBeNull();
    expect(resolveSession(app.db, token, policy, t0 + 3 * policy.idleMs)).toBeNull();
    const { token: t2 } = createSession(app.db, u.id, policy, t0);
    let now = t0;
    while (now < t0 + policy.maxMs - policy.idleMs) {
      now += policy.idleMs / 2;
      expect(resolveSession(app.db, t2, policy, now)).not.toBeNull();
    }
    expect(resolveSession(app.db, t2, policy, t0 + policy.maxMs + 1)).toBeNull();
  });

  it('logs in through the router, sets the cookie and refuses bad passwords with one message', async () => {
    await makeUser(app, 'ann', ['annotator']);
    const jar = recordingJar();
    const res = await callerFor(app, null, jar).auth.login({ username: 'ann', password: TEST_PASSWORD });
    expect(res.user.roles).toEqual(['annotator']);
    expect(jar.sets[0]).toMatchObject({ name: SESSION_COOKIE });
    expect(resolveSession(app.db, jar.sets[0]!.value, policy)?.user.username).toBe('ann');
    const wrong = callerFor(app, null).auth.login({ username: 'ann', password: 'nope-nope-nope' });
    await expect(wrong).rejects.toThrow('unknown username or wrong password');
    await expect(callerFor(app, null).auth.login({ username: 'nobody', password: 'nope-nope-nope' })).rejects.toThrow('unknown username or wrong password');
  });

  it('disabling a user ends their sessions and refuses their login; their data stays', async () => {
    const u = await makeUser(app, 'gone', ['annotator']);
    const { token } = createSession(app.db, u.id, policy);
    setUserDisabled(app.db, u.id, true, null);
    expect(resolveSession(app.db, token, policy)).toBeNull();
    const err = await callerFor(app, null).auth.login({ username: 'gone', password: TEST_PASSWORD }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(TRPCError);
    expect((err as TRPCError).message).toBe('this account is disabled');
    const entries = app.db.select().from(auditLog).where(eq(auditLog.action, 'user.disable')).all();
    expect(entries).toHaveLength(1);
  });

  it('admins create users through the API; weak passwords and duplicates are clear errors', async () => {
    const admin = await makeUser(app, 'root', ['admin']);
    const caller = callerFor(app, admin);
    const created = await caller.admin.users.create({ username: 'newbie', roles: ['validator', 'annotator'] });
    expect(created.roles).toEqual(['annotator', 'validator']);
    expect(passwordProblem(created.generatedPassword!)).toBeNull();
    expect(await verifyPassword(created.generatedPassword!, (await import('../services/users.ts')).findUserByName(app.db, 'newbie')!.passwordHash)).toBe(true);
    await expect(caller.admin.users.create({ username: 'newbie', roles: ['annotator'] })).rejects.toThrow('user "newbie" already exists');
    await expect(caller.admin.users.create({ username: 'weak', roles: ['annotator'], password: 'abc' })).rejects.toThrow(/at least 10/);
    await expect(caller.admin.users.create({ username: 'Bad Name', roles: ['annotator'] })).rejects.toThrow(/invalid input at username/);
    await expect(caller.admin.users.setDisabled({ userId: admin.id, disabled: true })).rejects.toThrow('you cannot disable your own account');
    await expect(createUser(app.db, { username: 'noroles', roles: [], password: 'long enough pass' }, null)).rejects.toThrow('at least one role');
  });
});

describe('login rate limiting', () => {
  it('blocks a key after the maximum failures inside the window and frees it afterwards', () => {
    const limiter = new LoginLimiter(3, 1000);
    const keys = ['u:a', 'ip:1'];
    for (let i = 0; i < 3; i++) limiter.fail(keys, 100 + i);
    expect(limiter.retryAfter(['u:a'], 200)).toBeGreaterThan(0);
    expect(limiter.retryAfter(['u:b'], 200)).toBe(0);
    expect(limiter.retryAfter(['u:a'], 1200)).toBe(0);
    limiter.fail(keys, 1300);
    limiter.succeed(keys);
    expect(limiter.retryAfter(keys, 1301)).toBe(0);
  });
});
