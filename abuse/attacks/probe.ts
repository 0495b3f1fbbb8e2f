/**
 * Attacks on the single-frame probe (issue 18; probe.* and admin.probes.*): answering a probe one
 * does not hold (or that does not exist), naming objects that are not on the probe's frame,
 * loading the probe video's other frames or another person's probe frame by URL, and the admin's
 * procedures from every other role.
 */
import { check, checkRefused, type AbuseCtx, type Account, type Attack } from '../lib/types.ts';

interface Held {
  holder: Account;
  probeId: number;
  objects: number[];
}

let world: Promise<Held> | undefined;

/** Once per run: every accepted target expression probed, and a fresh validator (who has seen no video) holding one. */
function probeWorld(ctx: AbuseCtx): Promise<Held> {
  world ??= (async () => {
    const set = await ctx.call('admin', 'admin.settings.update', { probeShare: 1 });
    check(set.status === 200, `setting the probe share failed: ${set.status} ${set.text.slice(0, 200)}`);
    const holder = await ctx.newAccount(['validator']);
    const next = await ctx.call<{ probeId: number; objects: { localId: number }[] } | null>(holder, 'probe.next');
    check(next.status === 200 && next.data, `a fresh validator got no probe: ${next.status} ${next.text.slice(0, 200)}`);
    return { holder, probeId: next.data.probeId, objects: next.data.objects.map((o) => o.localId) };
  })();
  return world;
}

const NOT_HELD = /not assigned to you/;

export const attacks: Attack[] = [
  {
    name: 'probe: answering a probe held by someone else, one that does not exist, or with a forged shape',
    async run(ctx) {
      const { probeId, objects } = await probeWorld(ctx);
      const before = ctx.fingerprint();
      const answer = { kind: 'targets', targets: [objects[0]] };
      for (const who of ['validator1', 'validator2', 'annotator2'] as const) {
        const held = await ctx.call(who, 'probe.answer', { probeId, answer });
        checkRefused(held, `${who} answering another's probe`, { code: 'CONFLICT', message: NOT_HELD });
        const missing = await ctx.call(who, 'probe.answer', { probeId: 987_654, answer });
        checkRefused(missing, `${who} answering a probe that does not exist`, { code: 'CONFLICT', message: NOT_HELD });
        // Held by another or missing: the same words (ids are no oracle).
        check(held.error?.message === missing.error?.message, 'a held probe is told apart from a missing one');
      }
      for (const input of [{ probeId, answer: { kind: 'reject', reason: 'single_frame' } }, { probeId, answer: { kind: 'targets', targets: [] } }, { probeId: -1, answer }, { probeId: '1', answer }, { probeId, answer, matched: true }]) {
        const res = await ctx.call('validator1', 'probe.answer', input);
        checkRefused(res, `forged answer ${JSON.stringify(input).slice(0, 80)}`, { code: ['BAD_REQUEST', 'CONFLICT'] });
      }
      for (const who of ['annotator', 'speaker', 'admin'] as const) checkRefused(await ctx.call(who, 'probe.next'), `${who} asking for a probe`, { code: 'FORBIDDEN' });
      checkRefused(await ctx.call(null, 'probe.answer', { probeId, answer }), 'anonymous answer', { code: 'UNAUTHORIZED' });
      check(ctx.fingerprint() === before, 'a refused probe answer wrote something');
    },
  },
  {
    name: "probe: the holder names objects that are not on the probe's frame (absent, other video's, out of range)",
    async run(ctx) {
      const { holder, probeId, objects } = await probeWorld(ctx);
      const before = ctx.fingerprint();
      for (const targets of [[99], [objects[0]!, 42], [65535], [0]]) {
        const res = await ctx.call(holder, 'probe.answer', { probeId, answer: { kind: 'targets', targets } });
        checkRefused(res, `naming ${targets.join(',')}`, { code: 'BAD_REQUEST', message: /not on this frame/ });
      }
      checkRefused(await ctx.call(holder, 'probe.answer', { probeId, answer: { kind: 'targets', targets: [70_000] } }), 'an id past the range', { code: 'BAD_REQUEST' });
      check(ctx.fingerprint() === before, 'a refused probe answer wrote something');
    },
  },
  {
    name: "probe: the holder loads other frames of the probe's video by URL, others load the probe's frame",
    async run(ctx) {
      const { holder, probeId } = await probeWorld(ctx);
      const before = ctx.fingerprint();
      const own = await ctx.raw({ path: `/media/probe/${probeId}`, headers: { cookie: holder.cookie } });
      check(own.status === 200 && own.headers['content-type'] === 'image/jpeg', `the holder could not load the probe frame (${own.status})`);
      check(String(own.headers['cache-control']).includes('no-store'), 'the probe frame may be cached beyond its hold');
      // The video of the probe: the seed's only video with accepted expressions.
      const videoId = ctx.seed.videoId;
      for (let i = 0; i < 4; i++) {
        const res = await ctx.raw({ path: `/media/frames/${videoId}/${i}`, headers: { cookie: holder.cookie } });
        check(res.status === 404, `the holder loaded frame ${i} of the probe's video (${res.status})`);
      }
      for (const p of ['videos.get', 'videos.masks']) checkRefused(await ctx.call(holder, p, { videoId }), `the holder calling ${p}`, { code: 'NOT_FOUND' });
      // Another video stays open to them; the probe's frame is closed to everyone else.
      check((await ctx.raw({ path: `/media/frames/${ctx.seed.otherVideoId}/0`, headers: { cookie: holder.cookie } })).status === 200, 'an unrelated video was closed too');
      for (const who of ['validator1', 'admin', 'annotator', 'speaker'] as const) {
        const res = await ctx.raw({ path: `/media/probe/${probeId}`, headers: { cookie: ctx.seed.accounts[who].cookie } });
        check(res.status === 404, `${who} loaded another person's probe frame (${res.status})`);
      }
      for (const p of [`/media/probe/987654`, `/media/probe/0`, `/media/probe/${probeId}/0`, `/media/probe/..%2f${probeId}`]) {
        const res = await ctx.raw({ path: p, headers: { cookie: holder.cookie } });
        check(res.status === 400 || res.status === 404, `${p} was served (${res.status})`);
      }
      check((await ctx.raw({ path: `/media/probe/${probeId}` })).status === 401, 'an anonymous caller was not asked to log in');
      check(ctx.fingerprint() === before, 'loading frames wrote something');
    },
  },
  {
    name: 'probe: admin probe procedures from other roles, and decisions on probes that are not flagged',
    async run(ctx) {
      const { probeId } = await probeWorld(ctx);
      const before = ctx.fingerprint();
      const procs: [string, unknown][] = [
        ['admin.probes.stats', undefined],
        ['admin.probes.list', { state: 'answered' }],
        ['admin.probes.decide', { probeId, decision: 'reject' }],
      ];
      for (const [p, input] of procs) {
        for (const who of ['validator1', 'annotator', 'speaker'] as const) checkRefused(await ctx.call(who, p, input), `${who} ${p}`, { code: 'FORBIDDEN' });
        checkRefused(await ctx.call(null, p, input), `anonymous ${p}`, { code: 'UNAUTHORIZED' });
      }
      // Not answered yet: nothing to decide. Missing: not found. Bad shapes: refused.
      checkRefused(await ctx.call('admin', 'admin.probes.decide', { probeId, decision: 'reject' }), 'deciding an open probe', { code: 'CONFLICT' });
      checkRefused(await ctx.call('admin', 'admin.probes.decide', { probeId: 987_654, decision: 'keep' }), 'deciding a missing probe', { code: 'NOT_FOUND' });
      for (const input of [{ probeId, decision: 'delete' }, { probeId: 2 ** 40, decision: 'keep' }, { decision: 'keep' }]) {
        checkRefused(await ctx.call('admin', 'admin.probes.decide', input), `decide ${JSON.stringify(input)}`, { code: 'BAD_REQUEST' });
      }
      for (const input of [{ state: 'everything' }, { limit: 100_000 }, { offset: -1 }]) checkRefused(await ctx.call('admin', 'admin.probes.list', input), `list ${JSON.stringify(input)}`, { code: 'BAD_REQUEST' });
      check(ctx.fingerprint() === before, 'a refused probe decision wrote something');
    },
  },
];
