import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { TRPCError } from '@trpc/server';
import { count, getTableName } from 'drizzle-orm';
import { ROLES } from '#shared/roles.ts';
import type { SessionUser } from '#shared/schemas/users.ts';
import { callerFor, makeUser, testApp, type TestApp } from '../testing/app.ts';
import { addExpression, importVideo } from '../testing/factories.ts';
import { appRouter } from './root.ts';
import * as schema from '../db/schema/index.ts';

const paths = Object.keys(appRouter._def.procedures).sort();

// Keys the procedures really use, so random inputs often get past the first shape check and
// reach the services; values at the edges of what each type can hold.
const KEYS = ['expressionId', 'videoId', 'recordingId', 'userId', 'id', 'uid', 'text', 'targets', 'answer', 'kind', 'reason', 'vote', 'status', 'videoIds',
  'expressionIds', 'percent', 'seed', 'limit', 'offset', 'exclude', 'username', 'password', 'roles', 'version', 'rebuild', 'notes', 'acknowledged',
  'motionReasoning', 'sort', 'dir', 'search', 'before', 'action', 'disabled', 'gold', 'leaseMinutes', 'nativeness', 'batchId', 'annotatorId', 'name', 'videos', 'next'];
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
async function fingerprint(app: TestApp): Promise<string> {
  // Every table of the schema, on either engine (db/schema/index.ts).
  const tables = Object.values(schema);
  const counts = await Promise.all(tables.map(async (t) => `${getTableName(t)}=${(await app.db.select({ n: count() }).from(t))[0]!.n}`));
  return counts.join(',');
}

/** Waits for release exports started by earlier calls: their end is audited in the background. */
async function exportsDone(app: TestApp): Promise<void> {
  for (const { version } of await app.db.select({ version: schema.releases.version }).from(schema.releases)) await app.exports.wait(version);
}

describe('hostile input: every procedure, every role, random and boundary inputs', () => {
  let app: TestApp;
  const callers: [string, SessionUser | null][] = [['anonymous', null]];

  beforeAll(async () => {
    app = await testApp();
    for (const role of ROLES) callers.push([role, await makeUser(app, `fuzz-${role}`, [role])]);
    const annotator = callers.find(([n]) => n === 'annotator')![1]!;
    const video = await importVideo(app, 'fuzz-video', 'accepted', 3);
    await addExpression(app, { videoId: video, authorId: annotator.id, status: 'pending', targets: [1], text: 'the object moving left' });
    await addExpression(app, { videoId: video, authorId: annotator.id, status: 'accepted', targets: [2], text: 'the object moving right' });
  });
  afterAll(async () => {
    await app.exports.wait('v1');
    await app.cleanup();
  });

  for (const path of paths) {
    it(`${path}: only clean typed errors, and nothing changes when it refuses`, async () => {
      await fc.assert(
        fc.asyncProperty(fc.constantFrom(...callers), input, async ([who, user], raw) => {
          const caller = callerFor(app, user) as unknown as Record<string, unknown>;
          const fn = path.split('.').reduce<unknown>((o, k) => (o as Record<string, unknown>)[k], caller) as (i?: unknown) => Promise<unknown>;
          await exportsDone(app);
          const before = await fingerprint(app);
          try {
            await fn(raw);
          } catch (e) {
            expect(e, `${who} ${path} threw a non-tRPC error`).toBeInstanceOf(TRPCError);
            const err = e as TRPCError;
            expect(err.code, `${who} ${path}(${JSON.stringify(raw)?.slice(0, 200)}): ${err.message}`).not.toBe('INTERNAL_SERVER_ERROR');
            expect(err.message.length).toBeGreaterThan(0);
            // No engine internals either: drizzle's "Failed query", SQLite's or PostgreSQL's errors.
            expect(err.message).not.toMatch(/at .*\.ts:\d+|Failed query|SqliteError|SQLITE_|violates|relation "/);
            expect(await fingerprint(app), `${who} ${path} changed state and then refused`).toBe(before);
          }
        }),
        { numRuns: 40, seed: 20261121 },
      );
    });
  }
});
