import { index, integer, primaryKey, real, sqliteTable, text, uniqueIndex } from 'drizzle-orm/sqlite-core';
import { CHALLENGE_SPLITS, METRICS, PHASES, PICKS, SUBMISSION_STATES } from '#shared/challenge/rules.ts';
import { releases } from './records.ts';
import { users } from './users.ts';

/**
 * A benchmark challenge on a release's withheld split (issue 16). The ground truth is the
 * `<split>` of the release's ground-truth package on the server (DATA_DIR/ground-truth/<version>); nothing here or in any answer carries it.
 */
export const challenges = sqliteTable(
  'challenges',
  {
    id: integer().primaryKey({ autoIncrement: true }),
    title: text().notNull(),
    description: text().notNull().default(''),
    releaseId: integer()
      .notNull()
      .references(() => releases.id),
    split: text({ enum: CHALLENGE_SPLITS }).notNull(),
    /** JSON: [{ phase, opensAt, closesAt }] (shared/src/challenge/rules.ts). */
    phases: text().notNull(),
    maxPerDay: integer().notNull(),
    maxTotal: integer().notNull(),
    maxUploadBytes: integer().notNull(),
    leaderboardPublic: integer({ mode: 'boolean' }).notNull().default(false),
    rankBy: text({ enum: METRICS }).notNull(),
    pick: text({ enum: PICKS }).notNull(),
    /** JSON: the combined score's weights { jf, nAcc, tAcc }. */
    combined: text().notNull(),
    /** Self-registration code; null: participants only from an admin. */
    inviteCode: text(),
    createdBy: integer()
      .notNull()
      .references(() => users.id),
    createdAt: integer().notNull(),
    updatedAt: integer().notNull(),
  },
  (t) => [uniqueIndex('challenges_invite_code_uq').on(t.inviteCode)],
);

export const challengeTeams = sqliteTable(
  'challenge_teams',
  {
    id: integer().primaryKey({ autoIncrement: true }),
    challengeId: integer()
      .notNull()
      .references(() => challenges.id, { onDelete: 'cascade' }),
    name: text().notNull(),
    /** Lower-cased name: two teams of one challenge never differ only by case. */
    nameKey: text().notNull(),
    /** Given to the team's members to invite others (random, shown only to members). */
    joinCode: text().notNull(),
    createdBy: integer()
      .notNull()
      .references(() => users.id),
    createdAt: integer().notNull(),
  },
  (t) => [uniqueIndex('challenge_teams_name_uq').on(t.challengeId, t.nameKey), uniqueIndex('challenge_teams_join_code_uq').on(t.joinCode)],
);

/** A participant is in at most one team per challenge. */
export const challengeMembers = sqliteTable(
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
    joinedAt: integer().notNull(),
  },
  (t) => [primaryKey({ columns: [t.challengeId, t.userId] }), index('challenge_members_team_idx').on(t.teamId)],
);

/**
 * One uploaded zip and what became of it: checked (check-submission's report), then scored by a
 * background job (server/src/services/challenge/scoring.ts). Scores are columns so that the
 * leaderboard sorts in SQL; the full report (breakdowns, per video) is JSON.
 */
export const challengeSubmissions = sqliteTable(
  'challenge_submissions',
  {
    id: integer().primaryKey({ autoIncrement: true }),
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
    /** The zip's name as uploaded (display only) and where it waits on disk until scored. */
    fileName: text().notNull(),
    file: text().notNull(),
    bytes: integer().notNull(),
    sha256: text().notNull(),
    createdAt: integer().notNull(),
    finishedAt: integer(),
    /** JSON: check-submission's report; the evaluator's report (no per-sample rows). */
    checkReport: text(),
    report: text(),
    error: text(),
    j: real(),
    f: real(),
    jf: real(),
    nAcc: real(),
    tAcc: real(),
    combined: real(),
  },
  (t) => [index('challenge_submissions_team_idx').on(t.challengeId, t.teamId, t.createdAt), index('challenge_submissions_state_idx').on(t.challengeId, t.phase, t.state)],
);
