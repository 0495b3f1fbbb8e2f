import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import pg from 'pg';
import { DIALECT } from '../db/dialect.ts';
import { newTrace, traces } from '../db/trace.ts';
import { makeUser, testApp, type TestApp } from '../testing/app.ts';
import { setUserRoles } from '../services/users.ts';
import { createSession, deleteSession, resolveSession } from './sessions.ts';

const policy = { idleMs: 60 * 60_000, maxMs: 24 * 3600_000 };

/**
 * PostgreSQL instances keep resolved sessions (session-cache.ts) and drop them when the database
 * says a session or a user changed. Here a second writer (a plain connection, as another instance
 * or the CLI would be) makes the changes: only the database's triggers can tell this process.
 */
describe.skipIf(DIALECT !== 'postgres')('sessions kept per instance (PostgreSQL)', () => {
  let app: TestApp;
  let other: pg.Client;
  beforeEach(async () => {
    app = await testApp();
    other = new pg.Client({ connectionString: app.config.databaseUrl });
    await other.connect();
  });
  afterEach(async () => {
    await other.end().catch(() => {});
    await app.cleanup();
  });

  const statementsOf = async (token: string) => {
    const trace = newTrace();
    const out = await traces.run(trace, () => resolveSession(app.db, token, policy));
    return { out, statements: trace.statements };
  };
  /** Resolves until `done` says so (the notification takes a moment), at most 5 s. */
  const eventually = async (token: string, done: (s: Awaited<ReturnType<typeof resolveSession>>) => boolean) => {
    for (let i = 0; i < 100; i++) {
      const s = await resolveSession(app.db, token, policy);
      if (done(s)) return s;
      await new Promise((r) => setTimeout(r, 50));
    }
    throw new Error('the change was never heard');
  };

  it('resolves a session from the database once, then from its copy', async () => {
    const u = await makeUser(app, 'val', ['validator']);
    const { token } = await createSession(app.db, u.id, policy);
    // Wait until the listening connection is up (a copy is kept only while it listens).
    await eventually(token, () => true);
    await resolveSession(app.db, token, policy);
    const { out, statements } = await statementsOf(token);
    expect(out?.user).toEqual({ id: u.id, username: 'val', roles: ['validator'] });
    expect(statements).toBe(0);
  });

  it('drops the copy when another writer ends the session or changes the user', async () => {
    const u = await makeUser(app, 'val', ['validator']);
    const { token } = await createSession(app.db, u.id, policy);
    await eventually(token, () => true);
    expect((await statementsOf(token)).statements).toBe(0);

    await other.query(`insert into user_roles (user_id, role) values ($1, 'speaker')`, [u.id]);
    expect((await eventually(token, (s) => s?.user.roles.includes('speaker') ?? false))?.user.roles).toEqual(['speaker', 'validator']);

    await other.query('update users set disabled = true where id = $1', [u.id]);
    expect(await eventually(token, (s) => s === null)).toBeNull();
    await other.query('update users set disabled = false where id = $1', [u.id]);
    await eventually(token, (s) => s !== null);

    await other.query('delete from sessions where user_id = $1', [u.id]);
    expect(await eventually(token, (s) => s === null)).toBeNull();
  });

  it('this instance’s own changes take effect at once', async () => {
    const admin = await makeUser(app, 'boss', ['admin']);
    const u = await makeUser(app, 'val', ['validator']);
    const { token } = await createSession(app.db, u.id, policy);
    await eventually(token, () => true);
    await resolveSession(app.db, token, policy);
    await setUserRoles(app.db, u.id, ['annotator'], admin.id);
    expect((await resolveSession(app.db, token, policy))?.user.roles).toEqual(['annotator']);
    const s = await resolveSession(app.db, token, policy);
    await deleteSession(app.db, s!.sessionId);
    expect(await resolveSession(app.db, token, policy)).toBeNull();
  });
});
