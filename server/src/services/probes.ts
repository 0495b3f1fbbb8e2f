import { and, asc, count, desc, eq, inArray, isNotNull, isNull, lte, or, sql, type SQL } from 'drizzle-orm';
import type { ProbeDecision } from '#shared/domain.ts';
import { isProbeSelected, probeFrame, probeMatched, probeReleaseStats, type ProbeReleaseStats } from '#shared/probe/index.ts';
import { targetSet } from '#shared/protocol/target-set.ts';
import type { AdminProbePage, AdminProbeRow, AdminProbeStats, ProbeAnswer, ProbeView } from '#shared/schemas/probe.ts';
import type { PROBE_LIST_STATES } from '#shared/schemas/probe.ts';
import type { VideoMasks } from '#shared/schemas/videos.ts';
import { BUSY_DEADLINE_MS, isUniqueViolation, RaceLost, retryOnBusy } from '../db/busy.ts';
import { chunked } from '../db/chunks.ts';
import { lazyTransaction, type Db, type DbOrTx } from '../db/client.ts';
import { auditLog, expressions, expressionTargets, frames, masks, objects, probes, releaseExpressions, releases, users, videos } from '../db/schema/index.ts';
import { audit } from './audit.ts';
import { badRequest, conflict, notFound } from './errors.ts';
import { getSettings } from './settings.ts';

/*
 * The single-frame probe (issue 18; MeViS §3.1, V1: the target must not be identifiable from one
 * frame). A share of the accepted expressions with targets (`probeShare`, drawn by the id's hash:
 * shared/src/probe) gets one extra blind task: a validator who has never seen the video gets one
 * frame, drawn by the same hash among the frames showing the targets, with every mask on it and
 * the sentence, and names the objects (or "no target"). Picking the annotator's set flags the
 * expression as identifiable from one frame; the admin keeps it or rejects it (V1).
 *
 * Probe answers live in `probes` only: the protocol (validations, leases, the queue), agreement
 * and scores never read that table, so a probe can never count as a protocol answer. Nothing here
 * runs on the validation hot path: probe rows are made when a validator asks for a probe.
 */

/** Why an answer is refused; the same words whether the probe exists or not (no id oracle). */
const NOT_HELD = 'this probe is not assigned to you (or your time ran out and it was handed to someone else); please take the next one';

/** Probes hold a validator like a protocol lease does: the same length (Settings → lease length). */
const leaseMs = (minutes: number) => Math.round(minutes * 60_000);

/** An expression none of whose targets an admin excluded (excluded objects are never shown, so nobody could name them). */
const NO_EXCLUDED_TARGET = sql`not exists (select 1 from "expression_targets" et join "objects" eo on eo.id = et.object_id where et.expression_id = "expressions"."id" and eo.excluded_at is not null)`;

// ---------------------------------------------------------------------------------------------
// Making probe rows

/** Per process and database: the accepted set (and share) the last scan saw; unchanged means nothing new to probe. */
const scannedFor = new WeakMap<DbOrTx, string>();

/**
 * Makes the probe rows of every expression the share selects that has none yet: accepted, with
 * targets, none excluded, with a frame showing them. Called when a validator asks for a probe (or
 * for their count), never by the validation path. Skipped when the accepted set is what the last
 * scan saw (count, sum and largest id of accepted expressions: an index-only aggregate), so a
 * request costs one statement once every selected expression has its probe. Harmless to lose in a
 * power cut (the rows are drawn again the same), hence a lazy commit.
 */
export async function makeProbes(db: Db, share: number, now = Date.now()): Promise<number> {
  if (share <= 0) return 0;
  const { rows } = await db.execute<{ n: number; s: number; m: number }>(
    sql`select count(*) as "n", coalesce(sum(id), 0) as "s", coalesce(max(id), 0) as "m" from expressions where status = 'accepted'`,
  );
  const key = `${share}|${rows[0]!.n}|${rows[0]!.s}|${rows[0]!.m}`;
  if (scannedFor.get(db) === key) return 0;
  const unprobed = await db
    .select({ id: expressions.id })
    .from(expressions)
    .where(
      and(
        eq(expressions.status, 'accepted'),
        inArray(expressions.kind, ['single', 'multi']),
        sql`not exists (select 1 from "probes" p where p.expression_id = "expressions"."id")`,
        NO_EXCLUDED_TARGET,
      ),
    );
  const chosen = unprobed.map((r) => r.id).filter((id) => isProbeSelected(id, share));
  const made: (typeof probes.$inferInsert)[] = [];
  for (const part of chunked(chosen)) {
    const targetCounts = new Map(
      (await db.select({ e: expressionTargets.expressionId, n: count() }).from(expressionTargets).where(inArray(expressionTargets.expressionId, part)).groupBy(expressionTargets.expressionId)).map(
        (r) => [r.e, Number(r.n)],
      ),
    );
    const perFrame = new Map<number, { frame: number; visibleTargets: number }[]>();
    for (const r of await db
      .select({ e: expressionTargets.expressionId, frame: masks.frameIdx, n: count() })
      .from(expressionTargets)
      .innerJoin(masks, eq(masks.objectId, expressionTargets.objectId))
      .where(inArray(expressionTargets.expressionId, part))
      .groupBy(expressionTargets.expressionId, masks.frameIdx)) {
      perFrame.set(r.e, [...(perFrame.get(r.e) ?? []), { frame: r.frame, visibleTargets: Number(r.n) }]);
    }
    for (const id of part) {
      const frameIdx = probeFrame(id, perFrame.get(id) ?? [], targetCounts.get(id) ?? 0);
      // No target visible on any frame: there is nothing to ask (looked at again when the accepted set changes).
      if (frameIdx !== null) made.push({ expressionId: id, frameIdx, createdAt: now });
    }
  }
  if (made.length) {
    await lazyTransaction(db, async (tx) => {
      for (const part of chunked(made)) await tx.insert(probes).values(part).onConflictDoNothing();
    });
  }
  scannedFor.set(db, key);
  return made.length;
}

// ---------------------------------------------------------------------------------------------
// Blindness

/**
 * The videos this person has seen, so a probe never goes to them: videos they wrote for or
 * skipped as an annotator, held or answered a validation sample of (lease history covers samples
 * held and given back), recorded or were offered for recording, flagged a mask on, or were handed
 * a probe of (any probe: a second frame of the same video is a glimpse of its motion). `except`:
 * a probe whose own hand-out does not count (the answer's re-check).
 */
async function seenVideos(db: DbOrTx, userId: number, except?: number): Promise<Set<number>> {
  const { rows } = await db.execute<{ v: number }>(sql`
    select own.video_id as "v" from expressions own where own.author_id = ${userId}
    union select e.video_id from lease_history h join expressions e on e.id = h.expression_id where h.validator_id = ${userId}
    union select e.video_id from validations va join expressions e on e.id = va.expression_id where va.validator_id = ${userId}
    union select s.video_id from annotation_skips s where s.user_id = ${userId}
    union select e.video_id from recordings r join expressions e on e.id = r.expression_id where r.speaker_id = ${userId}
    union select e.video_id from recording_offers o join expressions e on e.id = o.expression_id where o.user_id = ${userId}
    union select f.video_id from mask_flags f where f.reporter_id = ${userId}`);
  const seen = new Set(rows.map((r) => Number(r.v)));
  // Probes handed to them, from the audit log's (entity, entity_id) index: a hand-out is audited.
  const handed = (await db
    .select({ id: auditLog.entityId })
    .from(auditLog)
    .where(and(eq(auditLog.entity, 'probe'), eq(auditLog.action, 'probe.hold'), eq(auditLog.actorId, userId))))
    .map((r) => Number(r.id))
    .filter((id) => id !== except);
  for (const part of chunked([...new Set(handed)])) {
    for (const r of await db.select({ v: expressions.videoId }).from(probes).innerJoin(expressions, eq(expressions.id, probes.expressionId)).where(inArray(probes.id, part))) seen.add(r.v);
  }
  return seen;
}

/** Still a probe to ask: the expression is accepted, on a curated video, no target excluded, and the share still selects it. */
async function stillProbed(db: DbOrTx, expressionId: number, share: number): Promise<boolean> {
  if (!isProbeSelected(expressionId, share)) return false;
  const [row] = await db
    .select({ id: expressions.id })
    .from(expressions)
    .innerJoin(videos, eq(videos.id, expressions.videoId))
    .where(and(eq(expressions.id, expressionId), eq(expressions.status, 'accepted'), eq(videos.status, 'accepted'), NO_EXCLUDED_TARGET));
  return Boolean(row);
}

/** Open probes (not answered, free or with a run-out hold) this person may be given, oldest first. */
async function candidatesFor(db: DbOrTx, userId: number, share: number, now: number) {
  const open = await db
    .select({ id: probes.id, expressionId: probes.expressionId, videoId: expressions.videoId, frameIdx: probes.frameIdx })
    .from(probes)
    .innerJoin(expressions, eq(expressions.id, probes.expressionId))
    .innerJoin(videos, eq(videos.id, expressions.videoId))
    .where(
      and(
        isNull(probes.answeredAt),
        or(isNull(probes.holderId), lte(probes.leaseExpiresAt, now)),
        eq(expressions.status, 'accepted'),
        eq(videos.status, 'accepted'),
        sql`coalesce("expressions"."author_id", 0) <> ${userId}`,
        NO_EXCLUDED_TARGET,
      ),
    )
    .orderBy(asc(probes.createdAt), asc(probes.id));
  if (!open.length) return [];
  const seen = await seenVideos(db, userId);
  return open.filter((p) => !seen.has(p.videoId) && isProbeSelected(p.expressionId, share));
}

// ---------------------------------------------------------------------------------------------
// The validator's side

/** The objects on one frame (not excluded), with their masks there: what the probe shows and what an answer may name. */
async function frameObjects(db: DbOrTx, videoId: number, frameIdx: number) {
  return db
    .select({ localId: objects.localId, category: objects.category, counts: masks.counts })
    .from(masks)
    .innerJoin(objects, eq(objects.id, masks.objectId))
    .where(and(eq(objects.videoId, videoId), eq(masks.frameIdx, frameIdx), isNull(objects.excludedAt)))
    .orderBy(asc(objects.localId));
}

async function frameMasks(db: DbOrTx, videoId: number, frameIdx: number): Promise<{ size: [number, number]; objs: Awaited<ReturnType<typeof frameObjects>>; masks: VideoMasks }> {
  const [v] = await db.select({ width: videos.width, height: videos.height }).from(videos).where(eq(videos.id, videoId));
  const objs = await frameObjects(db, videoId, frameIdx);
  const size: [number, number] = [v!.height, v!.width];
  return { size, objs, masks: { size, tracks: objs.map((o) => ({ localId: o.localId, counts: [o.counts] })) } };
}

async function viewOf(db: DbOrTx, p: { id: number; expressionId: number; videoId: number; frameIdx: number }, expiresAt: number): Promise<ProbeView> {
  const [e] = await db.select({ text: expressions.text }).from(expressions).where(eq(expressions.id, p.expressionId));
  const f = await frameMasks(db, p.videoId, p.frameIdx);
  return {
    probeId: p.id,
    text: e!.text,
    expiresAt,
    width: f.size[1],
    height: f.size[0],
    objects: f.objs.map((o) => ({ localId: o.localId, category: o.category })),
    masks: f.masks,
  };
}

/**
 * The probe to answer now: the one this validator holds (its time renewed if it ran out and
 * nobody took it over), else the oldest open probe on a video they have never seen, held for the
 * protocol's lease length. One held probe per validator (a unique index); null when none waits.
 */
export async function nextProbe(db: Db, userId: number, opts: { now?: number } = {}): Promise<ProbeView | null> {
  const now = opts.now ?? Date.now();
  const s = await getSettings(db);
  await makeProbes(db, s.probeShare, now);
  const expiresAt = now + leaseMs(s.leaseMinutes);
  // A hand-out is a short write like a protocol lease: losing it to a power cut only frees the probe.
  // A lost race is run again here (as in validation.ts nextSample): makeProbes above may have
  // committed, after which the request's own retry (trpc/init.ts) would answer 503 instead.
  return retryOnBusy(() => holdProbe(db, userId, s, now, expiresAt), { deadlineMs: BUSY_DEADLINE_MS });
}

/** nextProbe's hand-out once: the held or newly held probe, or a lost race thrown with nothing written. */
function holdProbe(db: Db, userId: number, s: { probeShare: number }, now: number, expiresAt: number): Promise<ProbeView | null> {
  return lazyTransaction(db, async (tx) => {
    const [held] = await tx
      .select({ id: probes.id, expressionId: probes.expressionId, frameIdx: probes.frameIdx, leaseExpiresAt: probes.leaseExpiresAt, videoId: expressions.videoId })
      .from(probes)
      .innerJoin(expressions, eq(expressions.id, probes.expressionId))
      .where(and(eq(probes.holderId, userId), isNull(probes.answeredAt)));
    if (held) {
      if (await stillProbed(tx, held.expressionId, s.probeShare)) {
        const until = held.leaseExpiresAt !== null && held.leaseExpiresAt > now ? held.leaseExpiresAt : expiresAt;
        if (until !== held.leaseExpiresAt) await tx.update(probes).set({ leaseExpiresAt: until }).where(eq(probes.id, held.id));
        return viewOf(tx, held, until);
      }
      // Its expression left the probe (rejected meanwhile, a target excluded, the share lowered): let go.
      await tx.update(probes).set({ holderId: null, leaseExpiresAt: null }).where(eq(probes.id, held.id));
    }
    const [pick] = await candidatesFor(tx, userId, s.probeShare, now);
    if (!pick) return null;
    const taken = await tx
      .update(probes)
      .set({ holderId: userId, leaseExpiresAt: expiresAt })
      .where(and(eq(probes.id, pick.id), isNull(probes.answeredAt), or(isNull(probes.holderId), lte(probes.leaseExpiresAt, now))))
      .returning({ id: probes.id })
      .catch((err: unknown) => {
        // One held probe per validator (probes_holder_uq): a second request of theirs at the same time lost; its retry finds the held one.
        throw isUniqueViolation(err) ? new RaceLost(`validator ${userId} was handed a probe meanwhile`, { cause: err }) : err;
      });
    if (!taken.length) throw new RaceLost(`probe ${pick.id} was handed out meanwhile`);
    // The hand-out is the record that this person has seen a frame of the video (seenVideos).
    await audit(tx, { actorId: userId, action: 'probe.hold', entity: 'probe', entityId: pick.id, data: { expressionId: pick.expressionId } }, now);
    return viewOf(tx, pick, expiresAt);
  });
}

/** How many probes wait for this validator (the one they hold included): a count only. */
export async function probesWaitingFor(db: Db, userId: number, now = Date.now()): Promise<number> {
  const s = await getSettings(db);
  await makeProbes(db, s.probeShare, now);
  const [held] = await db.select({ id: probes.id }).from(probes).where(and(eq(probes.holderId, userId), isNull(probes.answeredAt)));
  return (held ? 1 : 0) + (await candidatesFor(db, userId, s.probeShare, now)).filter((c) => c.id !== held?.id).length;
}

/**
 * Stores a probe answer. Only from the probe's holder (live, or run out and not handed on), only
 * naming objects shown on its frame; checked again at answer time that the expression is still
 * probed and that the validator has not seen the video meanwhile (else the probe goes back to the
 * pool and the answer is refused). A retry of a stored answer says so. Nothing of the annotator's
 * choice is returned.
 */
export async function answerProbe(db: Db, userId: number, probeId: number, answer: ProbeAnswer, now = Date.now()): Promise<{ saved: true; alreadyAnswered: boolean }> {
  const s = await getSettings(db);
  const outcome = await db.transaction(async (tx): Promise<{ saved: true; alreadyAnswered: boolean } | { refuse: string }> => {
    const [p] = await tx
      .select({ probe: probes, videoId: expressions.videoId })
      .from(probes)
      .innerJoin(expressions, eq(expressions.id, probes.expressionId))
      .where(eq(probes.id, probeId));
    if (!p) throw conflict(NOT_HELD);
    const { probe } = p;
    if (probe.answeredAt !== null) {
      if (probe.answeredBy === userId) return { saved: true, alreadyAnswered: true };
      throw conflict(NOT_HELD);
    }
    if (probe.holderId !== userId) throw conflict(NOT_HELD);
    const letGo = async (why: string) => {
      await tx.update(probes).set({ holderId: null, leaseExpiresAt: null }).where(eq(probes.id, probeId));
      await audit(tx, { actorId: userId, action: 'probe.release', entity: 'probe', entityId: probeId, data: { why } }, now);
      return { refuse: `${why}; please take the next one` };
    };
    if (!(await stillProbed(tx, probe.expressionId, s.probeShare))) return letGo('this probe is not needed any more');
    if ((await seenVideos(tx, userId, probeId)).has(p.videoId)) return letGo('you have worked on this video since the probe was handed to you, so you are no longer blind to it');
    const shown = new Set((await frameObjects(tx, p.videoId, probe.frameIdx)).map((o) => o.localId));
    const named = answer.kind === 'targets' ? targetSet(answer.targets) : [];
    const absent = named.filter((t) => !shown.has(t));
    if (absent.length) throw badRequest(`object ${absent.map((t) => `#${t}`).join(', ')} is not on this frame; pick among the objects shown`);
    const truth = targetSet(
      (await tx.select({ localId: objects.localId }).from(expressionTargets).innerJoin(objects, eq(objects.id, expressionTargets.objectId)).where(eq(expressionTargets.expressionId, probe.expressionId))).map((r) => r.localId),
    );
    const matched = probeMatched(answer.kind === 'targets' ? { kind: 'targets', targets: named } : { kind: 'no_target' }, truth);
    const [handed] = await tx
      .select({ at: sql<number>`max(${auditLog.at})`.mapWith(Number) })
      .from(auditLog)
      .where(and(eq(auditLog.entity, 'probe'), eq(auditLog.entityId, String(probeId)), eq(auditLog.action, 'probe.hold'), eq(auditLog.actorId, userId)));
    const stored = await tx
      .update(probes)
      .set({
        answeredBy: userId,
        answer: answer.kind,
        targets: answer.kind === 'targets' ? JSON.stringify(named) : null,
        matched,
        durationMs: handed?.at ? Math.max(0, now - handed.at) : null,
        answeredAt: now,
        holderId: null,
        leaseExpiresAt: null,
      })
      .where(and(eq(probes.id, probeId), isNull(probes.answeredAt), eq(probes.holderId, userId)))
      .returning({ id: probes.id });
    if (!stored.length) throw new RaceLost(`probe ${probeId} changed while being answered`);
    await audit(tx, { actorId: userId, action: 'probe.answer', entity: 'probe', entityId: probeId, data: { kind: answer.kind, matched } }, now);
    return { saved: true, alreadyAnswered: false };
  });
  if ('refuse' in outcome) throw conflict(outcome.refuse);
  return outcome;
}

/** Gives the held probe back to the pool (this validator will not get it again: they have seen its frame). */
export async function releaseProbe(db: Db, userId: number, now = Date.now()): Promise<{ released: boolean }> {
  return db.transaction(async (tx) => {
    const gone = await tx
      .update(probes)
      .set({ holderId: null, leaseExpiresAt: null })
      .where(and(eq(probes.holderId, userId), isNull(probes.answeredAt)))
      .returning({ id: probes.id });
    for (const g of gone) await audit(tx, { actorId: userId, action: 'probe.release', entity: 'probe', entityId: g.id }, now);
    return { released: gone.length > 0 };
  });
}

// ---------------------------------------------------------------------------------------------
// Media: exactly one frame

/** The JPEG's content address of a probe's frame, for its holder only (the media route /media/probe/<id>); null otherwise. */
export async function probeFrameHash(db: Db, userId: number, probeId: number): Promise<string | null> {
  const [row] = await db
    .select({ sha256: frames.sha256 })
    .from(probes)
    .innerJoin(expressions, eq(expressions.id, probes.expressionId))
    .innerJoin(videos, eq(videos.id, expressions.videoId))
    .innerJoin(frames, and(eq(frames.videoId, expressions.videoId), eq(frames.idx, probes.frameIdx)))
    .where(and(eq(probes.id, probeId), eq(probes.holderId, userId), isNull(probes.answeredAt), eq(videos.status, 'accepted')));
  return row?.sha256 ?? null;
}

/**
 * While a validator holds a probe, the rest of its video is closed to them (its frames, masks and
 * player page answer "not found", as for a video that does not exist): the probe is one frame for
 * real, not one frame and the others by URL. Open again once they answer or let go. Not while
 * they also hold a validation sample of the same video (the protocol comes first; the probe is
 * then refused at answer time, since they have seen the video).
 */
export async function probeHidesVideo(db: Db, userId: number, videoId: number): Promise<boolean> {
  const { rows } = await db.execute<{ hidden: number | boolean }>(sql`
    select 1 as "hidden" from probes p join expressions e on e.id = p.expression_id
     where p.holder_id = ${userId} and p.answered_at is null and e.video_id = ${videoId}
       and not exists (select 1 from leases l join expressions le on le.id = l.expression_id where l.validator_id = ${userId} and le.video_id = ${videoId})
     limit 1`);
  return rows.length > 0;
}

/** The video routers' check: a video hidden by a held probe is "not found", in the same words as a missing one. */
export async function refuseHiddenVideo(db: Db, user: { id: number; roles: readonly string[] }, videoId: number): Promise<void> {
  if (user.roles.includes('validator') && (await probeHidesVideo(db, user.id, videoId))) throw notFound(`video ${videoId}`);
}

// ---------------------------------------------------------------------------------------------
// The admin's side

const STATE_FILTER: Record<(typeof PROBE_LIST_STATES)[number], SQL> = {
  flagged: sql`${probes.matched} = true and ${probes.decision} is null`,
  decided: sql`${probes.decision} is not null`,
  answered: sql`${probes.answeredAt} is not null`,
  open: sql`${probes.answeredAt} is null`,
};

export async function listProbes(db: Db, q: { state: (typeof PROBE_LIST_STATES)[number]; limit: number; offset: number }): Promise<AdminProbePage> {
  const where = STATE_FILTER[q.state];
  const [{ n: total }] = (await db.select({ n: count() }).from(probes).where(where)) as [{ n: number }];
  const rows = await db
    .select({
      probe: probes,
      text: expressions.text,
      videoId: expressions.videoId,
      status: expressions.status,
      rejectReason: expressions.rejectReason,
      videoName: videos.name,
    })
    .from(probes)
    .innerJoin(expressions, eq(expressions.id, probes.expressionId))
    .innerJoin(videos, eq(videos.id, expressions.videoId))
    .where(where)
    .orderBy(...(q.state === 'open' ? [asc(probes.createdAt), asc(probes.id)] : [desc(sql`coalesce(${probes.decidedAt}, ${probes.answeredAt}, 0)`), desc(probes.id)]))
    .limit(q.limit)
    .offset(q.offset);
  const expressionIds = rows.map((r) => r.probe.expressionId);
  const truths = new Map<number, number[]>();
  for (const part of chunked(expressionIds)) {
    for (const t of await db
      .select({ e: expressionTargets.expressionId, localId: objects.localId })
      .from(expressionTargets)
      .innerJoin(objects, eq(objects.id, expressionTargets.objectId))
      .where(inArray(expressionTargets.expressionId, part))
      .orderBy(asc(objects.localId))) {
      truths.set(t.e, [...(truths.get(t.e) ?? []), t.localId]);
    }
  }
  const people = [...new Set(rows.flatMap((r) => [r.probe.holderId, r.probe.answeredBy, r.probe.decidedBy]).filter((id): id is number => id !== null))];
  const names = new Map(people.length ? (await db.select({ id: users.id, username: users.username }).from(users).where(inArray(users.id, people))).map((u) => [u.id, u.username]) : []);
  const name = (id: number | null) => (id === null ? null : (names.get(id) ?? '?'));
  const out: AdminProbeRow[] = [];
  for (const r of rows) {
    const p = r.probe;
    out.push({
      probeId: p.id,
      expressionId: p.expressionId,
      text: r.text,
      videoId: r.videoId,
      videoName: r.videoName,
      frameIdx: p.frameIdx,
      expressionStatus: r.status,
      rejectReason: r.rejectReason,
      annotatorTargets: truths.get(p.expressionId) ?? [],
      holder: name(p.holderId),
      leaseExpiresAt: p.leaseExpiresAt,
      answer: p.answer,
      answerTargets: p.targets === null ? null : (JSON.parse(p.targets) as number[]),
      matched: p.matched,
      answeredBy: name(p.answeredBy),
      answeredAt: p.answeredAt,
      durationMs: p.durationMs,
      decision: p.decision,
      decidedBy: name(p.decidedBy),
      decidedAt: p.decidedAt,
      masks: (await frameMasks(db, r.videoId, p.frameIdx)).masks,
    });
  }
  return { total, probes: out };
}

export async function probeStats(db: Db, now = Date.now()): Promise<AdminProbeStats> {
  const { probeShare } = await getSettings(db);
  const { rows } = await db.execute<Record<'created' | 'open' | 'held' | 'answered' | 'identifiable' | 'kept' | 'rejected' | 'awaiting', number>>(sql`
    select count(*) as "created",
           count(*) filter (where answered_at is null) as "open",
           count(*) filter (where answered_at is null and holder_id is not null and lease_expires_at > ${now}) as "held",
           count(*) filter (where answered_at is not null) as "answered",
           count(*) filter (where matched = true) as "identifiable",
           count(*) filter (where decision = 'keep') as "kept",
           count(*) filter (where decision = 'reject') as "rejected",
           count(*) filter (where matched = true and decision is null) as "awaiting"
      from probes`);
  const r = Object.fromEntries(Object.entries(rows[0]!).map(([k, v]) => [k, Number(v)])) as Record<keyof (typeof rows)[0], number>;
  return {
    share: probeShare,
    created: r.created,
    open: r.open,
    held: r.held,
    answered: r.answered,
    identifiable: r.identifiable,
    rate: probeReleaseStats(r.answered, r.identifiable).rate,
    kept: r.kept,
    rejected: r.rejected,
    awaitingDecision: r.awaiting,
  };
}

/**
 * The admin's decision on an expression a prober identified from one frame: keep it (recorded, no
 * change), or reject it under V1 — the expression becomes rejected with reason single_frame (and
 * stops being gold), in the same transaction, audited like every status change. Decided once; the
 * same decision again is a retry.
 */
export async function decideProbe(db: Db, adminId: number, probeId: number, decision: ProbeDecision, now = Date.now()) {
  return db.transaction(async (tx) => {
    const [p] = await tx
      .select({ probe: probes, status: expressions.status })
      .from(probes)
      .innerJoin(expressions, eq(expressions.id, probes.expressionId))
      .where(eq(probes.id, probeId));
    if (!p) throw notFound(`probe ${probeId}`);
    const { probe } = p;
    if (probe.decision !== null) {
      if (probe.decision === decision) return { probeId, decision, expressionStatus: p.status, alreadyDecided: true };
      throw conflict(`this probe was decided already (${probe.decision === 'keep' ? 'kept' : 'rejected'})`);
    }
    if (probe.answeredAt === null || !probe.matched) throw conflict('only an expression the prober identified from one frame waits for a decision');
    let status = p.status;
    if (decision === 'reject') {
      if (p.status !== 'accepted') throw conflict(`the expression is ${p.status.replace('_', ' ')} now, not accepted: there is nothing to reject`);
      const changed = await tx
        .update(expressions)
        .set({ status: 'rejected', rejectReason: 'single_frame', decidedAt: now, gold: false })
        .where(and(eq(expressions.id, probe.expressionId), eq(expressions.status, 'accepted')))
        .returning({ id: expressions.id });
      if (!changed.length) throw new RaceLost(`expression ${probe.expressionId} changed while being rejected`);
      status = 'rejected';
      await audit(tx, { actorId: adminId, action: 'expression.status', entity: 'expression', entityId: probe.expressionId, data: { from: 'accepted', to: 'rejected', reason: 'single_frame', probeId } }, now);
    }
    await tx.update(probes).set({ decision, decidedBy: adminId, decidedAt: now }).where(eq(probes.id, probeId));
    await audit(tx, { actorId: adminId, action: 'probe.decide', entity: 'probe', entityId: probeId, data: { decision, expressionId: probe.expressionId } }, now);
    return { probeId, decision, expressionStatus: status, alreadyDecided: false };
  });
}

// ---------------------------------------------------------------------------------------------
// Releases

/**
 * The probe's result over a release's expressions (stats.json `probe`, the card's line): answered
 * probes only, and only those answered before the release was made — its row's createdAt, the
 * cut-off the release's agreement uses too — so exporting the release again writes the same bytes.
 * (Not params.releaseDate: that is the newest acceptance in the release, and a probe is answered
 * after its expression's acceptance, so that cut-off would leave out every probe of the newest
 * expressions and, when probing follows annotation, all of them.)
 */
export async function releaseProbeStats(db: DbOrTx, releaseId: number): Promise<ProbeReleaseStats> {
  const [release] = await db.select({ createdAt: releases.createdAt }).from(releases).where(eq(releases.id, releaseId));
  if (!release) return probeReleaseStats(0, 0);
  const [row] = await db
    .select({ probed: count(), identifiable: sql<number>`count(*) filter (where ${probes.matched} = true)`.mapWith(Number) })
    .from(releaseExpressions)
    .innerJoin(probes, eq(probes.expressionId, releaseExpressions.expressionId))
    .where(and(eq(releaseExpressions.releaseId, releaseId), isNotNull(probes.answeredAt), sql`${probes.answeredAt} < ${release.createdAt}`));
  return probeReleaseStats(Number(row?.probed ?? 0), Number(row?.identifiable ?? 0));
}
