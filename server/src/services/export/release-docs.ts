import { and, desc, eq, lt, sql } from 'drizzle-orm';
import { diffReleases, renderChangelog, type ReleaseContents } from '#shared/export/changelog.ts';
import type { DatasheetFacts } from '#shared/export/datasheet.ts';
import { renderFigures, type FigureData } from '#shared/export/figures/index.ts';
import type { ProvenanceRow } from '#shared/export/upstream.ts';
import { DEFAULT_DATASHEET } from '#shared/schemas/datasheet.ts';
import type { DbOrTx } from '../../db/client.ts';
import { expressions, imports, releaseExpressions, releases, releaseVideos, validations, videos } from '../../db/schema/index.ts';
import type { ReleaseOutput } from './output.ts';
import type { ReleaseRow } from './plan.ts';

/**
 * The files that document a release beside its data: figures/*.svg (from the counts the writer
 * gathered), CHANGELOG.md (against the project's previous release), and the facts of the card's
 * datasheet sections. Every read is of rows frozen with the release (release_videos,
 * release_expressions, the answers given before it was made, immutable import rows) or of its
 * parameters, and every list is sorted here: the same release always documents itself the same way.
 */

const byText = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/** What a release holds, by id and split (the changelog compares two of these). */
export async function releaseContents(db: DbOrTx, release: { id: number; version: string }): Promise<ReleaseContents> {
  const where = eq(releaseVideos.releaseId, release.id);
  const vids = await db.select({ id: videos.id, name: videos.name, split: releaseVideos.split }).from(releaseVideos).innerJoin(videos, eq(videos.id, releaseVideos.videoId)).where(where);
  const exprs = await db
    .select({ id: releaseExpressions.expressionId, clip: releaseExpressions.recordingId, split: releaseVideos.split })
    .from(releaseExpressions)
    .innerJoin(releaseVideos, and(eq(releaseVideos.releaseId, releaseExpressions.releaseId), eq(releaseVideos.videoId, releaseExpressions.videoId)))
    .where(where);
  return {
    version: release.version,
    videos: vids,
    expressions: exprs.map((e) => ({ id: e.id, split: e.split })),
    clips: exprs.filter((e) => e.clip !== null).map((e) => ({ id: e.clip!, split: e.split })),
  };
}

/** The release made just before this one (creation order = id order), if any. */
export async function previousRelease(db: DbOrTx, releaseId: number): Promise<{ id: number; version: string } | null> {
  const [row] = await db.select({ id: releases.id, version: releases.version }).from(releases).where(lt(releases.id, releaseId)).orderBy(desc(releases.id)).limit(1);
  return row ?? null;
}

/** The release's videos grouped by importer and import folder. */
export async function releaseProvenance(db: DbOrTx, releaseId: number): Promise<ProvenanceRow[]> {
  const rows = await db
    .select({ videoSource: videos.source, importSource: imports.source, videos: sql<number>`count(*)`.mapWith(Number) })
    .from(releaseVideos)
    .innerJoin(videos, eq(videos.id, releaseVideos.videoId))
    .leftJoin(imports, eq(imports.id, videos.importId))
    .where(eq(releaseVideos.releaseId, releaseId))
    .groupBy(videos.source, imports.source);
  // Sorted here, by code point: the engines' collations may order text differently.
  return rows.sort((a, b) => byText(a.videoSource, b.videoSource) || byText(a.importSource ?? '', b.importSource ?? ''));
}

/**
 * Who made the release's expressions, as counts: their authors (imported ones have none) and the
 * validators whose protocol answers on them were given before the release was made and not voided
 * by then (a later voiding does not rewrite an earlier release).
 */
export async function releasePeople(db: DbOrTx, releaseId: number): Promise<DatasheetFacts['people']> {
  const [authors] = await db
    .select({
      annotators: sql<number>`count(distinct ${expressions.authorId})`.mapWith(Number),
      imported: sql<number>`count(*) filter (where ${expressions.authorId} is null)`.mapWith(Number),
    })
    .from(releaseExpressions)
    .innerJoin(expressions, eq(expressions.id, releaseExpressions.expressionId))
    .where(eq(releaseExpressions.releaseId, releaseId));
  const [made] = await db.select({ at: releases.createdAt }).from(releases).where(eq(releases.id, releaseId));
  const at = made?.at ?? 0;
  const [answers] = await db
    .select({ validators: sql<number>`count(distinct ${validations.validatorId})`.mapWith(Number) })
    .from(releaseExpressions)
    .innerJoin(validations, eq(validations.expressionId, releaseExpressions.expressionId))
    .where(and(eq(releaseExpressions.releaseId, releaseId), sql`${validations.round} > 0`, sql`${validations.createdAt} <= ${at}`, sql`(${validations.voidedAt} is null or ${validations.voidedAt} > ${at})`));
  return { annotators: authors?.annotators ?? 0, importedExpressions: authors?.imported ?? 0, validators: answers?.validators ?? 0 };
}

/**
 * Writes figures/*.svg and CHANGELOG.md into the public package and returns the datasheet's facts
 * for the card. Called by the writer once the data is written (it fed `figures` on the way).
 */
export async function writeReleaseDocs(db: DbOrTx, out: ReleaseOutput, release: ReleaseRow, figures: FigureData): Promise<DatasheetFacts> {
  const drawn = renderFigures(figures);
  for (const f of drawn) out.text(f.path, f.svg);
  const previous = await previousRelease(db, release.id);
  const diff = diffReleases(previous && (await releaseContents(db, previous)), await releaseContents(db, release));
  out.text('CHANGELOG.md', renderChangelog(diff));
  return {
    text: release.params.datasheet ?? DEFAULT_DATASHEET,
    protocol: release.params.protocol ?? null,
    people: await releasePeople(db, release.id),
    provenance: await releaseProvenance(db, release.id),
    figures: drawn.map((f) => ({ path: f.path, title: f.title })),
    previousVersion: previous?.version ?? null,
  };
}
