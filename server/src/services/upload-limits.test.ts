import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TRPCError } from '@trpc/server';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { eq, sql } from 'drizzle-orm';
import { recordings } from '../db/schema/index.ts';
import { runTool, Slots, toolSlots, ToolError } from '../audio/run-tool.ts';
import { callerFor, makeUser, testApp, type TestApp } from '../testing/app.ts';
import { addExpression, addRecording, importVideo, offerTo } from '../testing/factories.ts';
import { speechTools, speechWav } from '../testing/speech.ts';
import { ffmpegHere, ffmpegSkipNote, flacBomb, lyingFlacBomb } from '../testing/audio-bombs.ts';
import { UPLOAD_LIMITS } from './recording.ts';

type User = Awaited<ReturnType<typeof makeUser>>;

function form(fields: Record<string, string>, bytes: Uint8Array): FormData {
  const f = new FormData();
  for (const [k, v] of Object.entries(fields)) f.set(k, v);
  f.set('file', new Blob([new Uint8Array(bytes)]), 'take.flac');
  return f;
}


/** Largest file seen under `dir` while `work` runs (polled every 10 ms). */
async function largestFileDuring<T>(dir: string, work: () => Promise<T>): Promise<{ result: T | Error; largest: number }> {
  let largest = 0;
  const scan = (d: string) => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const p = path.join(d, e.name);
      try {
        if (e.isDirectory()) scan(p);
        else largest = Math.max(largest, statSync(p).size);
      } catch {
        // Removed while we looked.
      }
    }
  };
  const timer = setInterval(() => scan(dir), 10);
  try {
    const result = await work().catch((e: Error) => e);
    scan(dir);
    return { result, largest };
  } finally {
    clearInterval(timer);
  }
}

describe('external tools: bounded runs', () => {
  it('never runs more than MAX_TOOL_RUNS tools at once, and refuses beyond the queue', async () => {
    const before = toolSlots.peak;
    await Promise.all(Array.from({ length: 6 }, () => runTool('sleep', 'sleep', ['0.2'], { timeoutMs: 5000 })));
    expect(toolSlots.peak).toBeGreaterThanOrEqual(Math.min(2, before || 2));
    expect(toolSlots.peak).toBeLessThanOrEqual(toolSlots.size);

    const slots = new Slots(1, 2);
    const first = await slots.acquire('a');
    const queued = [slots.acquire('b'), slots.acquire('c')];
    await expect(slots.acquire('d')).rejects.toMatchObject({ kind: 'busy' });
    expect(slots.queued).toBe(2);
    first();
    (await queued[0]!)();
    (await queued[1]!)();
    expect(slots.peak).toBe(1);
    expect(new ToolError('x', 'busy').kind).toBe('busy');
  });
});

describe.skipIf(!ffmpegHere)('uploads: bombs, limits and offers' + ffmpegSkipNote, () => {
  let app: TestApp;
  let speaker: User;
  let other: User;
  let exprs: number[];
  let tmp: string;
  const savedTmp = process.env.TMPDIR;
  beforeAll(async () => {
    app = await testApp();
    // Conversions work in os.tmpdir(): point it where the test can watch.
    tmp = mkdtempSync(path.join(os.tmpdir(), 'upload-limits-'));
    process.env.TMPDIR = tmp;
    const videoId = await importVideo(app, 'clip', 'accepted', 3);
    const ann = await makeUser(app, 'ann', ['annotator']);
    speaker = await makeUser(app, 'spk', ['speaker']);
    other = await makeUser(app, 'spk2', ['speaker']);
    exprs = [];
    for (const text of ['the dog running away from the car', 'the bird flying over the water', 'the horse jumping across the fence']) {
      exprs.push(await addExpression(app, { videoId, authorId: ann.id, status: 'accepted', text }));
    }
  });
  afterAll(async () => {
    if (savedTmp === undefined) delete process.env.TMPDIR;
    else process.env.TMPDIR = savedTmp;
    rmSync(tmp, { recursive: true, force: true });
    await app.cleanup();
  });
  const upload = (who: User, expressionId: number, bytes: Uint8Array) =>
    callerFor(app, who).record.upload(form({ uid: crypto.randomUUID(), expressionId: String(expressionId), acknowledged: '["rate_fast","rate_slow"]' }, bytes));
  const rows = async () => (await app.db.select({ n: sql<number>`count(*)` }).from(recordings))[0]!.n;

  it('a 16 KB FLAC of 10 hours is refused by its probe, before ffmpeg writes anything', async () => {
    const bomb = await flacBomb();
    expect(bomb.length).toBeLessThan(64 * 1024);
    await offerTo(app, speaker.id, [exprs[0]!]);
    const t0 = performance.now();
    const { result, largest } = await largestFileDuring(tmp, () => upload(speaker, exprs[0]!, bomb));
    const ms = performance.now() - t0;
    console.log(`FLAC bomb (${bomb.length} bytes, 10 h): refused in ${ms.toFixed(0)} ms; largest temp file ${largest} bytes`);
    expect(result).toBeInstanceOf(TRPCError);
    expect((result as TRPCError).code).toBe('BAD_REQUEST');
    expect((result as TRPCError).message).toMatch(/10\.0 h long; a take may be at most 30 s/);
    expect(largest).toBeLessThan(1024 * 1024);
    expect(await rows()).toBe(0);
  });

  it('a bomb whose header lies (2 s) is cut by the conversion caps and refused as too long', async () => {
    const bomb = await lyingFlacBomb();
    const probe = execFileSync('ffprobe', ['-v', 'error', '-show_entries', 'stream=duration', '-of', 'csv=p=0', '-'], { input: bomb }).toString().trim();
    expect(Number(probe)).toBeLessThan(3);
    const t0 = performance.now();
    const { result, largest } = await largestFileDuring(tmp, () => upload(speaker, exprs[0]!, bomb));
    console.log(`lying FLAC bomb: refused in ${(performance.now() - t0).toFixed(0)} ms; largest temp file ${largest} bytes`);
    expect(result).toBeInstanceOf(TRPCError);
    expect((result as TRPCError).message).toMatch(/longer than 30 s/);
    // 31 s of 48 kHz 16-bit mono plus the header: about 3 MB, never gigabytes.
    expect(largest).toBeLessThan(31 * 48000 * 2 + 64 * 1024);
    expect(await rows()).toBe(0);
  });

  it('uploads and skips only for expressions the server offered that speaker; ids tell nothing', async () => {
    const bytes = new Uint8Array([0x52, 0x49, 0x46, 0x46, 1, 2, 3, 4]);
    for (const id of [exprs[1]!, exprs[2]!, 999_999]) {
      const e = await upload(other, id, bytes).catch((err: unknown) => err);
      expect(e).toMatchObject({ code: 'NOT_FOUND', message: `expression ${id} not found` });
      await expect(callerFor(app, other).record.skip({ expressionId: id })).rejects.toMatchObject({ code: 'NOT_FOUND' });
    }
    // record.next hands one out; from then on it is theirs to record or skip.
    const next = await callerFor(app, other).record.next();
    expect(next).not.toBeNull();
    await expect(callerFor(app, other).record.skip({ expressionId: next!.expressionId })).resolves.toBeDefined();
    expect(await rows()).toBe(0);
  });

  it('bounds takes per expression and uploads per speaker in a window, before decoding anything', async () => {
    await offerTo(app, speaker.id, exprs);
    for (let i = 0; i < UPLOAD_LIMITS.takesPerExpression; i++) await addRecording(app, exprs[1]!, speaker.id, 'failed');
    const many = await upload(speaker, exprs[1]!, new Uint8Array([1, 2, 3])).catch((e: unknown) => e);
    expect(many).toMatchObject({ code: 'TOO_MANY_REQUESTS', message: expect.stringMatching(/recorded this sentence 5 times/) });
    await app.db.transaction((tx) => tx.delete(recordings));
    for (let i = 0; i < UPLOAD_LIMITS.perWindow; i++) await addRecording(app, exprs[i % 3]!, other.id, 'failed');
    await offerTo(app, other.id, exprs);
    await app.db.transaction((tx) => tx.update(recordings).set({ expressionId: exprs[0]! }).where(eq(recordings.speakerId, other.id)));
    const flood = await upload(other, exprs[2]!, new Uint8Array([1, 2, 3])).catch((e: unknown) => e);
    expect(flood).toMatchObject({ code: 'TOO_MANY_REQUESTS', message: expect.stringMatching(/in the last 10 minutes/) });
    await app.db.transaction((tx) => tx.delete(recordings));
  });

  it.skipIf(!speechTools.available)('one upload in flight per speaker: a second take waits its turn, a retry of the first gets its result', async () => {
    await offerTo(app, speaker.id, exprs);
    const take = speechWav('the bird flying over the water');
    const uid = crypto.randomUUID();
    const send = (u: string, id: number) => callerFor(app, speaker).record.upload(form({ uid: u, expressionId: String(id), acknowledged: '["rate_fast","rate_slow"]' }, take));
    const [a, retry, second] = await Promise.all([send(uid, exprs[1]!), send(uid, exprs[1]!), send(crypto.randomUUID(), exprs[1]!).catch((e: unknown) => e)]);
    expect(retry).toMatchObject({ recordingId: a.recordingId, alreadySubmitted: true });
    expect(second).toMatchObject({ code: 'TOO_MANY_REQUESTS', message: expect.stringMatching(/still being checked/) });
    expect(await rows()).toBe(1);
  });
});

describe.skipIf(!speechTools.available)('TTS jobs are deduplicated per expression' + speechTools.skipNote, () => {
  let app: TestApp | undefined;
  afterAll(() => app?.cleanup());
  it('two starts for the same expressions synthesize each once; a third skips what is already synthesized', async () => {
    const a = (app = await testApp());
    const videoId = await importVideo(a, 'clip', 'accepted', 2);
    const ann = await makeUser(a, 'ann', ['annotator']);
    const admin = await makeUser(a, 'boss', ['admin']);
    const ids: number[] = [];
    for (const text of ['the dog running away from the car', 'the bird flying over the water']) ids.push(await addExpression(a, { videoId, authorId: ann.id, status: 'accepted', text }));
    const [j1, j2] = await Promise.all([a.tts.start(ids, admin.id), a.tts.start(ids, admin.id)]);
    expect(j1.total + j2.total).toBe(2);
    expect(j1.skipped + j2.skipped).toBe(2);
    await Promise.all([a.tts.wait(j1.id), a.tts.wait(j2.id)]);
    const clips = await a.db.select({ e: recordings.expressionId }).from(recordings).where(eq(recordings.kind, 'tts'));
    expect(clips.map((c) => c.e).sort()).toEqual([...ids].sort());
    const j3 = await a.tts.start(ids, admin.id);
    expect(j3).toMatchObject({ total: 0, skipped: 2, state: 'finished' });
  });
});
