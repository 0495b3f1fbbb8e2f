/**
 * Attacks on objects and masks (issue 17): excluding, restoring and merging objects, and the "bad
 * mask" flags annotators and validators raise. Foreign and made-up ids, objects of other videos,
 * merges across videos, notes too long, validators naming what they do not hold, flag spam.
 */
import { randomUUID } from 'node:crypto';
import path from 'node:path';
import Database from 'better-sqlite3';
import { MASK_FLAG_LIMITS } from '../../shared/src/schemas/objects.ts';
import { check, checkRefused, type AbuseCtx, type Account, type Attack } from '../lib/types.ts';

const OTHERS = ['annotator', 'validator1', 'speaker'] as const;

/** Database ids of a video's objects by local id (read beside the server). */
function objectIds(ctx: AbuseCtx, videoId: number): Map<number, number> {
  const rows = ctx.db().prepare('select id, local_id as localId from objects where video_id = ? order by local_id').all(videoId) as { id: number; localId: number }[];
  return new Map(rows.map((r) => [r.localId, r.id]));
}

/** A second writer beside the server, as the CLI would be (to make a planted sample the oldest). */
function withWriter<T>(ctx: AbuseCtx, fn: (db: Database.Database) => T): T {
  const db = new Database(path.join(ctx.dataDir, 'studio.db'));
  db.pragma('busy_timeout = 5000');
  try {
    return fn(db);
  } finally {
    db.close();
  }
}

/** A fresh validator holding a sample on `videoId` (planted, made the oldest; gold coin tosses retried). */
async function validatorHolding(ctx: AbuseCtx, videoId: number): Promise<{ validator: Account; expressionId: number }> {
  const planted = await ctx.call<{ expressionId: number }>('annotator', 'annotate.submit', {
    uid: randomUUID(),
    videoId,
    targets: [2],
    text: `the second object sliding away slowly ${randomUUID().slice(0, 6)}`,
    acknowledged: ['static_target', 'static_attributes'],
  });
  check(planted.status === 200 && planted.data, `the annotator could not submit (${planted.status} ${planted.text.slice(0, 200)})`);
  const expressionId = planted.data.expressionId;
  withWriter(ctx, (db) => db.prepare('update expressions set created_at = 0 where id = ?').run(expressionId));
  for (let i = 0; i < 8; i++) {
    const validator = await ctx.newAccount(['validator']);
    const held = await ctx.call<{ expressionId: number }>({ cookie: validator.cookie }, 'validate.next');
    if (held.data?.expressionId === expressionId) return { validator, expressionId };
  }
  check(false, 'no validator was handed the planted sample');
  throw new Error('unreachable');
}

export const attacks: Attack[] = [
  {
    name: 'objects: every other role excludes, restores, merges objects and reads or resolves the flag queue',
    async run(ctx) {
      const ids = objectIds(ctx, ctx.seed.videoId);
      const [one, two] = [ids.get(1)!, ids.get(2)!];
      const before = ctx.fingerprint();
      for (const who of OTHERS) {
        const calls: [string, unknown][] = [
          ['admin.objects.video', { videoId: ctx.seed.videoId }],
          ['admin.objects.exclude', { objectId: one, note: 'mine now' }],
          ['admin.objects.restore', { objectId: one }],
          ['admin.objects.merge', { objectId: one, fromObjectId: two }],
          ['admin.flags.list', { state: 'open' }],
          ['admin.flags.resolve', { flagId: 1, resolution: 'dismissed' }],
        ];
        for (const [p, input] of calls) checkRefused(await ctx.call(who, p, input), `${who} ${p}`, { code: 'FORBIDDEN' });
      }
      check(ctx.fingerprint() === before, 'a forbidden object call wrote something');
    },
  },
  {
    name: 'objects: an admin excludes, merges and restores ids that do not exist, are not ids, or belong to other videos',
    async run(ctx) {
      const here = objectIds(ctx, ctx.seed.videoId);
      const there = objectIds(ctx, ctx.seed.otherVideoId);
      const hidden = objectIds(ctx, ctx.seed.hiddenVideoId);
      const before = ctx.fingerprint();
      const refused: [string, unknown, string | string[], RegExp?][] = [
        ['admin.objects.exclude', { objectId: 987_654, note: 'x' }, 'NOT_FOUND', /object 987654 not found/],
        ['admin.objects.restore', { objectId: 987_654 }, 'NOT_FOUND'],
        ['admin.objects.merge', { objectId: here.get(1), fromObjectId: 987_654 }, 'NOT_FOUND'],
        // Across videos, whichever way round, and into a video not curated.
        ['admin.objects.merge', { objectId: here.get(1), fromObjectId: there.get(1) }, 'BAD_REQUEST', /different videos/],
        ['admin.objects.merge', { objectId: there.get(2), fromObjectId: here.get(3) }, 'BAD_REQUEST', /different videos/],
        ['admin.objects.merge', { objectId: hidden.get(1), fromObjectId: here.get(1) }, 'BAD_REQUEST', /different videos/],
        ['admin.objects.merge', { objectId: here.get(1), fromObjectId: here.get(1) }, 'BAD_REQUEST', /into itself/],
        ['admin.objects.exclude', { objectId: here.get(1), note: 'x'.repeat(10_000) }, 'BAD_REQUEST', /at most 500/],
        ['admin.objects.exclude', { objectId: here.get(1), note: '   ' }, 'BAD_REQUEST'],
        ['admin.objects.exclude', { objectId: here.get(1) }, 'BAD_REQUEST'],
        ['admin.flags.resolve', { flagId: 987_654, resolution: 'dismissed' }, 'NOT_FOUND', /flag 987654 not found/],
        ['admin.flags.resolve', { flagId: 1, resolution: 'deleted' }, 'BAD_REQUEST'],
        ['admin.flags.resolve', { flagId: 1, resolution: 'merged' }, 'BAD_REQUEST'],
        ['admin.objects.video', { videoId: 987_654 }, 'NOT_FOUND'],
      ];
      for (const objectId of [0, -1, 1.5, '1', null, 2 ** 31, 2 ** 53]) refused.push(['admin.objects.exclude', { objectId, note: 'x' }, ['BAD_REQUEST', 'NOT_FOUND']]);
      for (const [p, input, code, message] of refused) {
        checkRefused(await ctx.call('admin', p, input), `${p} ${JSON.stringify(input).slice(0, 80)}`, { code, message });
      }
      // Restoring an object that is not excluded is a no-op, not a write.
      const same = await ctx.call<{ changed: boolean }>('admin', 'admin.objects.restore', { objectId: here.get(1) });
      check(same.status === 200 && same.data?.changed === false, `restoring an object that is in: ${same.status} ${same.text.slice(0, 200)}`);
      check(ctx.fingerprint() === before, 'a refused object decision wrote something');
    },
  },
  {
    name: 'objects: an annotator flags objects of videos they may not see, objects that do not exist, with notes too long',
    async run(ctx) {
      const before = ctx.fingerprint();
      const refused: [unknown, string | string[], RegExp?][] = [
        [{ videoId: ctx.seed.hiddenVideoId, localId: 1, note: 'bad' }, 'NOT_FOUND', new RegExp(`video ${ctx.seed.hiddenVideoId} not found`)],
        [{ videoId: 987_654, localId: 1, note: 'bad' }, 'NOT_FOUND'],
        [{ videoId: ctx.seed.videoId, localId: 99, note: 'bad' }, 'BAD_REQUEST', /this video has no object #99/],
        [{ videoId: ctx.seed.videoId, localId: -1, note: 'bad' }, 'BAD_REQUEST'],
        [{ videoId: ctx.seed.videoId, localId: 70_000, note: 'bad' }, 'BAD_REQUEST'],
        [{ videoId: ctx.seed.videoId, localId: 1, note: 'x'.repeat(501) }, 'BAD_REQUEST', /at most 500/],
        [{ videoId: ctx.seed.videoId, localId: 1, note: 'x'.repeat(1_000_000) }, ['BAD_REQUEST', 'PAYLOAD_TOO_LARGE']],
        [{ videoId: ctx.seed.videoId, localId: 1, note: '' }, 'BAD_REQUEST'],
        [{ videoId: ctx.seed.videoId, localId: 1, note: { $gt: '' } }, 'BAD_REQUEST'],
      ];
      for (const [input, code, message] of refused) {
        const res = await ctx.call('annotator', 'annotate.flagMask', input);
        // A body past the server's size limit is refused before tRPC (413, no tRPC code).
        if (res.status === 413) continue;
        checkRefused(res, `annotate.flagMask ${JSON.stringify(input).slice(0, 80)}`, { code, message });
      }
      check(ctx.fingerprint() === before, 'a refused flag wrote something');
    },
  },
  {
    name: 'objects: a validator flags with no sample held, or an object of another video than the one they hold',
    timeoutMs: 90_000,
    async run(ctx) {
      const idle = await ctx.newAccount(['validator']);
      const before = ctx.fingerprint();
      checkRefused(await ctx.call({ cookie: idle.cookie }, 'validate.flagMask', { localId: 1, note: 'bad' }), 'a flag with no sample held', { code: 'CONFLICT', message: /hold no sample/ });
      check(ctx.fingerprint() === before, 'a flag without a sample wrote something');

      // The held sample is on the 3-object video; #4 exists only on the other one.
      const { validator } = await validatorHolding(ctx, ctx.seed.otherVideoId);
      const held = ctx.fingerprint();
      const me = { cookie: validator.cookie };
      const refused: [unknown, RegExp?][] = [
        [{ localId: 4, note: 'bad' }, /^this video has no object #4$/],
        // Naming the other video or sample beside it is refused, not quietly replaced by the held one.
        [{ localId: 4, note: 'bad', videoId: ctx.seed.videoId }],
        [{ localId: 1, note: 'bad', expressionId: ctx.seed.pendingExpressionIds[0] }],
        [{ localId: 1, note: 'x'.repeat(501) }, /at most 500/],
      ];
      for (const [input, message] of refused) checkRefused(await ctx.call(me, 'validate.flagMask', input), `validate.flagMask ${JSON.stringify(input).slice(0, 80)}`, { code: 'BAD_REQUEST', message });
      check(ctx.fingerprint() === held, 'a refused validator flag wrote something');

      // Flagging the sample's target and another object answers alike: nothing to learn about targets.
      const target = await ctx.call(me, 'validate.flagMask', { localId: 2, note: 'looks wrong' });
      const other = await ctx.call(me, 'validate.flagMask', { localId: 1, note: 'looks wrong' });
      check(target.status === 200 && other.status === 200 && target.text === other.text, `a target flag answers differently: ${target.text} / ${other.text}`);
      const stored = ctx.db().prepare('select video_id as videoId from mask_flags where reporter_id = ?').all(validator.id) as { videoId: number }[];
      check(stored.length === 2 && stored.every((f) => f.videoId === ctx.seed.otherVideoId), `flags stored on the wrong video: ${JSON.stringify(stored)}`);
    },
  },
  {
    name: 'objects: flag spam (new notes on the same objects, bursts) stops at the hourly bound',
    timeoutMs: 90_000,
    async run(ctx) {
      const spammer = await ctx.newAccount(['annotator']);
      const me = { cookie: spammer.cookie };
      for (let i = 0; i < MASK_FLAG_LIMITS.perWindow; i++) {
        const res = await ctx.call(me, 'annotate.flagMask', { videoId: ctx.seed.videoId, localId: 1 + (i % 2), note: `spam ${i}` });
        check(res.status === 200, `flag ${i} within the bound was refused: ${res.status} ${res.text.slice(0, 200)}`);
      }
      const before = ctx.fingerprint();
      const burst = await Promise.all(Array.from({ length: 10 }, (_, i) => ctx.call(me, 'annotate.flagMask', { videoId: ctx.seed.videoId, localId: 3, note: `burst ${i}` })));
      for (const res of burst) checkRefused(res, 'a flag past the bound', { code: 'TOO_MANY_REQUESTS', message: /please wait/ });
      check(ctx.fingerprint() === before, 'flags past the bound wrote something');
      const rows = ctx.db().prepare('select count(*) as n from mask_flags where reporter_id = ?').get(spammer.id) as { n: number };
      check(rows.n === 2, `the spammer has ${rows.n} flags (one per object)`);
    },
  },
];
