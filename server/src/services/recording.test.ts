import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TRPCError } from '@trpc/server';
import { eq } from 'drizzle-orm';
import { parseWav } from '#shared/audio/index.ts';
import { clipLeases, recordings } from '../db/schema/index.ts';
import { callerFor, makeUser, testApp, type TestApp } from '../testing/app.ts';
import { addExpression, importVideo, offerTo } from '../testing/factories.ts';
import { reencode, silenceWav, speechTools, speechWav } from '../testing/speech.ts';
import { mayHearClip, nextClip, voteClip } from './clip-verification.ts';
import { audioStats } from './audio-stats.ts';
import { nextToRecord } from './recording.ts';
import { speakerOverview } from './overview.ts';

type User = Awaited<ReturnType<typeof makeUser>>;

const TEXT = 'the dog running away from the car near the tree';
const OTHERS = ['the bird flying over the water', 'the horse jumping across the fence', 'the man walking slowly to the left'];

function form(fields: Record<string, string>, bytes: Uint8Array, name = 'take.wav'): FormData {
  const f = new FormData();
  for (const [k, v] of Object.entries(fields)) f.set(k, v);
  f.set('file', new Blob([new Uint8Array(bytes)]), name);
  return f;
}

describe.skipIf(!speechTools.available)('recording, checks, recognition and verification' + speechTools.skipNote, () => {
  let app: TestApp;
  let speaker: User;
  let verifier: User;
  let verifier2: User;
  let admin: User;
  let expressionId: number;
  beforeAll(async () => {
    app = await testApp();
    const videoId = await importVideo(app, 'clip', 'accepted', 3);
    const ann = await makeUser(app, 'ann', ['annotator']);
    speaker = await makeUser(app, 'spk', ['speaker']);
    verifier = await makeUser(app, 'ver', ['validator']);
    verifier2 = await makeUser(app, 'ver2', ['validator']);
    admin = await makeUser(app, 'boss', ['admin']);
    expressionId = await addExpression(app, { videoId, authorId: ann.id, status: 'accepted', text: TEXT });
    for (const t of OTHERS) await addExpression(app, { videoId, authorId: ann.id, status: 'accepted', text: t });
    // The page uploads what record.next handed out; these tests upload for all four.
    await offerTo(app, speaker.id, [expressionId, expressionId + 1, expressionId + 2, expressionId + 3]);
  });
  afterAll(() => app.cleanup());

  const upload = (fields: Record<string, string>, bytes: Uint8Array, name?: string) => callerFor(app, speaker).record.upload(form(fields, bytes, name));
  const refusal = async (p: Promise<unknown>) => {
    const e = await p.catch((err: unknown) => err);
    expect(e).toBeInstanceOf(TRPCError);
    return e as TRPCError;
  };

  it('offers accepted expressions that need audio, fewest takes first', async () => {
    const next = (await nextToRecord(app.db, speaker.id))!;
    expect(next.text).toBe(TEXT);
    expect(next.recordings).toBe(0);
  });

  it('takes a real spoken clip: 48 kHz 16-bit WAV stored, original kept, row written, retry idempotent', async () => {
    const wav44 = speechWav(TEXT, { wpm: 85, rate: 44100 });
    const uid = crypto.randomUUID();
    const r = await upload({ uid, expressionId: String(expressionId), acknowledged: '[]' }, wav44);
    expect(r).toMatchObject({ status: 'submitted', alreadySubmitted: false });
    expect(r.wordsPerMinute).toBeGreaterThan(90);
    expect(r.wordsPerMinute).toBeLessThan(170);
    const row = (await app.db.select().from(recordings).where(eq(recordings.id, r.recordingId)))[0]!;
    expect(row).toMatchObject({ kind: 'human', speakerId: speaker.id, sampleRate: 48000, lossless: true, asrStatus: 'pending' });
    const stored = parseWav(app.store.read(row.sha256));
    expect([stored.sampleRate, stored.channels, stored.bitsPerSample]).toEqual([48000, 1, 16]);
    expect(Math.abs(stored.length / 48000 - row.durationMs / 1000)).toBeLessThan(0.01);
    expect(Buffer.from(app.store.read(row.originalSha256!)).equals(Buffer.from(wav44))).toBe(true);
    expect(row.trimStartMs!).toBeGreaterThan(250);
    expect(row.trimStartMs!).toBeLessThan(550);
    const again = await upload({ uid, expressionId: String(expressionId), acknowledged: '[]' }, wav44);
    expect(again).toMatchObject({ recordingId: r.recordingId, alreadySubmitted: true });
    expect(await app.db.select().from(recordings)).toHaveLength(1);
    // A retry that arrives while the first upload is still converting: one row, two clean answers.
    const uid2 = crypto.randomUUID();
    const other = speechWav(OTHERS[2]!);
    const both = await Promise.all([0, 1].map(() => upload({ uid: uid2, expressionId: String(expressionId + 3), acknowledged: '["rate_fast","rate_slow"]' }, other)));
    expect(both[0]!.recordingId).toBe(both[1]!.recordingId);
    expect(both.map((b) => b.alreadySubmitted).sort()).toEqual([false, true]);
    await app.db.transaction((tx) => tx.delete(recordings).where(eq(recordings.uid, uid2)));
    // No longer needs audio while its clip is being checked.
    expect((await nextToRecord(app.db, speaker.id))?.expressionId).not.toBe(expressionId);
  });

  it('the recognizer picks the clip’s text among the video’s expressions and distractors', async () => {
    await app.audio.drain();
    const row = (await app.db.select().from(recordings))[0]!;
    expect(row.asrStatus).toBe('passed');
    expect(row.asrTranscript).toBeTruthy();
    expect(row.asrWer).not.toBeNull();
    expect(row.status).toBe('submitted');
  });

  it('two validators (not the speaker) each listen to the end and agree; then the clip is verified', async () => {
    const row = (await app.db.select().from(recordings))[0]!;
    expect(await mayHearClip(app.db, verifier, row.id)).toBeNull();
    const t0 = Date.now();
    const clip = (await nextClip(app.db, verifier.id, t0))!;
    expect(Object.keys(clip).sort()).toEqual(['durationMs', 'expiresAt', 'recordingId', 'text']);
    expect(await mayHearClip(app.db, verifier, row.id, t0 + 1)).toBe(row.sha256);
    expect(await mayHearClip(app.db, speaker, row.id)).toBe(row.sha256);
    expect(await mayHearClip(app.db, admin, row.id)).toBe(row.sha256);
    await expect(voteClip(app.db, verifier.id, row.id, 'match', undefined, t0 + 100)).rejects.toThrow('please listen to the whole clip');
    await expect(voteClip(app.db, verifier.id, row.id, 'mismatch', undefined, t0 + row.durationMs + 10)).rejects.toThrow('please say what is wrong');
    // One listener is not enough (settings: clipVotesNeeded, 2 by default, as Common Voice).
    expect(await voteClip(app.db, verifier.id, row.id, 'match', undefined, t0 + row.durationMs + 10)).toEqual({ status: 'submitted', alreadyVoted: false, synthesized: false });
    expect(await app.db.select().from(clipLeases)).toEqual([]);
    expect(await mayHearClip(app.db, verifier, row.id)).toBeNull();
    // Nobody votes twice on a clip: it is not handed to them again, and a repeated vote changes nothing.
    expect(await nextClip(app.db, verifier.id, t0 + row.durationMs + 20)).toBeNull();
    expect(await voteClip(app.db, verifier.id, row.id, 'mismatch', 'changed my mind', t0 + row.durationMs + 30)).toMatchObject({ status: 'submitted', alreadyVoted: true });
    const t1 = Date.now();
    expect((await nextClip(app.db, verifier2.id, t1))!.recordingId).toBe(row.id);
    expect(await voteClip(app.db, verifier2.id, row.id, 'match', undefined, t1 + row.durationMs + 10)).toEqual({ status: 'verified', alreadyVoted: false, synthesized: false });
    expect(await nextClip(app.db, verifier2.id, t1 + row.durationMs + 20)).toBeNull();
  });

  it('refuses silence, lossy audio, empty and broken uploads with clear messages and stores nothing', async () => {
    const files = async () => (await app.db.select().from(recordings)).length;
    const before = await files();
    const silent = await refusal(upload({ uid: crypto.randomUUID(), expressionId: String(expressionId + 1) }, silenceWav(3)));
    expect(silent.message).toMatch(/no speech/i);
    const opus = await refusal(upload({ uid: crypto.randomUUID(), expressionId: String(expressionId + 1) }, reencode(speechWav(OTHERS[0]!), 'webm', ['-c:a', 'libopus']), 'take.webm'));
    expect(opus.message).toMatch(/lossy audio \(opus\) is refused/);
    expect((await refusal(upload({ uid: crypto.randomUUID(), expressionId: String(expressionId + 1) }, new Uint8Array()))).message).toMatch(/empty/);
    expect((await refusal(upload({ uid: crypto.randomUUID(), expressionId: String(expressionId + 1) }, new TextEncoder().encode('RIFF....WAVEnot really')))).message).toMatch(/the WAV file is broken/);
    expect((await refusal(upload({ uid: crypto.randomUUID(), expressionId: String(expressionId + 1) }, new TextEncoder().encode('just some text, not audio at all'.repeat(20))))).message).toMatch(/not audio this server can read/);
    // A header that claims more samples than the file holds.
    const lying = speechWav(OTHERS[0]!);
    const view = new DataView(lying.buffer, lying.byteOffset);
    view.setUint32(40, view.getUint32(40, true) + 48_000, true);
    expect((await refusal(upload({ uid: crypto.randomUUID(), expressionId: String(expressionId + 1) }, lying))).message).toMatch(/the WAV file is broken: .*/);
    // Below the dataset rate, and too big to take.
    expect((await refusal(upload({ uid: crypto.randomUUID(), expressionId: String(expressionId + 1) }, speechWav(OTHERS[0]!, { rate: 22050 })))).message).toMatch(/22.05 kHz/);
    expect((await refusal(upload({ uid: crypto.randomUUID(), expressionId: String(expressionId + 1) }, new Uint8Array(26 * 1024 * 1024)))).message).toMatch(/larger than 25 MB/);
    expect((await refusal(upload({ uid: 'nope', expressionId: '1' }, speechWav('x')))).message).toMatch(/invalid upload field uid/);
    expect(await files()).toBe(before);
  });

  it('asks the speaker to confirm an unusual speaking rate, refuses a far-off one', async () => {
    const id = expressionId + 1;
    const fast = speechWav(OTHERS[0]!, { wpm: 140 });
    const e = await refusal(upload({ uid: crypto.randomUUID(), expressionId: String(id) }, fast));
    expect(e.code).toBe('PRECONDITION_FAILED');
    expect(e.message).toMatch(/words per minute/);
    const ok = await upload({ uid: crypto.randomUUID(), expressionId: String(id), acknowledged: JSON.stringify(['rate_fast']) }, fast);
    expect(ok.status).toBe('submitted');
    const crazy = speechWav(OTHERS[1]!, { wpm: 400 });
    const far = await refusal(upload({ uid: crypto.randomUUID(), expressionId: String(id + 1), acknowledged: JSON.stringify(['rate_fast']) }, crazy));
    expect(far.code).toBe('BAD_REQUEST');
  });

  it('a clip both listeners reject fails, and its expression needs audio again', async () => {
    await app.audio.drain();
    const clip = (await nextClip(app.db, verifier.id))!;
    expect(clip).not.toBeNull();
    const row = (await app.db.select().from(recordings).where(eq(recordings.id, clip.recordingId)))[0]!;
    const needBefore = (await speakerOverview(app.db, speaker.id)).needAudio;
    const voteAfterListening = async (who: User, vote: 'mismatch' | 'unclear', reason: string) => {
      const lease = (await app.db.select().from(clipLeases).where(eq(clipLeases.verifierId, who.id)))[0]!;
      return voteClip(app.db, who.id, clip.recordingId, vote, reason, lease.issuedAt + row.durationMs + 1);
    };
    expect((await voteAfterListening(verifier, 'unclear', 'mumbled')).status).toBe('submitted');
    expect((await nextClip(app.db, verifier2.id))!.recordingId).toBe(clip.recordingId);
    // Two complaints decide it; "does not match" is the cause over "unclear" on a tie.
    expect((await voteAfterListening(verifier2, 'mismatch', 'it says another sentence')).status).toBe('failed');
    const failed = (await app.db.select().from(recordings).where(eq(recordings.id, clip.recordingId)))[0]!;
    expect(failed.failureCause).toBe('human_mismatch');
    const mine = await callerFor(app, speaker).record.mine();
    expect(mine.find((m) => m.id === clip.recordingId)).toMatchObject({ status: 'failed', failureCause: 'human_mismatch' });
    expect((await speakerOverview(app.db, speaker.id)).needAudio).toBe(needBefore + 1);
  });

  it('synthesizes TTS clips with provenance, through the same gates', async () => {
    const next = (await nextToRecord(app.db, speaker.id))!;
    const job = await callerFor(app, admin).admin.audio.synthesize({ expressionIds: [next.expressionId] });
    const done = await app.tts.wait(job.id);
    expect(done).toMatchObject({ total: 1, done: 1, failed: 0, state: 'finished' });
    const tts = (await app.db.select().from(recordings).where(eq(recordings.kind, 'tts')))[0]!;
    expect(tts.speakerId).toBeNull();
    expect(JSON.parse(tts.provenance!)).toMatchObject({ engine: 'espeak-ng' });
    expect(parseWav(app.store.read(tts.sha256)).sampleRate).toBe(48000);
    await app.audio.drain();
    // The recognizer has judged the synthetic take like any other, and its verdict is applied
    // (whether espeak's voice of the day passes is calibration, measured in the README).
    const checked = (await app.db.select().from(recordings).where(eq(recordings.id, tts.id)))[0]!;
    expect(checked.asrEngine).toBe('pocketsphinx');
    expect(checked.asrStatus === 'passed' ? checked.status : checked.failureCause).toBe(checked.asrStatus === 'passed' ? 'submitted' : 'asr');
    const stats = await audioStats(app.db);
    expect(stats.byKind.some((k) => k.kind === 'tts' && k.seconds > 1)).toBe(true);
    expect(stats.perSpeaker.map((p) => p.username)).toEqual(['spk']);
  }, 60_000);

  it('keeps an opt-in speaker profile', async () => {
    const caller = callerFor(app, speaker);
    expect(await caller.record.profile.get()).toEqual({ nativeness: null, gender: null, ageGroup: null, microphone: null });
    await caller.record.profile.set({ nativeness: 'non_native', gender: null, ageGroup: '30-44', microphone: 'headset' });
    expect(await caller.record.profile.get()).toEqual({ nativeness: 'non_native', gender: null, ageGroup: '30-44', microphone: 'headset' });
  });
});
