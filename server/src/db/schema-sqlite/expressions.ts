import { sql } from 'drizzle-orm';
import { index, integer, primaryKey, sqliteTable, text, uniqueIndex, type AnySQLiteColumn } from 'drizzle-orm/sqlite-core';
import {
  EXPRESSION_KINDS,
  EXPRESSION_ORIGINS,
  EXPRESSION_STATUSES,
  LEASE_END_REASONS,
  REJECT_REASONS,
  VALIDATION_ANSWERS,
} from '#shared/domain.ts';
import { users } from './users.ts';
import { objects, videos } from './videos.ts';

export const expressions = sqliteTable(
  'expressions',
  {
    id: integer().primaryKey({ autoIncrement: true }),
    /**
     * Client-generated id of the submission (annotations) or `import:<video>:<exp_id>` (imports):
     * a retried submit hits this unique key instead of creating a second expression.
     */
    uid: text().notNull().unique(),
    videoId: integer()
      .notNull()
      .references(() => videos.id, { onDelete: 'cascade' }),
    /** null for expressions that came in with an imported MeViS split. */
    authorId: integer().references(() => users.id),
    text: text().notNull(),
    kind: text({ enum: EXPRESSION_KINDS }).notNull(),
    motionReasoning: integer({ mode: 'boolean' }).notNull().default(false),
    status: text({ enum: EXPRESSION_STATUSES }).notNull(),
    rejectReason: text({ enum: REJECT_REASONS }),
    origin: text({ enum: EXPRESSION_ORIGINS }).notNull(),
    /** The expression id in the source meta_expressions.json (imports only). */
    sourceExpId: text(),
    gold: integer({ mode: 'boolean' }).notNull().default(false),
    /** JSON list of guideline warning codes the annotator acknowledged. */
    acknowledged: text(),
    createdAt: integer().notNull(),
    decidedAt: integer(),
    /** The rejected or discarded expression of the same annotator that this one rewrites ("edit and resubmit"). */
    revisionOf: integer().references((): AnySQLiteColumn => expressions.id),
    /** The moment of the motion the sentence describes, frames first..last as the annotator marked it on the timeline (optional). */
    motionStartFrame: integer(),
    motionEndFrame: integer(),
    /**
     * When the live protocol lease on this sample (leases, round > 0) runs out; null when it has none
     * or when its lease ran out and the sweep made it available again. A cache of `leases` kept in
     * the same transactions (services/leases.ts), so that handing out "the oldest open sample nobody
     * holds" walks an index of exactly those (expressions_queue_idx) instead of stepping over every
     * held one: with 400 validators holding the 400 oldest samples that walk was most of
     * PostgreSQL's time (bench:validate).
     */
    leaseExpiresAt: integer(),
  },
  (t) => [
    index('expressions_status_idx').on(t.status, t.createdAt),
    // The validation queue: open samples no lease holds, oldest first (nextSample).
    index('expressions_queue_idx')
      .on(t.createdAt, t.id)
      .where(sql`${t.status} in ('pending', 'second_round') and ${t.leaseExpiresAt} is null`),
    // Held samples by the time their lease runs out (the sweep that makes them available again).
    index('expressions_lease_expiry_idx').on(t.leaseExpiresAt).where(sql`${t.leaseExpiresAt} is not null`),
    index('expressions_video_idx').on(t.videoId),
    // Also answers "has this validator written for this video?" with one lookup.
    index('expressions_author_video_idx').on(t.authorId, t.videoId),
    // Gold draws (10 % of "next sample") and the next-video lottery's per-video counts (bench:scale:
    // gold draw 25 → 2 ms, nextVideoFor p99 71 → 18 ms at full MeViS scale).
    index('expressions_gold_idx').on(t.gold, t.status),
    // Per-video counts by status, kind included so the dashboard's accepted-per-video and
    // targets-per-expression counts stream from the index in video order (no sort, no row reads).
    index('expressions_status_video_idx').on(t.status, t.videoId, t.kind),
    // The dashboard's per-annotator counts: annotated rows only, in (author, status) order
    // (bench:scale: 27–37 → 9 ms at full MeViS scale).
    index('expressions_origin_author_idx').on(t.origin, t.authorId, t.status, t.createdAt),
    uniqueIndex('expressions_source_uq').on(t.videoId, t.sourceExpId),
  ],
);

export const expressionTargets = sqliteTable(
  'expression_targets',
  {
    expressionId: integer()
      .notNull()
      .references(() => expressions.id, { onDelete: 'cascade' }),
    objectId: integer()
      .notNull()
      .references(() => objects.id, { onDelete: 'cascade' }),
  },
  (t) => [primaryKey({ columns: [t.expressionId, t.objectId] })],
);

export const validations = sqliteTable(
  'validations',
  {
    id: integer().primaryKey({ autoIncrement: true }),
    expressionId: integer()
      .notNull()
      .references(() => expressions.id, { onDelete: 'cascade' }),
    validatorId: integer()
      .notNull()
      .references(() => users.id),
    /** 1 or 2 for protocol answers; 0 for an answer to a gold sample (never changes its state). */
    round: integer().notNull(),
    answer: text({ enum: VALIDATION_ANSWERS }).notNull(),
    /** JSON sorted list of object local ids when answer = 'targets'. */
    targets: text(),
    /**
     * Whether the answer's set equals the annotator's targets (false for a rejection). A fact of the
     * moment of answering that never changes; with the sample's final status it scores the answer.
     */
    agrees: integer({ mode: 'boolean' }).notNull().default(false),
    rejectReason: text({ enum: REJECT_REASONS }),
    rejectNote: text(),
    durationMs: integer().notNull(),
    createdAt: integer().notNull(),
    /**
     * Set when an admin took the validator's answers out (rater_exclusions): the answer no longer
     * counts for the protocol, agreement or scores, and its sample re-entered validation. Kept, not
     * deleted, so the audit trail and the person's history stay whole.
     */
    voidedAt: integer(),
    /**
     * PostgreSQL only (null on SQLite): the id of the transaction that stored the answer. The
     * running sums (services/answer-sums.ts) fold answers by it up to the oldest transaction still
     * running, so concurrent answers need no lock to be folded exactly once (on SQLite, with one
     * writer, ids come in commit order and serve).
     */
    txId: integer(),
  },
  // A validator answers a sample at most once, whatever the round.
  (t) => [
    uniqueIndex('validations_once_uq').on(t.expressionId, t.validatorId),
    // Covers the per-validator scores of the dashboard and a validator's overview.
    index('validations_validator_idx').on(t.validatorId, t.round, t.agrees, t.answer, t.durationMs, t.createdAt, t.expressionId),
    index('validations_tx_idx').on(t.txId),
  ],
);

/** "Next video" skips, so the random pick can steer away from videos an annotator passed on. */
export const annotationSkips = sqliteTable(
  'annotation_skips',
  {
    id: integer().primaryKey({ autoIncrement: true }),
    userId: integer()
      .notNull()
      .references(() => users.id),
    videoId: integer()
      .notNull()
      .references(() => videos.id, { onDelete: 'cascade' }),
    at: integer().notNull(),
  },
  (t) => [index('annotation_skips_user_idx').on(t.userId, t.at)],
);

/**
 * A sample handed to a validator for a limited time. At most one lease per validator, and at most
 * one protocol lease (round 1 or 2) per sample: two validators never hold the same sample in the
 * same round. Gold leases (round 0) may overlap, since gold answers change nothing.
 */
export const leases = sqliteTable(
  'leases',
  {
    id: integer().primaryKey({ autoIncrement: true }),
    expressionId: integer()
      .notNull()
      .references(() => expressions.id, { onDelete: 'cascade' }),
    validatorId: integer()
      .notNull()
      .references(() => users.id),
    round: integer().notNull(),
    issuedAt: integer().notNull(),
    expiresAt: integer().notNull(),
  },
  (t) => [
    uniqueIndex('leases_validator_uq').on(t.validatorId),
    uniqueIndex('leases_sample_uq').on(t.expressionId).where(sql`${t.round} > 0`),
    index('leases_expires_idx').on(t.expiresAt),
  ],
);

/**
 * Every lease ever granted, with when and why it ended: the server's own record of who held which
 * sample when. `id` is the lease's id (leases use AUTOINCREMENT, so ids are never reused). The
 * benchmarks and the crash and abuse suites check "never held by two at once" against this table
 * instead of client clocks.
 */
export const leaseHistory = sqliteTable(
  'lease_history',
  {
    id: integer().primaryKey(),
    expressionId: integer()
      .notNull()
      .references(() => expressions.id, { onDelete: 'cascade' }),
    validatorId: integer()
      .notNull()
      .references(() => users.id),
    round: integer().notNull(),
    issuedAt: integer().notNull(),
    expiresAt: integer().notNull(),
    endedAt: integer(),
    endReason: text({ enum: LEASE_END_REASONS }),
  },
  (t) => [index('lease_history_expression_idx').on(t.expressionId, t.round, t.issuedAt)],
);
