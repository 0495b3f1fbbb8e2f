import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { eq } from 'drizzle-orm';
import type { ExpressionStatus } from '#shared/domain.ts';
import { kindForTargetCount } from '#shared/domain.ts';
import type { App } from '../app.ts';
import { expressions, expressionTargets, objects, recordingOffers, recordings, validations, videos } from '../db/schema/index.ts';
import { runImport } from '../import/run.ts';
import { waitForJob } from '../jobs/records.ts';
import { writeDavisVideo } from './davis-builder.ts';

let seq = 0;

/** Imports one small generated video through the real importer and returns its id. */
export async function importVideo(app: App, name: string, status: 'candidate' | 'accepted' | 'excluded' = 'accepted', objectCount = 2): Promise<number> {
  const dir = path.join(app.config.dataDir, `src-${name}-${++seq}`);
  mkdirSync(dir, { recursive: true });
  await writeDavisVideo(dir, name, { objects: objectCount, speed: 2 + (seq % 5) });
  const { curationJob } = await runImport(app, { format: 'davis', dir, status });
  // Scored before the test goes on, as an import once was: a job still writing in the background
  // would race the test's own checks (a WAL checkpoint, a count of rows).
  if (curationJob && app.jobs.running) await waitForJob(app.db, curationJob);
  const [v] = await app.db.select({ id: videos.id }).from(videos).where(eq(videos.name, name));
  return v!.id;
}

/** Inserts an expression row directly (tests that need one in a given state). */
export async function addExpression(
  app: App,
  o: { videoId: number; authorId: number | null; status?: ExpressionStatus; targets?: number[]; text?: string; motionFrames?: { start: number; end: number } },
): Promise<number> {
  const objectIds = new Map((await app.db.select().from(objects).where(eq(objects.videoId, o.videoId))).map((r) => [r.localId, r.id]));
  const targets = o.targets ?? [1];
  return app.db.transaction(async (tx) => {
    const [row] = await tx
      .insert(expressions)
      .values({
        uid: `test-${++seq}`,
        videoId: o.videoId,
        authorId: o.authorId,
        text: o.text ?? `expression ${seq}`,
        kind: kindForTargetCount(targets.length),
        status: o.status ?? 'pending',
        origin: o.authorId === null ? 'imported' : 'annotated',
        createdAt: Date.now(),
        motionStartFrame: o.motionFrames?.start ?? null,
        motionEndFrame: o.motionFrames?.end ?? null,
      })
      .returning({ id: expressions.id });
    if (targets.length) await tx.insert(expressionTargets).values(targets.map((t) => ({ expressionId: row!.id, objectId: objectIds.get(t)! })));
    return row!.id;
  });
}

export async function addValidation(app: App, expressionId: number, validatorId: number): Promise<void> {
  await app.db.transaction((tx) => tx.insert(validations).values({ expressionId, validatorId, round: 1, answer: 'no_target', durationMs: 1000, createdAt: Date.now() }));
}

export async function addRecording(app: App, expressionId: number, speakerId: number, status: 'submitted' | 'verified' | 'failed' = 'submitted'): Promise<void> {
  await app.db.transaction((tx) =>
    tx.insert(recordings).values({ uid: `rec-${++seq}`, expressionId, speakerId, kind: 'human', status, sha256: 'a'.repeat(64), sampleRate: 48000, durationMs: 2000, createdAt: Date.now() }),
  );
}

/** As if `record.next` had handed these expressions to the speaker (uploads need such an offer). */
export async function offerTo(app: App, speakerId: number, expressionIds: number[]): Promise<void> {
  if (!expressionIds.length) return;
  await app.db.transaction((tx) =>
    tx.insert(recordingOffers).values(expressionIds.map((expressionId) => ({ userId: speakerId, expressionId, offeredAt: Date.now() }))).onConflictDoNothing(),
  );
}
