import type { Db } from '../db/client.ts';
import { preparedPerDb } from '../db/prepared.ts';

const DAY_MS = 86_400_000;

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
 * restore needs the server stopped), and SQLite hands out AUTOINCREMENT ids in commit order (one
 * writer at a time, ids never reused), so every snapshot holds exactly the ids up to its max(id).
 * Each call folds in (upTo, max(id)] inside one read transaction. If the log ever shrank (max(id)
 * below upTo), the sums start over from nothing.
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
const statements = preparedPerDb((db) => {
  const c = db.$client;
  const range = `id > :after and id <= :upTo`;
  return {
    top: c.prepare(`select coalesce(max(id), 0) from validations`).pluck(),
    validators: c.prepare(
      `select validator_id as userId, count(*) as answered,
              count(*) filter (where round = 0) as goldAnswered,
              count(*) filter (where round = 0 and agrees) as goldCorrect,
              count(*) filter (where round > 0 and (agrees or answer = 'reject')) as correct,
              max(created_at) as last
         from validations where ${range} group by validator_id`,
    ),
    late: c.prepare(
      `select f.validator_id as userId, count(*) as n
         from validations s cross join validations f indexed by validations_once_uq
           on f.expression_id = s.expression_id and f.round = 1
        where s.id > :after and s.id <= :upTo and s.round = 2 and (s.agrees or s.answer = 'reject')
        group by f.validator_id`,
    ),
    days: c.prepare(
      `select created_at / ${DAY_MS} as day,
              count(*) filter (where round = 1) as firstAnswers,
              count(*) filter (where round = 1 and agrees) as agreed,
              count(*) filter (where agrees) as accepted,
              count(*) filter (where answer = 'reject') as rejected,
              count(*) filter (where round = 2 and not agrees and answer <> 'reject') as discarded
         from validations where ${range} and round > 0 group by day`,
    ),
    /*
     * Medians of the validators with new answers, over all their answers given under a lease
     * (> 0): the element at floor(n / 2) of the sorted times (the upper middle). percentile_disc (compiled into better-sqlite3) returns the lower middle, so it runs on
     * negated times. Index-only, one range of validations_validator_idx per validator.
     */
    medians: c.prepare(
      `select validator_id as userId, -percentile_disc(-duration_ms, 0.5) as medianMs
         from validations indexed by validations_validator_idx
        where validator_id in (select value from json_each(:ids)) and duration_ms > 0 and id <= :upTo
        group by validator_id`,
    ),
  };
});

interface Sums {
  upTo: number;
  validators: Map<number, ValidatorSums>;
  days: Map<number, DaySums>;
}

const sumsPerDb = new WeakMap<Db, Sums>();

/**
 * The per-validator (in validator id order) and per-day numbers as of the caller's snapshot; run
 * inside a read transaction (the dashboard's, or its own).
 */
export function answerSums(db: Db): { validators: ValidatorSums[]; days: DaySums[] } {
  return db.$client.inTransaction ? fresh(db) : db.$client.transaction(() => fresh(db))();
}

function fresh(db: Db): { validators: ValidatorSums[]; days: DaySums[] } {
  const q = statements(db);
  const top = q.top.get() as number;
  let sums = sumsPerDb.get(db);
  if (!sums || top < sums.upTo) sumsPerDb.set(db, (sums = { upTo: 0, validators: new Map(), days: new Map() }));
  if (top > sums.upTo) fold(q, sums, top);
  return {
    validators: [...sums.validators.values()].map((v) => ({ ...v })).sort((a, b) => a.userId - b.userId),
    days: [...sums.days.values()].map((d) => ({ ...d })),
  };
}

/** Adds `row`'s counts into the sums under `key` (a copy of `row` if there are none yet). */
function addCounts<K, T extends object>(into: Map<K, T>, key: K, row: T, counts: readonly (keyof T)[]): T {
  const had = into.get(key);
  if (!had) {
    into.set(key, { ...row });
    return into.get(key)!;
  }
  for (const k of counts) (had[k] as number) += row[k] as number;
  return had;
}

const VALIDATOR_COUNTS = ['answered', 'goldAnswered', 'goldCorrect', 'correct'] as const;
const DAY_COUNTS = ['firstAnswers', 'agreed', 'accepted', 'rejected', 'discarded'] as const;

function fold(q: ReturnType<typeof statements>, sums: Sums, upTo: number) {
  const range = { after: sums.upTo, upTo };
  const touched: number[] = [];
  for (const r of q.validators.all(range) as Omit<ValidatorSums, 'scored' | 'medianMs'>[]) {
    touched.push(r.userId);
    const v = addCounts(sums.validators, r.userId, { ...r, scored: 0, medianMs: null }, VALIDATOR_COUNTS);
    v.scored += r.correct;
    v.last = Math.max(v.last, r.last);
  }
  // A round-1 validator answered before these round-2 answers, so already has sums.
  for (const r of q.late.all(range) as { userId: number; n: number }[]) sums.validators.get(r.userId)!.scored += r.n;
  for (const r of q.medians.all({ ids: JSON.stringify(touched), upTo }) as { userId: number; medianMs: number }[]) {
    sums.validators.get(r.userId)!.medianMs = r.medianMs;
  }
  for (const r of q.days.all(range) as DaySums[]) addCounts(sums.days, r.day, r, DAY_COUNTS);
  sums.upTo = upTo;
}
