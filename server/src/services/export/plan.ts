import { and, asc, eq, inArray, ne, sql } from 'drizzle-orm';
import { checkProportions, splitOf, type SplitProportions } from '#shared/export/splits.ts';
import type { Db } from '../../db/client.ts';
import { expressions, recordings, releaseExpressions, releases, releaseVideos, videos, videoSplits } from '../../db/schema/index.ts';
import { audit } from '../audit.ts';
import { badRequest, ServiceError } from '../errors.ts';
import { getSettings } from '../settings.ts';

export interface ReleaseOptions {
  /** `v<n>`-style or any short name; default: the next `v<n>`. */
  version?: string;
  seed?: number;
  notes?: string;
  /** Keep only expressions with a verified clip. */
  requireAudio?: boolean;
  proportions?: SplitProportions;
}

/** Everything about a release that is not a row in release_videos / release_expressions. */
export interface ReleaseParams {
  version: string;
  seed: number;
  notes: string;
  requireAudio: boolean;
  proportions: SplitProportions;
  /** The newest change the release includes (ms): its date, since no wall clock goes into files. */
  releaseDate: number;
  /** Videos left out because MeViS loaders skip videos with fewer than 2 frames. */
  skippedShortVideos: string[];
}

export interface ReleaseRow {
  id: number;
  version: string;
  params: ReleaseParams;
}

const VERSION = /^[A-Za-z0-9][A-Za-z0-9._-]{0,39}$/;

export function nextVersion(db: Db): string {
  const taken = db.select({ v: releases.version }).from(releases).all().map((r) => /^v(\d+)$/.exec(r.v)?.[1]).filter(Boolean).map(Number);
  return `v${Math.max(0, ...taken) + 1}`;
}

export function getRelease(db: Db, version: string): ReleaseRow | null {
  const row = db.select().from(releases).where(eq(releases.version, version)).get();
  return row ? { id: row.id, version: row.version, params: JSON.parse(row.params) as ReleaseParams } : null;
}

export function listReleases(db: Db) {
  return db
    .select({ id: releases.id, version: releases.version, notes: releases.notes, seed: releases.seed, params: releases.params, createdAt: releases.createdAt })
    .from(releases)
    .orderBy(asc(releases.id))
    .all()
    .map((r) => {
      const p = JSON.parse(r.params) as ReleaseParams;
      const counts = db
        .select({ videos: sql<number>`count(distinct ${releaseExpressions.videoId})`, expressions: sql<number>`count(*)`, clips: sql<number>`count(${releaseExpressions.recordingId})` })
        .from(releaseExpressions)
        .where(eq(releaseExpressions.releaseId, r.id))
        .get()!;
      return { version: r.version, notes: r.notes, seed: r.seed, requireAudio: p.requireAudio, releaseDate: p.releaseDate, createdAt: r.createdAt, ...counts };
    });
}

/**
 * Freezes what a new release holds: every accepted expression (imported ones included) on a
 * video that is not excluded and has at least two frames, with its verified clip (a human one
 * before TTS, then the oldest), each video in its pinned split. One transaction: a release either
 * exists completely or not at all.
 */
export function createRelease(db: Db, opts: ReleaseOptions, actorId: number | null): ReleaseRow {
  const version = opts.version ?? nextVersion(db);
  if (!VERSION.test(version)) throw badRequest(`a release version is 1–40 letters, digits, ".", "_" or "-" (got ${JSON.stringify(version)})`);
  const settings = getSettings(db);
  const seed = opts.seed ?? settings.releaseSeed;
  if (!Number.isSafeInteger(seed) || seed < 0) throw badRequest('the seed must be a non-negative integer');
  const proportions = opts.proportions ?? { ...settings.splitProportions };
  try {
    checkProportions(proportions);
  } catch (e) {
    throw badRequest((e as Error).message);
  }
  const now = Date.now();
  return db.transaction((tx) => {
    if (tx.select({ id: releases.id }).from(releases).where(eq(releases.version, version)).get()) {
      throw new ServiceError('CONFLICT', `release ${version} exists already; export it again with --version ${version}, or choose a new name`);
    }
    const rows = tx
      .select({ id: expressions.id, videoId: expressions.videoId, at: sql<number>`coalesce(${expressions.decidedAt}, ${expressions.createdAt})`, videoName: videos.name, frameCount: videos.frameCount, videoAt: videos.createdAt })
      .from(expressions)
      .innerJoin(videos, eq(videos.id, expressions.videoId))
      .where(and(eq(expressions.status, 'accepted'), ne(videos.status, 'excluded')))
      .orderBy(asc(videos.name), asc(expressions.id))
      .all();
    const clips = new Map<number, { id: number; at: number }>();
    for (const c of tx
      .select({ id: recordings.id, expressionId: recordings.expressionId, at: sql<number>`coalesce(${recordings.decidedAt}, ${recordings.createdAt})` })
      .from(recordings)
      .where(eq(recordings.status, 'verified'))
      .orderBy(sql`case when ${recordings.kind} = 'human' then 0 else 1 end`, asc(recordings.id))
      .all()) {
      if (!clips.has(c.expressionId)) clips.set(c.expressionId, { id: c.id, at: c.at });
    }
    const skippedShortVideos = [...new Set(rows.filter((r) => r.frameCount < 2).map((r) => r.videoName))];
    const kept = rows.filter((r) => r.frameCount >= 2 && (!opts.requireAudio || clips.has(r.id)));
    if (kept.length === 0) throw new ServiceError('PRECONDITION_FAILED', opts.requireAudio ? 'no accepted expression has a verified clip yet' : 'there are no accepted expressions to release');

    const release = tx.insert(releases).values({ version, notes: opts.notes ?? '', seed, params: '{}', createdAt: now }).returning({ id: releases.id }).get();
    const videoIds = [...new Set(kept.map((r) => r.videoId))];
    const pinned = new Map(tx.select().from(videoSplits).where(inArray(videoSplits.videoId, videoIds)).all().map((v) => [v.videoId, v.split]));
    const names = new Map(kept.map((r) => [r.videoId, r.videoName]));
    for (const videoId of videoIds) {
      let split = pinned.get(videoId);
      if (!split) {
        split = splitOf(names.get(videoId)!, seed, proportions);
        tx.insert(videoSplits).values({ videoId, split, releaseId: release.id }).run();
      }
      tx.insert(releaseVideos).values({ releaseId: release.id, videoId, split }).run();
    }
    let releaseDate = 0;
    const perVideo = new Map<number, number>();
    for (const r of kept) {
      const n = perVideo.get(r.videoId) ?? 0;
      perVideo.set(r.videoId, n + 1);
      const clip = clips.get(r.id);
      releaseDate = Math.max(releaseDate, r.at, r.videoAt, clip?.at ?? 0);
      tx.insert(releaseExpressions).values({ releaseId: release.id, expressionId: r.id, videoId: r.videoId, expId: String(n), recordingId: clip?.id ?? null }).run();
    }
    const params: ReleaseParams = { version, seed, notes: opts.notes ?? '', requireAudio: Boolean(opts.requireAudio), proportions, releaseDate, skippedShortVideos };
    tx.update(releases).set({ params: JSON.stringify(params) }).where(eq(releases.id, release.id)).run();
    audit(tx, { actorId, action: 'release.create', entity: 'release', entityId: release.id, data: { version, videos: videoIds.length, expressions: kept.length } }, now);
    return { id: release.id, version, params };
  });
}
