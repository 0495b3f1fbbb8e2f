/**
 * Attacks on a video's split before its first release (issue 18, services/video-splits.ts): other
 * roles reading or choosing splits, made-up and malformed ids and splits, oversized batches, a
 * batch with one bad id (all or nothing), and moving a video a release has already pinned.
 */
import path from 'node:path';
import { check, checkRefused, type AbuseCtx, type Attack } from '../lib/types.ts';

const OTHERS = ['annotator', 'validator1', 'speaker'] as const;

/** Every video's source_split, to prove a refused call changed none (an UPDATE leaves row counts alone). */
function splitsNow(ctx: AbuseCtx): string {
  return JSON.stringify(ctx.db().prepare('select id, source_split as s from videos order by id').all());
}

/** A video a release has pinned: the one an earlier attack's release placed, else one exported here. */
async function pinnedVideo(ctx: AbuseCtx): Promise<{ id: number; name: string }> {
  const find = () => ctx.db().prepare('select v.id, v.name from video_splits s join videos v on v.id = s.video_id order by v.id limit 1').get() as { id: number; name: string } | undefined;
  let pinned = find();
  if (!pinned) {
    const exp = await ctx.cli(['export', '--out', path.join(ctx.dataDir, 'releases', 'abuse-splits'), '--version', 'abuse-splits']);
    check(exp.code === 0, `setup: export failed: ${exp.stderr.slice(-300)}`);
    pinned = find();
  }
  check(pinned, 'setup: no video is pinned by a release');
  return pinned;
}

export const attacks: Attack[] = [
  {
    name: 'splits: every other role reads or chooses a video\'s split',
    async run(ctx) {
      const before = ctx.fingerprint();
      const splits = splitsNow(ctx);
      for (const who of OTHERS) {
        checkRefused(await ctx.call(who, 'admin.splits.get', { videoId: ctx.seed.videoId }), `${who} admin.splits.get`, { code: 'FORBIDDEN' });
        checkRefused(await ctx.call(who, 'admin.splits.set', { videoIds: [ctx.seed.videoId], split: 'test' }), `${who} admin.splits.set`, { code: 'FORBIDDEN' });
      }
      checkRefused(await ctx.call(null, 'admin.splits.set', { videoIds: [ctx.seed.videoId], split: 'test' }), 'anonymous admin.splits.set', { code: 'UNAUTHORIZED' });
      check(ctx.fingerprint() === before && splitsNow(ctx) === splits, 'a forbidden split call wrote something');
    },
  },
  {
    name: 'splits: an admin chooses splits of made-up, malformed or released videos, or too many at once',
    timeoutMs: 120_000,
    async run(ctx) {
      const pinned = await pinnedVideo(ctx);
      const before = ctx.fingerprint();
      const splits = splitsNow(ctx);
      const refused: [string, unknown, string, RegExp?][] = [
        ['admin.splits.set', { videoIds: [987654321], split: 'train' }, 'NOT_FOUND', /^video 987654321 not found$/],
        // One unknown id refuses the whole batch: the real video keeps its split.
        ['admin.splits.set', { videoIds: [ctx.seed.videoId, 987654321], split: 'train' }, 'NOT_FOUND'],
        ['admin.splits.set', { videoIds: [pinned.id], split: 'test' }, 'CONFLICT', new RegExp(`keeps the split of the first release that included it; already released: ${pinned.name} `)],
        ['admin.splits.set', { videoIds: [ctx.seed.videoId], split: 'val' }, 'BAD_REQUEST'],
        ['admin.splits.set', { videoIds: [ctx.seed.videoId], split: '../train' }, 'BAD_REQUEST'],
        ['admin.splits.set', { videoIds: [], split: 'train' }, 'BAD_REQUEST'],
        ['admin.splits.set', { videoIds: [-1], split: 'train' }, 'BAD_REQUEST'],
        ['admin.splits.set', { videoIds: ['1 or 1=1'], split: 'train' }, 'BAD_REQUEST'],
        ['admin.splits.set', { videoIds: Array.from({ length: 501 }, (_, i) => i + 1), split: 'train' }, 'BAD_REQUEST'],
        ['admin.splits.get', { videoId: 987654321 }, 'NOT_FOUND'],
        ['admin.splits.get', { videoId: 0 }, 'BAD_REQUEST'],
      ];
      for (const [p, input, code, message] of refused) checkRefused(await ctx.call('admin', p, input), `admin ${p} ${JSON.stringify(input).slice(0, 80)}`, { code, message });
      check(ctx.fingerprint() === before && splitsNow(ctx) === splits, 'a refused split choice wrote something');
    },
  },
];
