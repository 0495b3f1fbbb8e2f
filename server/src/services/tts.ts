import { randomUUID } from 'node:crypto';
import { and, eq, inArray, sql } from 'drizzle-orm';
import { analyzeAudio, checkClip, parseWav } from '#shared/audio/index.ts';
import type { App } from '../app.ts';
import { expressions, recordings } from '../db/schema/index.ts';
import { toDatasetWav, DATASET_RATE } from '../audio/convert.ts';
import { pickVoiceAndRate } from '../audio/tts.ts';
import { audit } from './audit.ts';
import { badRequest, ServiceError } from './errors.ts';
import { needsAudioSql } from './recording.ts';

export interface TtsJob {
  id: string;
  total: number;
  done: number;
  failed: number;
  state: 'running' | 'finished';
  errors: string[];
  startedAt: number;
}

/**
 * Synthesized clips (paper §3.1: part of the audio comes from TTS). Each clip records its
 * provenance (engine, voice, rate) and then goes through the same two gates as a human take.
 * Jobs run in the background; their progress is kept in memory (a restart ends a job, and the
 * expressions it did not reach still need audio).
 */
export class TtsJobs {
  private readonly jobs = new Map<string, TtsJob>();

  constructor(private readonly app: App) {}

  get(id: string): TtsJob | null {
    return this.jobs.get(id) ?? null;
  }

  list(): TtsJob[] {
    return [...this.jobs.values()].sort((a, b) => b.startedAt - a.startedAt).slice(0, 10);
  }

  /** Expressions still needing audio; `percent` of them, chosen evenly by a seeded order. */
  pickShare(percent: number, seed: number): number[] {
    const all = this.app.db
      .select({ id: expressions.id })
      .from(expressions)
      .where(and(eq(expressions.status, 'accepted'), needsAudioSql()))
      .orderBy(sql`(${expressions.id} * 2654435761 + ${seed}) % 1000003`)
      .all()
      .map((r) => r.id);
    return all.slice(0, Math.round((all.length * percent) / 100)).sort((a, b) => a - b);
  }

  async start(expressionIds: number[], actorId: number): Promise<TtsJob> {
    const engine = await this.app.audio.tts();
    const tools = await this.app.audio.tools();
    if (!engine || !tools.ffmpeg) throw new ServiceError('PRECONDITION_FAILED', 'speech synthesis is switched off: espeak-ng and ffmpeg must be installed on the server');
    const ids = [...new Set(expressionIds)];
    const found = this.app.db
      .select({ id: expressions.id })
      .from(expressions)
      .where(and(inArray(expressions.id, ids), eq(expressions.status, 'accepted')))
      .all();
    if (found.length !== ids.length) throw badRequest('only accepted expressions get audio');
    const job: TtsJob = { id: randomUUID(), total: ids.length, done: 0, failed: 0, state: 'running', errors: [], startedAt: Date.now() };
    this.jobs.set(job.id, job);
    audit(this.app.db, { actorId, action: 'tts.start', entity: 'tts_job', entityId: job.id, data: { expressions: ids.length, engine: engine.name } });
    void this.run(job, ids, actorId);
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
        const e = this.app.db.select({ text: expressions.text }).from(expressions).where(eq(expressions.id, expressionId)).get()!;
        // Earlier synthetic takes of this expression (failed ones included) move the pick on to the
        // next voice, so a voice the recognizer or a listener did not accept is not simply repeated.
        const earlier = this.app.db.select({ n: sql<number>`count(*)` }).from(recordings).where(and(eq(recordings.expressionId, expressionId), eq(recordings.kind, 'tts'))).get()!.n;
        const { voice, wordsPerMinute } = pickVoiceAndRate(engine, expressionId + earlier);
        const { wav, analysis, wpm, setting } = await this.synthesizeAtRate(e.text, voice, wordsPerMinute);
        const { findings } = checkClip(analysis, e.text);
        const errors = findings.filter((f) => f.severity === 'error');
        if (errors.length) throw new Error(errors.map((f) => f.message).join(' '));
        const sha256 = this.app.store.put(wav).sha256;
        const now = Date.now();
        const id = this.app.db.transaction((tx) => {
          const row = tx
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
            .returning({ id: recordings.id })
            .get();
          audit(tx, { actorId, action: 'recording.tts', entity: 'recording', entityId: row.id, data: { expressionId, engine: engine.name, voice, wordsPerMinute } }, now);
          return row.id;
        });
        this.app.audio.enqueueAsr(id);
      } catch (err) {
        job.failed++;
        if (job.errors.length < 20) job.errors.push(`expression ${expressionId}: ${(err as Error).message}`);
      }
      job.done++;
    }
    job.state = 'finished';
  }
}

