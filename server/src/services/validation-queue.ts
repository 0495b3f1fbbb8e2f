import { and, is, Placeholder, sql, type SQL } from 'drizzle-orm';
import type { SampleView } from '#shared/schemas/validate.ts';
import { isUniqueViolation, RaceLost } from '../db/busy.ts';
import type { DbOrTx } from '../db/client.ts';
import { DIALECT } from '../db/dialect.ts';
import { jsonObject } from '../db/portable.ts';
import { postgresHooksOf, type NamedStatement } from '../db/postgres.ts';
import { expressions } from '../db/schema/index.ts';
import { leaseGrantQueries, type Lease } from './leases.ts';

/*
 * The validation queue's SQL: which samples a validator may be handed, oldest first, and (on
 * PostgreSQL) the hand-out of the common case in one statement.
 */

// Correlated subqueries name the outer table explicitly: drizzle leaves single-table columns
// unqualified, and an unqualified "id" inside a subquery would bind to the inner table.
export const outer = (column: string) => sql.raw(`"expressions"."${column}"`);
/** No live protocol lease: never leased, answered, or its holder's time ran out (then it can be handed over). */
export const unleasedAt = (now: number | ReturnType<typeof sql.placeholder>) =>
  sql`not exists (select 1 from "leases" l where l.expression_id = ${outer('id')} and l.round > 0 and l.expires_at > ${now})`;

/** Samples this validator may answer at all: not their own, not answered, not on their videos. */
export function eligibleFor(validatorId: number | SQL.Aliased | ReturnType<typeof sql.placeholder>, skipOwnVideos: boolean): SQL {
  const notMine = sql`coalesce(${outer('author_id')}, 0) <> ${validatorId}`;
  const notAnswered = sql`not exists (select 1 from "validations" v where v.expression_id = ${outer('id')} and v.validator_id = ${validatorId})`;
  const notOwnVideo = skipOwnVideos ? sql`not exists (select 1 from "expressions" own where own.video_id = ${outer('video_id')} and own.author_id = ${validatorId})` : sql`true`;
  return and(notMine, notAnswered, notOwnVideo, NO_EXCLUDED_TARGET)!;
}

/**
 * Not a sample whose target an admin excluded: validators are not shown that object, so nobody
 * could agree; it waits for the admin's decision (the video's admin page lists it). A lookup by
 * the targets' primary key for each candidate the queue walk looks at.
 */
const NO_EXCLUDED_TARGET = sql`not exists (select 1 from "expression_targets" et join "objects" eo on eo.id = et.object_id where et.expression_id = ${outer('id')} and eo.excluded_at is not null)`;

export const me = sql.placeholder('me');

/** The lease `me` holds (at most one: a unique index), as q.held's row, in JSON (null: none). */
const HELD_BY_ME = sql<unknown>`(select ${jsonObject({
  lease: jsonObject({ id: sql`hl.id`, expressionId: sql`hl.expression_id`, validatorId: sql`hl.validator_id`, round: sql`hl.round`, issuedAt: sql`hl.issued_at`, expiresAt: sql`hl.expires_at` }),
  videoId: sql`he.video_id`,
  text: sql`he.text`,
})} from "leases" hl join "expressions" he on he.id = hl.expression_id where hl.validator_id = ${me})`;
export type HeldRow = { lease: Lease; videoId: number; text: string };

/** Open and not held: the terms of expressions_queue_idx's WHERE; QUEUE_ORDER is its key. */
const IN_QUEUE = sql`${outer('status')} in ('pending', 'second_round') and ${outer('lease_expires_at')} is null`;
const QUEUE_ORDER = sql`${outer('created_at')}, ${outer('id')}`;

/**
 * Open samples nobody holds, oldest first, that this validator may answer: the terms are those of
 * expressions_queue_idx's WHERE, word for word, so both engines walk that partial index in order
 * and step over only the samples this validator may not answer (not over every held one). `held`:
 * an expired lease is still on it (swept), to be taken over; `mine`: the lease this validator holds.
 * On PostgreSQL, validators asking at once on several instances each lock the sample they take and
 * skip the ones others are taking (the queue idiom), instead of all reaching for the oldest and
 * all but one failing serialization. SQLite has one writer; it needs neither.
 */
export function oldestQuery(db: DbOrTx, skipOwnVideos: boolean) {
  const oldest = db
    .select({
      id: expressions.id,
      status: expressions.status,
      videoId: expressions.videoId,
      text: expressions.text,
      held: sql<boolean>`exists (select 1 from "leases" l where l.expression_id = ${outer('id')} and l.round > 0)`.as('held'),
      mine: HELD_BY_ME.as('mine'),
    })
    .from(expressions)
    .where(and(IN_QUEUE, eligibleFor(me, skipOwnVideos)))
    .orderBy(QUEUE_ORDER)
    .limit(1);
  return DIALECT === 'postgres' ? oldest.for('update', { skipLocked: true }) : oldest;
}

/** Gold samples this validator may answer, one at random: gold has no queue, and many may hold one at once (round 0). */
export function goldQuery(db: DbOrTx, skipOwnVideos: boolean) {
  return db
    .select({ id: expressions.id, status: expressions.status, videoId: expressions.videoId, text: expressions.text })
    .from(expressions)
    .where(and(sql`${outer('status')} = 'accepted' and ${outer('gold')} = true`, eligibleFor(me, skipOwnVideos)))
    .orderBy(sql`random()`)
    .limit(1);
}

/**
 * What the one-statement hand-out found: a sample granted, nothing to hand out (and no lease held),
 * or a case for the transaction.
 */
export type HandOut = { granted: SampleView } | { none: true } | { inTransaction: true };

interface HandOutRow {
  id: number | null;
  holds: boolean;
  /** Gold only: whether real work waits for this validator (gold is mixed into real work only). */
  work?: boolean;
  videoId: number;
  text: string;
  leaseId: number | null;
  expiresAt: number | null;
}

const statementsByVariant = new Map<string, { name: string; text: string; params: unknown[] }>();

/**
 * PostgreSQL: the oldest sample this validator may answer, locked (SKIP LOCKED) and leased to them
 * in one statement — the lease, its history row and the sample's queue mark — as a transaction of
 * its own (db/postgres.ts lazyStatement). A hand-out used to be BEGIN, the queue walk, the grant
 * and COMMIT: four round trips, and on PostgreSQL each costs the app instance more CPU than the
 * statement costs the database (bench:validate). With `gold` (the gold share's dice said so), a
 * gold sample the same way (handOutStatement), or real work when no gold is left for them. The
 * rest — a lease they already hold (`mine`), an expired lease of someone else on the sample
 * (`held`, to be taken over) — is left to the transaction (`inTransaction`). The same guarantees
 * as there: the row lock keeps other hand-outs off the sample, the unique indexes on leases refuse
 * a second lease of the sample or of the validator (RaceLost: the request runs again), and the
 * lease starts no earlier than the sample's last lease ended (an answer on another instance may
 * have ended it a moment ago on a clock a little ahead), so the lease history never shows two
 * holders at once.
 */
export async function handOutInOne(db: DbOrTx, validatorId: number, skipOwnVideos: boolean, now: number, leaseMs: number, gold = false): Promise<HandOut> {
  const hooks = postgresHooksOf(db);
  if (DIALECT !== 'postgres' || !hooks) return { inTransaction: true };
  const q = handOutStatement(db, skipOwnVideos, gold);
  const input: Record<string, number> = { me: validatorId, now, leaseMs };
  const values = q.params.map((p) => (is(p, Placeholder) ? input[p.name] : p));
  const rows = await hooks.lazyStatement<HandOutRow>({ name: q.name, text: q.text, values } satisfies NamedStatement).catch((err: unknown) => {
    throw isUniqueViolation(err) ? new RaceLost(`validator ${validatorId} was handed a sample meanwhile`, { cause: err }) : err;
  });
  // One row always (an empty queue too), so that an idle validator's poll is one round trip.
  const row = rows[0]!;
  if (row.holds) return { inTransaction: true };
  if (gold && !row.work) return { none: true };
  // No gold for this validator: real work, as the transaction would hand out.
  if (gold && row.id === null) return handOutInOne(db, validatorId, skipOwnVideos, now, leaseMs);
  if (row.id === null) return { none: true };
  if (row.leaseId === null || row.expiresAt === null) return { inTransaction: true };
  return { granted: { expressionId: row.id, videoId: row.videoId, text: row.text, expiresAt: row.expiresAt } };
}

/**
 * The hand-out's statement, built once per variant. Real work: the oldest sample (locked, SKIP
 * LOCKED), leased from `greatest(now, its last lease's end)`. Gold: a gold sample at random, leased
 * only while real work waits for the validator (the transaction's rule: gold is mixed into work);
 * nothing is locked, gold leases (round 0) are shared and leave no queue mark.
 */
function handOutStatement(db: DbOrTx, skipOwnVideos: boolean, gold: boolean) {
  const key = `${skipOwnVideos}:${gold}`;
  let q = statementsByVariant.get(key);
  if (q) return q;
  let statement: SQL;
  if (!gold) {
    const pick = oldestQuery(db, skipOwnVideos);
    const at = sql`greatest(${sql.placeholder('now')}, coalesce((select max(h.ended_at) from lease_history h where h.expression_id = pick.id), 0))`;
    const lease = sql`select pick.id, ${me}, case when pick.status = 'second_round' then 2 else 1 end, ${at}, ${at} + ${sql.placeholder('leaseMs')}
      from pick where pick.mine is null and not pick.held`;
    statement = sql`with pick as (${pick.getSQL()}), ${leaseGrantQueries(lease)}
      select pick.id, ${HELD_BY_ME} is not null as "holds", pick.video_id as "videoId", pick.text, granted.id as "leaseId", granted.expires_at as "expiresAt"
      from (select 1) as one left join pick on true left join granted on true`;
  } else {
    // In the queue's order: that walks expressions_queue_idx. Without it the planner may take a
    // sequential scan "until the first match", through every decided sample (bench:scale: 10 ms).
    const work = sql`select 1 from "expressions" where ${and(IN_QUEUE, eligibleFor(me, skipOwnVideos))} order by ${QUEUE_ORDER} limit 1`;
    const at = sql`cast(${sql.placeholder('now')} as bigint)`;
    const lease = sql`select pick.id, ${me}, 0, ${at}, ${at} + ${sql.placeholder('leaseMs')}
      from pick where exists (select 1 from work) and ${HELD_BY_ME} is null`;
    statement = sql`with work as (${work}), pick as (${goldQuery(db, skipOwnVideos).getSQL()}), ${leaseGrantQueries(lease)}
      select pick.id, ${HELD_BY_ME} is not null as "holds", exists (select 1 from work) as "work", pick.video_id as "videoId", pick.text,
        granted.id as "leaseId", granted.expires_at as "expiresAt"
      from (select 1) as one left join pick on true left join granted on true`;
  }
  const { sql: text, params } = (db as unknown as { dialect: { sqlToQuery(s: SQL): { sql: string; params: unknown[] } } }).dialect.sqlToQuery(statement);
  q = { name: `hand_out_${gold ? 'gold_' : ''}${skipOwnVideos ? 'skip_own' : 'any_video'}`, text, params };
  statementsByVariant.set(key, q);
  return q;
}
