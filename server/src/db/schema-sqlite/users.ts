import { index, integer, primaryKey, sqliteTable, text } from 'drizzle-orm/sqlite-core';
import { ROLES } from '#shared/roles.ts';

export const users = sqliteTable('users', {
  id: integer().primaryKey({ autoIncrement: true }),
  username: text().notNull().unique(),
  /** scrypt PHC-like string; see server/src/auth/password.ts. */
  passwordHash: text().notNull(),
  disabled: integer({ mode: 'boolean' }).notNull().default(false),
  createdAt: integer().notNull(),
});

export const userRoles = sqliteTable(
  'user_roles',
  {
    userId: integer()
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    role: text({ enum: ROLES }).notNull(),
  },
  (t) => [primaryKey({ columns: [t.userId, t.role] })],
);

export const sessions = sqliteTable(
  'sessions',
  {
    /** sha256 of the cookie token: a stolen DB file does not yield live sessions. */
    id: text().primaryKey(),
    userId: integer()
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    createdAt: integer().notNull(),
    lastSeenAt: integer().notNull(),
    expiresAt: integer().notNull(),
  },
  (t) => [index('sessions_user_idx').on(t.userId)],
);

/**
 * Failed-login throttling, in the database so that a restart does not reset it and several app
 * instances share it. Keys: `ip:<address>` and `user:<name>`. An attempt is counted *before* the
 * password is hashed (a reservation), so concurrent or batched guesses cannot outrun the count.
 */
export const loginThrottle = sqliteTable('login_throttle', {
  key: text().primaryKey(),
  /** Failed (or still running) attempts since the last success or window reset. */
  failures: integer().notNull(),
  firstAt: integer().notNull(),
  lastAt: integer().notNull(),
});

/**
 * Browsers that logged in successfully before ("device cookies", OWASP): a login from a known
 * device is exempt from the per-account and per-address backoff, so nobody can lock a user out by
 * guessing their password from elsewhere. Only the token's hash is stored.
 */
export const loginDevices = sqliteTable(
  'login_devices',
  {
    id: text().primaryKey(),
    userId: integer()
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    createdAt: integer().notNull(),
    lastUsedAt: integer().notNull(),
    /** Wrong passwords typed on this device since its last success; too many revoke it. */
    failures: integer().notNull().default(0),
  },
  (t) => [index('login_devices_user_idx').on(t.userId)],
);

/**
 * Admin requests that carry a secret (create user, reset password), keyed by the client's request
 * id: a retry after a lost response finds the first outcome instead of acting twice.
 */
export const adminRequests = sqliteTable('admin_requests', {
  id: text().primaryKey(),
  actorId: integer()
    .notNull()
    .references(() => users.id),
  kind: text({ enum: ['user.create', 'user.password'] }).notNull(),
  userId: integer()
    .notNull()
    .references(() => users.id, { onDelete: 'cascade' }),
  createdAt: integer().notNull(),
});
