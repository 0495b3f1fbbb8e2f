import { index, integer, real, sqliteTable, text } from 'drizzle-orm/sqlite-core';
import { RECORDING_KINDS, RECORDING_STATUSES } from '#shared/domain.ts';
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
    /** TTS provenance as JSON {engine, voice, rate}; null for human takes. */
    provenance: text(),
    createdAt: integer().notNull(),
  },
  (t) => [index('recordings_expression_idx').on(t.expressionId)],
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
