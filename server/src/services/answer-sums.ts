import { sql, type SQL } from 'drizzle-orm';
import type { Db, DbOrTx } from '../db/client.ts';
import { DIALECT } from '../db/dialect.ts';
import { indexedBy } from '../db/portable.ts';
import { validations } from '../db/schema/index.ts';

const DAY_MS = 86_400_000;
// Inlined, not bound: PostgreSQL matches a GROUP BY expression to the selected one only when both are the same text.
const DAY = sql.raw(String(DAY_MS));

/** One validator's numbers (what validators see on their page and the admin dashboard shows). */
export interface ValidatorSums {
  userId: number;
  answered: number;
  goldAnswered: number;
  goldCorrect: number;
  correct: number;
  scored: number;
  medianMs: number | null;
  last: number;
}

/** One day's protocol answers (rounds 1 and 2) and the decisions they made. */
export interface DaySums {
  day: number;
  firstAnswers: number;
  agreed: number;
  accepted: number;
  rejected: number;
  discarded: number;
}

/*
 * The validations log, folded into running sums: the one place validators are scored, for their
 * own page, the leaderboard and the admin dashboard. A full recount was 45 of the dashboard's
 * 115 ms at full MeViS scale (bench:scale), and it grows with every answer, while each reader only
 * needs what was answered since the last look. Sound because the log is append-only: nothing
 * updates or deletes a validation (an answer is final; expressions are never deleted, and a
 * restore needs the server stopped), and ids are handed out in commit order — on SQLite because
 * it has one writer at a time, on PostgreSQL because every insert into the log first takes the
 * log's transaction lock (appendValidation) — so whoever sees max(id) sees every id below it, and
 * a fold of (upTo, max(id)] never misses a row. If the log ever shrank (max(id) below upTo), the
 * sums start over from nothing. Each process keeps its own sums; they agree because they are all
 * folds of the same log.
 *
 * Scoring: an answer is scored when its sample ended accepted or rejected, and correct when it
 * matched that outcome (a test holds this to a naive recount of every answer against its sample's
 * status). Under the protocol machine an answer that agrees or rejects decides its sample that way
 * (scored, correct) in either round; one that disagrees in round 2 discards it (not scored); a
 * round-1 disagreement is scored, never correct, once a round-2 answer accepts or rejects the
 * sample, so each such round-2 answer adds one to its sample's round-1 validator. Per day, under
 * the same machine: deciding answers per day equal decisions per decidedAt day (submitAnswer
 * stamps decidedAt with the answer's time).
 */

/** An arbitrary constant naming the validations log's transaction lock on PostgreSQL. */
const VALIDATION_LOG_LOCK = 7_305_117_002;

/** A row of the validations log as submitAnswer stores it. */
export type NewValidation = typeof validations.$inferInsert;

/**
 * Appends an answer to the validations log under the log's lock (appendValidation): on
 * PostgreSQL in one statement, the lock taken in its FROM before the row (and its id) exists, a
 * round trip less on every answer than the lock and the insert one after the other.
 */
export async function appendValidation(tx: DbOrTx, v: NewValidation): Promise<void> {
  if (DIALECT !== 'postgres') {
    await tx.insert(validations).values(v);
    return;
  }
  await tx.execute(sql`insert into validations (expression_id, validator_id, round, answer, targets, agrees, reject_reason, reject_note, duration_ms, created_at)
    select cast(${v.expressionId} as integer), cast(${v.validatorId} as integer), cast(${v.round} as integer), cast(${v.answer} as text),
           cast(${v.targets ?? null} as text), cast(${v.agrees ?? false} as boolean), cast(${v.rejectReason ?? null} as text), cast(${v.rejectNote ?? null} as text),
           cast(${v.durationMs} as bigint), cast(${v.createdAt} as bigint)
      from (select pg_advisory_xact_lock(${VALIDATION_LOG_LOCK})) as log_lock`);
}

const TOP = sql`select coalesce(max(id), 0) as "top" from validations`;

function queries(range: { after: number; upTo: number }) {
  const inRange = sql`id > ${range.after} and id <= ${range.upTo}`;
  return {
    validators: sql`select validator_id as "userId", count(*) as "answered",
              count(*) filter (where round = 0) as "goldAnswered",
              count(*) filter (where round = 0 and agrees) as "goldCorrect",
              count(*) filter (where round > 0 and (agrees or answer = 'reject')) as "correct",
              max(created_at) as "last"
         from validations where ${inRange} group by validator_id`,
    late: sql`select f.validator_id as "userId", count(*) as "n"
         from validations s cross join validations f ${indexedBy('validations_once_uq')}
        where f.expression_id = s.expression_id and f.round = 1
          and s.id > ${range.after} and s.id <= ${range.upTo} and s.round = 2 and (s.agrees or s.answer = 'reject')
        group by f.validator_id`,
    days: sql`select created_at / ${DAY} as "day",
              count(*) filter (where round = 1) as "firstAnswers",
              count(*) filter (where round = 1 and agrees) as "agreed",
              count(*) filter (where agrees) as "accepted",
              count(*) filter (where answer = 'reject') as "rejected",
              count(*) filter (where round = 2 and not agrees and answer <> 'reject') as "discarded"
         from validations where ${inRange} and round > 0 group by created_at / ${DAY}`,
  };
}

/*
 * Medians of the validators with new answers, over all their answers given under a lease (> 0):
 * the element at floor(n / 2) of the sorted times (the upper middle). Both engines' percentile_disc
 * return the lower middle, so it runs on negated times (SQLite's is the function form compiled into
 * better-sqlite3; PostgreSQL's the ordered-set aggregate). Index-only on SQLite, one range of
 * validations_validator_idx per validator.
 */
function medians(ids: number[], upTo: number) {
  const idList = sql.join(ids.map((id) => sql`${id}`), sql`, `);
  const median = DIALECT === 'sqlite' ? sql`-percentile_disc(-duration_ms, 0.5)` : sql`-percentile_disc(0.5) within group (order by -duration_ms)`;
  return sql`select validator_id as "userId", ${median} as "medianMs"
         from validations ${indexedBy('validations_validator_idx')}
        where validator_id in (${idList}) and duration_ms > 0 and id <= ${upTo}
        group by validator_id`;
}

interface Sums {
  upTo: number;
  validators: Map<number, ValidatorSums>;
  days: Map<number, DaySums>;
}

const sumsPerDb = new WeakMap<Db, Sums>();

/**
 * The per-validator (in validator id order) and per-day numbers as of now. Takes the database, not
 * a transaction: the sums are kept per database.
 */
export async function answerSums(db: Db): Promise<{ validators: ValidatorSums[]; days: DaySums[] }> {
  const rows = async <T>(q: SQL) => (await db.execute(q)).rows as T[];
  const [{ top }] = (await rows<{ top: number }>(TOP)) as [{ top: number }];
  let sums = sumsPerDb.get(db);
  if (!sums || top < sums.upTo) sumsPerDb.set(db, (sums = { upTo: 0, validators: new Map(), days: new Map() }));
  if (top > sums.upTo) {
    // Folded into a copy and swapped in at the end: two callers folding at once each fold the same
    // range into their own copy, and neither leaves half-folded sums behind.
    const next = { upTo: sums.upTo, validators: cloneMap(sums.validators), days: cloneMap(sums.days) };
    await fold(rows, next, top);
    const now = sumsPerDb.get(db);
    if (!now || now.upTo < next.upTo) sumsPerDb.set(db, (sums = next));
    else sums = now;
  }
  return {
    validators: [...sums.validators.values()].map((v) => ({ ...v })).sort((a, b) => a.userId - b.userId),
    days: [...sums.days.values()].map((d) => ({ ...d })),
  };
}

const cloneMap = <K, V extends object>(m: Map<K, V>) => new Map([...m].map(([k, v]) => [k, { ...v }]));

/** Adds `row`'s counts into the sums under `key` (a copy of `row` if there are none yet). */
function addCounts<K, T extends object>(into: Map<K, T>, key: K, row: T, counts: readonly (keyof T)[]): T {
  const had = into.get(key);
  if (!had) {
    into.set(key, { ...row });
    return into.get(key)!;
  }
  for (const k of counts) (had[k] as number) += Number(row[k]);
  return had;
}

const VALIDATOR_COUNTS = ['answered', 'goldAnswered', 'goldCorrect', 'correct'] as const;
const DAY_COUNTS = ['firstAnswers', 'agreed', 'accepted', 'rejected', 'discarded'] as const;

async function fold(rows: <T>(q: SQL) => Promise<T[]>, sums: Sums, upTo: number) {
  const q = queries({ after: sums.upTo, upTo });
  const touched: number[] = [];
  for (const r of await rows<Omit<ValidatorSums, 'scored' | 'medianMs'>>(q.validators)) {
    touched.push(r.userId);
    const v = addCounts(sums.validators, r.userId, { ...r, scored: 0, medianMs: null }, VALIDATOR_COUNTS);
    v.scored += r.correct;
    v.last = Math.max(v.last, r.last);
  }
  // A round-1 validator answered before these round-2 answers, so already has sums.
  for (const r of await rows<{ userId: number; n: number }>(q.late)) sums.validators.get(r.userId)!.scored += r.n;
  if (touched.length) {
    for (const r of await rows<{ userId: number; medianMs: number }>(medians(touched, upTo))) sums.validators.get(r.userId)!.medianMs = r.medianMs;
  }
  for (const r of await rows<DaySums>(q.days)) addCounts(sums.days, r.day, r, DAY_COUNTS);
  sums.upTo = upTo;
}
