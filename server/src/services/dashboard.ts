import type {
  DashboardAnnotatorRow,
  DashboardData,
  DashboardDailySeries,
  DashboardHistogram,
  DashboardProgress,
  DashboardShareProgress,
  DashboardSpeakerRow,
  DashboardValidatorRow,
} from '#shared/dashboard.ts';
import {
  EXPRESSION_ORIGINS,
  EXPRESSION_STATUSES,
  REJECT_REASONS,
  VIDEO_STATUSES,
  type ExpressionStatus,
  type RecordingKind,
  type RecordingStatus,
  type RejectReason,
  type VideoStatus,
} from '#shared/domain.ts';
import type { Db } from '../db/client.ts';
import { sql, type SQL } from 'drizzle-orm';
import { commaList, indexedBy } from '../db/portable.ts';
import { answerSums, type DaySums, type ValidatorSums } from './answer-sums.ts';
import { getSettings } from './settings.ts';

export type { DashboardData } from '#shared/dashboard.ts';

const DAY_MS = 86_400_000;
// Inlined, not bound: PostgreSQL matches a GROUP BY expression to the selected one only when both are the same text.
const DAY = sql.raw(String(DAY_MS));
/** The daily series cover at most this many days (the latest ones) and at least MIN_DAYS. */
const MAX_DAYS = 366;
const MIN_DAYS = 7;
/** Targets per expression: 0, 1, 2, 3 and "4+". */
const TARGET_BINS = 4;

/**
 * Every query of the dashboard, in SQL both engines run. Each is one aggregate over a table;
 * JavaScript only reshapes their small results (a few rows per state, day, video or user).
 *
 * Written for speed at full scale (40k expressions, 2k videos, 42k answers, 33k clips; bench:scale
 * times each statement): on SQLite the cost is rows fed to a GROUP BY sorter and per-row lookups
 * in another table, while a covering index read in GROUP BY order streams at a few ms per 40k
 * rows. So each big table is grouped in the order of an index that covers the query (migrations
 * 0006 and 0007; on SQLite `indexed by` names it, so a changed schema fails loudly instead of turning slow),
 * and joins are kept to the few rows that need one. The validations log, which only grows, is
 * folded into running sums instead (answer-sums.ts). Columns are the database's snake_case ones.
 */
function statements(db: Db) {
  const quoted = (xs: readonly string[]) => sql.raw(xs.map((x) => `'${x}'`).join(', '));
  const rows = async <T>(q: SQL) => (await db.execute(q)).rows as T[];
  const one = async <T>(q: SQL) => (await rows<T>(q))[0]!;
  return {
    // Covering index scans.
    expressionsByStatus: () => rows<{ status: ExpressionStatus; n: number }>(sql`select status, count(*) as n from expressions group by status`),
    rejectReasons: () => rows<{ reason: RejectReason | null; n: number }>(sql`select reject_reason as reason, count(*) as n from expressions where status = 'rejected' group by reject_reason`),
    // Videos an import is still writing are nobody's business yet (import/commit.ts).
    videosByStatus: () => rows<{ status: VideoStatus; n: number }>(sql`select status, count(*) as n from videos where status <> 'importing' group by status`),
    // Accepted expressions without a clip submitted or verified (the rule of recording.ts's
    // needsAudioSql): the accepted ones minus those with such a clip. Clips are only ever made for
    // accepted expressions (recording.ts and tts.ts refuse others), but accepted is not final: an
    // exclusion of a rater (rater-exclusion.ts) may send a sample with a clip back to validation,
    // so the clipped ones are those of expressions accepted now (one set of accepted ids, built
    // once, not a lookup per clip). Index-only, in expression order (no sort). One statement,
    // so both counts come from one snapshot and the difference never goes below zero.
    needAudio: () =>
      one<{ n: number }>(sql`select (select count(*) from expressions where status = 'accepted') - (select count(*) from (
         select 1 as one from recordings ${indexedBy('recordings_expression_idx')}
          where status in ('submitted', 'verified') and expression_id in (select id from expressions where status = 'accepted') group by expression_id) clipped) as n`),
    // Per annotator and state, with the first and last submission (series span, quiet check).
    annotators: () =>
      rows<{ userId: number; status: ExpressionStatus; n: number; first: number; last: number }>(
        sql`select author_id as "userId", status, count(*) as n, min(created_at) as "first", max(created_at) as "last"
         from expressions ${indexedBy('expressions_origin_author_idx')}
        where origin = 'annotated' and author_id is not null
        group by author_id, status`,
      ),
    // Submissions per day: the expressions created that day, annotated or not (range counts on the
    // (status, created_at) index), minus the imported ones (a few batches). One statement: an
    // import committing between two would otherwise be subtracted without having been counted.
    submissionsPerDay: (first: number, last: number) =>
      rows<{ day: number; n: number }>(
        sql`with recursive d(day) as (select cast(${first} as bigint) union all select day + 1 from d where day < ${last}),
       imported(day, n) as (
         select created_at / ${DAY}, count(*) from expressions ${indexedBy('expressions_origin_author_idx')}
          where origin in (${quoted(EXPRESSION_ORIGINS.filter((o) => o !== 'annotated'))}) and created_at >= ${first * DAY_MS} group by created_at / ${DAY})
       select d.day as day, (select count(*) from expressions e
                     where e.status in (${quoted(EXPRESSION_STATUSES)})
                       and e.created_at >= d.day * ${DAY} and e.created_at < (d.day + 1) * ${DAY}) - coalesce(i.n, 0) as n
         from d left join imported i on i.day = d.day`,
      ),
    /*
     * Accepted expressions on accepted videos, per video (in index order: status, video, kind);
     * kind gives the 0- and 1-target bins. Then a row of zeros per accepted video without any: in
     * the same statement, so a video accepted meanwhile (a curation, an import committing) is
     * counted in neither part or in one, never subtracted from a count it is not in.
     */
    acceptedPerVideo: () =>
      rows<{ n: number; none: number; single: number }>(
        sql`select count(*) as n, count(*) filter (where kind = 'none') as "none", count(*) filter (where kind = 'single') as "single"
         from expressions ${indexedBy('expressions_status_video_idx')}
        where status = 'accepted' and video_id in (select id from videos where status = 'accepted')
        group by video_id
        union all
        select 0, 0, 0 from videos v
         where v.status = 'accepted' and not exists (select 1 from expressions e where e.status = 'accepted' and e.video_id = v.id)`,
      ),
    // …and the multi-target ones by their number of targets (histogram() folds 4 and more into "4+").
    acceptedMultiTargets: () =>
      rows<{ bin: number; n: number }>(
        sql`select m.targets as bin, count(*) as n from (
           select (select count(*) from expression_targets t where t.expression_id = e.id) as targets
             from expressions e ${indexedBy('expressions_status_video_idx')}
            where e.status = 'accepted' and e.kind = 'multi' and e.video_id in (select id from videos where status = 'accepted')) m
         group by m.targets`,
      ),
    users: () =>
      rows<{ id: number; username: string; disabled: number | boolean; roles: string | null }>(
        sql`select u.id as id, u.username as username, u.disabled as disabled, ${commaList(sql`r.role`)} as roles
          from users u left join user_roles r on r.user_id = u.id group by u.id, u.username, u.disabled`,
      ),
    // Per speaker (null: synthesized clips), kind and state, in the order of a covering index; the
    // per-speaker rows and the audio totals are summed from these few rows.
    recordings: () =>
      rows<RecordingGroup>(
        sql`select speaker_id as "userId", kind, status, count(*) as n, sum(duration_ms) as ms, max(created_at) as "last"
         from recordings ${indexedBy('recordings_speaker_idx')} group by speaker_id, kind, status`,
      ),
    lastVote: () => one<{ at: number | null }>(sql`select max(created_at) as at from clip_votes`),
    activeUsers: (since: number) =>
      one<{ n: number }>(
        sql`select count(distinct s.user_id) as n from sessions s join users u on u.id = s.user_id
        where s.last_seen_at >= ${since} and u.disabled = false
          and not exists (select 1 from user_roles r where r.user_id = s.user_id and r.role = 'admin')`,
      ),
  };
}

const zeros = <K extends string>(keys: readonly K[]) => Object.fromEntries(keys.map((k) => [k, 0])) as Record<K, number>;
const rate = (part: number, whole: number) => (whole > 0 ? part / whole : null);
const progress = (value: number, target: number): DashboardProgress => ({ value, target, ratio: target > 0 ? value / target : null });
const share = (part: number, whole: number, target: number): DashboardShareProgress => ({
  ...progress(whole > 0 ? part / whole : 0, target),
  part,
  whole,
});
const dayOf = (ms: number) => Math.floor(ms / DAY_MS);
const maxOf = (xs: (number | null | undefined)[]) => xs.reduce<number | null>((m, x) => (x == null ? m : m === null ? x : Math.max(m, x)), null);
const minOf = (xs: (number | null | undefined)[]) => xs.reduce<number | null>((m, x) => (x == null ? m : m === null ? x : Math.min(m, x)), null);

/** Bins 0…cap, the last one meaning "cap or more". */
function histogram(cap: number, found: { bin: number; n: number }[]): DashboardHistogram {
  const counts = new Array<number>(cap + 1).fill(0);
  for (const r of found) counts[Math.min(r.bin, cap)] += r.n;
  return { labels: counts.map((_, i) => (i === cap ? `${i}+` : String(i))), counts };
}

type RecordingGroup = { userId: number | null; kind: RecordingKind; status: RecordingStatus; n: number; ms: number; last: number };
type Recording = { userId: number | null; submitted: number; verified: number; failed: number; humanMs: number; ttsMs: number; last: number };
/** One row per speaker (null: synthesized clips) from the per (speaker, kind, state) groups. */
function recordingsBySpeaker(groups: RecordingGroup[]): Recording[] {
  const out = new Map<number | null, Recording>();
  for (const g of groups) {
    let r = out.get(g.userId);
    if (!r) out.set(g.userId, (r = { userId: g.userId, submitted: 0, verified: 0, failed: 0, humanMs: 0, ttsMs: 0, last: g.last }));
    r[g.status] += g.n;
    if (g.status === 'verified') r[g.kind === 'human' ? 'humanMs' : 'ttsMs'] += g.ms;
    r.last = Math.max(r.last, g.last);
  }
  return [...out.values()];
}

/**
 * Everything the admin dashboard shows, in one JSON-serialisable object (see shared/src/dashboard.ts
 * for every field's meaning). Read-only; `now` only places the daily series and the quiet check.
 */
export function dashboard(db: Db, now = Date.now()): Promise<DashboardData> {
  /*
   * No snapshot around it all: each statement reads its own committed state (on SQLite the reader
   * connection, on PostgreSQL any pooled one). A transaction would be one snapshot, but on SQLite
   * it would queue behind and block every writer for the whole computation (~100 ms at full
   * scale). Work that lands meanwhile may show in one figure and not yet in another, which a live
   * view refreshed every few seconds can afford. Where a figure is a DIFFERENCE of two counts
   * (need audio, submissions per day, accepted videos without an expression) both counts are in
   * one statement, so one snapshot: counted apart, a commit in between could make it negative.
   */
  return compute(db, now);
}

/**
 * Folds the validations log into the dashboard's running sums ahead of the first look (the server
 * does it once after start-up): that first fold reads the whole log, later ones only what is new.
 */
export async function warmDashboard(db: Db): Promise<void> {
  await answerSums(db);
}

async function compute(db: Db, now: number): Promise<DashboardData> {
  const q = statements(db);
  const s = await getSettings(db);

  // ---- Counts
  const expressionCounts = zeros<ExpressionStatus>(EXPRESSION_STATUSES);
  for (const r of await q.expressionsByStatus()) expressionCounts[r.status] = r.n;
  const rejectedByReason = zeros<RejectReason>(REJECT_REASONS);
  for (const r of await q.rejectReasons()) if (r.reason) rejectedByReason[r.reason] = r.n;
  const videoCounts = zeros<VideoStatus>(VIDEO_STATUSES);
  for (const r of await q.videosByStatus()) videoCounts[r.status] = r.n;

  const clips = recordingsBySpeaker(await q.recordings());
  const total = (key: keyof Omit<Recording, 'userId'>) => clips.reduce((sum, r) => sum + r[key], 0);
  const audio = {
    needAudio: (await q.needAudio()).n,
    submitted: total('submitted'),
    verified: total('verified'),
    failed: total('failed'),
    verifiedSecondsHuman: total('humanMs') / 1000,
    verifiedSecondsTts: total('ttsMs') / 1000,
  };

  // ---- Accepted expressions on accepted videos: progress and distributions
  const perVideoCap = Math.max(1, Math.ceil(s.targetExpressionsPerVideo));
  const perVideo = await q.acceptedPerVideo();
  const multi = await q.acceptedMultiTargets();
  const targetsPerExpression = histogram(TARGET_BINS, [
    { bin: 0, n: perVideo.reduce((sum, r) => sum + r.none, 0) },
    { bin: 1, n: perVideo.reduce((sum, r) => sum + r.single, 0) },
    ...multi,
  ]);
  const acceptedOnAccepted = targetsPerExpression.counts.reduce((a, b) => a + b, 0);
  const noTarget = targetsPerExpression.counts[0]!;
  const verifiedSeconds = audio.verifiedSecondsHuman + audio.verifiedSecondsTts;
  const progressOut = {
    expressions: progress(acceptedOnAccepted, s.targetExpressionsPerVideo * videoCounts.accepted),
    noTargetShare: share(noTarget, acceptedOnAccepted, s.targetNoTargetShare),
    ttsShare: share(audio.verifiedSecondsTts, verifiedSeconds, s.targetTtsShare),
  };
  const distributions = {
    expressionsPerVideo: histogram(perVideoCap, perVideo.map((r) => ({ bin: r.n, n: 1 }))),
    targetsPerExpression,
    rejectReasons: { labels: [...REJECT_REASONS], counts: REJECT_REASONS.map((r) => rejectedByReason[r]) },
  };

  // ---- People
  const people = (await q.users()).map((u) => ({
    ...u,
    disabled: Boolean(u.disabled),
    roles: new Set((u.roles ?? '').split(',')),
  }));
  const byId = new Map(people.map((u) => [u.id, u]));
  /** Enabled role holders, plus anyone (even disabled, or since demoted) with recorded work; busiest first. */
  const roster = <T extends { userId: number }>(role: string, found: Iterable<T>, empty: (userId: number) => T, order: (r: T) => number) => {
    const seen = new Map<number, T>();
    for (const r of found) seen.set(r.userId, r);
    for (const u of people) if (!seen.has(u.id) && !u.disabled && u.roles.has(role)) seen.set(u.id, empty(u.id));
    return [...seen.values()]
      .map((r) => ({ ...r, username: byId.get(r.userId)?.username ?? `#${r.userId}` }))
      .sort((a, b) => order(b) - order(a) || a.username.localeCompare(b.username));
  };

  const authored = await q.annotators();
  type AnnotatorCounts = Omit<DashboardAnnotatorRow, 'username' | 'acceptedRate' | 'discardedRate' | 'rejectedRate'>;
  const perAuthor = new Map<number, AnnotatorCounts>();
  for (const r of authored) {
    let a = perAuthor.get(r.userId);
    if (!a) perAuthor.set(r.userId, (a = { userId: r.userId, submitted: 0, open: 0, accepted: 0, discarded: 0, rejected: 0 }));
    a.submitted += r.n;
    if (r.status === 'pending' || r.status === 'second_round') a.open += r.n;
    else a[r.status] += r.n;
  }
  const annotators: DashboardAnnotatorRow[] = roster<AnnotatorCounts>(
    'annotator',
    perAuthor.values(),
    (userId) => ({ userId, submitted: 0, open: 0, accepted: 0, discarded: 0, rejected: 0 }),
    (r) => r.submitted,
  ).map((r) => {
    const decided = r.accepted + r.discarded + r.rejected;
    return { ...r, acceptedRate: rate(r.accepted, decided), discardedRate: rate(r.discarded, decided), rejectedRate: rate(r.rejected, decided) };
  });

  const { validators: answers, days: answersPerDay } = await answerSums(db);
  const validators: DashboardValidatorRow[] = roster<ValidatorSums>(
    'validator',
    answers,
    (userId) => ({ userId, answered: 0, goldAnswered: 0, goldCorrect: 0, correct: 0, scored: 0, medianMs: null, last: 0 }),
    (r) => r.answered,
  ).map((r) => ({
    userId: r.userId,
    username: r.username,
    answered: r.answered,
    scored: r.scored,
    agreement: rate(r.correct, r.scored),
    goldAnswered: r.goldAnswered,
    goldAccuracy: rate(r.goldCorrect, r.goldAnswered),
    medianSeconds: r.medianMs === null ? null : r.medianMs / 1000,
  }));

  const speakers: DashboardSpeakerRow[] = roster<Recording & { userId: number }>(
    'speaker',
    clips.filter((r): r is Recording & { userId: number } => r.userId !== null),
    (userId) => ({ userId, submitted: 0, verified: 0, failed: 0, humanMs: 0, ttsMs: 0, last: 0 }),
    (r) => r.submitted + r.verified + r.failed,
  ).map((r) => ({
    userId: r.userId,
    username: r.username,
    clips: r.submitted + r.verified + r.failed,
    submitted: r.submitted,
    verified: r.verified,
    failed: r.failed,
    verifiedRate: rate(r.verified, r.verified + r.failed),
    verifiedSeconds: (r.humanMs + r.ttsMs) / 1000,
  }));

  // ---- Quiet
  /*
   * "Gone quiet" flags a stall: people are logged in and working the app, yet nothing reaches the
   * database. Work is any annotated expression submitted, validation answer (gold included), human
   * recording uploaded or clip verification vote. The project is quiet when the latest such piece of
   * work is at least quietMinutes old (or there never was one) AND at least one non-admin user
   * (enabled, holding no admin role, so the admin watching this page never counts) had session
   * activity within those same quietMinutes. Session activity is sessions.lastSeenAt, which the
   * server refreshes at most once a minute per session. Nobody around means idle, not quiet.
   */
  const windowMs = s.quietMinutes * 60_000;
  const lastSubmissionAt = maxOf([
    ...authored.map((r) => r.last),
    ...answers.map((r) => r.last),
    ...clips.filter((r) => r.userId !== null).map((r) => r.last),
    (await q.lastVote()).at,
  ]);
  const activeUsers = (await q.activeUsers(now - windowMs)).n;
  const quiet = {
    quiet: activeUsers > 0 && (lastSubmissionAt === null || now - lastSubmissionAt >= windowMs),
    minutesSinceLastSubmission: lastSubmissionAt === null ? null : Math.max(0, Math.floor((now - lastSubmissionAt) / 60_000)),
    activeUsers,
    lastSubmissionAt,
    quietMinutes: s.quietMinutes,
  };

  return {
    generatedAt: now,
    counts: { expressions: expressionCounts, rejectedByReason, videos: videoCounts, audio },
    progress: progressOut,
    series: await dailySeries(q, now, answersPerDay, {
      first: minOf(authored.map((r) => r.first)),
      last: maxOf(authored.map((r) => r.last)),
    }),
    distributions,
    users: { annotators, validators, speakers },
    quiet,
  };
}

/**
 * Days from the first activity (at most MAX_DAYS back) to today, or to the last activity if that is
 * later, and at least MIN_DAYS so a young project still gets a readable time axis. The per-day
 * results are small (one row per active day), so they are read whole and placed here.
 */
async function dailySeries(q: ReturnType<typeof statements>, now: number, answered: DaySums[], created: { first: number | null; last: number | null }): Promise<DashboardDailySeries> {
  const lo = minOf([created.first === null ? null : dayOf(created.first), ...answered.map((r) => r.day)]);
  const hi = maxOf([created.last === null ? null : dayOf(created.last), ...answered.map((r) => r.day)]);
  const last = Math.max(dayOf(now), hi ?? -Infinity);
  const first = Math.max(last - MAX_DAYS + 1, Math.min(last - MIN_DAYS + 1, lo ?? last));
  const n = last - first + 1;
  const zero = () => new Array<number>(n).fill(0);
  const out = {
    days: Array.from({ length: n }, (_, i) => ((first + i) * DAY_MS) / 1000),
    submissions: zero(),
    accepted: zero(),
    discarded: zero(),
    rejected: zero(),
    firstAnswers: zero(),
    agreement: new Array<number | null>(n).fill(null),
  };
  const at = (day: number) => (day >= first && day <= last ? day - first : -1);
  if (created.first !== null) for (const r of await q.submissionsPerDay(first, last)) out.submissions[r.day - first] = r.n;
  for (const r of answered) {
    const i = at(r.day);
    if (i < 0) continue;
    out.accepted[i] = r.accepted;
    out.discarded[i] = r.discarded;
    out.rejected[i] = r.rejected;
    out.firstAnswers[i] = r.firstAnswers;
    out.agreement[i] = r.firstAnswers > 0 ? r.agreed / r.firstAnswers : null;
  }
  return out;
}

