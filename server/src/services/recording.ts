import { and, asc, desc, eq, sql } from 'drizzle-orm';
import { analyzeAudio, checkClip, parseWav, unacknowledgedClipWarnings, WavError, type ClipFinding } from '#shared/audio/index.ts';
import type { SpeakerProfile, ToRecord } from '#shared/schemas/record.ts';
import type { App } from '../app.ts';
import type { Db } from '../db/client.ts';
import { expressions, recordingSkips, recordings, speakerProfiles } from '../db/schema/index.ts';
import { probeAudio, toDatasetWav, DATASET_RATE } from '../audio/convert.ts';
import { audit } from './audit.ts';
import { getSettings } from './settings.ts';
import { conflict, notFound, ServiceError } from './errors.ts';

/** Uploads above this are refused before anything is decoded (30 s of stereo float PCM is ~12 MB). */
export const MAX_UPLOAD_BYTES = 25 * 1024 * 1024;
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
export function nextToRecord(db: Db, speakerId: number, now = Date.now()): ToRecord | null {
  const row = db
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
    .orderBy(takes, asc(expressions.decidedAt), asc(expressions.id))
    .limit(1)
    .get();
  return row ?? null;
}

export function skipRecording(db: Db, speakerId: number, expressionId: number, now = Date.now()): void {
  db.transaction((tx) => {
    const e = tx.select({ status: expressions.status }).from(expressions).where(eq(expressions.id, expressionId)).get();
    if (!e || e.status !== 'accepted') throw notFound(`expression ${expressionId}`);
    tx.insert(recordingSkips).values({ userId: speakerId, expressionId, at: now }).run();
    audit(tx, { actorId: speakerId, action: 'recording.skip', entity: 'expression', entityId: expressionId }, now);
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

/**
 * Takes a speaker's upload: checks it by content (ffprobe, then the converted WAV parsed and
 * analysed with the same code the browser ran), keeps the original, stores the 48 kHz 16-bit WAV,
 * and writes the row only after both files are on disk. A retry with the same uid returns the
 * stored clip. The recognizer check follows in the background.
 */
export async function submitRecording(app: App, speakerId: number, u: Upload, now = Date.now()) {
  const already = (previous: typeof recordings.$inferSelect) => {
    if (previous.speakerId !== speakerId || previous.expressionId !== u.expressionId) throw conflict('this upload id belongs to another recording');
    return { recordingId: previous.id, status: previous.status, alreadySubmitted: true, wordsPerMinute: previous.wordsPerMinute, durationMs: previous.durationMs };
  };
  const previous = app.db.select().from(recordings).where(eq(recordings.uid, u.uid)).get();
  if (previous) return already(previous);
  const e = app.db.select({ text: expressions.text, status: expressions.status }).from(expressions).where(eq(expressions.id, u.expressionId)).get();
  if (!e || e.status !== 'accepted') throw notFound(`expression ${u.expressionId}`);
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
    throw new ServiceError('BAD_REQUEST', `the upload is not audio this server can read (${(err as Error).message})`);
  }
  if (!probe.lossless) throw new ServiceError('BAD_REQUEST', `lossy audio (${probe.codec}) is refused: record with a browser that captures PCM (Chrome, Edge, Chromium)`);
  const wav = await toDatasetWav(tools, u.bytes);
  let pcm;
  try {
    pcm = parseWav(wav);
  } catch (err) {
    if (err instanceof WavError) throw new ServiceError('BAD_REQUEST', `the converted recording is unreadable: ${err.message}`);
    throw err;
  }
  // The rate check is on what the microphone delivered; the stored clip is always resampled.
  const analysis = { ...analyzeAudio(pcm.samples, pcm.sampleRate), sampleRate: probe.sampleRate };
  const { minWpm, maxWpm } = getSettings(app.db);
  const { findings, wpm } = checkClip(analysis, e.text, { minWpm, maxWpm });
  const errors = findings.filter((f) => f.severity === 'error');
  if (errors.length) refuse(errors, 'BAD_REQUEST');
  const pending = unacknowledgedClipWarnings(findings, u.acknowledged);
  if (pending.length) refuse(pending, 'PRECONDITION_FAILED', 'please confirm: ');

  // Files first (fsync + rename in the store), the row after: a crash in between leaves only
  // unreferenced content, never a row pointing at a missing or half-written file.
  const original = app.store.put(u.bytes).sha256;
  const stored = app.store.put(wav).sha256;
  const warnings = findings.filter((f) => f.severity === 'warning').map((f) => f.code);
  const done = app.db.transaction((tx) => {
    // A retry sent while the first upload was still converting passed the check above too; the
    // one that commits first wins and the other returns its result (found by test:crash).
    const raced = tx.select().from(recordings).where(eq(recordings.uid, u.uid)).get();
    if (raced) return already(raced);
    const row = tx
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
      .returning({ id: recordings.id })
      .get();
    audit(tx, { actorId: speakerId, action: 'recording.submit', entity: 'recording', entityId: row.id, data: { expressionId: u.expressionId, wpm, acknowledged: warnings } }, now);
    return row.id;
  });
  if (typeof done !== 'number') return done;
  const id = done;
  app.audio.enqueueAsr(id);
  return { recordingId: id, status: 'submitted' as const, alreadySubmitted: false, wordsPerMinute: wpm, durationMs: Math.round(analysis.durationSec * 1000) };
}

export function myRecordings(db: Db, speakerId: number, limit = 30) {
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
    .limit(limit)
    .all();
}

export function getProfile(db: Db, userId: number): SpeakerProfile {
  const p = db.select().from(speakerProfiles).where(eq(speakerProfiles.userId, userId)).get();
  return { nativeness: p?.nativeness ?? null, gender: p?.gender ?? null, ageGroup: p?.ageGroup ?? null, microphone: p?.microphone ?? null };
}

/** Opt-in: every field may stay empty; the profile is only ever summarised across speakers. */
export function setProfile(db: Db, userId: number, profile: SpeakerProfile, now = Date.now()): SpeakerProfile {
  db.transaction((tx) => {
    tx.insert(speakerProfiles)
      .values({ userId, ...profile, updatedAt: now })
      .onConflictDoUpdate({ target: speakerProfiles.userId, set: { ...profile, updatedAt: now } })
      .run();
    audit(tx, { actorId: userId, action: 'speaker.profile', entity: 'user', entityId: userId }, now);
  });
  return getProfile(db, userId);
}

