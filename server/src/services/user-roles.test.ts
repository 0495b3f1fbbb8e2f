import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { TRPCError } from '@trpc/server';
import { eq } from 'drizzle-orm';
import { auditLog, leases } from '../db/schema/index.ts';
import { callerFor, makeUser, testApp, type TestApp } from '../testing/app.ts';
import { addExpression, importVideo } from '../testing/factories.ts';
import { setUserDisabled } from './users.ts';

async function code(p: Promise<unknown>): Promise<string> {
  try {
    await p;
    return 'ok';
  } catch (e) {
    if (!(e instanceof TRPCError)) throw e;
    return `${e.code}: ${e.message}`;
  }
}

describe('editing a user\'s roles', () => {
  let app: TestApp;
  beforeEach(async () => (app = await testApp()));
  afterEach(async () => app.cleanup());

  it('replaces the roles, audited with before and after; the next request sees them', async () => {
    const admin = await makeUser(app, 'boss', ['admin']);
    const u = await makeUser(app, 'worker', ['annotator']);
    const api = callerFor(app, admin).admin.users;
    expect(await api.setRoles({ userId: u.id, roles: ['validator', 'annotator', 'validator'] })).toMatchObject({ id: u.id, roles: ['annotator', 'validator'] });
    expect((await api.list()).find((x) => x.id === u.id)!.roles).toEqual(['annotator', 'validator']);
    const entries = await app.db.select().from(auditLog).where(eq(auditLog.action, 'user.roles'));
    expect(entries).toHaveLength(1);
    expect(entries[0]).toMatchObject({ actorId: admin.id, entityId: String(u.id) });
    expect(JSON.parse(entries[0]!.data!)).toEqual({ from: ['annotator'], to: ['annotator', 'validator'] });
    // The same roles again change nothing and log nothing.
    await api.setRoles({ userId: u.id, roles: ['annotator', 'validator'] });
    expect(await app.db.select().from(auditLog).where(eq(auditLog.action, 'user.roles'))).toHaveLength(1);
  });

  it('an admin cannot remove their own admin role, and the last admin cannot be demoted', async () => {
    const a = await makeUser(app, 'first-admin', ['admin']);
    const b = await makeUser(app, 'second-admin', ['admin', 'validator']);
    const asA = callerFor(app, a).admin.users;
    expect(await code(asA.setRoles({ userId: a.id, roles: ['annotator'] }))).toMatch(/^BAD_REQUEST: you cannot remove your own admin role/);
    // Adding to one's own roles is fine.
    expect((await asA.setRoles({ userId: a.id, roles: ['admin', 'speaker'] })).roles).toEqual(['admin', 'speaker']);
    // Another admin can be demoted while one remains…
    expect((await asA.setRoles({ userId: b.id, roles: ['validator'] })).roles).toEqual(['validator']);
    // …but not the last one (b is an admin again, a is disabled: b is the last active admin).
    await asA.setRoles({ userId: b.id, roles: ['admin'] });
    await setUserDisabled(app.db, a.id, true, b.id);
    expect(await code(asA.setRoles({ userId: b.id, roles: ['annotator'] }))).toMatch(/^BAD_REQUEST: second-admin is the last admin/);
    expect(await code(asA.setRoles({ userId: 987_654, roles: ['annotator'] }))).toBe('NOT_FOUND: user 987654 not found');
    expect(await code(asA.setRoles({ userId: b.id, roles: [] }))).toMatch(/^BAD_REQUEST/);
  });

  it('non-admins are refused; a validator who loses the role hands back the sample they hold', async () => {
    const admin = await makeUser(app, 'boss', ['admin']);
    const ann = await makeUser(app, 'ann', ['annotator']);
    const val = await makeUser(app, 'val', ['validator']);
    expect(await code(callerFor(app, ann).admin.users.setRoles({ userId: ann.id, roles: ['admin'] }))).toBe('FORBIDDEN: this needs the admin role');
    const video = await importVideo(app, 'roles-video', 'accepted', 2);
    await addExpression(app, { videoId: video, authorId: ann.id });
    expect(await callerFor(app, val).validate.next()).not.toBeNull();
    expect(await app.db.select().from(leases).where(eq(leases.validatorId, val.id))).toHaveLength(1);
    await callerFor(app, admin).admin.users.setRoles({ userId: val.id, roles: ['speaker'] });
    expect(await app.db.select().from(leases).where(eq(leases.validatorId, val.id))).toHaveLength(0);
    const [entry] = await app.db.select().from(auditLog).where(eq(auditLog.action, 'user.roles'));
    expect(JSON.parse(entry!.data!)).toMatchObject({ leasesReleased: 1 });
  });
});
