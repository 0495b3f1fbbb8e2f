/**
 * Attacks on the audio path: decompression bombs (a long file saying so, one lying about its
 * length, one whose single frame would resample into gigabytes), uploads and skips for sentences
 * never offered, a sixth take of one sentence, a flood of uploads from one speaker, and duplicate
 * synthesis jobs.
 */
import { spawnSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { ffmpegHere, flacBomb, lyingFlacBomb, oneHertzBomb } from '../../server/src/testing/audio-bombs.ts';
import { speechTools, speechWav } from '../../server/src/testing/speech.ts';
import { toTrpcResult } from '../lib/http.ts';
import { check, checkRefused, type AbuseCtx, type Account, type AccountName, type Attack, type TrpcResult } from '../lib/types.ts';

const espeakHere = spawnSync('espeak-ng', ['--version'], { stdio: 'ignore' }).status === 0;


/** Waits until the recognizer has judged every clip: its verdicts are writes of their own. */
async function recognizerIdle(ctx: AbuseCtx): Promise<void> {
  const db = ctx.db();
  for (let i = 0; i < 600; i++) {
    const n = (db.prepare(`select count(*) as n from recordings where asr_status = 'pending' and status <> 'failed'`).get() as { n: number }).n;
    if (n === 0) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  check(false, 'the recognizer did not finish its queue within 60 s');
}

async function upload(ctx: AbuseCtx, who: AccountName | Account, expressionId: number, bytes: Uint8Array, uid = randomUUID()): Promise<TrpcResult> {
  const form = new FormData();
  form.set('uid', uid);
  form.set('expressionId', String(expressionId));
  form.set('acknowledged', '["rate_fast","rate_slow","too_quiet","clipping"]');
  form.set('file', new Blob([new Uint8Array(bytes)]), 'take.flac');
  const encoded = new Response(form);
  const body = new Uint8Array(await encoded.arrayBuffer());
  const res = await ctx.raw({
    method: 'POST',
    path: '/trpc/record.upload',
    headers: { 'content-type': encoded.headers.get('content-type')!, 'x-studio-upload': '1', cookie: typeof who === 'string' ? ctx.seed.accounts[who].cookie : who.cookie },
    body,
  });
  return toTrpcResult(res);
}

/** The expression `record.next` hands this speaker (which they may then upload for). */
async function offered(ctx: AbuseCtx, who: AccountName | Account): Promise<number> {
  return (await offeredText(ctx, who)).expressionId;
}

async function offeredText(ctx: AbuseCtx, who: AccountName | Account): Promise<{ expressionId: number; text: string }> {
  const next = await ctx.call<{ expressionId: number; text: string } | null>(typeof who === 'string' ? who : { cookie: who.cookie }, 'record.next');
  check(next.status === 200 && next.data, `record.next gave nothing to record (${next.status} ${next.text.slice(0, 200)})`);
  return next.data;
}

export const attacks: Attack[] = [
  {
    name: 'audio: a 16 KB FLAC holding 10 hours of silence',
    async run(ctx) {
      if (!ffmpegHere) return ctx.log('ffmpeg is not installed: uploads are switched off, nothing to attack');
      const id = await offered(ctx, 'speaker');
      const before = ctx.fingerprint();
      const res = await upload(ctx, 'speaker', id, await flacBomb());
      checkRefused(res, 'the FLAC bomb', { code: 'BAD_REQUEST', message: /at most 30 s/ });
      check(res.ms < 5000, `the bomb took ${res.ms.toFixed(0)} ms to refuse`);
      check(ctx.fingerprint() === before, 'the bomb left something behind');
    },
  },
  {
    name: 'audio: the same bomb with a header claiming 2 seconds',
    async run(ctx) {
      if (!ffmpegHere) return ctx.log('ffmpeg is not installed: uploads are switched off, nothing to attack');
      const id = await offered(ctx, 'speaker');
      const before = ctx.fingerprint();
      const res = await upload(ctx, 'speaker', id, await lyingFlacBomb());
      checkRefused(res, 'the lying FLAC bomb', { code: 'BAD_REQUEST', message: /longer than 30 s/ });
      check(res.ms < 10_000, `the lying bomb took ${res.ms.toFixed(0)} ms to refuse`);
      check(ctx.fingerprint() === before, 'the lying bomb left something behind');
    },
  },
  {
    name: 'audio: an 8 KB FLAC frame of 18 hours at 1 Hz claiming 2 seconds',
    async run(ctx) {
      if (!ffmpegHere) return ctx.log('ffmpeg is not installed: uploads are switched off, nothing to attack');
      const id = await offered(ctx, 'speaker');
      const before = ctx.fingerprint();
      const bomb = await oneHertzBomb();
      const res = await upload(ctx, 'speaker', id, bomb);
      ctx.log(`${bomb.length} bytes refused in ${res.ms.toFixed(0)} ms: ${res.error?.message.slice(0, 90)}`);
      // Resampled whole, that one frame is ~6 GB of samples; refused by its rate before converting.
      checkRefused(res, 'the 1 Hz FLAC bomb', { code: 'BAD_REQUEST', message: /below the required 44\.1 kHz/ });
      check(res.ms < 5000, `the 1 Hz bomb took ${res.ms.toFixed(0)} ms to refuse`);
      check(ctx.fingerprint() === before, 'the 1 Hz bomb left something behind');
    },
  },
  {
    name: 'audio: uploads and skips for sentences never offered (id stepping)',
    async run(ctx) {
      const before = ctx.fingerprint();
      const max = (ctx.db().prepare('select max(id) as n from expressions').get() as { n: number }).n;
      for (let id = 1; id <= max + 3; id++) {
        // speaker2 never called record.next.
        checkRefused(await upload(ctx, 'speaker2', id, new Uint8Array([1, 2, 3, 4])), `upload for expression ${id}`, { code: 'NOT_FOUND', message: /not found/ });
        checkRefused(await ctx.call('speaker2', 'record.skip', { expressionId: id }), `skip of expression ${id}`, { code: 'NOT_FOUND' });
      }
      check(ctx.fingerprint() === before, 'id stepping on uploads wrote something');
    },
  },
  {
    name: 'audio: a sixth take of one sentence',
    timeoutMs: 120_000,
    async run(ctx) {
      if (!speechTools.available) return ctx.log(`no speech to record here${speechTools.skipNote}`);
      const speaker = await ctx.newAccount(['speaker']);
      const { expressionId, text } = await offeredText(ctx, speaker);
      const take = speechWav(text);
      for (let i = 0; i < 5; i++) {
        const res = await upload(ctx, speaker, expressionId, take);
        check(res.status === 200, `honest take ${i + 1} of 5 was refused: ${res.status} ${res.text.slice(0, 200)}`);
      }
      // The recognizer's verdicts on those five are writes of their own: let them land first.
      await recognizerIdle(ctx);
      const before = ctx.fingerprint();
      const sixth = await upload(ctx, speaker, expressionId, take);
      checkRefused(sixth, 'a sixth take of one sentence', { code: 'TOO_MANY_REQUESTS', message: /recorded this sentence 5 times/ });
      check(ctx.fingerprint() === before, 'the sixth take left something behind');
    },
  },
  {
    name: 'audio: 12 uploads at once from one speaker',
    async run(ctx) {
      if (!ffmpegHere) return ctx.log('ffmpeg is not installed: uploads are switched off, nothing to attack');
      const id = await offered(ctx, 'speaker');
      const bomb = await lyingFlacBomb();
      const before = ctx.fingerprint();
      const results = await Promise.all(Array.from({ length: 12 }, () => upload(ctx, 'speaker', id, bomb)));
      const busy = results.filter((r) => r.error?.code === 'TOO_MANY_REQUESTS').length;
      for (const r of results) checkRefused(r, 'a flooded upload');
      check(busy >= 11, `only ${busy} of 12 concurrent uploads were told to wait (one at a time per speaker)`);
      check(ctx.fingerprint() === before, 'the flood left something behind');
    },
  },
  {
    name: 'audio: the same synthesis requested twice at once',
    timeoutMs: 120_000,
    async run(ctx) {
      if (!espeakHere || !ffmpegHere) return ctx.log('espeak-ng or ffmpeg is not installed: synthesis is switched off, nothing to attack');
      const ids = [ctx.seed.acceptedExpressionId];
      const [a, b] = await Promise.all([0, 1].map(() => ctx.call<{ id: string; total: number; skipped: number }>('admin', 'admin.audio.synthesize', { expressionIds: ids })));
      check(a!.status === 200 && b!.status === 200, `synthesis requests failed: ${a!.text.slice(0, 120)} ${b!.text.slice(0, 120)}`);
      check(a!.data!.total + b!.data!.total === 1 && a!.data!.skipped + b!.data!.skipped === 1, `both requests synthesize: ${a!.text} ${b!.text}`);
      for (let i = 0; i < 200; i++) {
        const jobs = await Promise.all([a!, b!].map((j) => ctx.call<{ state: string }>('admin', 'admin.audio.job', { id: j.data!.id })));
        if (jobs.every((j) => j.data?.state === 'finished')) break;
        await new Promise((r) => setTimeout(r, 250));
      }
      const clips = (ctx.db().prepare(`select count(*) as n from recordings where kind = 'tts' and expression_id = ?`).get(ids[0]) as { n: number }).n;
      check(clips === 1, `${clips} synthesized clips for one expression`);
      // The clip's recognizer verdict must not land in the next attack's fingerprint.
      await recognizerIdle(ctx);
    },
  },
];
