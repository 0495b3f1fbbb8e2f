import type Database from 'better-sqlite3';
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
import { EXPRESSION_STATUSES, REJECT_REASONS, VIDEO_STATUSES, type ExpressionStatus, type RejectReason, type VideoStatus } from '#shared/domain.ts';
import type { Db } from '../db/client.ts';
import { preparedPerDb } from '../db/prepared.ts';
import { getSettings } from './settings.ts';

export type { DashboardData } from '#shared/dashboard.ts';

const DAY_MS = 86_400_000;
/** The daily series cover at most this many days (the latest ones) and at least MIN_DAYS. */
const MAX_DAYS = 366;
const MIN_DAYS = 7;
/** Targets per expression: 0, 1, 2, 3 and "4+". */
const TARGET_BINS = 4;

/**
 * Every query of the dashboard, prepared once per database. Each is one aggregate (GROUP BY) over
 * a table; JavaScript only reshapes the small results (a few rows per state, day or user).
 * Column names are the database's snake_case ones (drizzle maps them for the rest of the code).
 */
const statements = preparedPerDb((db) => {
  const c = db.$client;
  return {
    expressionsByState: c.prepare(`select status, reject_reason as reason, count(*) as n from expressions group by status, reject_reason`),
    videosByStatus: c.prepare(`select status, count(*) as n from videos group by status`),
    // Same rule as recording.ts's needsAudioSql: no clip submitted or verified.
    needAudio: c.prepare(
      `select count(*) as n from expressions e where e.status = 'accepted'
         and not exists (select 1 from recordings r where r.expression_id = e.id and r.status in ('submitted', 'verified'))`,
    ),
    recordingsByKind: c.prepare(`select kind, status, count(*) as n, coalesce(sum(duration_ms), 0) as ms from recordings group by kind, status`),
    // The dataset as it grows: accepted expressions on accepted videos.
    acceptedByKind: c.prepare(
      `select e.kind as kind, count(*) as n from expressions e join videos v on v.id = e.video_id
        where e.status = 'accepted' and v.status = 'accepted' group by e.kind`,
    ),
    perVideo: c.prepare(
      `select min(n, :cap) as bin, count(*) as videos from (
         select (select count(*) from expressions e where e.video_id = v.id and e.status = 'accepted') as n
           from videos v where v.status = 'accepted')
        group by bin`,
    ),
    targetsPerExpression: c.prepare(
      `select min(n, :cap) as bin, count(*) as expressions from (
         select (select count(*) from expression_targets t where t.expression_id = e.id) as n
           from expressions e join videos v on v.id = e.video_id
          where e.status = 'accepted' and v.status = 'accepted')
        group by bin`,
    ),
    submissionsPerDay: c.prepare(
      `select created_at / ${DAY_MS} as day, count(*) as n from expressions
        where origin = 'annotated' and created_at >= :from group by day`,
    ),
    decisionsPerDay: c.prepare(
      `select decided_at / ${DAY_MS} as day, status, count(*) as n from expressions
        where origin = 'annotated' and decided_at >= :from and status in ('accepted', 'discarded', 'rejected')
        group by day, status`,
    ),
    firstAnswersPerDay: c.prepare(
      `select created_at / ${DAY_MS} as day, count(*) as n, sum(agrees) as agreed from validations
        where round = 1 and created_at >= :from group by day`,
    ),
    // First and last day with any activity, to size the series (without a floor from old rows).
    activitySpan: c.prepare(
      `select min(lo) as lo, max(hi) as hi from (
         select min(created_at) as lo, max(created_at) as hi from expressions where origin = 'annotated'
         union all select min(decided_at), max(decided_at) from expressions where origin = 'annotated'
         union all select min(created_at), max(created_at) from validations where round = 1)`,
    ),
    users: c.prepare(`select u.id as id, u.username as username, u.disabled as disabled, group_concat(r.role) as roles
                        from users u left join user_roles r on r.user_id = u.id group by u.id`),
    annotators: c.prepare(
      `select author_id as userId, count(*) as submitted,
              sum(status in ('pending', 'second_round')) as open,
              sum(status = 'accepted') as accepted, sum(status = 'discarded') as discarded, sum(status = 'rejected') as rejected
         from expressions where author_id is not null and origin = 'annotated' group by author_id`,
    ),
    // Same scoring as validation.ts's validatorStats (what validators see on their own page).
    validators: c.prepare(
      `select v.validator_id as userId, count(*) as answered,
              sum(v.round = 0) as goldAnswered,
              sum(v.round = 0 and v.agrees) as goldCorrect,
              sum(v.round > 0 and e.status in ('accepted', 'rejected')) as scored,
              sum(v.round > 0 and ((e.status = 'accepted' and v.agrees) or (e.status = 'rejected' and v.answer = 'reject'))) as correct
         from validations v join expressions e on e.id = v.expression_id
        group by v.validator_id`,
    ),
    // The median as validatorStats takes it: the element at floor(n / 2) of the sorted durations
    // of answers given under a lease (duration > 0), by a window function instead of a JS sort.
    validatorMedians: c.prepare(
      `select userId, ms from (
         select validator_id as userId, duration_ms as ms,
                row_number() over (partition by validator_id order by duration_ms) - 1 as i,
                count(*) over (partition by validator_id) as n
           from validations where duration_ms > 0)
        where i = n / 2`,
    ),
    speakers: c.prepare(
      `select speaker_id as userId, count(*) as clips,
              sum(status = 'submitted') as submitted, sum(status = 'verified') as verified, sum(status = 'failed') as failed,
              coalesce(sum(case when status = 'verified' then duration_ms end), 0) as verifiedMs
         from recordings where speaker_id is not null group by speaker_id`,
    ),
    lastWork: c.prepare(
      `select max(at) as at from (
         select max(created_at) as at from expressions where origin = 'annotated'
         union all select max(created_at) from validations
         union all select max(created_at) from recordings where speaker_id is not null
         union all select max(created_at) from clip_votes)`,
    ),
    activeUsers: c.prepare(
      `select count(distinct s.user_id) as n from sessions s join users u on u.id = s.user_id
        where s.last_seen_at >= :since and u.disabled = 0
          and not exists (select 1 from user_roles r where r.user_id = s.user_id and r.role = 'admin')`,
    ),
  };
});

type Statement = Database.Statement;
const rows = <T>(stmt: Statement, params?: Record<string, number>) => (params ? stmt.all(params) : stmt.all()) as T[];
const one = <T>(stmt: Statement, params?: Record<string, number>) => (params ? stmt.get(params) : stmt.get()) as T;

const zeros = <K extends string>(keys: readonly K[]) => Object.fromEntries(keys.map((k) => [k, 0])) as Record<K, number>;
const rate = (part: number, whole: number) => (whole > 0 ? part / whole : null);
const progress = (value: number, target: number): DashboardProgress => ({ value, target, ratio: target > 0 ? value / target : null });
const share = (part: number, whole: number, target: number): DashboardShareProgress => ({
  ...progress(whole > 0 ? part / whole : 0, target),
  part,
  whole,
});

function histogram(bins: number, found: { bin: number; n: number }[]): DashboardHistogram {
  const counts = new Array<number>(bins + 1).fill(0);
  for (const r of found) counts[r.bin] = r.n;
  return { labels: counts.map((_, i) => (i === bins ? `${i}+` : String(i))), counts };
}

/**
 * Everything the admin dashboard shows, in one JSON-serialisable object (see shared/src/dashboard.ts
 * for every field's meaning). Read-only; `now` only places the daily series and the quiet check.
 */
export function dashboard(db: Db, now = Date.now()): DashboardData {
  const q = statements(db);
  const s = getSettings(db);

  // ---- Counts
  const expressionCounts = zeros<ExpressionStatus>(EXPRESSION_STATUSES);
  const rejectedByReason = zeros<RejectReason>(REJECT_REASONS);
  for (const r of rows<{ status: ExpressionStatus; reason: RejectReason | null; n: number }>(q.expressionsByState)) {
    expressionCounts[r.status] += r.n;
    if (r.status === 'rejected' && r.reason) rejectedByReason[r.reason] += r.n;
  }
  const videoCounts = zeros<VideoStatus>(VIDEO_STATUSES);
  for (const r of rows<{ status: VideoStatus; n: number }>(q.videosByStatus)) videoCounts[r.status] = r.n;

  const audio = { needAudio: one<{ n: number }>(q.needAudio).n, submitted: 0, verified: 0, failed: 0, verifiedSecondsHuman: 0, verifiedSecondsTts: 0 };
  for (const r of rows<{ kind: 'human' | 'tts'; status: 'submitted' | 'verified' | 'failed'; n: number; ms: number }>(q.recordingsByKind)) {
    audio[r.status] += r.n;
    if (r.status === 'verified') audio[r.kind === 'tts' ? 'verifiedSecondsTts' : 'verifiedSecondsHuman'] += r.ms / 1000;
  }

  // ---- Progress towards the targets
  let acceptedOnAccepted = 0;
  let noTarget = 0;
  for (const r of rows<{ kind: string; n: number }>(q.acceptedByKind)) {
    acceptedOnAccepted += r.n;
    if (r.kind === 'none') noTarget += r.n;
  }
  const verifiedSeconds = audio.verifiedSecondsHuman + audio.verifiedSecondsTts;
  const progressOut = {
    expressions: progress(acceptedOnAccepted, s.targetExpressionsPerVideo * videoCounts.accepted),
    noTargetShare: share(noTarget, acceptedOnAccepted, s.targetNoTargetShare),
    ttsShare: share(audio.verifiedSecondsTts, verifiedSeconds, s.targetTtsShare),
  };

  // ---- Distributions
  const perVideoCap = Math.max(1, Math.ceil(s.targetExpressionsPerVideo));
  const distributions = {
    expressionsPerVideo: histogram(perVideoCap, rows<{ bin: number; videos: number }>(q.perVideo, { cap: perVideoCap }).map((r) => ({ bin: r.bin, n: r.videos }))),
    targetsPerExpression: histogram(
      TARGET_BINS,
      rows<{ bin: number; expressions: number }>(q.targetsPerExpression, { cap: TARGET_BINS }).map((r) => ({ bin: r.bin, n: r.expressions })),
    ),
    rejectReasons: { labels: [...REJECT_REASONS], counts: REJECT_REASONS.map((r) => rejectedByReason[r]) },
  };

  // ---- People
  const people = rows<{ id: number; username: string; disabled: number; roles: string | null }>(q.users).map((u) => ({
    ...u,
    roles: new Set((u.roles ?? '').split(',')),
  }));
  const byId = new Map(people.map((u) => [u.id, u]));
  /** Active role holders, plus anyone (even disabled, or since demoted) with recorded work. */
  const roster = <T extends { userId: number }>(role: string, found: T[], empty: (userId: number) => T, order: (r: T) => number) => {
    const seen = new Map(found.map((r) => [r.userId, r]));
    for (const u of people) if (!seen.has(u.id) && !u.disabled && u.roles.has(role)) seen.set(u.id, empty(u.id));
    return [...seen.values()]
      .map((r) => ({ ...r, username: byId.get(r.userId)?.username ?? `#${r.userId}` }))
      .sort((a, b) => order(b) - order(a) || a.username.localeCompare(b.username));
  };

  type AnnotatorCounts = Omit<DashboardAnnotatorRow, 'username' | 'acceptedRate' | 'discardedRate' | 'rejectedRate'>;
  const annotators: DashboardAnnotatorRow[] = roster<AnnotatorCounts>(
    'annotator',
    rows<AnnotatorCounts>(q.annotators),
    (userId) => ({ userId, submitted: 0, open: 0, accepted: 0, discarded: 0, rejected: 0 }),
    (r) => r.submitted,
  ).map((r) => {
    const decided = r.accepted + r.discarded + r.rejected;
    return { ...r, acceptedRate: rate(r.accepted, decided), discardedRate: rate(r.discarded, decided), rejectedRate: rate(r.rejected, decided) };
  });

  const medians = new Map(rows<{ userId: number; ms: number }>(q.validatorMedians).map((r) => [r.userId, r.ms / 1000]));
  type ValidatorCounts = { userId: number; answered: number; goldAnswered: number; goldCorrect: number; scored: number; correct: number };
  const validators: DashboardValidatorRow[] = roster<ValidatorCounts>(
    'validator',
    rows<ValidatorCounts>(q.validators),
    (userId) => ({ userId, answered: 0, goldAnswered: 0, goldCorrect: 0, scored: 0, correct: 0 }),
    (r) => r.answered,
  ).map((r) => ({
    userId: r.userId,
    username: r.username,
    answered: r.answered,
    scored: r.scored,
    agreement: rate(r.correct, r.scored),
    goldAnswered: r.goldAnswered,
    goldAccuracy: rate(r.goldCorrect, r.goldAnswered),
    medianSeconds: medians.get(r.userId) ?? null,
  }));

  type SpeakerCounts = { userId: number; clips: number; submitted: number; verified: number; failed: number; verifiedMs: number };
  const speakers: DashboardSpeakerRow[] = roster<SpeakerCounts>(
    'speaker',
    rows<SpeakerCounts>(q.speakers),
    (userId) => ({ userId, clips: 0, submitted: 0, verified: 0, failed: 0, verifiedMs: 0 }),
    (r) => r.clips,
  ).map(({ verifiedMs, ...r }) => ({ ...r, verifiedRate: rate(r.verified, r.verified + r.failed), verifiedSeconds: verifiedMs / 1000 }));

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
  const lastSubmissionAt = one<{ at: number | null }>(q.lastWork).at;
  const activeUsers = one<{ n: number }>(q.activeUsers, { since: now - windowMs }).n;
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
    series: dailySeries(q, now),
    distributions,
    users: { annotators, validators, speakers },
    quiet,
  };
}

/**
 * Days from the first activity (at most MAX_DAYS back) to today or the last activity if later,
 * and at least MIN_DAYS, so a young project still gets a readable time axis.
 */
function dailySeries(q: ReturnType<typeof statements>, now: number): DashboardDailySeries {
  const span = one<{ lo: number | null; hi: number | null }>(q.activitySpan);
  const last = Math.max(Math.floor(now / DAY_MS), span.hi === null ? -Infinity : Math.floor(span.hi / DAY_MS));
  const first = Math.max(last - MAX_DAYS + 1, Math.min(last - MIN_DAYS + 1, span.lo === null ? last : Math.floor(span.lo / DAY_MS)));
  const n = last - first + 1;
  const at = (day: number) => (day >= first && day <= last ? day - first : -1);
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
  const from = first * DAY_MS;
  for (const r of rows<{ day: number; n: number }>(q.submissionsPerDay, { from })) {
    const i = at(r.day);
    if (i >= 0) out.submissions[i] = r.n;
  }
  for (const r of rows<{ day: number; status: 'accepted' | 'discarded' | 'rejected'; n: number }>(q.decisionsPerDay, { from })) {
    const i = at(r.day);
    if (i >= 0) out[r.status][i] = r.n;
  }
  for (const r of rows<{ day: number; n: number; agreed: number }>(q.firstAnswersPerDay, { from })) {
    const i = at(r.day);
    if (i < 0) continue;
    out.firstAnswers[i] = r.n;
    out.agreement[i] = r.agreed / r.n;
  }
  return out;
}
export const __statements = statements;
