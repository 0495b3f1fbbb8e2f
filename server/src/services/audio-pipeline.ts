import { and, asc, eq, inArray, ne, sql } from 'drizzle-orm';
import { clipVerdict } from '#shared/protocol/index.ts';
import { wordErrorRate } from '#shared/audio/index.ts';
import type { Db, Tx } from '../db/client.ts';
import { clipVotes, expressions, recordings } from '../db/schema/index.ts';
import type { FileStore } from '../store/file-store.ts';
import { detectAudioTools, type AudioTools } from '../audio/tools.ts';
import { toRecognizerWav } from '../audio/convert.ts';
import { pocketsphinxRecognizer, type Recognizer } from '../audio/asr.ts';
import { espeakEngine, type TtsEngine } from '../audio/tts.ts';
import { audit } from './audit.ts';
import { retryOnBusy } from '../db/busy.ts';
import { whenToolsFree } from '../audio/run-tool.ts';
import { getSettings } from './settings.ts';
import type { JobQueue } from '../jobs/index.ts';
import { getJob } from '../jobs/records.ts';

const ASR_KIND = 'asr';

/** How many texts from other videos join the closed set, so a clip cannot pass by elimination. */
const DISTRACTORS = 6;

/**
 * The server's audio machinery: the detected tools, the TTS engine, the recognizer, and the speech
 * checks as background jobs (kind `asr`, one per clip, keyed by its id so that a clip is never
 * checked by two runs at once): pocketsphinx spends about a second per call. Clips still waiting
 * are queued again at start (resumePending), for a restart or a recognizer installed since.
 */
export class AudioPipeline {
  private readonly toolsPromise: Promise<AudioTools>;
  /** Speech checks this process queued and has not seen finish (drain() waits for them). */
  private readonly queued = new Set<string>();

  constructor(
    private readonly db: Db,
    private readonly store: FileStore,
    private readonly jobs: JobQueue,
    env: NodeJS.ProcessEnv = process.env,
  ) {
    this.toolsPromise = detectAudioTools(env);
    jobs.define<{ recordingId: number }, null, never>({
      kind: ASR_KIND,
      // One clip takes seconds; ten minutes means its instance is gone.
      expireSeconds: 600,
      retryLimit: 3,
      run: async ({ recordingId }) => {
        // Uploads may fill the tools' queue (run-tool.ts); background work waits its turn.
        await whenToolsFree(() => this.recognize(recordingId));
        return null;
      },
    });
  }

  tools(): Promise<AudioTools> {
    return this.toolsPromise;
  }

  async recognizer(): Promise<Recognizer | null> {
    const r = pocketsphinxRecognizer(await this.tools());
    return r.available() ? r : null;
  }

  async tts(): Promise<TtsEngine | null> {
    const e = espeakEngine(await this.tools());
    return e.available() ? e : null;
  }

  /** Queues the speech check of a clip (durably: it runs even if this process dies now). */
  async enqueueAsr(recordingId: number): Promise<void> {
    const { job } = await this.jobs.enqueue(ASR_KIND, { recordingId }, { key: String(recordingId) });
    this.queued.add(job.id);
  }

  /** Clips that still wait for the recognizer (after a restart, or once it got installed). */
  async resumePending(): Promise<number> {
    const pending = await this.db
      .select({ id: recordings.id })
      .from(recordings)
      .where(and(inArray(recordings.asrStatus, ['pending', 'unavailable']), ne(recordings.status, 'failed')));
    for (const p of pending) await this.enqueueAsr(p.id);
    return pending.length;
  }

  /** Resolves when the speech checks this process queued are over, on whichever instance (tests, shutdown). */
  async drain(): Promise<void> {
    while (this.queued.size) {
      for (const id of [...this.queued]) {
        const job = await getJob(this.db, id);
        if (!job || job.state === 'finished' || job.state === 'failed') this.queued.delete(id);
      }
      if (this.queued.size) await new Promise((r) => setTimeout(r, 20));
    }
  }

  private async recognize(recordingId: number): Promise<void> {
    const [rec] = await this.db
      .select({ sha256: recordings.sha256, expressionId: recordings.expressionId, status: recordings.status })
      .from(recordings)
      .where(eq(recordings.id, recordingId));
    if (!rec || rec.status === 'failed') return;
    const recognizer = await this.recognizer();
    if (!recognizer) {
      await this.finishAsr(recordingId, { asrStatus: 'unavailable', asrEngine: null, asrTranscript: null, asrWer: null });
      return;
    }
    const [e] = (await this.db.select({ text: expressions.text, videoId: expressions.videoId }).from(expressions).where(eq(expressions.id, rec.expressionId))) as [{ text: string; videoId: number }];
    const candidates = await this.candidates(e.text, e.videoId, recordingId);
    const wav16 = await toRecognizerWav(await this.tools(), this.store.read(rec.sha256));
    const { chosen } = await recognizer.closedSet(wav16, candidates);
    const transcript = await recognizer.transcribe(wav16);
    const wer = wordErrorRate(e.text, transcript).wer;
    // The closed-set check is the gate; the WER limit is an optional second bar (1 = off).
    const { maxAsrWer } = await getSettings(this.db);
    await this.finishAsr(recordingId, {
      asrStatus: chosen === 0 && (maxAsrWer >= 1 || wer <= maxAsrWer) ? 'passed' : 'failed',
      asrEngine: recognizer.name,
      asrTranscript: transcript,
      asrWer: wer,
    });
  }

  /** The clip's own text first, then the other live expressions of its video, then distractors. */
  private async candidates(text: string, videoId: number, seed: number): Promise<string[]> {
    const sameVideo = (
      await this.db
        .select({ text: expressions.text })
        .from(expressions)
        .where(and(eq(expressions.videoId, videoId), inArray(expressions.status, ['pending', 'second_round', 'accepted'])))
        // A fixed order: the grammar is built from the list, and heap order differs by engine.
        .orderBy(asc(expressions.id))
    ).map((r) => r.text);
    const others = (
      await this.db
        .select({ text: expressions.text })
        .from(expressions)
        .where(and(ne(expressions.videoId, videoId), eq(expressions.status, 'accepted')))
        // A different but stable pick per clip: retries see the same alternatives.
        .orderBy(sql`(${expressions.id} * 2654435761 + ${seed}) % 1000003`)
        .limit(DISTRACTORS)
    ).map((r) => r.text);
    const norm = (s: string) => s.toLowerCase().replace(/[^a-z0-9' ]+/g, ' ').replace(/\s+/g, ' ').trim();
    const seen = new Set([norm(text)]);
    const out = [text];
    for (const t of [...sameVideo, ...others]) {
      if (seen.has(norm(t))) continue;
      seen.add(norm(t));
      out.push(t);
    }
    return out;
  }

  private finishAsr(recordingId: number, result: { asrStatus: 'passed' | 'failed' | 'unavailable'; asrEngine: string | null; asrTranscript: string | null; asrWer: number | null }): Promise<void> {
    const now = Date.now();
    // Retried while busy: a CLI writer may hold SQLite's lock for a moment, or a PostgreSQL
    // transaction lose a conflict (a validator's vote on the same clip).
    return retryOnBusy(() =>
      this.db.transaction(async (tx) => {
        await tx.update(recordings).set(result).where(eq(recordings.id, recordingId));
        await applyClipVerdict(tx, recordingId, now);
        await audit(tx, { actorId: null, action: 'recording.asr', entity: 'recording', entityId: recordingId, data: { status: result.asrStatus, wer: result.asrWer } }, now);
      }),
    );
  }
}

/** Recomputes a clip's status from its two gates; call inside the transaction that changed one. */
export async function applyClipVerdict(tx: Tx, recordingId: number, now: number): Promise<void> {
  const [rec] = await tx.select({ asrStatus: recordings.asrStatus, status: recordings.status }).from(recordings).where(eq(recordings.id, recordingId));
  if (!rec) return;
  const votes = await tx.select({ vote: clipVotes.vote }).from(clipVotes).where(eq(clipVotes.recordingId, recordingId));
  const v = clipVerdict(
    rec.asrStatus,
    votes.map((x) => x.vote),
    (await getSettings(tx)).clipVotesNeeded,
  );
  if (v.status === rec.status) return;
  await tx
    .update(recordings)
    .set({ status: v.status, failureCause: v.cause, decidedAt: v.status === 'submitted' ? null : now })
    .where(eq(recordings.id, recordingId));
  await audit(tx, { actorId: null, action: 'recording.status', entity: 'recording', entityId: recordingId, data: { from: rec.status, to: v.status, cause: v.cause } }, now);
}
