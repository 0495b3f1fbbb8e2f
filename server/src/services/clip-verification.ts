import { and, asc, eq, lte, sql } from 'drizzle-orm';
import type { ClipVote } from '#shared/domain.ts';
import type { Db } from '../db/client.ts';
import { lazyTransaction } from '../db/client.ts';
import { clipLeases, clipVotes, expressions, recordings } from '../db/schema/index.ts';
import { applyClipVerdict } from './audio-pipeline.ts';
import { audit } from './audit.ts';
import { conflict, notFound } from './errors.ts';
import { getSettings } from './settings.ts';

/**
 * The human half of the clip check. A validator (never the clip's speaker) gets one clip at a time
 * under a lease — which is also what entitles them to fetch its audio — must have had the time to
 * play it to the end, and votes match / does not match / unclear.
 */
export async function nextClip(db: Db, verifierId: number, now = Date.now()) {
  return lazyTransaction(db, async (tx) => {
    await tx.delete(clipLeases).where(lte(clipLeases.expiresAt, now));
    // A held clip decided meanwhile (the recognizer failed it, say) is not worth listening to.
    await tx
      .delete(clipLeases)
      .where(and(eq(clipLeases.verifierId, verifierId), sql`not exists (select 1 from "recordings" r where r.id = "clip_leases"."recording_id" and r.status = 'submitted')`));
    const [held] = await tx
      .select({ recordingId: clipLeases.recordingId, expiresAt: clipLeases.expiresAt, text: expressions.text, durationMs: recordings.durationMs })
      .from(clipLeases)
      .innerJoin(recordings, eq(recordings.id, clipLeases.recordingId))
      .innerJoin(expressions, eq(expressions.id, recordings.expressionId))
      .where(eq(clipLeases.verifierId, verifierId));
    if (held) return held;
    const [clip] = await tx
      .select({ recordingId: recordings.id, text: expressions.text, durationMs: recordings.durationMs })
      .from(recordings)
      .innerJoin(expressions, eq(expressions.id, recordings.expressionId))
      .where(
        and(
          eq(recordings.status, 'submitted'),
          sql`coalesce(${recordings.speakerId}, 0) <> ${verifierId}`,
          // Several listeners check a clip, one after another; each only once.
          sql`not exists (select 1 from "clip_votes" v where v.recording_id = "recordings"."id" and v.verifier_id = ${verifierId})`,
          sql`not exists (select 1 from "clip_leases" l where l.recording_id = "recordings"."id")`,
        ),
      )
      .orderBy(asc(recordings.createdAt), asc(recordings.id))
      .limit(1);
    if (!clip) return null;
    const expiresAt = now + (await getSettings(tx)).leaseMinutes * 60_000;
    await tx.insert(clipLeases).values({ recordingId: clip.recordingId, verifierId, issuedAt: now, expiresAt });
    return { ...clip, expiresAt };
  });
}

/** Whether this user may fetch this clip's audio now (media route). */
export async function mayHearClip(db: Db, user: { id: number; roles: readonly string[] }, recordingId: number, now = Date.now()): Promise<string | null> {
  const [rec] = await db.select({ sha256: recordings.sha256, speakerId: recordings.speakerId }).from(recordings).where(eq(recordings.id, recordingId));
  if (!rec) return null;
  if (user.roles.includes('admin') || rec.speakerId === user.id) return rec.sha256;
  const [lease] = await db
    .select({ expiresAt: clipLeases.expiresAt })
    .from(clipLeases)
    .where(and(eq(clipLeases.recordingId, recordingId), eq(clipLeases.verifierId, user.id)));
  return lease && lease.expiresAt > now ? rec.sha256 : null;
}

export async function voteClip(db: Db, verifierId: number, recordingId: number, vote: ClipVote, reason: string | undefined, now = Date.now()) {
  return db.transaction(async (tx) => {
    const [rec] = await tx.select().from(recordings).where(eq(recordings.id, recordingId));
    if (!rec) throw notFound(`clip ${recordingId}`);
    const [previous] = await tx
      .select()
      .from(clipVotes)
      .where(and(eq(clipVotes.recordingId, recordingId), eq(clipVotes.verifierId, verifierId)));
    if (previous) return { status: rec.status, alreadyVoted: true, synthesized: rec.kind === 'tts' };
    if (rec.speakerId === verifierId) throw conflict('nobody verifies their own recording');
    const [lease] = await tx.select().from(clipLeases).where(and(eq(clipLeases.recordingId, recordingId), eq(clipLeases.verifierId, verifierId)));
    if (!lease) throw conflict('this clip is not assigned to you (your time may have run out); take the next one');
    // After the lease check, so a clip's state is told only to whoever holds it.
    if (rec.status !== 'submitted') throw conflict('this clip has been decided meanwhile; take the next one');
    // The page enables voting only after playback ended; the server checks the time it had.
    if (now - lease.issuedAt < rec.durationMs * 0.9) throw conflict('please listen to the whole clip before voting');
    if (vote !== 'match' && !reason?.trim()) throw conflict('please say what is wrong with the clip');
    await tx.insert(clipVotes).values({ recordingId, verifierId, vote, reason: reason?.trim() || null, createdAt: now });
    await tx.delete(clipLeases).where(eq(clipLeases.recordingId, recordingId));
    await audit(tx, { actorId: verifierId, action: 'recording.vote', entity: 'recording', entityId: recordingId, data: { vote } }, now);
    await applyClipVerdict(tx, recordingId, now);
    const [after] = await tx.select({ status: recordings.status }).from(recordings).where(eq(recordings.id, recordingId));
    return { status: after!.status, alreadyVoted: false, synthesized: rec.kind === 'tts' };
  });
}
