// PostgreSQL mirror of ../schema-sqlite/challenges.ts (the primary documentation); db/schema-parity.test.ts keeps them in step.
import { bigint, boolean, doublePrecision, index, integer, pgTable, primaryKey, text, uniqueIndex } from 'drizzle-orm/pg-core';
import { CHALLENGE_SPLITS, METRICS, PHASES, PICKS, SUBMISSION_STATES } from '#shared/challenge/rules.ts';
import { releases } from './records.ts';
import { users } from './users.ts';

export const challenges = pgTable(
  'challenges',
  {
    id: integer().primaryKey().generatedByDefaultAsIdentity(),
    title: text().notNull(),
    description: text().notNull().default(''),
    releaseId: integer()
      .notNull()
      .references(() => releases.id),
    split: text({ enum: CHALLENGE_SPLITS }).notNull(),
    phases: text().notNull(),
    maxPerDay: integer().notNull(),
    maxTotal: integer().notNull(),
    maxUploadBytes: bigint({ mode: 'number' }).notNull(),
    leaderboardPublic: boolean().notNull().default(false),
    rankBy: text({ enum: METRICS }).notNull(),
    pick: text({ enum: PICKS }).notNull(),
    combined: text().notNull(),
    inviteCode: text(),
    createdBy: integer()
      .notNull()
      .references(() => users.id),
    createdAt: bigint({ mode: 'number' }).notNull(),
    updatedAt: bigint({ mode: 'number' }).notNull(),
  },
  (t) => [uniqueIndex('challenges_invite_code_uq').on(t.inviteCode)],
);

export const challengeTeams = pgTable(
  'challenge_teams',
  {
    id: integer().primaryKey().generatedByDefaultAsIdentity(),
    challengeId: integer()
      .notNull()
      .references(() => challenges.id, { onDelete: 'cascade' }),
    name: text().notNull(),
    nameKey: text().notNull(),
    joinCode: text().notNull(),
    createdBy: integer()
      .notNull()
      .references(() => users.id),
    createdAt: bigint({ mode: 'number' }).notNull(),
  },
  (t) => [uniqueIndex('challenge_teams_name_uq').on(t.challengeId, t.nameKey), uniqueIndex('challenge_teams_join_code_uq').on(t.joinCode)],
);

export const challengeMembers = pgTable(
  'challenge_members',
  {
    challengeId: integer()
      .notNull()
      .references(() => challenges.id, { onDelete: 'cascade' }),
    userId: integer()
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    teamId: integer()
      .notNull()
      .references(() => challengeTeams.id, { onDelete: 'cascade' }),
    joinedAt: bigint({ mode: 'number' }).notNull(),
  },
  (t) => [primaryKey({ columns: [t.challengeId, t.userId] }), index('challenge_members_team_idx').on(t.teamId)],
);

export const challengeSubmissions = pgTable(
  'challenge_submissions',
  {
    id: integer().primaryKey().generatedByDefaultAsIdentity(),
    challengeId: integer()
      .notNull()
      .references(() => challenges.id, { onDelete: 'cascade' }),
    teamId: integer()
      .notNull()
      .references(() => challengeTeams.id, { onDelete: 'cascade' }),
    userId: integer()
      .notNull()
      .references(() => users.id),
    phase: text({ enum: PHASES }).notNull(),
    state: text({ enum: SUBMISSION_STATES }).notNull(),
    fileName: text().notNull(),
    file: text().notNull(),
    bytes: bigint({ mode: 'number' }).notNull(),
    sha256: text().notNull(),
    createdAt: bigint({ mode: 'number' }).notNull(),
    finishedAt: bigint({ mode: 'number' }),
    checkReport: text(),
    report: text(),
    error: text(),
    j: doublePrecision(),
    f: doublePrecision(),
    jf: doublePrecision(),
    nAcc: doublePrecision(),
    tAcc: doublePrecision(),
    combined: doublePrecision(),
  },
  (t) => [index('challenge_submissions_team_idx').on(t.challengeId, t.teamId, t.createdAt), index('challenge_submissions_state_idx').on(t.challengeId, t.phase, t.state)],
);
