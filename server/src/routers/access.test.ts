import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TRPCError } from '@trpc/server';
import { ACCESS, mayCall, type Access } from '#shared/access.ts';
import { ROLES, type Role } from '#shared/roles.ts';
import type { SessionUser } from '#shared/schemas/users.ts';
import { callerFor, makeUser, testApp, type TestApp } from '../testing/app.ts';
import { appRouter } from './root.ts';
import type { ProcedureMeta } from '../trpc/init.ts';

const procedures = appRouter._def.procedures as unknown as Record<string, { _def: { meta?: ProcedureMeta; type: string } }>;
const paths = Object.keys(procedures).sort();

async function outcome(app: TestApp, user: SessionUser | null, path: string): Promise<'denied-anon' | 'denied-role' | 'allowed'> {
  const caller = callerFor(app, user) as unknown as Record<string, unknown>;
  const fn = path.split('.').reduce<unknown>((o, k) => (o as Record<string, unknown>)[k], caller) as (input?: unknown) => Promise<unknown>;
  try {
    // No input: allowed callers get at most a validation error, so nothing changes state.
    await fn(undefined);
    return 'allowed';
  } catch (e) {
    if (!(e instanceof TRPCError)) throw e;
    if (e.code === 'UNAUTHORIZED' && e.message === 'please log in') return 'denied-anon';
    if (e.code === 'FORBIDDEN' && e.message.startsWith('this needs the')) return 'denied-role';
    return 'allowed';
  }
}

describe('role × procedure access matrix', () => {
  let app: TestApp;
  const users = new Map<Role | 'multi', SessionUser>();

  beforeAll(async () => {
    app = await testApp();
    for (const role of ROLES) users.set(role, await makeUser(app, `only-${role}`, [role]));
    users.set('multi', await makeUser(app, 'validator-and-speaker', ['validator', 'speaker']));
  });
  afterAll(async () => app.cleanup());

  it('lists every procedure in the policy, with the access the procedure declares', async () => {
    expect(paths.length).toBeGreaterThan(10);
    for (const path of paths) {
      expect(ACCESS, `procedure ${path} has no entry in shared/src/access.ts`).toHaveProperty([path]);
      const declared = procedures[path]!._def.meta?.access;
      expect(declared, `declared access of ${path}`).toEqual(ACCESS[path as keyof typeof ACCESS]);
    }
    // And no stale entries for procedures that no longer exist.
    expect(Object.keys(ACCESS).sort()).toEqual(paths);
  });

  for (const path of paths) {
    it(`${path}: anonymous and every role get exactly what the policy allows`, async () => {
      const access = ACCESS[path as keyof typeof ACCESS] as Access;
      const anon = await outcome(app, null, path);
      expect(anon).toBe(mayCall(access, null) ? 'allowed' : 'denied-anon');
      for (const [name, user] of users) {
        const got = await outcome(app, user, path);
        const allowed = mayCall(access, user.roles);
        expect(got, `${name} calling ${path}`).toBe(allowed ? 'allowed' : 'denied-role');
      }
    });
  }
});
