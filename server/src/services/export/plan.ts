import { and, asc, eq, inArray, ne, sql } from 'drizzle-orm';
import { allocateByQuota, checkProportions, tallySplits, type Split, type SplitCounts, type SplitOrigin, type SplitProportions } from '#shared/export/splits.ts';
import { DEFAULT_K_ANONYMITY, isValidK, MAX_K_ANONYMITY, MIN_K_ANONYMITY } from '#shared/export/k-anonymity.ts';
import { RELEASE_VERSION } from '#shared/schemas/admin.ts';
import { protocolOf, type ProtocolSettings } from '#shared/export/datasheet.ts';
import type { DatasheetText } from '#shared/schemas/datasheet.ts';
import { getDatasheet } from '../datasheet.ts';
import { chunked } from '../../db/chunks.ts';
import type { Db, DbOrTx } from '../../db/client.ts';
import { expressions, recordings, releaseExpressions, releases, releaseVideos, videos, videoSplits } from '../../db/schema/index.ts';
import { audit } from '../audit.ts';
import { badRequest, ServiceError } from '../errors.ts';
import { getSettings } from '../settings.ts';
import { explicitSplitChoices } from '../video-splits.ts';

export interface ReleaseOptions {
  /** `v<n>`-style or any short name; default: the next `v<n>`. */
  version?: string;
  seed?: number;
  notes?: string;
  /** Keep only expressions with a verified clip. */
  requireAudio?: boolean;
  proportions?: SplitProportions;
  /**
   * Also the synthetic demo videos (source 'demo', made at first start) and their expressions.
   * Off by default: demo videos start out accepted, and practice sentences on them are not data.
   */
  includeDemo?: boolean;
  /**
   * Videos no release has placed yet take the split their source gave them (default: on; the CLI's
   * --no-keep-splits turns it off). An admin's explicit choice holds either way; the other videos
   * are allocated by the proportions' quotas.
   */
  keepSplits?: boolean;
  /** Speaker answers appear only when at least this many speakers share them (shared/src/export/k-anonymity.ts; default 5, 1 = off). */
  kAnonymity?: number;
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
  /** Whether demo videos were eligible (absent in releases made before the choice existed: false). */
  includeDemo?: boolean;
  /**
   * Issue 18's split rules, absent in releases made before them (every new video then went by
   * name hash, and the card says so): whether source splits were kept, and per split written how
   * many videos came by which rule.
   */
  keepSplits?: boolean;
  splitCounts?: SplitCounts;
  /** 'source': frames keep the source's names where the MeViS tools read them (shared/src/export/frame-names.ts); absent: all renumbered 00000… */
  frameNames?: 'source';
  /** k of the speaker answers' k-anonymity (absent in releases made before the option: the default, 5). */
  kAnonymity?: number;
  /**
   * The datasheet's admin-written text and the protocol's settings as they were when the release was
   * made (services/datasheet.ts, shared/src/export/datasheet.ts): later edits never change its card.
   * Absent in releases made before: their card has the default text and no protocol list.
   */
  datasheet?: DatasheetText;
  protocol?: ProtocolSettings;
}

export interface ReleaseRow {
  id: number;
  version: string;
  params: ReleaseParams;
}


/** Refuses a version name that could not be a folder or lock name. */
export function checkVersionName(version: string): void {
  if (!RELEASE_VERSION.test(version)) throw badRequest(`a release version is 1–40 letters, digits, ".", "_" or "-" (got ${JSON.stringify(version)})`);
}

/**
 * Videos whose expressions may go into a release. Listed states rather than "not excluded", so a
 * state added later (e.g. videos still being imported) stays out until someone decides otherwise.
 */
export const RELEASABLE_VIDEO_STATUSES = ['candidate', 'accepted'] as const;

export async function nextVersion(db: DbOrTx): Promise<string> {
  const taken = (await db.select({ v: releases.version }).from(releases)).map((r) => /^v(\d+)$/.exec(r.v)?.[1]).filter(Boolean).map(Number);
  return `v${Math.max(0, ...taken) + 1}`;
}

export async function getRelease(db: DbOrTx, version: string): Promise<ReleaseRow | null> {
  const [row] = await db.select().from(releases).where(eq(releases.version, version));
  return row ? { id: row.id, version: row.version, params: JSON.parse(row.params) as ReleaseParams } : null;
}

export async function listReleases(db: Db) {
  const rows = await db
    .select({ id: releases.id, version: releases.version, notes: releases.notes, seed: releases.seed, params: releases.params, createdAt: releases.createdAt })
    .from(releases)
    .orderBy(asc(releases.id));
  const out = [];
  for (const r of rows) {
    const p = JSON.parse(r.params) as ReleaseParams;
    const [counts] = await db
      .select({
        videos: sql<number>`count(distinct ${releaseExpressions.videoId})`.mapWith(Number),
        expressions: sql<number>`count(*)`.mapWith(Number),
        clips: sql<number>`count(${releaseExpressions.recordingId})`.mapWith(Number),
      })
      .from(releaseExpressions)
      .where(eq(releaseExpressions.releaseId, r.id));
    out.push({ version: r.version, notes: r.notes, seed: r.seed, requireAudio: p.requireAudio, includeDemo: p.includeDemo ?? false, releaseDate: p.releaseDate, createdAt: r.createdAt, splits: p.splitCounts ?? null, ...counts! });
  }
  return out;
}

/**
 * Freezes what a new release holds: every accepted expression (imported ones included) on a
 * video that is a candidate or accepted (not excluded, not demo unless asked) with at least two frames, with its verified clip (a human one
 * before TTS, then the oldest), each video in its pinned split; a video no release has placed
 * takes an admin's choice, else its source's split (keepSplits), else its quota of the
 * proportions (allocateByQuota). One transaction: a release either exists completely or not at all.
 */
export async function createRelease(db: Db, opts: ReleaseOptions, actorId: number | null): Promise<ReleaseRow> {
  const version = opts.version ?? (await nextVersion(db));
  checkVersionName(version);
  const settings = await getSettings(db);
  const seed = opts.seed ?? settings.releaseSeed;
  if (!Number.isSafeInteger(seed) || seed < 0) throw badRequest('the seed must be a non-negative integer');
  const kAnonymity = opts.kAnonymity ?? DEFAULT_K_ANONYMITY;
  if (!isValidK(kAnonymity)) throw badRequest(`k-anonymity is a whole number from ${MIN_K_ANONYMITY} to ${MAX_K_ANONYMITY} (1 turns it off)`);
  const proportions = opts.proportions ?? { ...settings.splitProportions };
  try {
    checkProportions(proportions);
  } catch (e) {
    throw badRequest((e as Error).message);
  }
  const now = Date.now();
  return db.transaction(async (tx) => {
    if ((await tx.select({ id: releases.id }).from(releases).where(eq(releases.version, version))).length) {
      throw new ServiceError('CONFLICT', `release ${version} exists already; export it again with --version ${version}, or choose a new name`);
    }
    const rows = await tx
      .select({ id: expressions.id, videoId: expressions.videoId, at: sql<number>`coalesce(${expressions.decidedAt}, ${expressions.createdAt})`.mapWith(Number), videoName: videos.name, frameCount: videos.frameCount, videoAt: videos.createdAt, sourceSplit: videos.sourceSplit })
      .from(expressions)
      .innerJoin(videos, eq(videos.id, expressions.videoId))
      .where(
        and(
          eq(expressions.status, 'accepted'),
          inArray(videos.status, [...RELEASABLE_VIDEO_STATUSES]),
          opts.includeDemo ? undefined : ne(videos.source, 'demo'),
          // An expression naming an excluded object waits for the admin's decision (the video's
          // admin page lists it): its ground truth would point at a track the release leaves out.
          sql`not exists (select 1 from expression_targets t join objects o on o.id = t.object_id where t.expression_id = ${expressions.id} and o.excluded_at is not null)`,
        ),
      )
      .orderBy(asc(videos.name), asc(expressions.id));
    const clips = new Map<number, { id: number; at: number }>();
    for (const c of await tx
      .select({ id: recordings.id, expressionId: recordings.expressionId, at: sql<number>`coalesce(${recordings.decidedAt}, ${recordings.createdAt})`.mapWith(Number) })
      .from(recordings)
      .where(eq(recordings.status, 'verified'))
      .orderBy(sql`case when ${recordings.kind} = 'human' then 0 else 1 end`, asc(recordings.id))) {
      if (!clips.has(c.expressionId)) clips.set(c.expressionId, { id: c.id, at: c.at });
    }
    const skippedShortVideos = [...new Set(rows.filter((r) => r.frameCount < 2).map((r) => r.videoName))];
    const kept = rows.filter((r) => r.frameCount >= 2 && (!opts.requireAudio || clips.has(r.id)));
    if (kept.length === 0) {
      const why = opts.requireAudio ? 'no accepted expression has a verified clip yet' : 'there are no accepted expressions to release';
      const demoLeftOut =
        !opts.includeDemo &&
        (await tx.select({ id: expressions.id }).from(expressions).innerJoin(videos, eq(videos.id, expressions.videoId)).where(and(eq(expressions.status, 'accepted'), eq(videos.source, 'demo'))).limit(1)).length > 0;
      throw new ServiceError('PRECONDITION_FAILED', demoLeftOut ? `${why} (demo videos are left out unless included: --include-demo, or the "include demo content" box)` : why);
    }

    const [release] = (await tx.insert(releases).values({ version, notes: opts.notes ?? '', seed, params: '{}', createdAt: now }).returning({ id: releases.id })) as [{ id: number }];
    const videoIds = [...new Set(kept.map((r) => r.videoId))];
    const pinned = new Map<number, (typeof videoSplits.$inferSelect)['split']>();
    for (const part of chunked(videoIds)) for (const v of await tx.select().from(videoSplits).where(inArray(videoSplits.videoId, part))) pinned.set(v.videoId, v.split);
    const names = new Map(kept.map((r) => [r.videoId, r.videoName]));
    const sourceSplits = new Map(kept.map((r) => [r.videoId, r.sourceSplit]));
    const keepSplits = opts.keepSplits ?? true;
    const chosen = await explicitSplitChoices(tx, videoIds.filter((id) => !pinned.has(id)));
    // Pinned first (never moves), then an admin's choice, then the source's (unless not kept); the rest by quota.
    const placed = new Map<number, { split: Split; origin: SplitOrigin }>();
    const unplaced: number[] = [];
    for (const videoId of videoIds) {
      const pin = pinned.get(videoId);
      const source = sourceSplits.get(videoId) ?? null;
      if (pin) placed.set(videoId, { split: pin, origin: 'pinned' });
      else if (source && chosen.get(videoId) === source) placed.set(videoId, { split: source, origin: 'explicit' });
      else if (source && keepSplits) placed.set(videoId, { split: source, origin: 'source' });
      else unplaced.push(videoId);
    }
    const byQuota = allocateByQuota(unplaced.map((id) => names.get(id)!), seed, proportions);
    for (const videoId of unplaced) placed.set(videoId, { split: byQuota.get(names.get(videoId)!)!, origin: 'quota' });
    const newSplits: (typeof videoSplits.$inferInsert)[] = [];
    const releaseVideoRows: (typeof releaseVideos.$inferInsert)[] = [];
    for (const videoId of videoIds) {
      const { split, origin } = placed.get(videoId)!;
      if (origin !== 'pinned') newSplits.push({ videoId, split, releaseId: release.id });
      releaseVideoRows.push({ releaseId: release.id, videoId, split });
    }
    const splitCounts = tallySplits(placed.values());
    // Multi-row inserts: one statement per few hundred rows, not one per row (a round trip each on PostgreSQL).
    for (const part of chunked(newSplits)) await tx.insert(videoSplits).values(part);
    for (const part of chunked(releaseVideoRows)) await tx.insert(releaseVideos).values(part);
    let releaseDate = 0;
    const perVideo = new Map<number, number>();
    const expressionRows: (typeof releaseExpressions.$inferInsert)[] = [];
    for (const r of kept) {
      const n = perVideo.get(r.videoId) ?? 0;
      perVideo.set(r.videoId, n + 1);
      const clip = clips.get(r.id);
      releaseDate = Math.max(releaseDate, r.at, r.videoAt, clip?.at ?? 0);
      expressionRows.push({ releaseId: release.id, expressionId: r.id, videoId: r.videoId, expId: String(n), recordingId: clip?.id ?? null });
    }
    for (const part of chunked(expressionRows)) await tx.insert(releaseExpressions).values(part);
    const params: ReleaseParams = {
      version,
      seed,
      notes: opts.notes ?? '',
      requireAudio: Boolean(opts.requireAudio),
      proportions,
      releaseDate,
      skippedShortVideos,
      includeDemo: Boolean(opts.includeDemo),
      keepSplits,
      splitCounts,
      frameNames: 'source',
      kAnonymity,
      datasheet: await getDatasheet(tx),
      protocol: protocolOf(settings),
    };
    await tx.update(releases).set({ params: JSON.stringify(params) }).where(eq(releases.id, release.id));
    await audit(tx, { actorId, action: 'release.create', entity: 'release', entityId: release.id, data: { version, videos: videoIds.length, expressions: kept.length, includeDemo: Boolean(opts.includeDemo), keepSplits, splits: splitCounts } }, now);
    return { id: release.id, version, params };
  });
}
