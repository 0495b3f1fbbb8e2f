import { and, asc, count, eq, inArray } from 'drizzle-orm';
import type { Role } from '#shared/roles.ts';
import type { Db, DbOrTx, Tx } from '../db/client.ts';
import { sessionsChanged } from '../auth/session-cache.ts';
import { adminRequests, clipLeases, sessions, userRoles, users } from '../db/schema/index.ts';
import { releaseLeasesOf } from './leases.ts';
import { generatePassword, hashPassword, passwordProblem, verifyPassword } from '../auth/password.ts';
import { audit } from './audit.ts';
import { badRequest, conflict, notFound } from './errors.ts';

export interface UserView {
  id: number;
  username: string;
  roles: Role[];
  disabled: boolean;
  createdAt: number;
}

export interface CreatedUser extends UserView {
  /** Present only when the password was generated here: shown once, never stored in clear. */
  generatedPassword?: string;
}

/** An admin request that carries a secret, identified by the client's request id (see replayOf). */
export interface AdminRequest {
  id: string;
  actorId: number;
}

export async function createUser(
  db: Db,
  input: { username: string; roles: Role[]; password?: string; passwordHash?: string },
  actorId: number | null,
  request?: AdminRequest,
): Promise<CreatedUser> {
  const generatedPassword = input.password === undefined && input.passwordHash === undefined ? generatePassword() : undefined;
  const password = input.password ?? generatedPassword;
  if (password !== undefined) {
    const problem = passwordProblem(password, input.username);
    if (problem) throw badRequest(problem);
  }
  // Hash outside the transaction: scrypt is slow and must not hold the write lock.
  const passwordHash = input.passwordHash ?? (await hashPassword(password!));
  const roles = [...new Set(input.roles)].sort();
  if (roles.length === 0) throw badRequest('a user needs at least one role');
  const now = Date.now();
  const id = await db.transaction(async (tx) => {
    // A retry that raced the first attempt: the first one's outcome stands.
    if (request && (await requestSeen(tx, request.id))) return null;
    const [existing] = await tx.select({ id: users.id }).from(users).where(eq(users.username, input.username));
    if (existing) throw conflict(`user "${input.username}" already exists`);
    const [row] = await tx.insert(users).values({ username: input.username, passwordHash, createdAt: now }).returning({ id: users.id });
    await tx.insert(userRoles).values(roles.map((role) => ({ userId: row!.id, role })));
    if (request) await tx.insert(adminRequests).values({ id: request.id, actorId: request.actorId, kind: 'user.create', userId: row!.id, createdAt: now });
    await audit(tx, { actorId, action: 'user.create', entity: 'user', entityId: row!.id, data: { username: input.username, roles } }, now);
    return row!.id;
  });
  if (id === null) return replayOf(db, request!, 'user.create', { username: input.username, password: password! });
  return { id, username: input.username, roles, disabled: false, createdAt: now, generatedPassword };
}

/**
 * Admin requests that set a secret are safe to retry: the browser generates the password, shows
 * it, and sends it with a request id; if the answer is lost it sends the same again. The second
 * arrival finds the first one's record and returns its outcome — provided it is the same request
 * (same admin, same kind, same user, and the password still verifies against the stored hash) —
 * without creating, hashing or ending sessions twice. The server never keeps a password in clear.
 */
async function replayOf(db: Db, request: AdminRequest, kind: 'user.create' | 'user.password', target: { username?: string; userId?: number; password: string }): Promise<UserView> {
  const [prior] = await db.select().from(adminRequests).where(eq(adminRequests.id, request.id));
  const [user] = prior ? await db.select().from(users).where(eq(users.id, prior.userId)) : [];
  const same =
    prior &&
    user &&
    prior.actorId === request.actorId &&
    prior.kind === kind &&
    (target.username === undefined || user.username === target.username) &&
    (target.userId === undefined || user.id === target.userId) &&
    (await verifyPassword(target.password, user.passwordHash));
  if (!same) throw conflict('this request id was already used for a different request; reload the page and try again');
  return { id: user.id, username: user.username, roles: await rolesOf(db, user.id), disabled: user.disabled, createdAt: user.createdAt };
}

async function requestSeen(db: DbOrTx, id: string): Promise<boolean> {
  return (await db.select({ id: adminRequests.id }).from(adminRequests).where(eq(adminRequests.id, id))).length > 0;
}

/** createUser for the admin API: the password comes from the admin's browser, with a request id. */
export async function createUserOnce(db: Db, input: { username: string; roles: Role[]; password: string }, request: AdminRequest): Promise<UserView> {
  if (await requestSeen(db, request.id)) {
    return replayOf(db, request, 'user.create', { username: input.username, password: input.password });
  }
  const { generatedPassword: _, ...view } = await createUser(db, input, request.actorId, request);
  return view;
}

/** setPassword for the admin API, safe to retry with the same request id and password. */
export async function setPasswordOnce(db: Db, userId: number, password: string, request: AdminRequest): Promise<void> {
  if (await requestSeen(db, request.id)) {
    await replayOf(db, request, 'user.password', { userId, password });
    return;
  }
  await setPassword(db, userId, password, request.actorId, request);
}

export async function listUsers(db: Db): Promise<UserView[]> {
  const rows = await db.select().from(users).orderBy(asc(users.username));
  const roleRows = await db.select().from(userRoles);
  const byUser = new Map<number, Role[]>();
  for (const r of roleRows) byUser.set(r.userId, [...(byUser.get(r.userId) ?? []), r.role]);
  return rows.map((u) => ({
    id: u.id,
    username: u.username,
    roles: (byUser.get(u.id) ?? []).sort(),
    disabled: u.disabled,
    createdAt: u.createdAt,
  }));
}

export async function findUserByName(db: DbOrTx, username: string) {
  const [user] = await db.select().from(users).where(eq(users.username, username));
  return user;
}

export async function rolesOf(db: DbOrTx, userId: number): Promise<Role[]> {
  const rows = await db.select({ role: userRoles.role }).from(userRoles).where(eq(userRoles.userId, userId));
  return rows.map((r) => r.role).sort();
}

/** Disabling keeps every piece of the user's work; it only ends their sessions and logins. */
export async function setUserDisabled(db: Db, userId: number, disabled: boolean, actorId: number | null): Promise<UserView> {
  // Instances that keep sessions hear of it through the database (auth/session-cache.ts); this one now.
  return withSessionsChanged(db.transaction(async (tx) => {
    const [user] = await tx.select().from(users).where(eq(users.id, userId));
    if (!user) throw notFound(`user ${userId}`);
    if (user.disabled !== disabled) {
      await tx.update(users).set({ disabled }).where(eq(users.id, userId));
      let released = 0;
      if (disabled) {
        await tx.delete(sessions).where(eq(sessions.userId, userId));
        // Whatever they held goes back to the queue at once, not when the lease runs out; their
        // answers, expressions and recordings stay.
        released += await releaseLeasesOf(tx, userId, Date.now());
        released += (await tx.delete(clipLeases).where(eq(clipLeases.verifierId, userId)).returning({ id: clipLeases.recordingId })).length;
      }
      await audit(tx, { actorId, action: disabled ? 'user.disable' : 'user.enable', entity: 'user', entityId: userId, data: disabled ? { leasesReleased: released } : undefined });
    }
    return { id: user.id, username: user.username, roles: await rolesOf(tx, userId), disabled, createdAt: user.createdAt };
  }));
}

/** Drops this process's kept sessions once `work` (a committed change to users or sessions) is done. */
async function withSessionsChanged<T>(work: Promise<T>): Promise<T> {
  try {
    return await work;
  } finally {
    sessionsChanged();
  }
}

/**
 * Replaces a user's roles (the admin's "edit roles"). Two guards keep the project administrable:
 * an admin cannot take away their own admin role (no locking oneself out by a slip), and the
 * last active admin cannot lose it. Checked inside the write transaction (serialized on SQLite,
 * SERIALIZABLE on PostgreSQL), so two admins demoting each other at once cannot both succeed.
 * A user who stops validating hands back what they hold at once, as when disabled.
 */
export async function setUserRoles(db: Db, userId: number, roles: Role[], actorId: number): Promise<UserView> {
  return withSessionsChanged(db.transaction((tx) => setUserRolesIn(tx, userId, roles, actorId)));
}

/** setUserRoles inside the caller's transaction (an exclusion that also takes the role away: rater-exclusion.ts). */
export async function setUserRolesIn(tx: Tx, userId: number, roles: Role[], actorId: number): Promise<UserView> {
  const next = [...new Set(roles)].sort();
  if (next.length === 0) throw badRequest('a user needs at least one role');
  const [user] = await tx.select().from(users).where(eq(users.id, userId));
  if (!user) throw notFound(`user ${userId}`);
  const before = await rolesOf(tx, userId);
  const view = { id: user.id, username: user.username, roles: next, disabled: user.disabled, createdAt: user.createdAt };
  if (before.join(',') === next.join(',')) return view;
  const losesAdmin = before.includes('admin') && !next.includes('admin');
  if (losesAdmin && userId === actorId) throw badRequest('you cannot remove your own admin role; ask another admin');
  if (losesAdmin && !user.disabled && (await countAdmins(tx)) <= 1) throw badRequest(`${user.username} is the last admin; make someone else admin first`);
  await tx.delete(userRoles).where(eq(userRoles.userId, userId));
  await tx.insert(userRoles).values(next.map((role) => ({ userId, role })));
  // Also when the caller's transaction commits later: the database's notification follows then.
  sessionsChanged();
  let released = 0;
  if (before.includes('validator') && !next.includes('validator')) {
    released += await releaseLeasesOf(tx, userId, Date.now());
    released += (await tx.delete(clipLeases).where(eq(clipLeases.verifierId, userId)).returning({ id: clipLeases.recordingId })).length;
  }
  await audit(tx, { actorId, action: 'user.roles', entity: 'user', entityId: userId, data: { from: before, to: next, ...(released ? { leasesReleased: released } : {}) } });
  return view;
}

export async function setPassword(db: Db, userId: number, password: string, actorId: number | null, request?: AdminRequest): Promise<void> {
  const [user] = await db.select().from(users).where(eq(users.id, userId));
  if (!user) throw notFound(`user ${userId}`);
  const problem = passwordProblem(password, user.username);
  if (problem) throw badRequest(problem);
  const passwordHash = await hashPassword(password);
  const raced = await withSessionsChanged(db.transaction(async (tx) => {
    if (request && (await requestSeen(tx, request.id))) return true;
    if (request) await tx.insert(adminRequests).values({ id: request.id, actorId: request.actorId, kind: 'user.password', userId, createdAt: Date.now() });
    await tx.update(users).set({ passwordHash }).where(eq(users.id, userId));
    // A reset password must not leave old sessions alive.
    await tx.delete(sessions).where(eq(sessions.userId, userId));
    await audit(tx, { actorId, action: 'user.password', entity: 'user', entityId: userId });
    return false;
  }));
  if (raced) await replayOf(db, request!, 'user.password', { userId, password });
}

export async function countAdmins(db: DbOrTx): Promise<number> {
  const [row] = await db
    .select({ n: count() })
    .from(users)
    .innerJoin(userRoles, and(eq(userRoles.userId, users.id), inArray(userRoles.role, ['admin'])))
    .where(eq(users.disabled, false));
  return row!.n;
}
