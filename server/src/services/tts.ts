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

/** What synthesis uses: the database, the store for the clips, the audio tools and recognizer queue, a log. */
export type TtsDeps = Pick<App, 'db' | 'store' | 'audio' | 'log'>;

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

/**
 * Synthesized clips (paper §3.1: part of the audio comes from TTS). Each clip records its
 * provenance (engine, voice, rate) and then goes through the same two gates as a human take.
 * Jobs run in the background; their progress is kept in memory (a restart ends a job, and the
 * expressions it did not reach still need audio). multi-instance: a job's progress is seen on the
 * instance that runs it.
 */
export class TtsJobs {
  private readonly jobs = new Map<string, TtsJob>();
  /**
   * Expressions queued or being synthesized by some job. A second request for one of them would
   * pick the same voice (the voice follows the count of earlier clips) and make a twin, so it is
   * left out instead.
   */
  private readonly pending = new Set<number>();

  constructor(private readonly app: TtsDeps) {}

  get(id: string): TtsJob | null {
    return this.jobs.get(id) ?? null;
  }

  list(): TtsJob[] {
    return [...this.jobs.values()].sort((a, b) => b.startedAt - a.startedAt).slice(0, 10);
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
    // A synthesized clip still waiting for its checks, or verified, needs no twin.
    const synthesized = new Set(
      (
        await this.app.db
          .select({ id: recordings.expressionId })
          .from(recordings)
          .where(and(inArray(recordings.expressionId, ids), eq(recordings.kind, 'tts'), inArray(recordings.status, ['submitted', 'verified'])))
      ).map((r) => r.id),
    );
    // Checked and claimed with no await in between, so concurrent starts split the ids.
    // multi-instance: the claim is per process; a database-backed job queue takes it over.
    const todo = ids.filter((id) => !this.pending.has(id) && !synthesized.has(id));
    for (const id of todo) this.pending.add(id);
    const job: TtsJob = { id: randomUUID(), total: todo.length, done: 0, failed: 0, state: todo.length ? 'running' : 'finished', skipped: ids.length - todo.length, errors: [], startedAt: Date.now() };
    try {
      // Retried while busy: a CLI writer may hold SQLite's lock for a moment, or a PostgreSQL
      // transaction lose a conflict.
      await retryOnBusy(() =>
        this.app.db.transaction((tx) => audit(tx, { actorId, action: 'tts.start', entity: 'tts_job', entityId: job.id, data: { expressions: todo.length, skipped: job.skipped, engine: engine.name } })),
      );
    } catch (err) {
      for (const id of todo) this.pending.delete(id);
      throw err;
    }
    this.jobs.set(job.id, job);
    void this.run(job, todo, actorId);
    return job;
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

  /** Waits for a job (tests, CLI). */
  async wait(id: string): Promise<TtsJob> {
    for (;;) {
      const job = this.jobs.get(id);
      if (!job || job.state === 'finished') return job!;
      await new Promise((r) => setTimeout(r, 50));
    }
  }

  private async run(job: TtsJob, ids: number[], actorId: number): Promise<void> {
    const engine = (await this.app.audio.tts())!;
    for (const expressionId of ids) {
      try {
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
        const sha256 = this.app.store.put(wav).sha256;
        const now = Date.now();
        const id = await retryOnBusy(() => this.app.db.transaction(async (tx) => {
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
        }));
        this.app.audio.enqueueAsr(id);
      } catch (err) {
        job.failed++;
        if (job.errors.length < 20) job.errors.push(`expression ${expressionId}: ${(err as Error).message}`);
      }
      this.pending.delete(expressionId);
      job.done++;
    }
    job.state = 'finished';
  }
}

