import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { TRPCError } from '@trpc/server';
import { ROLES } from '#shared/roles.ts';
import type { SessionUser } from '#shared/schemas/users.ts';
import { callerFor, makeUser, testApp, type TestApp } from '../testing/app.ts';
import { addExpression, importVideo } from '../testing/factories.ts';
import { appRouter } from './root.ts';

const paths = Object.keys(appRouter._def.procedures).sort();

// Keys the procedures really use, so random inputs often get past the first shape check and
// reach the services; values at the edges of what each type can hold.
const KEYS = ['expressionId', 'videoId', 'recordingId', 'userId', 'id', 'uid', 'text', 'targets', 'answer', 'kind', 'reason', 'vote', 'status', 'videoIds',
  'expressionIds', 'percent', 'seed', 'limit', 'offset', 'exclude', 'username', 'password', 'roles', 'version', 'rebuild', 'notes', 'acknowledged',
  'motionReasoning', 'sort', 'dir', 'search', 'before', 'action', 'disabled', 'gold', 'leaseMinutes', 'nativeness'];
const edgeNumber = fc.constantFrom(0, -1, 1, 2, 2 ** 31, 2 ** 53, -(2 ** 53), 1e308, Number.NaN, 0.5, 999_999_999);
const edgeString = fc.oneof(
  fc.constantFrom('', ' ', '../../etc/passwd', '..%2f..%2f', 'a'.repeat(10_000), '\u0000', '<script>', "'; drop table users; --", 'v1', 'admin', 'accepted', 'targets', 'reject', 'match'),
  fc.string({ maxLength: 40 }),
);
const value: fc.Arbitrary<unknown> = fc.letrec((tie) => ({
  v: fc.oneof({ depthSize: 'small' }, edgeNumber, edgeString, fc.boolean(), fc.constant(null), fc.array(tie('v'), { maxLength: 4 }), fc.dictionary(fc.constantFrom(...KEYS), tie('v'), { maxKeys: 3 })),
})).v;
const input = fc.oneof(fc.constant(undefined), fc.anything(), fc.dictionary(fc.constantFrom(...KEYS), value, { minKeys: 1, maxKeys: 5 }));

/** Row counts of every table and the store's file count: equal before and after = nothing changed. */
function fingerprint(app: TestApp): string {
  const tables = app.sqlite.prepare<[], { name: string }>(`select name from sqlite_master where type = 'table' and name not like 'sqlite_%' and name not like '__drizzle%'`).all();
  return tables.map((t) => `${t.name}=${(app.sqlite.prepare(`select count(*) as n from "${t.name}"`).get() as { n: number }).n}`).join(',');
}

describe('hostile input: every procedure, every role, random and boundary inputs', () => {
  let app: TestApp;
  const callers: [string, SessionUser | null][] = [['anonymous', null]];

  beforeAll(async () => {
    app = testApp();
    for (const role of ROLES) callers.push([role, await makeUser(app, `fuzz-${role}`, [role])]);
    const annotator = callers.find(([n]) => n === 'annotator')![1]!;
    const video = await importVideo(app, 'fuzz-video', 'accepted', 3);
    addExpression(app, { videoId: video, authorId: annotator.id, status: 'pending', targets: [1], text: 'the object moving left' });
    addExpression(app, { videoId: video, authorId: annotator.id, status: 'accepted', targets: [2], text: 'the object moving right' });
  });
  afterAll(async () => {
    await app.exports.wait('v1');
    app.cleanup();
  });

  for (const path of paths) {
    it(`${path}: only clean typed errors, and nothing changes when it refuses`, async () => {
      await fc.assert(
        fc.asyncProperty(fc.constantFrom(...callers), input, async ([who, user], raw) => {
          const caller = callerFor(app, user) as unknown as Record<string, unknown>;
          const fn = path.split('.').reduce<unknown>((o, k) => (o as Record<string, unknown>)[k], caller) as (i?: unknown) => Promise<unknown>;
          const before = fingerprint(app);
          try {
            await fn(raw);
          } catch (e) {
            expect(e, `${who} ${path} threw a non-tRPC error`).toBeInstanceOf(TRPCError);
            const err = e as TRPCError;
            expect(err.code, `${who} ${path}(${JSON.stringify(raw)?.slice(0, 200)}): ${err.message}`).not.toBe('INTERNAL_SERVER_ERROR');
            expect(err.message.length).toBeGreaterThan(0);
            expect(err.message).not.toMatch(/at .*\.ts:\d+|SqliteError|SQLITE_/);
            expect(fingerprint(app), `${who} ${path} changed state and then refused`).toBe(before);
          }
        }),
        { numRuns: 40, seed: 20261121 },
      );
    });
  }
});
