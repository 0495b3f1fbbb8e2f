/**
 * Id stepping: every procedure and media route that takes an id, called with ids the server never
 * handed to the caller. Each must refuse, the same way for "exists but not yours" as for "does not
 * exist" (no oracle), and write nothing.
 */
import { randomUUID } from 'node:crypto';
import { check, checkRefused, type AccountName, type Attack } from '../lib/types.ts';

/** Refusal messages with the numbers taken out: "video 7 not found" and "video 99999 not found" match. */
const shape = (message: string | undefined) => (message ?? '').replace(/\d+/g, 'N');

export const attacks: Attack[] = [
  {
    name: 'ids: videos that are not curated, through every procedure that takes a video id',
    async run(ctx) {
      const before = ctx.fingerprint();
      const hidden = ctx.seed.hiddenVideoId;
      const missing = 987_654;
      const calls: [AccountName, string, (id: number) => unknown][] = [
        ['annotator', 'videos.get', (id) => ({ videoId: id })],
        ['validator1', 'videos.masks', (id) => ({ videoId: id })],
        ['speaker', 'videos.get', (id) => ({ videoId: id })],
        ['annotator', 'annotate.video', (id) => ({ videoId: id })],
        ['annotator', 'annotate.skip', (id) => ({ videoId: id })],
        ['annotator', 'annotate.submit', (id) => ({ uid: randomUUID(), videoId: id, targets: [1], text: 'the first object moving in circles', acknowledged: ['static_target', 'static_attributes'] })],
      ];
      for (const [who, p, input] of calls) {
        const a = await ctx.call(who, p, input(hidden));
        const b = await ctx.call(who, p, input(missing));
        checkRefused(a, `${who} ${p} on a hidden video`, { code: 'NOT_FOUND' });
        checkRefused(b, `${who} ${p} on a missing video`, { code: 'NOT_FOUND' });
        check(shape(a.error?.message) === shape(b.error?.message), `${p}: a hidden video is told apart from a missing one ("${a.error?.message}" vs "${b.error?.message}")`);
      }
      for (const who of ['annotator', 'validator1', 'speaker'] as const) {
        const res = await ctx.raw({ path: `/media/frames/${hidden}/0`, headers: { cookie: ctx.seed.accounts[who].cookie } });
        check(res.status === 404, `${who} fetched a frame of a hidden video (${res.status})`);
      }
      check(ctx.fingerprint() === before, 'id stepping on videos wrote something');
    },
  },
  {
    name: 'ids: "edit and resubmit" of expressions that are not the caller\'s rejected or discarded ones, and absurd motion frames',
    async run(ctx) {
      const before = ctx.fingerprint();
      const submit = (extra: Record<string, unknown>) =>
        ctx.call('annotator2', 'annotate.submit', { uid: randomUUID(), videoId: ctx.seed.videoId, targets: [1], text: 'the first object moving in circles twice', acknowledged: ['static_target', 'static_attributes'], ...extra });
      // Another annotator's pending and accepted expressions, the gold one, and an id that does not exist: one answer for all.
      const ids = [...ctx.seed.pendingExpressionIds.slice(0, 2), ctx.seed.acceptedExpressionId, ctx.seed.goldExpressionId, 987_654];
      const messages = new Set<string>();
      for (const id of ids) {
        const r = await submit({ revisionOf: id });
        checkRefused(r, `annotator2 revising expression ${id}`, { code: 'BAD_REQUEST' });
        messages.add(shape(r.error?.message));
      }
      check(messages.size === 1, `revising tells ids apart: ${[...messages].join(' / ')}`);
      for (const motionFrames of [{ start: 0, end: 1e9 }, { start: 5, end: 2 }, { start: -1, end: 0 }]) {
        checkRefused(await submit({ motionFrames }), `motion frames ${JSON.stringify(motionFrames)}`, { code: 'BAD_REQUEST' });
      }
      check(ctx.fingerprint() === before, 'a refused revision or motion moment wrote something');
    },
  },
  {
    name: 'ids: clip votes and clip audio for clips never assigned',
    async run(ctx) {
      const before = ctx.fingerprint();
      const max = (ctx.db().prepare('select coalesce(max(id), 0) as n from recordings').get() as { n: number }).n;
      for (let id = 1; id <= max + 3; id++) {
        const vote = await ctx.call('validator3', 'verify.vote', { recordingId: id, vote: 'match' });
        checkRefused(vote, `vote on clip ${id}`, { code: ['CONFLICT', 'NOT_FOUND'] });
        const audio = await ctx.raw({ path: `/media/audio/${id}`, headers: { cookie: ctx.seed.accounts.validator3.cookie } });
        check(audio.status === 404, `a validator fetched clip ${id} without its lease (${audio.status})`);
      }
      check(ctx.fingerprint() === before, 'clip id stepping wrote something');
    },
  },
  {
    name: 'ids: admin procedures called by every other role',
    async run(ctx) {
      const before = ctx.fingerprint();
      const admin = ctx.seed.accounts.admin.id;
      const calls: [string, unknown][] = [
        ['admin.users.resetPassword', { requestId: randomUUID(), userId: admin, password: 'a takeover password' }],
        ['admin.users.setDisabled', { userId: admin, disabled: true }],
        ['admin.users.create', { requestId: randomUUID(), username: 'sneaky', roles: ['admin'], password: 'a takeover password' }],
        ['admin.expressions.setGold', { expressionId: ctx.seed.pendingExpressionIds[0], gold: true }],
        ['admin.curation.setStatus', { videoIds: [ctx.seed.hiddenVideoId], status: 'accepted' }],
        ['admin.releases.create', { requireAudio: false }],
      ];
      for (const who of ['annotator', 'validator1', 'speaker'] as const) {
        for (const [p, input] of calls) checkRefused(await ctx.call(who, p, input), `${who} ${p}`, { code: 'FORBIDDEN' });
        const tar = await ctx.raw({ path: '/media/releases/v1.tar', headers: { cookie: ctx.seed.accounts[who].cookie } });
        check(tar.status === 404, `${who} reached a release download (${tar.status})`);
        const truth = await ctx.raw({ path: '/media/ground-truth/v1.tar', headers: { cookie: ctx.seed.accounts[who].cookie } });
        check(truth.status === 404, `${who} reached a ground-truth download (${truth.status})`);
      }
      check(ctx.fingerprint() === before, 'a forbidden call wrote something');
    },
  },
];
