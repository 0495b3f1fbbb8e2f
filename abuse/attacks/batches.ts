/**
 * Attacks on work batches (issue 17): the admin's procedures that set curated videos aside for one
 * annotator, and the rule that nobody else gets those videos, asked for by id or not.
 */
import { randomUUID } from 'node:crypto';
import { check, checkRefused, type AbuseCtx, type AccountName, type Attack } from '../lib/types.ts';

const OTHERS: AccountName[] = ['annotator', 'validator1', 'speaker'];

/** Every batch procedure with an input that would do something if the caller were allowed. */
const CALLS = (ctx: AbuseCtx, batchId: number): [string, unknown][] => [
  ['admin.batches.list', undefined],
  ['admin.batches.get', { batchId }],
  ['admin.batches.unassigned', { limit: 50, offset: 0 }],
  ['admin.batches.create', { name: 'mine alone', annotatorId: ctx.seed.accounts.annotator.id, videos: { videoIds: [ctx.seed.videoId] } }],
  ['admin.batches.create', { name: 'all of them', annotatorId: ctx.seed.accounts.annotator.id, videos: { next: 1000 } }],
  ['admin.batches.addVideos', { batchId, videos: { videoIds: [ctx.seed.videoId] } }],
  ['admin.batches.removeVideos', { batchId, videoIds: [ctx.seed.otherVideoId] }],
  ['admin.batches.close', { batchId }],
];

/** A batch of the admin's holding the seed's other video for annotator2, closed again after `fn`. */
async function withBatch(ctx: AbuseCtx, fn: (batchId: number) => Promise<void>): Promise<void> {
  const made = await ctx.call<{ id: number }>('admin', 'admin.batches.create', { name: `abuse ${randomUUID().slice(0, 8)}`, annotatorId: ctx.seed.accounts.annotator2.id, videos: { videoIds: [ctx.seed.otherVideoId] } });
  check(made.status === 200 && made.data, `the admin could not make a batch to attack: ${made.status} ${made.text.slice(0, 200)}`);
  try {
    await fn(made.data.id);
  } finally {
    // Later attacks use the other video as any annotator's: it goes back to the lottery.
    const closed = await ctx.call('admin', 'admin.batches.close', { batchId: made.data.id });
    check(closed.status === 200, `closing the attack's batch failed: ${closed.status} ${closed.text.slice(0, 200)}`);
  }
}

export const attacks: Attack[] = [
  {
    name: 'batches: every other role, and anonymous, calls every batch procedure',
    async run(ctx) {
      await withBatch(ctx, async (batchId) => {
        const before = ctx.fingerprint();
        for (const who of OTHERS) {
          for (const [p, input] of CALLS(ctx, batchId)) checkRefused(await ctx.call(who, p, input), `${who} ${p}`, { code: 'FORBIDDEN' });
        }
        for (const [p, input] of CALLS(ctx, batchId)) checkRefused(await ctx.call(null, p, input), `anonymous ${p}`, { code: 'UNAUTHORIZED' });
        check(ctx.fingerprint() === before, 'a forbidden batch call wrote something');
      });
    },
  },
  {
    name: "batches: another annotator takes a batch's video by id (open, write, skip) or waits for the lottery",
    async run(ctx) {
      await withBatch(ctx, async () => {
        const before = ctx.fingerprint();
        const videoId = ctx.seed.otherVideoId;
        const asks: [string, unknown][] = [
          ['annotate.video', { videoId }],
          ['annotate.skip', { videoId }],
          ['annotate.submit', { uid: randomUUID(), videoId, targets: [1], text: 'the first object moving in circles', motionReasoning: false, acknowledged: ['static_target', 'static_attributes'] }],
        ];
        for (const [p, input] of asks) {
          checkRefused(await ctx.call('annotator', p, input), `annotator ${p} on another's batch video`, { code: 'FORBIDDEN', message: /set aside for another annotator's work batch/ });
        }
        for (let i = 0; i < 20; i++) {
          const next = await ctx.call<{ videoId: number | null }>('annotator', 'annotate.nextVideo', {});
          check(next.status === 200, `nextVideo failed: ${next.status}`);
          check(next.data?.videoId !== videoId, "the lottery handed another annotator's batch video to annotator");
        }
        const list = await ctx.call<{ videos: { id: number }[] }>('annotator', 'videos.list', { limit: 500, offset: 0 });
        check(list.status === 200 && !list.data?.videos.some((v) => v.id === videoId), "the video list shows another annotator's batch video");
        check(ctx.fingerprint() === before, "taking another annotator's batch video wrote something");
      });
    },
  },
  {
    name: 'batches: foreign, nonexistent and malformed video and batch ids; a video already held',
    async run(ctx) {
      await withBatch(ctx, async (batchId) => {
        const before = ctx.fingerprint();
        const ann = ctx.seed.accounts.annotator.id;
        const create = (videoIds: unknown) => ctx.call('admin', 'admin.batches.create', { name: 'bad ids', annotatorId: ann, videos: { videoIds } });
        checkRefused(await create([987_654]), 'a missing video', { code: 'NOT_FOUND', message: /video 987654 not found/ });
        checkRefused(await create([ctx.seed.videoId, 987_654]), 'a real video with a missing one', { code: 'NOT_FOUND' });
        checkRefused(await create([ctx.seed.hiddenVideoId]), 'an uncurated video', { code: 'BAD_REQUEST', message: /only curated \(accepted\) videos/ });
        checkRefused(await create([ctx.seed.otherVideoId]), 'a video another open batch holds', { code: 'CONFLICT', message: new RegExp(`"abuse-other" \\(id ${ctx.seed.otherVideoId}, batch "abuse [^"]+" of annotator2\\) is already in an open batch`) });
        for (const bad of [[0], [-1], [1.5], ['1'], [null], [2 ** 31], [2 ** 53], [], 'all', null]) {
          checkRefused(await create(bad), `video ids ${JSON.stringify(bad)}`, { code: 'BAD_REQUEST' });
        }
        const add = (id: unknown, videoIds: unknown) => ctx.call('admin', 'admin.batches.addVideos', { batchId: id, videos: { videoIds } });
        checkRefused(await add(batchId, [ctx.seed.hiddenVideoId]), 'adding an uncurated video', { code: 'BAD_REQUEST' });
        checkRefused(await add(batchId, [987_654]), 'adding a missing video', { code: 'NOT_FOUND' });
        checkRefused(await add(987_654, [ctx.seed.videoId]), 'adding to a missing batch', { code: 'NOT_FOUND', message: /batch 987654 not found/ });
        const remove = (id: unknown, videoIds: unknown) => ctx.call('admin', 'admin.batches.removeVideos', { batchId: id, videoIds });
        checkRefused(await remove(batchId, [ctx.seed.videoId]), 'removing a video the batch does not hold', { code: 'BAD_REQUEST', message: /is not in batch/ });
        checkRefused(await remove(batchId, [987_654]), 'removing a missing video', { code: 'BAD_REQUEST' });
        for (const id of [987_654, 0, -1, 1.5, '1', null, 2 ** 31]) {
          for (const p of ['admin.batches.get', 'admin.batches.close']) checkRefused(await ctx.call('admin', p, { batchId: id }), `${p} ${String(id)}`, { code: ['BAD_REQUEST', 'NOT_FOUND'] });
        }
        check(ctx.fingerprint() === before, 'a refused batch change wrote something');
      });
    },
  },
  {
    name: 'batches: a non-annotator, disabled, missing or malformed user as the assignee',
    async run(ctx) {
      const participant = await ctx.newAccount(['participant']);
      const leaver = await ctx.newAccount(['annotator']);
      const off = await ctx.call('admin', 'admin.users.setDisabled', { userId: leaver.id, disabled: true });
      check(off.status === 200, `could not disable the test annotator: ${off.status}`);
      const before = ctx.fingerprint();
      const create = (annotatorId: unknown) => ctx.call('admin', 'admin.batches.create', { name: 'wrong person', annotatorId, videos: { videoIds: [ctx.seed.videoId] } });
      const refused: [unknown, string, RegExp?][] = [
        [ctx.seed.accounts.validator1.id, 'BAD_REQUEST', /validator1 is not an annotator/],
        [ctx.seed.accounts.speaker.id, 'BAD_REQUEST', /is not an annotator/],
        [ctx.seed.accounts.admin.id, 'BAD_REQUEST', /is not an annotator/],
        [participant.id, 'BAD_REQUEST', /is not an annotator/],
        [leaver.id, 'BAD_REQUEST', /is disabled/],
        [987_654, 'NOT_FOUND', /user 987654 not found/],
        [0, 'BAD_REQUEST'],
        [2 ** 31, 'BAD_REQUEST'],
        ['annotator', 'BAD_REQUEST'],
        [null, 'BAD_REQUEST'],
      ];
      for (const [annotatorId, code, message] of refused) checkRefused(await create(annotatorId), `assignee ${JSON.stringify(annotatorId)}`, { code, message });
      check(ctx.fingerprint() === before, 'a batch for the wrong person wrote something');
    },
  },
  {
    name: 'batches: huge id lists, huge "next N", huge names',
    async run(ctx) {
      const before = ctx.fingerprint();
      const ann = ctx.seed.accounts.annotator.id;
      const ids = (n: number) => Array.from({ length: n }, (_, i) => 900_000 + i);
      const create = (videos: unknown, name: unknown = 'huge') => ctx.call('admin', 'admin.batches.create', { name, annotatorId: ann, videos });
      for (const n of [1001, 100_000]) {
        const res = await create({ videoIds: ids(n) });
        checkRefused(res, `${n} video ids`, { code: ['BAD_REQUEST', 'PAYLOAD_TOO_LARGE'] });
        check(res.ms < 5000, `${n} video ids took ${res.ms.toFixed(0)} ms to refuse`);
      }
      // A thousand ids that do not exist: one bounded answer, not a thousand-line message.
      const many = await create({ videoIds: ids(1000) });
      checkRefused(many, '1000 missing video ids', { code: 'NOT_FOUND', message: /and 995 more not found/ });
      check((many.error?.message.length ?? 0) < 300, `the refusal of 1000 missing ids is ${many.error?.message.length} characters long`);
      checkRefused(await ctx.call('admin', 'admin.batches.removeVideos', { batchId: 1, videoIds: ids(5000) }), '5000 ids to remove', { code: 'BAD_REQUEST' });
      for (const next of [0, -5, 1001, 10 ** 9, 1.5, '10']) checkRefused(await create({ next }), `next ${JSON.stringify(next)}`, { code: 'BAD_REQUEST' });
      checkRefused(await create({ next: 5, videoIds: [ctx.seed.videoId] }, 'x'.repeat(100_000)), 'a 100 000-character name', { code: ['BAD_REQUEST', 'PAYLOAD_TOO_LARGE'] });
      checkRefused(await create({ next: 5 }, '   '), 'a blank name', { code: 'BAD_REQUEST', message: /needs a name/ });
      checkRefused(await ctx.call('admin', 'admin.batches.unassigned', { limit: 10_000, offset: 0 }), 'a page of 10 000', { code: 'BAD_REQUEST' });
      check(ctx.fingerprint() === before, 'a huge batch request wrote something');
    },
  },
];
