import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { existsSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { count } from 'drizzle-orm';
import { masks, users, videos } from '../db/schema/index.ts';
import { verifyPassword } from '../auth/password.ts';
import { findUserByName, listUsers } from '../services/users.ts';
import { makeUser, testApp, type TestApp } from '../testing/app.ts';
import { demoAccountsFile, ensureDemo } from './demo.ts';

describe('first-run demo data', () => {
  let app: TestApp;
  beforeEach(async () => (app = await testApp({ STUDIO_DEMO: '1' })));
  afterEach(async () => app.cleanup());

  it('generates and imports the demo videos and creates the demo accounts with fresh passwords', async () => {
    const phases = new Set<string>();
    const accounts = (await ensureDemo(app, (e) => phases.add(e.phase)))!;
    expect([...phases]).toEqual(['generate', 'frames', 'commit']);
    expect(accounts.map((a) => [a.username, a.roles])).toEqual([
      ['admin', ['admin']],
      ['annotator', ['annotator']],
      ['validator1', ['validator']],
      ['validator2', ['validator']],
      ['speaker', ['speaker']],
    ]);
    for (const a of accounts) expect(await verifyPassword(a.password, (await findUserByName(app.db, a.username))!.passwordHash)).toBe(true);
    expect(new Set(accounts.map((a) => a.password)).size).toBe(5);
    const file = demoAccountsFile(app.dir);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    const vids = await app.db.select().from(videos);
    expect(vids.map((v) => [v.source, v.status, v.fps])).toEqual(Array(3).fill(['demo', 'accepted', 12]));
    expect((await app.db.select({ n: count() }).from(masks))[0]!.n).toBeGreaterThan(500);
    // The generated source folder is removed once its frames are in the store.
    expect(existsSync(path.join(app.dir, 'demo-source'))).toBe(false);

    // A restart changes nothing and prints the same passwords.
    const again = await ensureDemo(app);
    expect(again).toEqual(accounts);
    expect((await app.db.select({ n: count() }).from(users))[0]!.n).toBe(5);
    expect((await app.db.select({ n: count() }).from(videos))[0]!.n).toBe(3);
  }, 60_000);

  it('never adds demo accounts to a data dir that already has users', async () => {
    await makeUser(app, 'realadmin', ['admin']);
    expect(await ensureDemo(app)).toBeNull();
    expect((await listUsers(app.db)).map((u) => u.username)).toEqual(['realadmin']);
    expect(existsSync(demoAccountsFile(app.dir))).toBe(false);
  });

  it('repairs a first run that stopped after writing the passwords', async () => {
    const accounts = (await ensureDemo(app))!;
    await app.db.transaction((tx) => tx.delete(users));
    const repaired = (await ensureDemo(app))!;
    expect(repaired).toEqual(accounts);
    const stored = JSON.parse(readFileSync(demoAccountsFile(app.dir), 'utf8')) as { accounts: { username: string }[] };
    expect(stored.accounts).toHaveLength(5);
    for (const a of accounts) expect(await verifyPassword(a.password, (await findUserByName(app.db, a.username))!.passwordHash)).toBe(true);
  }, 60_000);
});
