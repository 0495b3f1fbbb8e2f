import { and, asc, count, desc, eq, sql } from 'drizzle-orm';
import { analyzeAudio, checkClip, DEFAULT_CLIP_LIMITS, parseWav, unacknowledgedClipWarnings, WavError, type ClipFinding } from '#shared/audio/index.ts';
import { clipMessages } from '#shared/audio/clip-messages.ts';
import type { SpeakerProfile, ToRecord } from '#shared/schemas/record.ts';
import type { App } from '../app.ts';
import type { Db, DbOrTx } from '../db/client.ts';
import { expressions, recordingOffers, recordingSkips, recordings, speakerProfiles } from '../db/schema/index.ts';
import { MAX_CONVERTED_SECONDS, probeAudio, toDatasetWav, DATASET_RATE } from '../audio/convert.ts';
import { ToolError } from '../audio/run-tool.ts';
import { lazyTransaction } from '../db/client.ts';
import { audit } from './audit.ts';
import { getSettings } from './settings.ts';
import { conflict, notFound, ServiceError } from './errors.ts';

/** Uploads above this are refused before anything is decoded (30 s of stereo float PCM is ~12 MB). */
export const MAX_UPLOAD_BYTES = 25 * 1024 * 1024;

/**
 * Per-speaker bounds on the expensive path (every upload is probed and converted by ffmpeg). Counted
 * from the recordings table where they must survive a restart and be shared by several server
 * instances; only "one upload in flight" is per process, since it bounds this process's work.
 */
export const UPLOAD_LIMITS = {
  /** Takes one speaker may store for one expression, failed ones included (a re-record is fine; a flood is not). */
  takesPerExpression: 5,
  /** Uploads stored per speaker in the sliding window below (a fluent speaker records ~4 a minute). */
  perWindow: 40,
  windowMs: 10 * 60_000,
} as const;
const SKIP_MEMORY_MS = 24 * 3600_000;

export const needsAudioSql = () => needsAudio;

const takes = sql<number>`(select count(*) from "recordings" r where r.expression_id = "expressions"."id")`;

/** An expression needs audio while none of its clips is submitted or verified. */
const needsAudio = sql`not exists (select 1 from "recordings" r where r.expression_id = "expressions"."id" and r.status in ('submitted', 'verified'))`;

/**
 * The next accepted expression to record: still needing audio, fewest earlier takes first (failed
 * ones count: those sentences are harder), then the oldest decision; not one this speaker
 * skipped in the last day.
 */
export async function nextToRecord(db: Db, speakerId: number, now = Date.now()): Promise<ToRecord | null> {
  const next = await pickToRecord(db, speakerId, now);
  // What the server hands a speaker is what they may upload or skip (no id stepping).
  if (next) {
    await lazyTransaction(db, (tx) =>
      tx
        .insert(recordingOffers)
        .values({ userId: speakerId, expressionId: next.expressionId, offeredAt: now })
        .onConflictDoUpdate({ target: [recordingOffers.userId, recordingOffers.expressionId], set: { offeredAt: now } }),
    );
  }
  return next;
}

/** Whether the server offered this expression to this speaker (and it still takes audio). */
async function offered(db: DbOrTx, speakerId: number, expressionId: number): Promise<{ text: string } | null> {
  const [row] = await db
    .select({ text: expressions.text, status: expressions.status })
    .from(recordingOffers)
    .innerJoin(expressions, eq(expressions.id, recordingOffers.expressionId))
    .where(and(eq(recordingOffers.userId, speakerId), eq(recordingOffers.expressionId, expressionId)));
  return row && row.status === 'accepted' ? { text: row.text } : null;
}

async function pickToRecord(db: Db, speakerId: number, now: number): Promise<ToRecord | null> {
  const [row] = await db
    .select({
      expressionId: expressions.id,
      videoId: expressions.videoId,
      text: expressions.text,
      recordings: takes,
    })
    .from(expressions)
    .where(
      and(
        eq(expressions.status, 'accepted'),
        needsAudio,
        sql`not exists (select 1 from "recording_skips" s where s.expression_id = "expressions"."id" and s.user_id = ${speakerId} and s.at > ${now - SKIP_MEMORY_MS})`,
      ),
    )
    // An accepted expression without a decision time counts as the oldest (SQLite's NULL order).
    .orderBy(takes, sql`${expressions.decidedAt} asc nulls first`, asc(expressions.id))
    .limit(1);
  return row ?? null;
}

export async function skipRecording(db: Db, speakerId: number, expressionId: number, now = Date.now()): Promise<void> {
  await db.transaction(async (tx) => {
    if (!(await offered(tx, speakerId, expressionId))) throw notFound(`expression ${expressionId}`);
    await tx.insert(recordingSkips).values({ userId: speakerId, expressionId, at: now });
    await audit(tx, { actorId: speakerId, action: 'recording.skip', entity: 'expression', entityId: expressionId }, now);
  });
}

export interface Upload {
  uid: string;
  expressionId: number;
  bytes: Uint8Array;
  acknowledged: string[];
}

function refuse(findings: ClipFinding[], code: 'BAD_REQUEST' | 'PRECONDITION_FAILED', prefix = ''): never {
  throw new ServiceError(code, prefix + findings.map((f) => f.message).join(' '), { findings });
}

/** Each speaker's upload being probed or converted right now (this process). */
// multi-instance: this guard is per process, like the tool slots it protects (audio/run-tool.ts);
// behind a load balancer a speaker's parallel uploads can reach different instances, each bounded
// on its own. It is due to move into the database, where every instance sees it.
const inFlight = new Map<number, { uid: string; done: Promise<unknown> }>();

/**
 * Takes a speaker's upload: checks it by content (ffprobe, then the converted WAV parsed and
 * analysed with the same code the browser ran), keeps the original, stores the 48 kHz 16-bit WAV,
 * and writes the row only after both files are on disk. A retry with the same uid returns the
 * stored clip. The recognizer check follows in the background.
 */
export async function submitRecording(app: UploadDeps, speakerId: number, u: Upload, now = Date.now()): Promise<UploadOutcome> {
  const [previous] = await app.db.select().from(recordings).where(eq(recordings.uid, u.uid));
  if (previous) return sameUpload(previous, speakerId, u);
  // One upload at a time per speaker. A retry of the one in flight (a lost answer) waits for it
  // and gets its result; anything else is asked to wait.
  const running = inFlight.get(speakerId);
  if (running) {
    if (running.uid !== u.uid) throw new ServiceError('TOO_MANY_REQUESTS', 'your previous recording is still being checked; please wait a moment and try again');
    await running.done.catch(() => {});
    return submitRecording(app, speakerId, u, now);
  }
  const done = convertAndStore(app, speakerId, u, now);
  inFlight.set(speakerId, { uid: u.uid, done });
  try {
    return await done;
  } finally {
    inFlight.delete(speakerId);
  }
}

/** What an upload uses: the database, the store for the files, the audio tools and recognizer queue. */
export type UploadDeps = Pick<App, 'db' | 'store' | 'audio'>;

export interface UploadOutcome {
  recordingId: number;
  status: (typeof recordings.$inferSelect)['status'];
  alreadySubmitted: boolean;
  wordsPerMinute: number | null;
  durationMs: number;
}

function sameUpload(previous: typeof recordings.$inferSelect, speakerId: number, u: Upload): UploadOutcome {
  if (previous.speakerId !== speakerId || previous.expressionId !== u.expressionId) throw conflict('this upload id belongs to another recording');
  return { recordingId: previous.id, status: previous.status, alreadySubmitted: true, wordsPerMinute: previous.wordsPerMinute, durationMs: previous.durationMs };
}

/** ffmpeg's verdicts as the speaker should get them: their file's fault, the server's load, or ours. */
function toolRefusal(err: unknown, what: string): unknown {
  if (!(err instanceof ToolError)) return err;
  if (err.kind === 'busy') return new ServiceError('TOO_MANY_REQUESTS', err.message);
  if (err.kind === 'invalid-input' || err.kind === 'failed') return new ServiceError('BAD_REQUEST', `${what} (${err.message})`);
  return err;
}

async function convertAndStore(app: UploadDeps, speakerId: number, u: Upload, now: number): Promise<UploadOutcome> {
  const already = (previous: typeof recordings.$inferSelect) => sameUpload(previous, speakerId, u);
  const e = await offered(app.db, speakerId, u.expressionId);
  if (!e) throw notFound(`expression ${u.expressionId}`);
  const [{ n: takes }] = (await app.db
    .select({ n: count() })
    .from(recordings)
    .where(and(eq(recordings.speakerId, speakerId), eq(recordings.expressionId, u.expressionId)))) as [{ n: number }];
  if (takes >= UPLOAD_LIMITS.takesPerExpression) {
    throw new ServiceError('TOO_MANY_REQUESTS', `you have recorded this sentence ${takes} times already; please take the next one`);
  }
  const [{ n: recent }] = (await app.db
    .select({ n: count() })
    .from(recordings)
    .where(and(eq(recordings.speakerId, speakerId), sql`${recordings.createdAt} > ${now - UPLOAD_LIMITS.windowMs}`))) as [{ n: number }];
  if (recent >= UPLOAD_LIMITS.perWindow) {
    throw new ServiceError('TOO_MANY_REQUESTS', `you have sent ${recent} recordings in the last ${UPLOAD_LIMITS.windowMs / 60_000} minutes; please take a short break`);
  }
  if (u.bytes.length === 0) throw new ServiceError('BAD_REQUEST', 'the recording is empty (0 bytes)');
  if (u.bytes.length > MAX_UPLOAD_BYTES) throw new ServiceError('BAD_REQUEST', `the recording is larger than ${MAX_UPLOAD_BYTES >> 20} MB`);

  // A WAV (the AudioWorklet path) is checked by our own strict parser first: ffmpeg would happily
  // decode a header that lies about its length, a truncated file or a non-PCM format.
  if (u.bytes.length >= 4 && u.bytes[0] === 0x52 && u.bytes[1] === 0x49 && u.bytes[2] === 0x46 && u.bytes[3] === 0x46) {
    try {
      parseWav(u.bytes);
    } catch (err) {
      if (err instanceof WavError) throw new ServiceError('BAD_REQUEST', `the WAV file is broken: ${err.message}`);
      throw err;
    }
  }
  const tools = await app.audio.tools();
  if (!tools.ffmpeg) throw new ServiceError('PRECONDITION_FAILED', 'recording is switched off: ffmpeg is not installed on the server');
  let probe;
  try {
    probe = await probeAudio(tools, u.bytes);
  } catch (err) {
    throw toolRefusal(err, 'the upload is not audio this server can read');
  }
  if (!probe.lossless) throw new ServiceError('BAD_REQUEST', `lossy audio (${probe.codec}) is refused: record with a browser that captures PCM (Chrome, Edge, Chromium)`);
  // Refused before decoding when the file says it is too long; the conversion's caps catch a file
  // whose header lies.
  if (probe.durationSec > MAX_CONVERTED_SECONDS - 1) {
    throw new ServiceError('BAD_REQUEST', `the recording is ${formatSeconds(probe.durationSec)} long; a take may be at most ${MAX_CONVERTED_SECONDS - 1} s`);
  }
  // The same refusal checkClip gives after converting, given before: what a conversion costs grows
  // with the upsampling factor, and a take below the dataset's rate is never kept anyway.
  const { minSampleRate } = DEFAULT_CLIP_LIMITS;
  if (probe.sampleRate < minSampleRate) refuse([{ code: 'sample_rate', severity: 'error', message: clipMessages.sampleRate(probe.sampleRate, minSampleRate) }], 'BAD_REQUEST');
  let wav;
  try {
    wav = await toDatasetWav(tools, u.bytes);
  } catch (err) {
    throw toolRefusal(err, 'the recording could not be converted');
  }
  let pcm;
  try {
    pcm = parseWav(wav);
  } catch (err) {
    if (err instanceof WavError) throw new ServiceError('BAD_REQUEST', `the converted recording is unreadable: ${err.message}`);
    throw err;
  }
  // The rate check is on what the microphone delivered; the stored clip is always resampled.
  const analysis = { ...analyzeAudio(pcm.samples, pcm.sampleRate), sampleRate: probe.sampleRate };
  const { minWpm, maxWpm } = await getSettings(app.db);
  const { findings, wpm } = checkClip(analysis, e.text, { minWpm, maxWpm });
  const errors = findings.filter((f) => f.severity === 'error');
  if (errors.length) refuse(errors, 'BAD_REQUEST');
  const pending = unacknowledgedClipWarnings(findings, u.acknowledged);
  if (pending.length) refuse(pending, 'PRECONDITION_FAILED', 'please confirm: ');

  // Files first (fsync + rename in the store), the row after: a crash in between leaves only
  // unreferenced content, never a row pointing at a missing or half-written file. The transaction
  // holds only the row writes (no file work while it is open).
  const original = (await app.store.putAsync(u.bytes)).sha256;
  const stored = (await app.store.putAsync(wav)).sha256;
  const warnings = findings.filter((f) => f.severity === 'warning').map((f) => f.code);
  const done = await app.db.transaction(async (tx) => {
    // A retry sent while the first upload was still converting passed the check above too; the
    // one that commits first wins and the other returns its result (found by test:crash).
    const [raced] = await tx.select().from(recordings).where(eq(recordings.uid, u.uid));
    if (raced) return already(raced);
    const [row] = await tx
      .insert(recordings)
      .values({
        uid: u.uid,
        expressionId: u.expressionId,
        speakerId,
        kind: 'human',
        status: 'submitted',
        sha256: stored,
        originalSha256: original,
        sampleRate: DATASET_RATE,
        durationMs: Math.round(analysis.durationSec * 1000),
        wordsPerMinute: wpm,
        provenance: JSON.stringify({ codec: probe.codec, sampleRate: probe.sampleRate, channels: probe.channels }),
        lossless: probe.lossless,
        trimStartMs: Math.round(analysis.trimStart * 1000),
        trimEndMs: Math.round(analysis.trimEnd * 1000),
        voicedMs: Math.round(analysis.voicedSec * 1000),
        acknowledged: warnings.length ? JSON.stringify(warnings) : null,
        asrStatus: 'pending',
        createdAt: now,
      })
      .returning({ id: recordings.id });
    await audit(tx, { actorId: speakerId, action: 'recording.submit', entity: 'recording', entityId: row!.id, data: { expressionId: u.expressionId, wpm, acknowledged: warnings } }, now);
    return row!.id;
  });
  if (typeof done !== 'number') return done;
  const id = done;
  await app.audio.enqueueAsr(id);
  return { recordingId: id, status: 'submitted' as const, alreadySubmitted: false, wordsPerMinute: wpm, durationMs: Math.round(analysis.durationSec * 1000) };
}

function formatSeconds(s: number): string {
  return s >= 3600 ? `${(s / 3600).toFixed(1)} h` : s >= 120 ? `${Math.round(s / 60)} min` : `${s.toFixed(1)} s`;
}

export async function myRecordings(db: Db, speakerId: number, limit = 30) {
  return db
    .select({
      id: recordings.id,
      expressionId: recordings.expressionId,
      text: expressions.text,
      kind: recordings.kind,
      status: recordings.status,
      failureCause: recordings.failureCause,
      asrStatus: recordings.asrStatus,
      durationMs: recordings.durationMs,
      wordsPerMinute: recordings.wordsPerMinute,
      lossless: recordings.lossless,
      createdAt: recordings.createdAt,
    })
    .from(recordings)
    .innerJoin(expressions, eq(expressions.id, recordings.expressionId))
    .where(eq(recordings.speakerId, speakerId))
    .orderBy(desc(recordings.createdAt), desc(recordings.id))
    .limit(limit);
}

export async function getProfile(db: Db, userId: number): Promise<SpeakerProfile> {
  const [p] = await db.select().from(speakerProfiles).where(eq(speakerProfiles.userId, userId));
  return { nativeness: p?.nativeness ?? null, gender: p?.gender ?? null, ageGroup: p?.ageGroup ?? null, microphone: p?.microphone ?? null };
}

/** Opt-in: every field may stay empty; the profile is only ever summarised across speakers. */
export async function setProfile(db: Db, userId: number, profile: SpeakerProfile, now = Date.now()): Promise<SpeakerProfile> {
  await db.transaction(async (tx) => {
    await tx
      .insert(speakerProfiles)
      .values({ userId, ...profile, updatedAt: now })
      .onConflictDoUpdate({ target: speakerProfiles.userId, set: { ...profile, updatedAt: now } });
    await audit(tx, { actorId: userId, action: 'speaker.profile', entity: 'user', entityId: userId }, now);
  });
  return getProfile(db, userId);
}

