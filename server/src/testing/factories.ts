import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { eq } from 'drizzle-orm';
import type { ExpressionStatus } from '#shared/domain.ts';
import { kindForTargetCount } from '#shared/domain.ts';
import type { App } from '../app.ts';
import { expressions, expressionTargets, objects, recordings, validations, videos } from '../db/schema/index.ts';
import { runImport } from '../import/run.ts';
import { writeDavisVideo } from './davis-builder.ts';

let seq = 0;

/** Imports one small generated video through the real importer and returns its id. */
export async function importVideo(app: App, name: string, status: 'candidate' | 'accepted' | 'excluded' = 'accepted', objectCount = 2): Promise<number> {
  const dir = path.join(app.config.dataDir, `src-${name}-${++seq}`);
  mkdirSync(dir, { recursive: true });
  await writeDavisVideo(dir, name, { objects: objectCount, speed: 2 + (seq % 5) });
  await runImport(app, { format: 'davis', dir, status });
  return app.db.select().from(videos).where(eq(videos.name, name)).get()!.id;
}

/** Inserts an expression row directly (the annotation flow comes in a later issue). */
export function addExpression(app: App, o: { videoId: number; authorId: number | null; status?: ExpressionStatus; targets?: number[]; text?: string }): number {
  const objectIds = new Map(app.db.select().from(objects).where(eq(objects.videoId, o.videoId)).all().map((r) => [r.localId, r.id]));
  const targets = o.targets ?? [1];
  const row = app.db
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
    })
    .returning({ id: expressions.id })
    .get();
  for (const t of targets) app.db.insert(expressionTargets).values({ expressionId: row.id, objectId: objectIds.get(t)! }).run();
  return row.id;
}

export function addValidation(app: App, expressionId: number, validatorId: number): void {
  app.db.insert(validations).values({ expressionId, validatorId, round: 1, answer: 'no_target', durationMs: 1000, createdAt: Date.now() }).run();
}

export function addRecording(app: App, expressionId: number, speakerId: number, status: 'submitted' | 'verified' | 'failed' = 'submitted'): void {
  app.db
    .insert(recordings)
    .values({ uid: `rec-${++seq}`, expressionId, speakerId, kind: 'human', status, sha256: 'a'.repeat(64), sampleRate: 48000, durationMs: 2000, createdAt: Date.now() })
    .run();
}
