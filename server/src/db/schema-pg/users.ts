// PostgreSQL mirror of ../schema-sqlite/users.ts (the primary documentation); db/schema-parity.test.ts keeps them in step.
import { bigint, boolean, index, integer, pgTable, primaryKey, text } from 'drizzle-orm/pg-core';
import { ROLES } from '#shared/roles.ts';

export const users = pgTable('users', {
  id: integer().primaryKey().generatedByDefaultAsIdentity(),
  username: text().notNull().unique(),
  /** scrypt PHC-like string (auth/password.ts). */
  passwordHash: text().notNull(),
  disabled: boolean().notNull().default(false),
  /** Epoch ms (bigint, like every timestamp here). */
  createdAt: bigint({ mode: 'number' }).notNull(),
});

export const userRoles = pgTable(
  'user_roles',
  {
    userId: integer()
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    role: text({ enum: ROLES }).notNull(),
  },
  (t) => [primaryKey({ columns: [t.userId, t.role] })],
);

export const sessions = pgTable(
  'sessions',
  {
    /** sha256 of the cookie token. */
    id: text().primaryKey(),
    userId: integer()
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    createdAt: bigint({ mode: 'number' }).notNull(),
    lastSeenAt: bigint({ mode: 'number' }).notNull(),
    expiresAt: bigint({ mode: 'number' }).notNull(),
  },
  (t) => [index('sessions_user_idx').on(t.userId)],
);

/** Failed-login throttling; keys `ip:<address>` and `user:<name>`. */
export const loginThrottle = pgTable('login_throttle', {
  key: text().primaryKey(),
  /** Failed (or running) attempts since the last success or window reset. */
  failures: integer().notNull(),
  firstAt: bigint({ mode: 'number' }).notNull(),
  lastAt: bigint({ mode: 'number' }).notNull(),
});

/** Browsers that logged in before (device cookies); only the token's hash is stored. */
export const loginDevices = pgTable(
  'login_devices',
  {
    id: text().primaryKey(),
    userId: integer()
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    createdAt: bigint({ mode: 'number' }).notNull(),
    lastUsedAt: bigint({ mode: 'number' }).notNull(),
    /** Wrong passwords on this device since its last success. */
    failures: integer().notNull().default(0),
  },
  (t) => [index('login_devices_user_idx').on(t.userId)],
);

/** Admin requests that carry a secret, keyed by the client's request id (retry-safe). */
export const adminRequests = pgTable('admin_requests', {
  id: text().primaryKey(),
  actorId: integer()
    .notNull()
    .references(() => users.id),
  kind: text({ enum: ['user.create', 'user.password'] }).notNull(),
  userId: integer()
    .notNull()
    .references(() => users.id, { onDelete: 'cascade' }),
  createdAt: bigint({ mode: 'number' }).notNull(),
});
