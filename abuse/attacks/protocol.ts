/**
 * Attacks on the validation protocol: answering without the lease, harvesting gold, racing the
 * queue, answering twice, answering a sample the validator became ineligible for.
 */
import { randomUUID } from 'node:crypto';
import path from 'node:path';
import Database from 'better-sqlite3';
import { ANSWERS_WITHOUT_LEASE_SQL, LEASE_OVERLAPS_SQL } from '../../server/src/services/leases.ts';
import { check, checkRefused, type AbuseCtx, type Attack } from '../lib/types.ts';

const count = (ctx: AbuseCtx, sql: string, ...params: unknown[]) => (ctx.db().prepare(sql).get(...params) as { n: number }).n;

const overlaps = (ctx: AbuseCtx) => count(ctx, LEASE_OVERLAPS_SQL);

async function submitAsAnnotator(ctx: AbuseCtx, who: 'annotator' | 'annotator2', videoId: number, text: string): Promise<number> {
  const res = await ctx.call<{ expressionId: number }>(who, 'annotate.submit', {
    uid: randomUUID(),
    videoId,
    targets: [2],
    text,
    acknowledged: ['static_target', 'static_attributes'],
  });
  check(res.status === 200 && res.data, `the annotator could not submit (${res.status} ${res.text.slice(0, 200)})`);
  return res.data.expressionId;
}

/** A second writer beside the server, as the CLI would be. */
function withWriter<T>(ctx: AbuseCtx, fn: (db: Database.Database) => T): T {
  const db = new Database(path.join(ctx.dataDir, 'studio.db'));
  db.pragma('busy_timeout = 5000');
  try {
    return fn(db);
  } finally {
    db.close();
  }
}

export const attacks: Attack[] = [
  {
    name: 'protocol: an annotator and a friendly validator accept a sentence without a lease',
    async run(ctx) {
      const id = await submitAsAnnotator(ctx, 'annotator', ctx.seed.videoId, `the second object moving away quickly ${randomUUID().slice(0, 6)}`);
      const before = ctx.fingerprint();
      for (const v of ['validator1', 'validator2', 'validator3'] as const) {
        const res = await ctx.call(v, 'validate.answer', { expressionId: id, answer: { kind: 'targets', targets: [2] } });
        checkRefused(res, `${v} answering a sample never handed to them`, { code: 'CONFLICT', message: /not assigned to you/ });
      }
      check(ctx.fingerprint() === before, 'a refused answer wrote something');
      check(count(ctx, `select count(*) as n from expressions where id = ? and status = 'pending'`, id) === 1, 'the sample left pending');
    },
  },
  {
    name: 'protocol: stepping through ids on validate.answer',
    async run(ctx) {
      const max = count(ctx, 'select max(id) as n from expressions');
      const before = ctx.fingerprint();
      for (let id = 1; id <= max + 5; id++) {
        const res = await ctx.call('validator3', 'validate.answer', { expressionId: id, answer: { kind: 'no_target' } });
        checkRefused(res, `answer to expression ${id}`, { code: 'CONFLICT', message: /not assigned to you/ });
      }
      check(ctx.fingerprint() === before, 'id stepping wrote something');
    },
  },
  {
    name: 'protocol: harvesting gold answers by id',
    async run(ctx) {
      const res = await ctx.call('validator2', 'validate.answer', { expressionId: ctx.seed.goldExpressionId, answer: { kind: 'targets', targets: [1] } });
      checkRefused(res, 'answer to an unserved gold sample', { code: 'CONFLICT' });
      check(!/correctTargets|\[2\]/.test(res.text), `the refusal leaks the gold answer: ${res.text.slice(0, 200)}`);
      check(count(ctx, 'select count(*) as n from validations where expression_id = ?', ctx.seed.goldExpressionId) === 0, 'a gold answer was stored');
    },
  },
  {
    name: 'protocol: 24 validators race for the queue at once',
    timeoutMs: 90_000,
    async run(ctx) {
      const racers = await Promise.all(Array.from({ length: 24 }, () => ctx.newAccount(['validator'])));
      const got = await Promise.all(racers.map((r) => ctx.call<{ expressionId: number } | null>({ cookie: r.cookie }, 'validate.next')));
      check(got.every((g) => g.status === 200), `a next call failed: ${got.find((g) => g.status !== 200)?.text.slice(0, 200)}`);
      // Gold samples (round 0, answers change nothing) may be handed to several at once.
      const ids = got.map((g) => g.data?.expressionId).filter((x): x is number => x !== undefined && x !== ctx.seed.goldExpressionId);
      check(new Set(ids).size === ids.length, `one sample handed to two validators at once: ${ids.join(',')}`);
      check(overlaps(ctx) === 0, 'the lease history shows a sample held by two at once');
      // Each answers what it holds, twice at once: one answer stored per sample and validator.
      await Promise.all(
        racers.map(async (r, i) => {
          const s = got[i]!.data;
          if (!s) return;
          const both = await Promise.all([0, 1].map(() => ctx.call({ cookie: r.cookie }, 'validate.answer', { expressionId: s.expressionId, answer: { kind: 'targets', targets: [1] } })));
          check(both.every((b) => b.status === 200 || b.status === 409), `a doubled answer failed badly: ${both.map((b) => b.status).join(',')}`);
        }),
      );
      const twice = count(ctx, 'select count(*) as n from (select expression_id, round from validations where round > 0 group by expression_id, round having count(*) > 1)');
      check(twice === 0, `${twice} samples answered twice in one round`);
      const without = count(ctx, ANSWERS_WITHOUT_LEASE_SQL);
      check(without === 0, `${without} answers have no lease of their validator`);
    },
  },
  {
    name: 'protocol: a late answer after the sample was handed to someone else',
    async run(ctx) {
      const next = await ctx.newAccount(['validator']);
      let late = await ctx.newAccount(['validator']);
      await submitAsAnnotator(ctx, 'annotator', ctx.seed.otherVideoId, `the second object turning slowly ${randomUUID().slice(0, 6)}`);
      let held = await ctx.call<{ expressionId: number }>({ cookie: late.cookie }, 'validate.next');
      // The late validator must hold real work: a gold sample (the gold share's coin toss) is never
      // handed over, so a fresh validator tries again.
      for (let i = 0; i < 8 && held.data?.expressionId === ctx.seed.goldExpressionId; i++) {
        late = await ctx.newAccount(['validator']);
        held = await ctx.call<{ expressionId: number }>({ cookie: late.cookie }, 'validate.next');
      }
      check(held.data && held.data.expressionId !== ctx.seed.goldExpressionId, 'no real sample to hold');
      // Their time runs out (a writer beside the server moves the lease's end back, on the lease
      // and on the sample's queue mark, its copy), and the sample is the oldest in the queue, so
      // the next validator is handed it once the server's sweep (at most a second apart) has put
      // it back in the queue.
      withWriter(ctx, (db) => {
        db.prepare('update leases set expires_at = ? where validator_id = ?').run(Date.now() - 1000, late.id);
        db.prepare('update expressions set created_at = 0, lease_expires_at = ? where id = ?').run(Date.now() - 1000, held.data!.expressionId);
      });
      await new Promise((r) => setTimeout(r, 1100));
      // A validator may be handed a gold sample instead (the gold share is a coin toss), and keeps
      // it until answered: a fresh validator then tries again.
      let taker = next;
      let taken = await ctx.call<{ expressionId: number }>({ cookie: taker.cookie }, 'validate.next');
      for (let i = 0; i < 8 && taken.data?.expressionId === ctx.seed.goldExpressionId; i++) {
        taker = await ctx.newAccount(['validator']);
        taken = await ctx.call<{ expressionId: number }>({ cookie: taker.cookie }, 'validate.next');
      }
      check(taken.data?.expressionId === held.data.expressionId, `the expired sample was not handed over (got ${taken.data?.expressionId})`);
      const before = ctx.fingerprint();
      const res = await ctx.call({ cookie: late.cookie }, 'validate.answer', { expressionId: held.data.expressionId, answer: { kind: 'targets', targets: [2] } });
      checkRefused(res, 'a late answer after hand-over', { code: 'CONFLICT', message: /handed to someone else/ });
      check(ctx.fingerprint() === before, 'a late answer wrote something');
      const ok = await ctx.call({ cookie: taker.cookie }, 'validate.answer', { expressionId: held.data.expressionId, answer: { kind: 'targets', targets: [2] } });
      check(ok.status === 200, `the new holder could not answer: ${ok.text.slice(0, 200)}`);
    },
  },
  {
    name: 'protocol: a validator writes for the video after taking its sample, then answers',
    async run(ctx) {
      const both = await ctx.newAccount(['annotator', 'validator']);
      const text = `the second object drifting left ${randomUUID().slice(0, 6)}`;
      const id = await submitAsAnnotator(ctx, 'annotator', ctx.seed.otherVideoId, text);
      // Drain older samples into other hands so this one is next for `both`.
      let held: number | undefined;
      for (let i = 0; i < 40 && held !== id; i++) {
        const g = await ctx.call<{ expressionId: number }>({ cookie: both.cookie }, 'validate.next');
        held = g.data?.expressionId;
        if (held !== undefined && held !== id) {
          const a = await ctx.call({ cookie: both.cookie }, 'validate.answer', { expressionId: held, answer: { kind: 'reject', reason: 'ambiguous' } });
          check(a.status === 200, `draining the queue failed: ${a.text.slice(0, 200)}`);
        }
        if (held === undefined) break;
      }
      check(held === id, 'could not reach the planted sample');
      const sub = await ctx.call({ cookie: both.cookie }, 'annotate.submit', {
        uid: randomUUID(),
        videoId: ctx.seed.otherVideoId,
        targets: [1],
        text: `the first object spinning in place ${randomUUID().slice(0, 6)}`,
        acknowledged: ['static_target', 'static_attributes'],
      });
      check(sub.status === 200, `the annotation failed: ${sub.text.slice(0, 200)}`);
      const res = await ctx.call({ cookie: both.cookie }, 'validate.answer', { expressionId: id, answer: { kind: 'targets', targets: [2] } });
      checkRefused(res, 'answer on a video the validator wrote for', { code: 'CONFLICT', message: /wrote expressions for this video/ });
      check(count(ctx, 'select count(*) as n from validations where expression_id = ?', id) === 0, 'the answer was stored');
      check(count(ctx, 'select count(*) as n from leases where expression_id = ?', id) === 0, 'the ineligible lease was kept');
    },
  },
];
