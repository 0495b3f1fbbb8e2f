import { index, integer, primaryKey, real, sqliteTable, text, uniqueIndex } from 'drizzle-orm/sqlite-core';
import { AGE_GROUPS, ASR_STATUSES, CLIP_FAILURE_CAUSES, CLIP_VOTES, GENDERS, MICROPHONES, NATIVENESS, RECORDING_KINDS, RECORDING_STATUSES } from '#shared/domain.ts';
import { expressions } from './expressions.ts';
import { users } from './users.ts';

export const recordings = sqliteTable(
  'recordings',
  {
    id: integer().primaryKey({ autoIncrement: true }),
    uid: text().notNull().unique(),
    expressionId: integer()
      .notNull()
      .references(() => expressions.id, { onDelete: 'cascade' }),
    /** null for synthesized clips. */
    speakerId: integer().references(() => users.id),
    kind: text({ enum: RECORDING_KINDS }).notNull(),
    status: text({ enum: RECORDING_STATUSES }).notNull(),
    /** Content address of the dataset WAV and of the untouched upload. */
    sha256: text().notNull(),
    originalSha256: text(),
    sampleRate: integer().notNull(),
    durationMs: integer().notNull(),
    wordsPerMinute: real(),
    /** Provenance as JSON: TTS {engine, voice, wordsPerMinute}; human {codec, sampleRate, channels, lossless, mime}. */
    provenance: text(),
    /** The take as recorded kept no lossy codec (PCM all the way). */
    lossless: integer({ mode: 'boolean' }).notNull().default(true),
    /** Speech span after trimming leading/trailing silence, and voiced time (VAD). */
    trimStartMs: integer(),
    trimEndMs: integer(),
    voicedMs: integer(),
    /** JSON list of clip warning codes the speaker acknowledged. */
    acknowledged: text(),
    /** The automatic check: closed-set recognition among the video's expressions and distractors. */
    asrStatus: text({ enum: ASR_STATUSES }).notNull().default('pending'),
    asrEngine: text(),
    /** The free transcript and its WER against the text: information, not a gate. */
    asrTranscript: text(),
    asrWer: real(),
    failureCause: text({ enum: CLIP_FAILURE_CAUSES }),
    createdAt: integer().notNull(),
    decidedAt: integer(),
  },
  // Wider than the lookups need: the dashboard's per-expression and per-speaker aggregates read
  // only the index (bench:scale).
  (t) => [
    index('recordings_expression_idx').on(t.expressionId, t.status),
    index('recordings_status_idx').on(t.status, t.createdAt),
    index('recordings_speaker_idx').on(t.speakerId, t.kind, t.status, t.durationMs, t.createdAt),
  ],
);

/** The human half of "verified twice": one vote per clip (never by its own speaker). */
export const clipVotes = sqliteTable(
  'clip_votes',
  {
    id: integer().primaryKey({ autoIncrement: true }),
    recordingId: integer()
      .notNull()
      .references(() => recordings.id, { onDelete: 'cascade' }),
    verifierId: integer()
      .notNull()
      .references(() => users.id),
    vote: text({ enum: CLIP_VOTES }).notNull(),
    reason: text(),
    createdAt: integer().notNull(),
  },
  // One vote per listener and clip; a clip takes several (settings: clipVotesNeeded).
  (t) => [uniqueIndex('clip_votes_recording_verifier_uq').on(t.recordingId, t.verifierId)],
);

/** A clip handed to a verifier; also what entitles them to fetch its audio. */
export const clipLeases = sqliteTable(
  'clip_leases',
  {
    recordingId: integer()
      .primaryKey()
      .references(() => recordings.id, { onDelete: 'cascade' }),
    verifierId: integer()
      .notNull()
      .references(() => users.id),
    issuedAt: integer().notNull(),
    expiresAt: integer().notNull(),
  },
  (t) => [uniqueIndex('clip_leases_verifier_uq').on(t.verifierId)],
);

export const speakerProfiles = sqliteTable('speaker_profiles', {
  userId: integer()
    .primaryKey()
    .references(() => users.id, { onDelete: 'cascade' }),
  nativeness: text({ enum: NATIVENESS }),
  gender: text({ enum: GENDERS }),
  ageGroup: text({ enum: AGE_GROUPS }),
  microphone: text({ enum: MICROPHONES }),
  updatedAt: integer().notNull(),
});

/**
 * Expressions the server offered a speaker ("next"): an upload or skip is accepted only for an
 * expression offered to that speaker, so nobody records (or floods) sentences by stepping ids.
 */
export const recordingOffers = sqliteTable(
  'recording_offers',
  {
    userId: integer()
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    expressionId: integer()
      .notNull()
      .references(() => expressions.id, { onDelete: 'cascade' }),
    offeredAt: integer().notNull(),
  },
  (t) => [primaryKey({ columns: [t.userId, t.expressionId] })],
);

/** "Skip" on the recording page: steers the next expression away for a while. */
export const recordingSkips = sqliteTable(
  'recording_skips',
  {
    id: integer().primaryKey({ autoIncrement: true }),
    userId: integer()
      .notNull()
      .references(() => users.id),
    expressionId: integer()
      .notNull()
      .references(() => expressions.id, { onDelete: 'cascade' }),
    at: integer().notNull(),
  },
  (t) => [index('recording_skips_user_idx').on(t.userId, t.at)],
);

export const releases = sqliteTable('releases', {
  id: integer().primaryKey({ autoIncrement: true }),
  version: text().notNull().unique(),
  notes: text().notNull().default(''),
  seed: integer().notNull(),
  /** JSON of everything needed to rebuild the release byte-identically. */
  params: text().notNull(),
  createdAt: integer().notNull(),
});

/** Every state change: who did what to which entity, when. Append-only. */
export const auditLog = sqliteTable(
  'audit_log',
  {
    id: integer().primaryKey({ autoIncrement: true }),
    at: integer().notNull(),
    actorId: integer().references(() => users.id),
    action: text().notNull(),
    entity: text().notNull(),
    entityId: text(),
    data: text(),
  },
  (t) => [index('audit_at_idx').on(t.at), index('audit_entity_idx').on(t.entity, t.entityId)],
);

/** Project settings edited by admins (JSON values, validated by services/settings.ts). */
export const settings = sqliteTable('settings', {
  key: text().primaryKey(),
  value: text().notNull(),
  updatedAt: integer().notNull(),
});
