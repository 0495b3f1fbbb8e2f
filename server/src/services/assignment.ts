import { randomInt } from 'node:crypto';
import { and, count, eq, gt } from 'drizzle-orm';
import type { Db } from '../db/client.ts';
import { annotationSkips, expressions, videos } from '../db/schema/index.ts';
import { audit } from './audit.ts';
import { notFound } from './errors.ts';

/** A skip keeps a video away from that annotator for a day (unless nothing else is left). */
const SKIP_MEMORY_MS = 24 * 3600_000;

export interface VideoWeightInput {
  videoId: number;
  accepted: number;
  mine: number;
  skippedRecently: boolean;
}

/**
 * The "next video" lottery (paper §3.1: the system picks a video at random). Weighting towards
 * videos with few accepted expressions spreads the dataset over all videos; weighting away from
 * videos this annotator already wrote for keeps each video's expressions from one voice.
 */
export function videoWeight(v: VideoWeightInput): number {
  const coverage = 1 / (1 + v.accepted);
  const diversity = 1 / (1 + v.mine) ** 2;
  return coverage * diversity * (v.skippedRecently ? 0.02 : 1);
}

export function pickWeighted<T>(items: readonly T[], weight: (t: T) => number, random: (max: number) => number = randomInt): T | null {
  const weights = items.map(weight);
  const total = weights.reduce((a, b) => a + b, 0);
  if (!(total > 0)) return null;
  // Integer lottery on a fine grid: crypto randomInt takes integers only.
  const GRID = 1_000_000_000;
  let ticket = (random(GRID) / GRID) * total;
  for (let i = 0; i < items.length; i++) {
    ticket -= weights[i]!;
    if (ticket < 0) return items[i]!;
  }
  return items[items.length - 1]!;
}

export async function nextVideoFor(db: Db, userId: number, opts: { exclude?: number; now?: number } = {}): Promise<number | null> {
  const now = opts.now ?? Date.now();
  const accepted = await db
    .select({ videoId: expressions.videoId, n: count() })
    .from(expressions)
    .where(eq(expressions.status, 'accepted'))
    .groupBy(expressions.videoId);
  const mine = await db
    .select({ videoId: expressions.videoId, n: count() })
    .from(expressions)
    .where(eq(expressions.authorId, userId))
    .groupBy(expressions.videoId);
  const skipped = await db
    .selectDistinct({ videoId: annotationSkips.videoId })
    .from(annotationSkips)
    .where(and(eq(annotationSkips.userId, userId), gt(annotationSkips.at, now - SKIP_MEMORY_MS)));
  const acceptedBy = new Map(accepted.map((r) => [r.videoId, r.n]));
  const mineBy = new Map(mine.map((r) => [r.videoId, r.n]));
  const skippedSet = new Set(skipped.map((r) => r.videoId));
  const candidates = (await db.select({ id: videos.id }).from(videos).where(eq(videos.status, 'accepted'))).map((v) => ({ videoId: v.id, accepted: acceptedBy.get(v.id) ?? 0, mine: mineBy.get(v.id) ?? 0, skippedRecently: skippedSet.has(v.id) }));
  const pool = candidates.length > 1 && opts.exclude !== undefined ? candidates.filter((c) => c.videoId !== opts.exclude) : candidates;
  return pickWeighted(pool, videoWeight)?.videoId ?? null;
}

export async function recordSkip(db: Db, userId: number, videoId: number, now = Date.now()): Promise<void> {
  await db.transaction(async (tx) => {
    const [v] = await tx.select({ id: videos.id }).from(videos).where(and(eq(videos.id, videoId), eq(videos.status, 'accepted')));
    if (!v) throw notFound(`video ${videoId}`);
    await tx.insert(annotationSkips).values({ userId, videoId, at: now });
    await audit(tx, { actorId: userId, action: 'annotation.skip', entity: 'video', entityId: videoId }, now);
  });
}

