// PostgreSQL mirror of ../schema-sqlite/expressions.ts (the primary documentation); db/schema-parity.test.ts keeps them in step.
import { sql } from 'drizzle-orm';
import { bigint, boolean, index, integer, pgTable, primaryKey, text, uniqueIndex, type AnyPgColumn } from 'drizzle-orm/pg-core';
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

export const expressions = pgTable(
  'expressions',
  {
    id: integer().primaryKey().generatedByDefaultAsIdentity(),
    /** Client submission id or `import:<video>:<exp_id>`: a retried submit hits this unique key. */
    uid: text().notNull().unique(),
    videoId: integer()
      .notNull()
      .references(() => videos.id, { onDelete: 'cascade' }),
    /** null for imported expressions. */
    authorId: integer().references(() => users.id),
    text: text().notNull(),
    kind: text({ enum: EXPRESSION_KINDS }).notNull(),
    motionReasoning: boolean().notNull().default(false),
    status: text({ enum: EXPRESSION_STATUSES }).notNull(),
    rejectReason: text({ enum: REJECT_REASONS }),
    origin: text({ enum: EXPRESSION_ORIGINS }).notNull(),
    /** Expression id in the source meta_expressions.json (imports only). */
    sourceExpId: text(),
    gold: boolean().notNull().default(false),
    /** JSON list of acknowledged guideline warning codes. */
    acknowledged: text(),
    /** Epoch ms (bigint, like every timestamp here). */
    createdAt: bigint({ mode: 'number' }).notNull(),
    decidedAt: bigint({ mode: 'number' }),
    revisionOf: integer().references((): AnyPgColumn => expressions.id),
    motionStartFrame: integer(),
    motionEndFrame: integer(),
    /** The live protocol lease's end, or null (a cache of `leases` for the validation queue; see the SQLite schema). */
    leaseExpiresAt: bigint({ mode: 'number' }),
  },
  (t) => [
    index('expressions_status_idx').on(t.status, t.createdAt),
    index('expressions_queue_idx')
      .on(t.createdAt, t.id)
      .where(sql`${t.status} in ('pending', 'second_round') and ${t.leaseExpiresAt} is null`),
    index('expressions_lease_expiry_idx').on(t.leaseExpiresAt).where(sql`${t.leaseExpiresAt} is not null`),
    index('expressions_video_idx').on(t.videoId),
    index('expressions_author_video_idx').on(t.authorId, t.videoId),
    index('expressions_gold_idx').on(t.gold, t.status),
    index('expressions_status_video_idx').on(t.status, t.videoId, t.kind),
    index('expressions_origin_author_idx').on(t.origin, t.authorId, t.status, t.createdAt),
    uniqueIndex('expressions_source_uq').on(t.videoId, t.sourceExpId),
  ],
);

export const expressionTargets = pgTable(
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

export const validations = pgTable(
  'validations',
  {
    id: integer().primaryKey().generatedByDefaultAsIdentity(),
    expressionId: integer()
      .notNull()
      .references(() => expressions.id, { onDelete: 'cascade' }),
    validatorId: integer()
      .notNull()
      .references(() => users.id),
    /** 1 or 2 for protocol answers, 0 for a gold sample. */
    round: integer().notNull(),
    answer: text({ enum: VALIDATION_ANSWERS }).notNull(),
    /** JSON sorted list of object local ids when answer = 'targets'. */
    targets: text(),
    /** Whether the answer's set equals the annotator's targets, at answering time. */
    agrees: boolean().notNull().default(false),
    rejectReason: text({ enum: REJECT_REASONS }),
    rejectNote: text(),
    /** now − lease issue time, in ms: bigint, as a difference of epoch-ms values. */
    durationMs: bigint({ mode: 'number' }).notNull(),
    createdAt: bigint({ mode: 'number' }).notNull(),
    /** Set when an admin took the validator's answers out (rater_exclusions). */
    voidedAt: bigint({ mode: 'number' }),
    /** The storing transaction's id (pg_current_xact_id): answer-sums folds by it, lock-free. */
    txId: bigint({ mode: 'number' }).default(sql`cast(cast(pg_current_xact_id() as text) as bigint)`),
  },
  (t) => [
    uniqueIndex('validations_once_uq').on(t.expressionId, t.validatorId),
    index('validations_validator_idx').on(t.validatorId, t.round, t.agrees, t.answer, t.durationMs, t.createdAt, t.expressionId),
    index('validations_tx_idx').on(t.txId),
  ],
);

/** "Next video" skips of an annotator. */
export const annotationSkips = pgTable(
  'annotation_skips',
  {
    id: integer().primaryKey().generatedByDefaultAsIdentity(),
    userId: integer()
      .notNull()
      .references(() => users.id),
    videoId: integer()
      .notNull()
      .references(() => videos.id, { onDelete: 'cascade' }),
    at: bigint({ mode: 'number' }).notNull(),
  },
  (t) => [index('annotation_skips_user_idx').on(t.userId, t.at)],
);

/** A sample handed to a validator for a limited time (one per validator; one protocol lease per sample). */
export const leases = pgTable(
  'leases',
  {
    id: integer().primaryKey().generatedByDefaultAsIdentity(),
    expressionId: integer()
      .notNull()
      .references(() => expressions.id, { onDelete: 'cascade' }),
    validatorId: integer()
      .notNull()
      .references(() => users.id),
    round: integer().notNull(),
    issuedAt: bigint({ mode: 'number' }).notNull(),
    expiresAt: bigint({ mode: 'number' }).notNull(),
  },
  (t) => [
    uniqueIndex('leases_validator_uq').on(t.validatorId),
    uniqueIndex('leases_sample_uq').on(t.expressionId).where(sql`${t.round} > 0`),
    index('leases_expires_idx').on(t.expiresAt),
  ],
);

/** Every lease ever granted, with when and why it ended. */
export const leaseHistory = pgTable(
  'lease_history',
  {
    /** The lease's id, always copied in: no identity. */
    id: integer().primaryKey(),
    expressionId: integer()
      .notNull()
      .references(() => expressions.id, { onDelete: 'cascade' }),
    validatorId: integer()
      .notNull()
      .references(() => users.id),
    round: integer().notNull(),
    issuedAt: bigint({ mode: 'number' }).notNull(),
    expiresAt: bigint({ mode: 'number' }).notNull(),
    endedAt: bigint({ mode: 'number' }),
    endReason: text({ enum: LEASE_END_REASONS }),
  },
  (t) => [index('lease_history_expression_idx').on(t.expressionId, t.round, t.issuedAt)],
);
