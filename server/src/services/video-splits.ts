import { and, asc, eq, inArray } from 'drizzle-orm';
import { SPLITS, type Split } from '#shared/export/splits.ts';
import type { VideoSplitState } from '#shared/schemas/video-splits.ts';
import { chunked } from '../db/chunks.ts';
import type { Db, DbOrTx } from '../db/client.ts';
import { auditLog, releases, videos, videoSplits } from '../db/schema/index.ts';
import { auditMany } from './audit.ts';
import { badRequest, conflict, notFound } from './errors.ts';
import { notImporting } from './video-visibility.ts';

/**
 * A video's split before its first release (issue 18): `videos.source_split` holds the split its
 * source put it in (import/) or an admin's explicit choice, which this file writes (CLI
 * `videos split`, the admin video page). Once a release has included the video its split is pinned
 * (video_splits) and never moves, so a choice is refused from then on. An admin's choice is told
 * apart from the source's by its audit entry (`video.split`): the card says which videos an admin
 * placed, and `--no-keep-splits` drops the source's splits but never an admin's.
 */

const ACTION = 'video.split';

/** The split each video's newest `video.split` audit entry set (null: cleared); videos never set are absent. */
export async function explicitSplitChoices(db: DbOrTx, videoIds: readonly number[]): Promise<Map<number, Split | null>> {
  const out = new Map<number, Split | null>();
  for (const part of chunked(videoIds.map(String))) {
    const rows = await db
      .select({ entityId: auditLog.entityId, data: auditLog.data })
      .from(auditLog)
      .where(and(eq(auditLog.action, ACTION), eq(auditLog.entity, 'video'), inArray(auditLog.entityId, part)))
      .orderBy(asc(auditLog.id));
    for (const r of rows) out.set(Number(r.entityId), (JSON.parse(r.data ?? '{}') as { to?: Split | null }).to ?? null);
  }
  return out;
}

/** How a video's split stands for the admin page: its source or chosen split, and the pinned one once released. */
export async function videoSplitState(db: DbOrTx, videoId: number): Promise<VideoSplitState> {
  const [v] = await db.select({ id: videos.id, sourceSplit: videos.sourceSplit }).from(videos).where(and(eq(videos.id, videoId), notImporting));
  if (!v) throw notFound(`video ${videoId}`);
  const [pin] = await db
    .select({ split: videoSplits.split, version: releases.version })
    .from(videoSplits)
    .innerJoin(releases, eq(releases.id, videoSplits.releaseId))
    .where(eq(videoSplits.videoId, videoId));
  const chosen = (await explicitSplitChoices(db, [videoId])).get(videoId);
  const origin = v.sourceSplit === null ? null : chosen !== undefined && chosen === v.sourceSplit ? 'explicit' : 'source';
  return { videoId, sourceSplit: v.sourceSplit, origin, pinned: pin ? { split: pin.split, version: pin.version } : null };
}

/** New splits by video id (the admin page) or by name (the CLI); null clears a choice. */
export type SplitChoices = { by: 'id'; splits: ReadonlyMap<number, Split | null> } | { by: 'name'; splits: ReadonlyMap<string, Split | null> };

const listed = (items: string[]) => `${items.slice(0, 20).join(', ')}${items.length > 20 ? ` and ${items.length - 20} more` : ''}`;

/**
 * Sets (or, with null, clears) the split of videos that no release has included yet, all or
 * nothing: a name or id that is unknown, or a video already pinned by a release, refuses the
 * whole request with every offender named. One audit entry per video whose split changes.
 */
export async function setVideoSplits(db: Db, choices: SplitChoices, actorId: number | null, now = Date.now()): Promise<{ changed: string[]; unchanged: string[] }> {
  const keys = [...choices.splits.keys()];
  if (keys.length === 0) throw badRequest('name at least one video');
  return db.transaction(async (tx) => {
    const rows: { id: number; name: string; sourceSplit: Split | null; to: Split | null }[] = [];
    for (const part of chunked(keys)) {
      const key = choices.by === 'id' ? inArray(videos.id, part as number[]) : inArray(videos.name, part as string[]);
      for (const r of await tx.select({ id: videos.id, name: videos.name, sourceSplit: videos.sourceSplit }).from(videos).where(and(key, notImporting))) {
        rows.push({ ...r, to: choices.by === 'id' ? choices.splits.get(r.id)! : choices.splits.get(r.name)! });
      }
    }
    const found = new Set<string | number>(rows.map((r) => (choices.by === 'id' ? r.id : r.name)));
    const missing = keys.filter((k) => !found.has(k)).map((k) => JSON.stringify(k));
    if (missing.length) throw notFound(`video${missing.length > 1 ? 's' : ''} ${listed(missing)}`);
    const pinned: string[] = [];
    for (const part of chunked(rows.map((r) => r.id))) {
      for (const p of await tx
        .select({ name: videos.name, split: videoSplits.split, version: releases.version })
        .from(videoSplits)
        .innerJoin(videos, eq(videos.id, videoSplits.videoId))
        .innerJoin(releases, eq(releases.id, videoSplits.releaseId))
        .where(inArray(videoSplits.videoId, part))) {
        pinned.push(`${p.name} (${p.split} since release ${p.version})`);
      }
    }
    if (pinned.length) throw conflict(`a video keeps the split of the first release that included it; already released: ${listed(pinned.sort())}`);
    rows.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    // Choosing the split a source already gave is still a choice: --no-keep-splits keeps it.
    const chosen = await explicitSplitChoices(tx, rows.map((r) => r.id));
    const same = (r: (typeof rows)[number]) => r.sourceSplit === r.to && (r.to === null || chosen.get(r.id) === r.to);
    const changing = rows.filter((r) => !same(r));
    for (const r of changing.filter((c) => c.sourceSplit !== c.to)) await tx.update(videos).set({ sourceSplit: r.to }).where(eq(videos.id, r.id));
    await auditMany(
      tx,
      changing.map((r) => ({ actorId, action: ACTION, entity: 'video', entityId: r.id, data: { name: r.name, from: r.sourceSplit, to: r.to } })),
      now,
    );
    return { changed: changing.map((r) => r.name), unchanged: rows.filter(same).map((r) => r.name) };
  });
}

/** `name,split` lines (a `name,split` header and blank lines allowed; split "none" clears): the CLI's --csv. */
export function parseSplitCsv(text: string): Map<string, Split | null> {
  const isSplit = (s: string): s is Split => (SPLITS as readonly string[]).includes(s);
  const out = new Map<string, Split | null>();
  text.split(/\r?\n/).forEach((line, i) => {
    const t = line.trim();
    if (!t || (i === 0 && /^name\s*,\s*split$/i.test(t))) return;
    const m = /^([^,]+),([^,]+)$/.exec(t);
    const name = m?.[1]!.trim() ?? '';
    const split = m?.[2]!.trim() ?? '';
    if (!m || !name || !(split === 'none' || isSplit(split))) {
      throw badRequest(`line ${i + 1}: expected "<video name>,<split>" with a split of train, valid_u, valid, test or none (got ${JSON.stringify(t.slice(0, 200))})`);
    }
    const to = split === 'none' ? null : (split as Split);
    if (out.has(name) && out.get(name) !== to) throw badRequest(`line ${i + 1}: ${name} is given two splits`);
    out.set(name, to);
  });
  return out;
}
