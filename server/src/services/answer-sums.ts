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
 * restore needs the server stopped), and each fold takes a range of a key below which no answer
 * can still appear (KEY, TOP_KEY: the id on SQLite, whose one writer hands ids out in commit
 * order; the storing transaction's id on PostgreSQL, up to the oldest transaction still running),
 * so a fold of (upTo, top] never misses a row and never counts one twice. If the log ever shrank
 * (top below upTo), the sums start over from nothing. Each process keeps its own sums; they agree
 * because they are all folds of the same log.
 *
 * The one update that changes what counts: an admin's exclusion of a rater (rater-exclusion.ts) voids answers
 * (voided_at), which then count nowhere, and re-derives their samples from the answers left. Every
 * exclusion that voids anything writes a rater_exclusions row in the same transaction, so sums
 * folded under another max(rater_exclusions.id) start over from nothing (every process sees the
 * row, so every process starts over). Among the answers left, a round-2 answer whose round-1
 * answer was voided is the sample's first answer now (the machine replays the rest): "effectively
 * round 2" below means round 2 with an earlier answer left on the sample, and only that. (A round-1
 * answer never has one: when it was given the sample had no answer left, and voiding only removes.)
 * Median times stay over every answer given under a lease: time spent is a fact of the work, not a
 * score, and the medians read an index that has no voided_at.
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

/** A row of the validations log as submitAnswer stores it. */
export type NewValidation = typeof validations.$inferInsert;

/**
 * The insert (not yet run: the caller writes it with the rest of the answer, db/write-together.ts)
 * that appends an answer to the validations log. On PostgreSQL the row takes its transaction's id
 * (validations.tx_id, a column default), which is what the sums fold by: answers on every
 * instance commit side by side. (They used to take turns on one advisory lock from the insert to
 * the commit, so that ids came in commit order; under load that lock's hold time, a round trip and
 * a WAL flush, capped the whole deployment at about 60 answers a second: bench:validate.)
 */
export function validationInsert(tx: DbOrTx, v: NewValidation) {
  return tx.insert(validations).values(v);
}

/**
 * The fold key and the newest key whose answers are all final. SQLite: the id (one writer, so ids
 * come in commit order: whoever sees max(id) sees every id below it). PostgreSQL: the storing
 * transaction's id; every transaction older than the oldest one still running (the snapshot's
 * xmin) has committed or rolled back, so nothing at or below xmin − 1 can appear later. A long
 * writing transaction elsewhere holds the sums back (stale, never wrong) until it ends.
 */
const KEY = DIALECT === 'postgres' ? 'tx_id' : 'id';
const TOP_KEY =
  DIALECT === 'postgres' ? sql`cast(cast(pg_snapshot_xmin(pg_current_snapshot()) as text) as bigint) - 1` : sql`(select coalesce(max(id), 0) from validations)`;

/**
 * `<table>.<key>` in (after, upTo] (`table`: an alias, or '' for the only table). Rows without a
 * key (copied from SQLite by `db copy`, before any instance ran on the copy) go with the first range.
 */
const keyIn = (table: string, range: { after: number; upTo: number }) => {
  const k = sql.raw(table ? `${table}.${KEY}` : KEY);
  return DIALECT === 'postgres' && range.after === 0 ? sql`(${k} <= ${range.upTo} or ${k} is null)` : sql`(${k} > ${range.after} and ${k} <= ${range.upTo})`;
};

const TOP = sql`select t.top as "top", (select coalesce(max(id), 0) from validations) as "maxId", (select coalesce(max(id), 0) from rater_exclusions) as "epoch",
  ${DIALECT === 'postgres' ? sql`exists (select 1 from validations where tx_id > t.top)` : sql`false`} as "tail" from (select ${TOP_KEY} as top) t`;

/** Beyond every key: the end of the range that counts answers past the fold (PostgreSQL). */
const TAIL_END = 9e15;

/** The answer `v` is effectively in round 2: another answer on its sample, given before it, still counts. */
const EFFECTIVELY_SECOND = (v: string) => {
  const a = sql.raw(v);
  return sql`(${a}.round = 2 and exists (select 1 from validations p where p.expression_id = ${a}.expression_id and p.round > 0 and p.voided_at is null and p.id < ${a}.id))`;
};

function queries(range: { after: number; upTo: number }) {
  const inRange = sql`${keyIn('', range)} and voided_at is null`;
  return {
    validators: sql`select validator_id as "userId", count(*) as "answered",
              count(*) filter (where round = 0) as "goldAnswered",
              count(*) filter (where round = 0 and agrees) as "goldCorrect",
              count(*) filter (where round > 0 and (agrees or answer = 'reject')) as "correct",
              max(created_at) as "last"
         from validations where ${inRange} group by validator_id`,
    late: sql`select f.validator_id as "userId", count(*) as "n"
         from validations s cross join validations f ${indexedBy('validations_once_uq')}
        where f.expression_id = s.expression_id and f.round > 0 and f.voided_at is null and f.id < s.id
          and ${keyIn('s', range)} and s.voided_at is null and s.round = 2 and (s.agrees or s.answer = 'reject')
        group by f.validator_id`,
    days: sql`select created_at / ${DAY} as "day",
              count(*) filter (where not second) as "firstAnswers",
              count(*) filter (where not second and agrees) as "agreed",
              count(*) filter (where agrees) as "accepted",
              count(*) filter (where answer = 'reject') as "rejected",
              count(*) filter (where second and not agrees and answer <> 'reject') as "discarded"
         from (select v.created_at, v.agrees, v.answer, ${EFFECTIVELY_SECOND('v')} as second
                 from validations v where ${keyIn('v', range)} and v.voided_at is null and v.round > 0) d
        group by created_at / ${DAY}`,
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
        where validator_id in (${idList}) and duration_ms > 0 and ${keyIn('', { after: 0, upTo })}
        group by validator_id`;
}

interface Sums {
  upTo: number;
  /** max(id) when folded: a smaller one later means the log shrank (a restore): start over. */
  maxId: number;
  /** max(rater_exclusions.id) when these sums were started: another one means answers were voided since. */
  epoch: number;
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
  const [head] = await rows<{ top: number; maxId: number; epoch: number; tail: boolean | number }>(TOP);
  const top = Number(head!.top);
  const maxId = Number(head!.maxId);
  const epoch = Number(head!.epoch);
  let sums = sumsPerDb.get(db);
  if (!sums || top < sums.upTo || maxId < sums.maxId || epoch !== sums.epoch) sumsPerDb.set(db, (sums = { upTo: 0, maxId: 0, epoch, validators: new Map(), days: new Map() }));
  if (top > sums.upTo) {
    // Folded into a copy and swapped in at the end: two callers folding at once each fold the same
    // range into their own copy, and neither leaves half-folded sums behind.
    const next = { upTo: sums.upTo, maxId, epoch: sums.epoch, validators: cloneMap(sums.validators), days: cloneMap(sums.days) };
    await fold(rows, next, top);
    const now = sumsPerDb.get(db);
    // Sums after a later exclusion win over these, whatever their range.
    if (!now || now.epoch < next.epoch || (now.epoch === next.epoch && now.upTo < next.upTo)) sumsPerDb.set(db, (sums = next));
    else sums = now;
  }
  if (head!.tail) {
    // Answers that committed while an older transaction still runs are past the fold (PostgreSQL):
    // counted into a copy for this answer (a validator sees their own answer at once), folded for
    // good later. Most calls find none (the TOP statement says so) and skip this.
    const view = { ...sums, validators: cloneMap(sums.validators), days: cloneMap(sums.days) };
    await fold(rows, view, TAIL_END);
    sums = view;
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
