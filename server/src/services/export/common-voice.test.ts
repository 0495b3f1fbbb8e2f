import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHash, createHmac } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { eq } from 'drizzle-orm';
import type { ClipVote } from '#shared/domain.ts';
import { clipVotes, recordings, settings, speakerProfiles } from '../../db/schema/index.ts';
import { makeUser, testApp, type TestApp } from '../../testing/app.ts';
import { addExpression, importVideo } from '../../testing/factories.ts';
import { getSettings } from '../settings.ts';
import { SPEAKER_SECRET_KEY } from './audio-tsv.ts';
import { createRelease, getRelease } from './plan.ts';
import { writeRelease } from './write.ts';

const ALL_TRAIN = { train: 1, valid_u: 0, valid: 0, test: 0 };
/** Before the releases are made: every row of the scenario is older than them. */
const PAST = Date.now() - 3_600_000;

type Row = Record<string, string>;

/** A clip list as a Common Voice loader reads it: tab-separated, header first, no quoting. */
function readTsv(file: string): Row[] {
  const lines = readFileSync(file, 'utf8').split('\n');
  expect(lines.pop()).toBe('');
  const head = lines.shift()!.split('\t');
  return lines.map((l) => {
    const cells = l.split('\t');
    expect(cells).toHaveLength(head.length);
    return Object.fromEntries(head.map((h, i) => [h, cells[i]!]));
  });
}

const answers = (r: Row) => [r.gender, r.age, r.nativeness, r.microphone];

describe('Common Voice clip lists and k-anonymity, through the exporter', () => {
  let app: TestApp;
  const out = (name: string) => path.join(app.config.dataDir, 'out', name);
  const speaker: Record<string, number> = {};
  const late: { pending: number } = { pending: 0 };
  let seq = 0;

  async function clip(expressionId: number, o: { speaker?: string; tts?: boolean; status: 'submitted' | 'verified' | 'failed'; at: number; decidedAt?: number; asrWer?: number; votes?: [string, ClipVote][] }): Promise<number> {
    const bytes = Buffer.from(`RIFF clip ${++seq}`);
    const sha256 = app.store.putSync(bytes).sha256;
    const id = await app.db.transaction(async (tx) => {
      const [row] = await tx
        .insert(recordings)
        .values({
          uid: `cv-${seq}`,
          expressionId,
          speakerId: o.tts ? null : speaker[o.speaker!]!,
          kind: o.tts ? 'tts' : 'human',
          status: o.status,
          sha256,
          sampleRate: 16000,
          durationMs: 1500 + seq,
          wordsPerMinute: 120 + seq / 10,
          provenance: o.tts ? JSON.stringify({ engine: 'espeak-ng', voice: 'en-us', wordsPerMinute: 150 }) : null,
          asrStatus: o.status === 'verified' ? 'passed' : 'pending',
          asrWer: o.asrWer ?? null,
          createdAt: o.at,
          decidedAt: o.status === 'submitted' ? null : (o.decidedAt ?? o.at + 1000),
        })
        .returning({ id: recordings.id });
      return row!.id;
    });
    for (const [who, vote] of o.votes ?? []) await addVote(id, who, vote, o.at + 500);
    return id;
  }

  const addVote = (recordingId: number, who: string, vote: ClipVote, at: number) =>
    app.db.transaction((tx) => tx.insert(clipVotes).values({ recordingId, verifierId: speaker[who]!, vote, reason: vote === 'match' ? null : 'why', createdAt: at }));

  beforeAll(async () => {
    app = await testApp();
    const author = await makeUser(app, 'author', ['annotator']);
    for (const name of ['v1', 'v2', 'v3']) speaker[name] = (await makeUser(app, name, ['validator'])).id;
    for (const name of ['s1', 's2', 's3', 's4', 's5', 's6', 's7']) speaker[name] = (await makeUser(app, name, ['speaker'])).id;
    const profile = (name: string, gender: string, ageGroup: string, nativeness: string, microphone: string) =>
      app.db.transaction((tx) => tx.insert(speakerProfiles).values({ userId: speaker[name]!, gender, ageGroup, nativeness, microphone, updatedAt: PAST } as typeof speakerProfiles.$inferInsert));
    // Five speakers share every answer; s6's answers are all their own; s7 (only a waiting clip)
    // shares all but the age group.
    for (const s of ['s1', 's2', 's3', 's4', 's5']) await profile(s, 'female', '18-29', 'native', 'headset');
    await profile('s6', 'male', '60+', 'non_native', 'studio');
    await profile('s7', 'female', '30-44', 'native', 'headset');

    const bear = await importVideo(app, 'bear', 'accepted', 3);
    const cows = await importVideo(app, 'cows', 'accepted', 2);
    const dogs = await importVideo(app, 'dogs', 'accepted', 2);
    const e = async (videoId: number, text: string) => addExpression(app, { videoId, authorId: author.id, status: 'accepted', targets: [1], text });
    const e1 = await e(bear, 'the bear walking away');
    const e2 = await e(bear, 'the "two" bears\tmoving\nleft');
    const e3 = await e(bear, 'the bear that turns around');
    const e4 = await e(cows, 'the cow eating grass');
    const e5 = await e(cows, 'the calf running to its mother');
    const e6 = await e(dogs, 'the dog jumping over the fence');
    const e7 = await e(dogs, 'the puppy chasing its tail');

    // bear/0: s6's take failed (a mismatch and an unclear), then s1's passed.
    await clip(e1, { speaker: 's6', status: 'failed', at: PAST, votes: [['v1', 'mismatch'], ['v2', 'unclear']] });
    await clip(e1, { speaker: 's1', status: 'verified', at: PAST + 10_000, asrWer: 0, votes: [['v1', 'match'], ['v2', 'match']] });
    // bear/1: split vote, decided by a third listener; a later verified take by s3 the release does not pick.
    await clip(e2, { speaker: 's2', status: 'verified', at: PAST + 20_000, asrWer: 0.25, votes: [['v1', 'match'], ['v2', 'mismatch'], ['v3', 'match']] });
    await clip(e2, { speaker: 's3', status: 'verified', at: PAST + 30_000, asrWer: 0, votes: [['v1', 'match'], ['v2', 'match']] });
    await clip(e3, { speaker: 's3', status: 'verified', at: PAST + 40_000, votes: [['v1', 'match'], ['v2', 'match']] });
    await clip(e4, { speaker: 's4', status: 'verified', at: PAST + 50_000, votes: [['v1', 'match'], ['v2', 'match']] });
    await clip(e5, { speaker: 's5', status: 'verified', at: PAST + 60_000, votes: [['v1', 'match'], ['v2', 'match']] });
    // cows/1 also has s7's take, waiting for its second listener when the release is made.
    late.pending = await clip(e5, { speaker: 's7', status: 'submitted', at: PAST + 70_000, votes: [['v1', 'match']] });
    await clip(e6, { speaker: 's6', status: 'verified', at: PAST + 80_000, votes: [['v1', 'match'], ['v2', 'match']] });
    // dogs/1: a synthesized take the recognizer failed, then one that passed.
    await clip(e7, { tts: true, status: 'failed', at: PAST + 90_000, asrWer: 0.8 });
    await clip(e7, { tts: true, status: 'verified', at: PAST + 100_000, asrWer: 0.1, votes: [['v1', 'match'], ['v2', 'match']] });
  });
  afterAll(async () => app.cleanup());

  it('writes validated, invalidated, other and reported lists whose paths are files of the package', async () => {
    const release = await createRelease(app.db, { proportions: ALL_TRAIN }, null);
    expect(release.params.kAnonymity).toBe(5);
    const res = await writeRelease(app.db, app.store, release, out('v1'));
    const audio = path.join(res.dir, 'audio');

    const validated = readTsv(path.join(audio, 'validated.tsv'));
    expect(validated.map((r) => [r.path, r.sentence_id, r.split, r.video, r.exp_id, r.source])).toEqual([
      ['train/bear/0.wav', 'bear/0', 'train', 'bear', '0', 'human'],
      ['train/bear/1.wav', 'bear/1', 'train', 'bear', '1', 'human'],
      ['train/bear/2.wav', 'bear/2', 'train', 'bear', '2', 'human'],
      ['train/cows/0.wav', 'cows/0', 'train', 'cows', '0', 'human'],
      ['train/cows/1.wav', 'cows/1', 'train', 'cows', '1', 'human'],
      ['train/dogs/0.wav', 'dogs/0', 'train', 'dogs', '0', 'human'],
      ['train/dogs/1.wav', 'dogs/1', 'train', 'dogs', '1', 'tts'],
    ]);
    for (const r of validated) expect(existsSync(path.join(audio, r.path!))).toBe(true);
    // Votes as Common Voice counts them, the sentence on one line with its quotes as they are.
    expect(validated[1]).toMatchObject({ sentence: 'the "two" bears moving left', up_votes: '2', down_votes: '1', asr_wer: '0.25', locale: 'en' });
    expect(validated[6]).toMatchObject({ engine: 'espeak-ng', voice: 'en-us', asr_wer: '0.1', gender: '', age: '' });
    // The same keys as audio_meta.json: one description per shipped clip.
    const meta = JSON.parse(readFileSync(path.join(audio, 'audio_meta.json'), 'utf8')) as Record<string, { duration_sec: number }>;
    expect(Object.keys(meta).sort()).toEqual(validated.map((r) => r.path).sort());
    expect(Number(validated[0]!.duration_ms) / 1000).toBe(meta['train/bear/0.wav']!.duration_sec);

    // Failed before the release: listed, audio left out.
    const invalidated = readTsv(path.join(audio, 'invalidated.tsv'));
    expect(invalidated.map((r) => [r.sentence_id, r.source, r.up_votes, r.down_votes, r.asr_wer, r.path])).toEqual([
      ['bear/0', 'human', '0', '2', '', ''],
      ['dogs/1', 'tts', '0', '0', '0.8', ''],
    ]);
    // Waiting when the release was made: its one vote so far, no WER yet.
    const other = readTsv(path.join(audio, 'other.tsv'));
    expect(other.map((r) => [r.sentence_id, r.up_votes, r.down_votes, r.path, r.asr_wer])).toEqual([['cows/1', '1', '0', '', '']]);
    // s3's second verified take of bear/1 is in no list: the release has one clip per expression.
    expect(validated.length + invalidated.length + other.length).toBe(10);
    expect(readFileSync(path.join(audio, 'reported.tsv'), 'utf8')).toBe('sentence\tsentence_id\tlocale\treason\n');
    const manifest = JSON.parse(readFileSync(path.join(res.dir, 'manifest.json'), 'utf8')) as { files: { path: string }[] };
    for (const f of ['validated', 'invalidated', 'other', 'reported']) expect(manifest.files.map((x) => x.path)).toContain(`audio/${f}.tsv`);

    // k = 5: the five who share every answer show them; s6 and s7 (alone with theirs) show nothing.
    const rowsOf = (rows: Row[], who: string) => rows.filter((r) => r.client_id === clientIds[who]);
    const secret = await storedSecret();
    const clientIds = Object.fromEntries(Object.entries(speaker).map(([n, id]) => [n, createHmac('sha256', secret).update(`user:${id}`).digest('hex')]));
    for (const s of ['s1', 's2', 's3', 's4', 's5']) expect(rowsOf(validated, s).map(answers)).toEqual([['female', '18-29', 'native', 'headset']]);
    expect([...rowsOf(validated, 's6'), ...rowsOf(invalidated, 's6')].map(answers)).toEqual([
      ['', '', '', ''],
      ['', '', '', ''],
    ]);
    expect(rowsOf(other, 's7').map(answers)).toEqual([['', '', '', '']]);

    // The card's and stats.json's speaker counts fold what fewer than 5 speakers said into "unstated".
    const stats = JSON.parse(readFileSync(path.join(res.dir, 'stats.json'), 'utf8'));
    expect(stats.speakers).toEqual({
      speakers: 6,
      nativeness: { native: 5, unstated: 1 },
      gender: { female: 5, unstated: 1 },
      ageGroup: { '18-29': 5, unstated: 1 },
      microphone: { headset: 5, unstated: 1 },
    });
    const card = readFileSync(path.join(res.dir, 'README.md'), 'utf8');
    expect(card).toContain('gender: female 5, unstated 1');
    expect(card).not.toMatch(/male 1|60\+|studio|non_native/);
    expect(card).toContain('only when at least 5 speakers of the release gave it');
    expect(card).toMatch(/audio\/validated\.tsv +the clips this package ships/);
    expect(card).toMatch(/audio\/reported\.tsv +header only/);
  });

  async function storedSecret(): Promise<string> {
    const [row] = await app.db.select().from(settings).where(eq(settings.key, SPEAKER_SECRET_KEY));
    return JSON.parse(row!.value) as string;
  }

  it('hashes a speaker to the same client_id in every release, an id no one can recompute without the project secret', async () => {
    const secret = await storedSecret();
    expect(secret).toMatch(/^[0-9a-f]{64}$/);
    // The secret is no setting: the admin's settings (and their audit) never show it.
    expect(Object.keys(await getSettings(app.db))).not.toContain(SPEAKER_SECRET_KEY);

    const v2 = await createRelease(app.db, { proportions: ALL_TRAIN, kAnonymity: 1 }, null);
    const res2 = await writeRelease(app.db, app.store, v2, out('v2'));
    const first = readTsv(path.join(out('v1'), 'audio/validated.tsv'));
    const second = readTsv(path.join(res2.dir, 'audio/validated.tsv'));
    const s1 = speaker.s1!;
    const id = first[0]!.client_id!;
    expect(second[0]!.client_id).toBe(id);
    expect(id).toBe(createHmac('sha256', secret).update(`user:${s1}`).digest('hex'));
    // Not the raw id, nor a hash anyone could compute from it.
    expect(id).toMatch(/^[0-9a-f]{64}$/);
    for (const guess of [String(s1), `user:${s1}`]) expect(id).not.toBe(createHash('sha256').update(guess).digest('hex'));
    // Different people, different ids; a synthesized voice has its own.
    expect(new Set(first.map((r) => r.client_id)).size).toBe(7);

    // k = 1 shows every answer as given: s6 and s7 too, in the lists and in the counts.
    expect(second.filter((r) => r.sentence_id === 'dogs/0').map(answers)).toEqual([['male', '60+', 'non_native', 'studio']]);
    expect(readTsv(path.join(res2.dir, 'audio/other.tsv')).map(answers)).toEqual([['female', '30-44', 'native', 'headset']]);
    const card = readFileSync(path.join(res2.dir, 'README.md'), 'utf8');
    expect(card).toContain('gender: female 5, male 1');
    expect(card).toContain('k-anonymity off (k = 1)');
  });

  it('rebuilds a version byte for byte after clips, votes and decisions came in', async () => {
    const v1 = (await getRelease(app.db, 'v1'))!;
    const [e5] = await app.db.select({ id: recordings.expressionId }).from(recordings).where(eq(recordings.id, late.pending));
    // After the release: the waiting clip gets its second vote and passes, and a new take arrives.
    const after = Date.now() + 60_000;
    await addVote(late.pending, 'v2', 'match', after);
    await app.db.transaction((tx) => tx.update(recordings).set({ status: 'verified', asrWer: 0.05, decidedAt: after }).where(eq(recordings.id, late.pending)));
    await clip(e5!.id, { speaker: 's1', status: 'submitted', at: after, votes: [['v1', 'mismatch']] });

    const again = await writeRelease(app.db, app.store, v1, out('v1-again'));
    for (const f of ['validated', 'invalidated', 'other', 'reported']) {
      expect(readFileSync(path.join(again.dir, `audio/${f}.tsv`), 'utf8')).toBe(readFileSync(path.join(out('v1'), `audio/${f}.tsv`), 'utf8'));
    }
    expect(readFileSync(path.join(again.dir, 'manifest.json'), 'utf8')).toBe(readFileSync(path.join(out('v1'), 'manifest.json'), 'utf8'));
  });

  it('refuses a k outside 1..1000', async () => {
    for (const k of [0, 1001, 2.5]) await expect(createRelease(app.db, { proportions: ALL_TRAIN, kAnonymity: k }, null)).rejects.toThrow(/k-anonymity is a whole number/);
  });
});
