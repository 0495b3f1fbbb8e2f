import { createHmac, randomBytes } from 'node:crypto';
import { eq, sql, type SQL } from 'drizzle-orm';
import { clipTsvRow, CLIP_LISTS, renderClipTsv, renderReportedTsv, type ClipList, type ClipTsvInput } from '#shared/export/common-voice.ts';
import { DEFAULT_K_ANONYMITY, kAnonymise, type SpeakerAnswers } from '#shared/export/k-anonymity.ts';
import { SPLITS, type Split } from '#shared/export/splits.ts';
import type { ClipVote } from '#shared/domain.ts';
import { retryOnBusy } from '../../db/busy.ts';
import type { Db } from '../../db/client.ts';
import { settings } from '../../db/schema/index.ts';
import { audit } from '../audit.ts';
import type { ReleaseOutput } from './output.ts';
import type { ReleaseParams, ReleaseRow } from './plan.ts';

/**
 * The settings row holding the project's secret for speaker ids. Deliberately not a key of
 * SettingsSchema: getSettings, the admin settings page and the audit of settings changes only
 * know those keys, so the secret is never shown or logged. It moves with the database (backups,
 * `db copy`), so a project's ids stay the same when it changes engine.
 */
export const SPEAKER_SECRET_KEY = 'releaseSpeakerIdSecret';

/** The release's k (releases made before the option existed: the default). */
export const kOf = (p: ReleaseParams): number => p.kAnonymity ?? DEFAULT_K_ANONYMITY;

/**
 * The project's secret for client_id, made on first use (32 random bytes) and never changed:
 * every release of the project, and every rebuild of one, hashes a speaker to the same id. A row
 * made concurrently by another export wins, and both use it.
 */
export async function speakerSecret(db: Db): Promise<string> {
  const read = async () => (await db.select({ value: settings.value }).from(settings).where(eq(settings.key, SPEAKER_SECRET_KEY)))[0]?.value;
  let stored = await read();
  if (stored === undefined) {
    const value = JSON.stringify(randomBytes(32).toString('hex'));
    const now = Date.now();
    await retryOnBusy(() =>
      db.transaction(async (tx) => {
        const made = await tx.insert(settings).values({ key: SPEAKER_SECRET_KEY, value, updatedAt: now }).onConflictDoNothing().returning({ key: settings.key });
        // The event, never the value.
        if (made.length) await audit(tx, { actorId: null, action: 'settings.create', entity: 'settings', entityId: SPEAKER_SECRET_KEY }, now);
      }),
    );
    stored = await read();
  }
  return JSON.parse(stored!) as string;
}

/**
 * Common Voice's client_id for a person: HMAC-SHA256 of their user id under the project's secret.
 * Stable across the project's releases (a speaker's clips can be kept on one side of a split in
 * every version), and without the secret no one can tell which user it is, not even by hashing
 * every user id. A synthetic voice gets an id too (its engine and voice), so speaker-disjoint
 * splits treat it like a speaker; the prefixes keep the two kinds apart.
 */
export const personClientId = (secret: string, userId: number): string => createHmac('sha256', secret).update(`user:${userId}`).digest('hex');
export const voiceClientId = (secret: string, engine: string | null, voice: string | null): string =>
  createHmac('sha256', secret).update(`tts:${engine ?? ''}:${voice ?? ''}`).digest('hex');

interface ClipRow {
  id: number;
  expressionId: number;
  speakerId: number | null;
  kind: 'human' | 'tts';
  status: 'submitted' | 'verified' | 'failed';
  decidedAt: number | null;
  durationMs: number;
  wordsPerMinute: number | null;
  provenance: string | null;
  asrWer: number | null;
  /** 1 (or true) when this is the clip the release ships for its expression. */
  shipped: number | boolean;
  split: Split;
  video: string;
  expId: string;
  text: string;
}

interface ProfileRow {
  userId: number;
  nativeness: string | null;
  gender: string | null;
  ageGroup: string | null;
  microphone: string | null;
}

/**
 * The reads, in SQL both engines run (services/export/write.ts reads the same way). Clips are those
 * of the release's expressions recorded by the time the release was made (releases.created_at,
 * recorded once), with the votes cast by then: a rebuild of the version lists the same clips with
 * the same votes however the project went on.
 */
function reads(db: Db) {
  const rows = async <T>(q: SQL) => (await db.execute(q)).rows as T[];
  return {
    madeAt: async (releaseId: number) => Number((await rows<{ at: number }>(sql`select created_at as "at" from releases where id = ${releaseId}`))[0]!.at),
    clips: (releaseId: number, madeAt: number) =>
      rows<ClipRow>(sql`select r.id, r.expression_id as "expressionId", r.speaker_id as "speakerId", r.kind, r.status, r.decided_at as "decidedAt",
            r.duration_ms as "durationMs", r.words_per_minute as "wordsPerMinute", r.provenance, r.asr_wer as "asrWer",
            case when r.id = re.recording_id then 1 else 0 end as "shipped", rv.split, v.name as "video", re.exp_id as "expId", e.text
          from release_expressions re
          join release_videos rv on rv.release_id = re.release_id and rv.video_id = re.video_id
          join videos v on v.id = re.video_id
          join expressions e on e.id = re.expression_id
          join recordings r on r.expression_id = re.expression_id
          where re.release_id = ${releaseId} and r.created_at <= ${madeAt}`),
    votes: (releaseId: number, madeAt: number) =>
      rows<{ recordingId: number; vote: ClipVote }>(sql`select cv.recording_id as "recordingId", cv.vote
          from release_expressions re join recordings r on r.expression_id = re.expression_id join clip_votes cv on cv.recording_id = r.id
          where re.release_id = ${releaseId} and r.created_at <= ${madeAt} and cv.created_at <= ${madeAt}
          order by cv.recording_id, cv.id`),
    profiles: (releaseId: number, madeAt: number) =>
      rows<ProfileRow>(sql`select distinct p.user_id as "userId", p.nativeness, p.gender, p.age_group as "ageGroup", p.microphone
          from release_expressions re join recordings r on r.expression_id = re.expression_id join speaker_profiles p on p.user_id = r.speaker_id
          where re.release_id = ${releaseId} and r.created_at <= ${madeAt} and r.kind = 'human'`),
  };
}

/**
 * Which list a clip goes into, as things stood when the release was made: the clip the release
 * ships is validated; a clip failed by then is invalidated; one still waiting then (submitted, or
 * decided only later) is other. A second verified clip the release did not pick (a human take is
 * preferred to a synthesized one, then the oldest; plan.ts) is in no list: the release has one
 * clip per expression, and Common Voice's validated.tsv lists clips the dataset holds.
 */
export function listOf(c: { shipped: boolean; status: ClipRow['status']; decidedAt: number | null }, madeAt: number): ClipList | null {
  if (c.shipped) return 'validated';
  const decided = c.status !== 'submitted' && c.decidedAt !== null && c.decidedAt <= madeAt;
  if (!decided) return 'other';
  return c.status === 'failed' ? 'invalidated' : null;
}

const byPlace = (a: ClipRow, b: ClipRow) =>
  SPLITS.indexOf(a.split) - SPLITS.indexOf(b.split) || (a.video < b.video ? -1 : a.video > b.video ? 1 : 0) || Number(a.expId) - Number(b.expId) || a.id - b.id;

/**
 * Writes audio/validated.tsv, invalidated.tsv, other.tsv and reported.tsv (shared/export/
 * common-voice.ts) for a release, with the speakers' answers k-anonymised over every speaker the
 * three lists name (shared/export/k-anonymity.ts).
 *
 * Audio: only validated clips ship (audio/<split>/<video>/<exp_id>.wav, the path in their rows).
 * Common Voice ships every clip; we list invalidated and waiting clips (votes, WER, duration,
 * answers) with an empty path and leave their audio out: no listener vouched that such a clip holds
 * only the sentence (a failed or unheard take may hold whatever the microphone caught, another
 * person's voice, a name), the speaker recorded it for the dataset as a reading of the sentence,
 * and it would add size for little use. So every path a list names is a file of the package.
 *
 * asr_wer: the clip's WER for validated and invalidated clips (decided, so their recognizer pass
 * is done; the recognizer skips clips that failed first); empty for waiting clips, whose check may
 * finish after the release was made.
 */
export async function writeCommonVoiceTsvs(db: Db, out: ReleaseOutput, release: ReleaseRow): Promise<Record<ClipList, number>> {
  const q = reads(db);
  const madeAt = await q.madeAt(release.id);
  const lists: Record<ClipList, ClipRow[]> = { validated: [], invalidated: [], other: [] };
  for (const c of await q.clips(release.id, madeAt)) {
    const list = listOf({ shipped: Boolean(c.shipped), status: c.status, decidedAt: c.decidedAt === null ? null : Number(c.decidedAt) }, madeAt);
    if (list) lists[list].push(c);
  }
  const votesOf = new Map<number, ClipVote[]>();
  for (const v of await q.votes(release.id, madeAt)) {
    const got = votesOf.get(v.recordingId);
    if (got) got.push(v.vote);
    else votesOf.set(v.recordingId, [v.vote]);
  }
  // Everyone a list names, with or without a profile: a speaker who answered nothing still counts
  // towards the k others share an answer with (they are among the people a row could be).
  const listed = new Set(CLIP_LISTS.flatMap((l) => lists[l]).flatMap((c) => (c.kind === 'human' && c.speakerId !== null ? [c.speakerId] : [])));
  const profiles = new Map((await q.profiles(release.id, madeAt)).map((p) => [p.userId, p]));
  const answers = new Map<number, SpeakerAnswers>();
  for (const id of listed) {
    const p = profiles.get(id);
    answers.set(id, { gender: p?.gender ?? null, ageGroup: p?.ageGroup ?? null, nativeness: p?.nativeness ?? null, microphone: p?.microphone ?? null });
  }
  const shown = kAnonymise(answers, kOf(release.params));
  const secret = await speakerSecret(db);

  const counts = { validated: 0, invalidated: 0, other: 0 };
  for (const list of CLIP_LISTS) {
    const rows = lists[list].sort(byPlace).map((c) => {
      const prov = c.kind === 'tts' && c.provenance ? (JSON.parse(c.provenance) as { engine?: string; voice?: string }) : {};
      const engine = prov.engine ?? null;
      const voice = prov.voice ?? null;
      const input: ClipTsvInput = {
        clientId: c.kind === 'tts' ? voiceClientId(secret, engine, voice) : c.speakerId === null ? '' : personClientId(secret, c.speakerId),
        path: list === 'validated' ? `${c.split}/${c.video}/${c.expId}.wav` : null,
        sentence: c.text,
        votes: votesOf.get(c.id) ?? [],
        answers: c.kind === 'human' && c.speakerId !== null ? shown.get(c.speakerId)! : null,
        source: c.kind,
        engine,
        voice,
        asrWer: list === 'other' || c.asrWer === null ? null : Number(c.asrWer),
        durationMs: Number(c.durationMs),
        wordsPerMinute: c.wordsPerMinute === null ? null : Number(c.wordsPerMinute),
        split: c.split,
        video: c.video,
        expId: c.expId,
      };
      return clipTsvRow(input);
    });
    out.text(`audio/${list}.tsv`, renderClipTsv(rows));
    counts[list] = rows.length;
  }
  out.text('audio/reported.tsv', renderReportedTsv());
  return counts;
}
