import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { TRPCError } from '@trpc/server';
import { eq } from 'drizzle-orm';
import { auditLog, sessions } from '../db/schema/index.ts';
import { randomUUID } from 'node:crypto';
import { callerFor, makeUser, recordingJar, TEST_PASSWORD, testApp, type TestApp } from '../testing/app.ts';
import { createUser, findUserByName, setUserDisabled } from '../services/users.ts';
import { generatePassword, hashPassword, passwordProblem, verifyPassword } from './password.ts';
import { createSession, resolveSession, SESSION_COOKIE } from './sessions.ts';
import { ACCOUNT_RULE, backoffMs, purgeThrottle } from './login-throttle.ts';
import { DEVICE_COOKIE } from './devices.ts';
import { HashPool } from './hash-pool.ts';
import { loginThrottle } from '../db/schema/index.ts';
import { open } from 'node:fs/promises';
import path from 'node:path';

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
  beforeEach(async () => (app = await testApp()));
  afterEach(async () => app.cleanup());

  it('stores only a hash of the token and resolves it to the user with roles', async () => {
    const u = await makeUser(app, 'val', ['validator', 'speaker']);
    const { token } = await createSession(app.db, u.id, policy);
    const row = (await app.db.select().from(sessions))[0]!;
    expect(row.id).not.toContain(token);
    expect((await resolveSession(app.db, token, policy))?.user).toEqual({ id: u.id, username: 'val', roles: ['speaker', 'validator'] });
    expect(await resolveSession(app.db, token + 'x', policy)).toBeNull();
  });

  it('expires idle sessions and slides the expiry on use, up to the maximum age', async () => {
    const u = await makeUser(app, 'idle', ['annotator']);
    const t0 = 1_000_000;
    const { token } = await createSession(app.db, u.id, policy, t0);
    expect(await resolveSession(app.db, token, policy, t0 + policy.idleMs - 1)).not.toBeNull();
    // That use slid the expiry forward by another idle period.
    expect(await resolveSession(app.db, token, policy, t0 + policy.idleMs + 1000)).not.toBeNull();
    expect(await resolveSession(app.db, token, policy, t0 + 3 * policy.idleMs)).toBeNull();
    const { token: t2 } = await createSession(app.db, u.id, policy, t0);
    let now = t0;
    while (now < t0 + policy.maxMs - policy.idleMs) {
      now += policy.idleMs / 2;
      expect(await resolveSession(app.db, t2, policy, now)).not.toBeNull();
    }
    expect(await resolveSession(app.db, t2, policy, t0 + policy.maxMs + 1)).toBeNull();
  });

  it('logs in through the router, sets the cookie and refuses bad passwords with one message', async () => {
    await makeUser(app, 'ann', ['annotator']);
    const jar = recordingJar();
    const res = await callerFor(app, null, jar).auth.login({ username: 'ann', password: TEST_PASSWORD });
    expect(res.user.roles).toEqual(['annotator']);
    expect(jar.sets[0]).toMatchObject({ name: SESSION_COOKIE });
    expect((await resolveSession(app.db, jar.sets[0]!.value, policy))?.user.username).toBe('ann');
    const wrong = callerFor(app, null).auth.login({ username: 'ann', password: 'nope-nope-nope' });
    await expect(wrong).rejects.toThrow('unknown username or wrong password');
    await expect(callerFor(app, null).auth.login({ username: 'nobody', password: 'nope-nope-nope' })).rejects.toThrow('unknown username or wrong password');
  });

  it('disabling a user ends their sessions and refuses their login; their data stays', async () => {
    const u = await makeUser(app, 'gone', ['annotator']);
    const { token } = await createSession(app.db, u.id, policy);
    await setUserDisabled(app.db, u.id, true, null);
    expect(await resolveSession(app.db, token, policy)).toBeNull();
    const err = await callerFor(app, null).auth.login({ username: 'gone', password: TEST_PASSWORD }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(TRPCError);
    expect((err as TRPCError).message).toBe('this account is disabled');
    const entries = await app.db.select().from(auditLog).where(eq(auditLog.action, 'user.disable'));
    expect(entries).toHaveLength(1);
  });

  it('admins create users through the API; weak passwords and duplicates are clear errors', async () => {
    const admin = await makeUser(app, 'root', ['admin']);
    const caller = callerFor(app, admin);
    const password = generatePassword();
    const created = await caller.admin.users.create({ requestId: randomUUID(), username: 'newbie', roles: ['validator', 'annotator'], password });
    expect(created.roles).toEqual(['annotator', 'validator']);
    expect(await verifyPassword(password, (await findUserByName(app.db, 'newbie'))!.passwordHash)).toBe(true);
    await expect(caller.admin.users.create({ requestId: randomUUID(), username: 'newbie', roles: ['annotator'], password })).rejects.toThrow('user "newbie" already exists');
    await expect(caller.admin.users.create({ requestId: randomUUID(), username: 'weak', roles: ['annotator'], password: 'abc' })).rejects.toThrow(/at least 10/);
    await expect(caller.admin.users.create({ requestId: randomUUID(), username: 'Bad Name', roles: ['annotator'], password })).rejects.toThrow(/invalid input at username/);
    await expect(caller.admin.users.setDisabled({ userId: admin.id, disabled: true })).rejects.toThrow('you cannot disable your own account');
    await expect(createUser(app.db, { username: 'noroles', roles: [], password: 'long enough pass' }, null)).rejects.toThrow('at least one role');
  });

  it('creating a user or resetting a password is safe to retry: the same request id returns the first outcome', async () => {
    const admin = await makeUser(app, 'root', ['admin']);
    const other = await makeUser(app, 'root2', ['admin']);
    const caller = callerFor(app, admin);
    const req = { requestId: randomUUID(), username: 'retried', roles: ['annotator' as const], password: generatePassword() };
    // The first answer was lost; the retry (and a concurrent duplicate) get the same user.
    const [a, b] = await Promise.all([caller.admin.users.create(req), caller.admin.users.create(req)]);
    const c = await caller.admin.users.create(req);
    expect(new Set([a.id, b.id, c.id]).size).toBe(1);
    expect((await app.db.select().from(auditLog).where(eq(auditLog.action, 'user.create'))).filter((r) => r.entityId === String(a.id))).toHaveLength(1);
    // The same id for anything else is refused: another password, another name, another admin.
    await expect(caller.admin.users.create({ ...req, password: generatePassword() })).rejects.toThrow(/already used for a different request/);
    await expect(caller.admin.users.create({ ...req, username: 'someone-else' })).rejects.toThrow(/already used for a different request/);
    await expect(callerFor(app, other).admin.users.create(req)).rejects.toThrow(/already used for a different request/);

    const { token } = await createSession(app.db, a.id, policy);
    const reset = { requestId: randomUUID(), userId: a.id, password: generatePassword() };
    await caller.admin.users.resetPassword(reset);
    const again = await createSession(app.db, a.id, policy);
    // The retry neither hashes again nor ends the session made after the first reset.
    await caller.admin.users.resetPassword(reset);
    expect(await resolveSession(app.db, token, policy)).toBeNull();
    expect(await resolveSession(app.db, again.token, policy)).not.toBeNull();
    expect(await app.db.select().from(auditLog).where(eq(auditLog.action, 'user.password'))).toHaveLength(1);
    await expect(caller.admin.users.resetPassword({ ...reset, password: generatePassword() })).rejects.toThrow(/already used for a different request/);
  });
});

describe('login throttling (counted before hashing) and known devices', () => {
  let app: TestApp;
  beforeEach(async () => (app = await testApp()));
  afterEach(async () => app.cleanup());

  it('backs off exponentially after the free failures, up to a cap', () => {
    const rule = { free: 3, baseMs: 1000, capMs: 60_000 };
    expect([0, 1, 2, 3, 4, 5, 9, 40].map((f) => backoffMs(f, rule))).toEqual([0, 0, 0, 1000, 2000, 4000, 60_000, 60_000]);
  });

  it('40 concurrent guesses: only the free allowance reaches the password check, the rest wait', async () => {
    await makeUser(app, 'target', ['admin']);
    const results = await Promise.all(
      Array.from({ length: 40 }, () =>
        callerFor(app, null)
          .auth.login({ username: 'target', password: 'a wrong guess 123' })
          .then(() => 'ok', (e: TRPCError) => e.code),
      ),
    );
    const checked = results.filter((r) => r === 'UNAUTHORIZED').length;
    expect(results.filter((r) => r === 'ok')).toEqual([]);
    expect(checked).toBe(ACCOUNT_RULE.free);
    expect(results.filter((r) => r === 'TOO_MANY_REQUESTS')).toHaveLength(40 - ACCOUNT_RULE.free);
    const row = (await app.db.select().from(loginThrottle).where(eq(loginThrottle.key, 'user:target')))[0]!;
    expect(row.failures).toBe(ACCOUNT_RULE.free);
  });

  it('guessers cannot lock the real user out: a known device logs in during the backoff', async () => {
    await makeUser(app, 'boss', ['admin']);
    // The admin's browser logged in once before: it got a device token.
    const browser = recordingJar();
    await callerFor(app, null, browser).auth.login({ username: 'boss', password: TEST_PASSWORD });
    const device = browser.sets.find((c) => c.name === DEVICE_COOKIE)!;
    expect(device.value.length).toBeGreaterThan(40);
    expect(device.maxAgeMs).toBeGreaterThan(300 * 86_400_000);
    // Guessers elsewhere push the account into its backoff.
    for (let i = 0; i < ACCOUNT_RULE.free + 3; i++) {
      await callerFor(app, null).auth.login({ username: 'boss', password: `guess number ${i}` }).catch(() => {});
    }
    // A long campaign: the account's backoff is at its cap.
    await app.db.transaction((tx) => tx.update(loginThrottle).set({ failures: 40, lastAt: Date.now() }).where(eq(loginThrottle.key, 'user:boss')));
    await expect(callerFor(app, null).auth.login({ username: 'boss', password: TEST_PASSWORD })).rejects.toThrow(/try again in 15 min/);
    // The known browser still gets in, with the right password only.
    const again = recordingJar({ [DEVICE_COOKIE]: device.value });
    await expect(callerFor(app, null, again).auth.login({ username: 'boss', password: 'not the password' })).rejects.toThrow('unknown username or wrong password');
    const ok = await callerFor(app, null, again).auth.login({ username: 'boss', password: TEST_PASSWORD });
    expect(ok.user.username).toBe('boss');
    // A device token of another account is no pass for this one.
    await makeUser(app, 'mallory', ['annotator']);
    const m = recordingJar();
    await callerFor(app, null, m).auth.login({ username: 'mallory', password: TEST_PASSWORD });
    const foreign = recordingJar({ [DEVICE_COOKIE]: m.sets.find((c) => c.name === DEVICE_COOKIE)!.value });
    await expect(callerFor(app, null, foreign).auth.login({ username: 'boss', password: TEST_PASSWORD })).rejects.toThrow(/try again in/);
  });

  it('forgets counts a day after their last failure (start-up purge)', async () => {
    const now = Date.now();
    await app.db.transaction((tx) =>
      tx.insert(loginThrottle).values([
        { key: 'ip:old', failures: 9, firstAt: now - 3 * 86_400_000, lastAt: now - 25 * 3600_000 },
        { key: 'ip:fresh', failures: 9, firstAt: now - 3600_000, lastAt: now - 3600_000 },
      ]),
    );
    expect(await purgeThrottle(app.db, now)).toBe(1);
    expect(await app.db.select({ key: loginThrottle.key }).from(loginThrottle)).toEqual([{ key: 'ip:fresh' }]);
  });

  it('a success hands the reservation back, so honest logins never pile up', async () => {
    await makeUser(app, 'ann', ['annotator']);
    for (let i = 0; i < 6; i++) await callerFor(app, null).auth.login({ username: 'ann', password: TEST_PASSWORD });
    expect((await app.db.select().from(loginThrottle).where(eq(loginThrottle.key, 'ip:127.0.0.1')))[0]!.failures).toBe(0);
    expect((await app.db.select().from(loginThrottle).where(eq(loginThrottle.key, 'user:ann')))[0]).toBeUndefined();
  });

  it('hashing never occupies libuv\'s thread pool: a file sync issued behind 8 hashes finishes first', async () => {
    const hashes = Array.from({ length: 8 }, () => hashPassword('some password 12345').then(() => performance.now()));
    const file = path.join(app.dir, 'sync-probe');
    const synced = (async () => {
      const fh = await open(file, 'w');
      await fh.writeFile('x');
      await fh.datasync();
      await fh.close();
      return performance.now();
    })();
    const [syncedAt, ...hashedAt] = await Promise.all([synced, ...hashes]);
    expect(syncedAt).toBeLessThan(Math.min(...hashedAt));
  });

  it('a full hashing queue is a clear "busy", not an ever-growing backlog', async () => {
    const pool = new HashPool(2);
    const salt = new Uint8Array(16);
    const params = { N: 2 ** 14, r: 8, p: 1, maxmem: 64 * 1024 * 1024 };
    const runs = Array.from({ length: 5 }, () => pool.hash('pw', salt, 32, params).then(() => 'ok', (e: Error) => e.message));
    const out = await Promise.all(runs);
    expect(out.filter((o) => o === 'ok')).toHaveLength(3);
    expect(out.filter((o) => o !== 'ok')).toEqual([expect.stringMatching(/busy/), expect.stringMatching(/busy/)]);
  });
});
