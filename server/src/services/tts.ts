import { randomUUID } from 'node:crypto';
import { and, count, eq, inArray, sql } from 'drizzle-orm';
import { analyzeAudio, checkClip, parseWav } from '#shared/audio/index.ts';
import type { App } from '../app.ts';
import { expressions, recordings } from '../db/schema/index.ts';
import { toDatasetWav, DATASET_RATE } from '../audio/convert.ts';
import { pickVoiceAndRate } from '../audio/tts.ts';
import { whenToolsFree } from '../audio/run-tool.ts';
import { audit } from './audit.ts';
import { retryOnBusy } from '../db/busy.ts';
import { badRequest, ServiceError } from './errors.ts';
import { needsAudioSql } from './recording.ts';
import { jobsOfGroup, recentGroups } from '../jobs/records.ts';

/** What synthesis uses: the database, the store for the clips, the audio tools and speech checks, the job queue, a log. */
export type TtsDeps = Pick<App, 'db' | 'store' | 'audio' | 'log' | 'jobs'>;

export interface TtsJob {
  id: string;
  total: number;
  done: number;
  failed: number;
  state: 'running' | 'finished';
  /** Expressions left out: queued or running in another job, or already holding a synthesized clip that is waiting for its checks or verified. */
  skipped: number;
  errors: string[];
  startedAt: number;
}

const KIND = 'tts';
interface TtsPayload {
  expressionId: number;
  actorId: number;
  /** How many expressions the admin's request named (its jobs plus those it left out). */
  requested: number;
}

/**
 * Synthesized clips (paper §3.1: part of the audio comes from TTS). Each clip records its
 * provenance (engine, voice, rate) and then goes through the same two gates as a human take.
 * An admin's request is a group of background jobs (server/src/jobs/), one per expression and
 * keyed by it, so that a second request for an expression already queued or being synthesized —
 * from this instance or another — is left out instead of making a twin (the voice follows the
 * count of earlier clips, so a twin would repeat the voice). A job cut short by a restart runs
 * again; one that already stored its clip finds it and stops.
 */
export class TtsJobs {
  constructor(private readonly app: TtsDeps) {
    app.jobs.define<TtsPayload, { recordingId: number | null }, never>({
      kind: KIND,
      expireSeconds: 600,
      retryLimit: 2,
      run: (payload) => this.synthesize(payload),
    });
  }

  /** A request's progress, read from its jobs (whichever instances run them). */
  async get(id: string): Promise<TtsJob | null> {
    const rows = await jobsOfGroup(this.app.db, id);
    if (!rows.length) return null;
    const failed = rows.filter((r) => r.state === 'failed');
    return {
      id,
      total: rows.length,
      done: rows.filter((r) => r.state === 'finished' || r.state === 'failed').length,
      failed: failed.length,
      state: rows.some((r) => r.state === 'queued' || r.state === 'running') ? 'running' : 'finished',
      skipped: (rows[0]!.payload as TtsPayload).requested - rows.length,
      errors: failed.slice(0, 20).map((r) => `expression ${(r.payload as TtsPayload).expressionId}: ${r.error}`),
      startedAt: Math.min(...rows.map((r) => r.createdAt)),
    };
  }

  /** The ten newest requests. */
  async list(): Promise<TtsJob[]> {
    const groups = await recentGroups(this.app.db, KIND, 10);
    const out: TtsJob[] = [];
    for (const g of groups) {
      const job = await this.get(g);
      if (job) out.push(job);
    }
    return out;
  }

  /** Expressions still needing audio; `percent` of them, chosen evenly by a seeded order. */
  async pickShare(percent: number, seed: number): Promise<number[]> {
    const all = (
      await this.app.db
        .select({ id: expressions.id })
        .from(expressions)
        .where(and(eq(expressions.status, 'accepted'), needsAudioSql()))
        .orderBy(sql`(${expressions.id} * 2654435761 + ${seed}) % 1000003`)
    ).map((r) => r.id);
    return all.slice(0, Math.round((all.length * percent) / 100)).sort((a, b) => a - b);
  }

  async start(expressionIds: number[], actorId: number): Promise<TtsJob> {
    const engine = await this.app.audio.tts();
    const tools = await this.app.audio.tools();
    if (!engine || !tools.ffmpeg) throw new ServiceError('PRECONDITION_FAILED', 'speech synthesis is switched off: espeak-ng and ffmpeg must be installed on the server');
    const ids = [...new Set(expressionIds)];
    const found = await this.app.db
      .select({ id: expressions.id })
      .from(expressions)
      .where(and(inArray(expressions.id, ids), eq(expressions.status, 'accepted')));
    if (found.length !== ids.length) throw badRequest('only accepted expressions get audio');
    const synthesized = await this.synthesizedOf(ids);
    const groupId = randomUUID();
    const fresh = ids.filter((id) => !synthesized.has(id));
    // Jobs keyed by expression: one already queued or running (any request, any instance) wins.
    const created = await this.app.jobs.enqueueMany<TtsPayload>(
      KIND,
      fresh.map((expressionId) => ({ key: String(expressionId), payload: { expressionId, actorId, requested: ids.length } })),
      { groupId, actorId },
    );
    const skipped = ids.length - created.length;
    // Retried while busy: a CLI writer may hold SQLite's lock for a moment, or a PostgreSQL
    // transaction lose a conflict.
    await retryOnBusy(() =>
      this.app.db.transaction((tx) => audit(tx, { actorId, action: 'tts.start', entity: 'tts_job', entityId: groupId, data: { expressions: created.length, skipped, engine: engine.name } })),
    );
    if (!created.length) return { id: groupId, total: 0, done: 0, failed: 0, state: 'finished', skipped, errors: [], startedAt: Date.now() };
    return { ...(await this.get(groupId))!, skipped };
  }

  /** Expressions holding a synthesized clip that waits for its checks or is verified: no twin. */
  private async synthesizedOf(ids: number[]): Promise<Set<number>> {
    return new Set(
      (
        await this.app.db
          .select({ id: recordings.expressionId })
          .from(recordings)
          .where(and(inArray(recordings.expressionId, ids), eq(recordings.kind, 'tts'), inArray(recordings.status, ['submitted', 'verified'])))
      ).map((r) => r.id),
    );
  }

  /**
   * espeak's -s is nominally words per minute, but short words come out up to 1.5× faster
   * (measured in shared/src/audio tests), so one correction pass re-synthesizes at the setting
   * that lands the measured rate on the target.
   */
  private async synthesizeAtRate(text: string, voice: string, target: number) {
    const engine = (await this.app.audio.tts())!;
    const tools = await this.app.audio.tools();
    let setting = target;
    for (let attempt = 0; ; attempt++) {
      const wav = await toDatasetWav(tools, await engine.synthesize(text, { voice, wordsPerMinute: setting }));
      const pcm = parseWav(wav);
      const analysis = analyzeAudio(pcm.samples, pcm.sampleRate);
      const { wpm } = checkClip(analysis, text);
      if (attempt === 1 || wpm === null || Math.abs(wpm - target) / target < 0.1) return { wav, analysis, wpm, setting };
      setting = Math.max(80, Math.min(450, Math.round((setting * target) / wpm)));
    }
  }

  /** Waits for a request's jobs (tests, CLI). */
  async wait(id: string): Promise<TtsJob> {
    for (;;) {
      const job = await this.get(id);
      if (!job || job.state === 'finished') return job!;
      await new Promise((r) => setTimeout(r, 50));
    }
  }

  private async synthesize({ expressionId, actorId }: TtsPayload): Promise<{ recordingId: number | null }> {
    // A run cut short after storing its clip (or another request's clip) leaves nothing to do.
    if ((await this.synthesizedOf([expressionId])).size) return { recordingId: null };
    const engine = await this.app.audio.tts();
    if (!engine) throw new Error('speech synthesis is switched off on this instance (espeak-ng is missing)');
    const [e] = (await this.app.db.select({ text: expressions.text }).from(expressions).where(eq(expressions.id, expressionId))) as [{ text: string }];
    // Earlier synthetic takes of this expression (failed ones included) move the pick on to the
    // next voice, so a voice the recognizer or a listener did not accept is not simply repeated.
    const [{ n: earlier }] = (await this.app.db
      .select({ n: count() })
      .from(recordings)
      .where(and(eq(recordings.expressionId, expressionId), eq(recordings.kind, 'tts')))) as [{ n: number }];
    const { voice, wordsPerMinute } = pickVoiceAndRate(engine, expressionId + earlier);
    const { wav, analysis, wpm, setting } = await whenToolsFree(() => this.synthesizeAtRate(e.text, voice, wordsPerMinute));
    const { findings } = checkClip(analysis, e.text);
    const errors = findings.filter((f) => f.severity === 'error');
    if (errors.length) throw new Error(errors.map((f) => f.message).join(' '));
    // The clip is stored before its row is written (no file work inside the transaction).
    const { sha256 } = await this.app.store.putAsync(wav);
    const now = Date.now();
    const id = await retryOnBusy(() =>
      this.app.db.transaction(async (tx) => {
        const [row] = await tx
          .insert(recordings)
          .values({
            uid: randomUUID(),
            expressionId,
            speakerId: null,
            kind: 'tts',
            status: 'submitted',
            sha256,
            sampleRate: DATASET_RATE,
            durationMs: Math.round(analysis.durationSec * 1000),
            wordsPerMinute: wpm,
            provenance: JSON.stringify({ engine: engine.name, voice, wordsPerMinute, engineRate: setting }),
            lossless: true,
            trimStartMs: Math.round(analysis.trimStart * 1000),
            trimEndMs: Math.round(analysis.trimEnd * 1000),
            voicedMs: Math.round(analysis.voicedSec * 1000),
            asrStatus: 'pending',
            createdAt: now,
          })
          .returning({ id: recordings.id });
        await audit(tx, { actorId, action: 'recording.tts', entity: 'recording', entityId: row!.id, data: { expressionId, engine: engine.name, voice, wordsPerMinute } }, now);
        return row!.id;
      }),
    );
    await this.app.audio.enqueueAsr(id);
    return { recordingId: id };
  }
}
