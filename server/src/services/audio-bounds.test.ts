import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TRPCError } from '@trpc/server';
import { eq, sql } from 'drizzle-orm';
import { recordings } from '../db/schema/index.ts';
import { runTool, toolSlots } from '../audio/run-tool.ts';
import { detectAudioTools } from '../audio/tools.ts';
import { callerFor, makeUser, testApp, type TestApp } from '../testing/app.ts';
import { ffmpegHere, ffmpegSkipNote, limitedFfmpeg, silentFlac, withClaimedSamples } from '../testing/audio-bombs.ts';
import { addExpression, importVideo, offerTo } from '../testing/factories.ts';
import { speechTools } from '../testing/speech.ts';

describe.skipIf(!ffmpegHere)('uploads below the dataset rate are refused before any conversion' + ffmpegSkipNote, () => {
  let app: TestApp;
  let limited: ReturnType<typeof limitedFfmpeg>;
  beforeAll(async () => {
    const real = await detectAudioTools();
    // The app's audio tools are found when it opens: give it an ffmpeg that logs every run (and
    // could not swap the machine if a conversion did start).
    limited = limitedFfmpeg(real.ffmpeg!, 1024 * 1024);
    const saved = { FFMPEG_PATH: process.env.FFMPEG_PATH, FFPROBE_PATH: process.env.FFPROBE_PATH };
    process.env.FFMPEG_PATH = limited.path;
    process.env.FFPROBE_PATH = real.ffprobe!;
    try {
      app = await testApp();
      expect((await app.audio.tools()).ffmpeg).toBe(limited.path);
    } finally {
      for (const [k, v] of Object.entries(saved)) {
        if (v === undefined) delete process.env[k];
        else process.env[k] = v;
      }
    }
  });
  afterAll(async () => {
    await app.cleanup();
    limited.dispose();
  });

  it('an 8 KB FLAC at 1 Hz whose header claims 2 s: refused by its probed rate, ffmpeg never started', async () => {
    const videoId = await importVideo(app, 'clip', 'accepted', 2);
    const ann = await makeUser(app, 'ann', ['annotator']);
    const speaker = await makeUser(app, 'spk', ['speaker']);
    const expressionId = await addExpression(app, { videoId, authorId: ann.id, status: 'accepted', text: 'the dog running away from the car' });
    await offerTo(app, speaker.id, [expressionId]);
    const bomb = withClaimedSamples(await silentFlac({ rate: 1, seconds: 65535, frameSize: 65535 }), 2);
    const form = new FormData();
    form.set('uid', crypto.randomUUID());
    form.set('expressionId', String(expressionId));
    form.set('file', new Blob([new Uint8Array(bomb)]), 'take.flac');
    const err = await callerFor(app, speaker).record.upload(form).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(TRPCError);
    expect(err).toMatchObject({ code: 'BAD_REQUEST', message: expect.stringMatching(/made at 0\.001 kHz, below the required 44\.1 kHz/) });
    // Before, it reached the conversion: 65,535 samples at 1 Hz resampled to 48 kHz at once.
    expect(limited.runs()).toEqual([]);
    expect((await app.db.select({ n: sql<number>`count(*)` }).from(recordings))[0]!.n).toBe(0);
  });
});

describe.skipIf(!speechTools.available)('a TTS job waits for a full tool queue instead of failing' + speechTools.skipNote, () => {
  let app: TestApp | undefined;
  afterAll(async () => {
    await app?.audio.drain();
    await app?.cleanup();
  });

  it('synthesizes once the queue has room again', async () => {
    const a = (app = await testApp());
    const videoId = await importVideo(a, 'clip', 'accepted', 2);
    const ann = await makeUser(a, 'ann', ['annotator']);
    const admin = await makeUser(a, 'boss', ['admin']);
    const expressionId = await addExpression(a, { videoId, authorId: ann.id, status: 'accepted', text: 'the bird flying over the water' });
    // Every slot taken for a second and the queue full behind them, as under a flood of uploads.
    const hold = Array.from({ length: toolSlots.size }, () => runTool('sleep', 'sleep', ['1'], { timeoutMs: 10_000 }));
    const queued = Array.from({ length: toolSlots.maxQueue }, () => runTool('sleep', 'sleep', ['0.05'], { timeoutMs: 10_000 }));
    expect(toolSlots.queued).toBe(toolSlots.maxQueue);
    const job = await a.tts.start([expressionId], admin.id);
    await Promise.all([...hold, ...queued]);
    const done = await a.tts.wait(job.id);
    // Before, the job's first espeak-ng run met the full queue and the expression failed as "busy".
    expect(done).toMatchObject({ total: 1, done: 1, failed: 0, errors: [] });
    expect(await a.db.select().from(recordings).where(eq(recordings.expressionId, expressionId))).toHaveLength(1);
  });
});
