// PostgreSQL mirror of ../schema-sqlite/records.ts (the primary documentation); db/schema-parity.test.ts keeps them in step.
import { bigint, boolean, doublePrecision, index, integer, pgTable, primaryKey, text, uniqueIndex } from 'drizzle-orm/pg-core';
import { AGE_GROUPS, ASR_STATUSES, CLIP_FAILURE_CAUSES, CLIP_VOTES, GENDERS, MICROPHONES, NATIVENESS, RECORDING_KINDS, RECORDING_STATUSES } from '#shared/domain.ts';
import { expressions } from './expressions.ts';
import { users } from './users.ts';

export const recordings = pgTable(
  'recordings',
  {
    id: integer().primaryKey().generatedByDefaultAsIdentity(),
    uid: text().notNull().unique(),
    expressionId: integer()
      .notNull()
      .references(() => expressions.id, { onDelete: 'cascade' }),
    /** null for synthesized clips. */
    speakerId: integer().references(() => users.id),
    kind: text({ enum: RECORDING_KINDS }).notNull(),
    status: text({ enum: RECORDING_STATUSES }).notNull(),
    /** Content address of the dataset WAV (and of the untouched upload). */
    sha256: text().notNull(),
    originalSha256: text(),
    sampleRate: integer().notNull(),
    /** Milliseconds: bigint, like every ms value here. */
    durationMs: bigint({ mode: 'number' }).notNull(),
    wordsPerMinute: doublePrecision(),
    /** Provenance as JSON (TTS or human capture details). */
    provenance: text(),
    /** No lossy codec on the way. */
    lossless: boolean().notNull().default(true),
    /** Speech span after trimming silence, and voiced time (VAD). */
    trimStartMs: bigint({ mode: 'number' }),
    trimEndMs: bigint({ mode: 'number' }),
    voicedMs: bigint({ mode: 'number' }),
    /** JSON list of acknowledged clip warning codes. */
    acknowledged: text(),
    /** The automatic closed-set recognition check. */
    asrStatus: text({ enum: ASR_STATUSES }).notNull().default('pending'),
    asrEngine: text(),
    /** Free transcript and its WER: information, not a gate. */
    asrTranscript: text(),
    asrWer: doublePrecision(),
    failureCause: text({ enum: CLIP_FAILURE_CAUSES }),
    createdAt: bigint({ mode: 'number' }).notNull(),
    decidedAt: bigint({ mode: 'number' }),
  },
  (t) => [
    index('recordings_expression_idx').on(t.expressionId, t.status),
    index('recordings_status_idx').on(t.status, t.createdAt),
    index('recordings_speaker_idx').on(t.speakerId, t.kind, t.status, t.durationMs, t.createdAt),
  ],
);

/** One human vote per clip. */
export const clipVotes = pgTable(
  'clip_votes',
  {
    id: integer().primaryKey().generatedByDefaultAsIdentity(),
    recordingId: integer()
      .notNull()
      .references(() => recordings.id, { onDelete: 'cascade' }),
    verifierId: integer()
      .notNull()
      .references(() => users.id),
    vote: text({ enum: CLIP_VOTES }).notNull(),
    reason: text(),
    createdAt: bigint({ mode: 'number' }).notNull(),
  },
  // One vote per listener and clip; a clip takes several (settings: clipVotesNeeded).
  (t) => [uniqueIndex('clip_votes_recording_verifier_uq').on(t.recordingId, t.verifierId)],
);

/** A clip handed to a verifier. */
export const clipLeases = pgTable(
  'clip_leases',
  {
    recordingId: integer()
      .primaryKey()
      .references(() => recordings.id, { onDelete: 'cascade' }),
    verifierId: integer()
      .notNull()
      .references(() => users.id),
    issuedAt: bigint({ mode: 'number' }).notNull(),
    expiresAt: bigint({ mode: 'number' }).notNull(),
  },
  (t) => [uniqueIndex('clip_leases_verifier_uq').on(t.verifierId)],
);

export const speakerProfiles = pgTable('speaker_profiles', {
  userId: integer()
    .primaryKey()
    .references(() => users.id, { onDelete: 'cascade' }),
  nativeness: text({ enum: NATIVENESS }),
  gender: text({ enum: GENDERS }),
  ageGroup: text({ enum: AGE_GROUPS }),
  microphone: text({ enum: MICROPHONES }),
  updatedAt: bigint({ mode: 'number' }).notNull(),
});

/** Expressions offered to a speaker: only those may be recorded or skipped. */
export const recordingOffers = pgTable(
  'recording_offers',
  {
    userId: integer()
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    expressionId: integer()
      .notNull()
      .references(() => expressions.id, { onDelete: 'cascade' }),
    offeredAt: bigint({ mode: 'number' }).notNull(),
  },
  (t) => [primaryKey({ columns: [t.userId, t.expressionId] })],
);

/** "Skip" on the recording page. */
export const recordingSkips = pgTable(
  'recording_skips',
  {
    id: integer().primaryKey().generatedByDefaultAsIdentity(),
    userId: integer()
      .notNull()
      .references(() => users.id),
    expressionId: integer()
      .notNull()
      .references(() => expressions.id, { onDelete: 'cascade' }),
    at: bigint({ mode: 'number' }).notNull(),
  },
  (t) => [index('recording_skips_user_idx').on(t.userId, t.at)],
);

export const releases = pgTable('releases', {
  id: integer().primaryKey().generatedByDefaultAsIdentity(),
  version: text().notNull().unique(),
  notes: text().notNull().default(''),
  /** bigint: the admin API accepts seeds up to 2^31, the export planner any safe integer. */
  seed: bigint({ mode: 'number' }).notNull(),
  /** JSON of everything needed to rebuild the release byte-identically. */
  params: text().notNull(),
  createdAt: bigint({ mode: 'number' }).notNull(),
});

/** Every state change, append-only. */
export const auditLog = pgTable(
  'audit_log',
  {
    id: integer().primaryKey().generatedByDefaultAsIdentity(),
    at: bigint({ mode: 'number' }).notNull(),
    actorId: integer().references(() => users.id),
    action: text().notNull(),
    entity: text().notNull(),
    entityId: text(),
    data: text(),
  },
  (t) => [index('audit_at_idx').on(t.at), index('audit_entity_idx').on(t.entity, t.entityId)],
);

/** Project settings (JSON values, services/settings.ts). */
export const settings = pgTable('settings', {
  key: text().primaryKey(),
  value: text().notNull(),
  updatedAt: bigint({ mode: 'number' }).notNull(),
});
