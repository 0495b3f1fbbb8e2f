import { and, asc, eq, inArray } from 'drizzle-orm';
import type { Role } from '#shared/roles.ts';
import type { Db } from '../db/client.ts';
import { clipLeases, leases, sessions, userRoles, users } from '../db/schema/index.ts';
import { generatePassword, hashPassword, passwordProblem } from '../auth/password.ts';
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

export async function createUser(
  db: Db,
  input: { username: string; roles: Role[]; password?: string; passwordHash?: string },
  actorId: number | null,
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
  const id = db.transaction((tx) => {
    const existing = tx.select({ id: users.id }).from(users).where(eq(users.username, input.username)).get();
    if (existing) throw conflict(`user "${input.username}" already exists`);
    const row = tx.insert(users).values({ username: input.username, passwordHash, createdAt: now }).returning({ id: users.id }).get();
    tx.insert(userRoles)
      .values(roles.map((role) => ({ userId: row.id, role })))
      .run();
    audit(tx, { actorId, action: 'user.create', entity: 'user', entityId: row.id, data: { username: input.username, roles } }, now);
    return row.id;
  });
  return { id, username: input.username, roles, disabled: false, createdAt: now, generatedPassword };
}

export function listUsers(db: Db): UserView[] {
  const rows = db.select().from(users).orderBy(asc(users.username)).all();
  const roleRows = db.select().from(userRoles).all();
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

export function findUserByName(db: Db, username: string) {
  return db.select().from(users).where(eq(users.username, username)).get();
}

export function rolesOf(db: Db, userId: number): Role[] {
  return db
    .select({ role: userRoles.role })
    .from(userRoles)
    .where(eq(userRoles.userId, userId))
    .all()
    .map((r) => r.role)
    .sort();
}

/** Disabling keeps every piece of the user's work; it only ends their sessions and logins. */
export function setUserDisabled(db: Db, userId: number, disabled: boolean, actorId: number | null): UserView {
  return db.transaction((tx) => {
    const user = tx.select().from(users).where(eq(users.id, userId)).get();
    if (!user) throw notFound(`user ${userId}`);
    if (user.disabled !== disabled) {
      tx.update(users).set({ disabled }).where(eq(users.id, userId)).run();
      let released = 0;
      if (disabled) {
        tx.delete(sessions).where(eq(sessions.userId, userId)).run();
        // Whatever they held goes back to the queue at once, not when the lease runs out; their
        // answers, expressions and recordings stay.
        released += tx.delete(leases).where(eq(leases.validatorId, userId)).run().changes;
        released += tx.delete(clipLeases).where(eq(clipLeases.verifierId, userId)).run().changes;
      }
      audit(tx, { actorId, action: disabled ? 'user.disable' : 'user.enable', entity: 'user', entityId: userId, data: disabled ? { leasesReleased: released } : undefined });
    }
    const roles = tx.select({ role: userRoles.role }).from(userRoles).where(eq(userRoles.userId, userId)).all();
    return { id: user.id, username: user.username, roles: roles.map((r) => r.role).sort(), disabled, createdAt: user.createdAt };
  });
}

export async function setPassword(db: Db, userId: number, password: string, actorId: number | null): Promise<void> {
  const user = db.select().from(users).where(eq(users.id, userId)).get();
  if (!user) throw notFound(`user ${userId}`);
  const problem = passwordProblem(password, user.username);
  if (problem) throw badRequest(problem);
  const passwordHash = await hashPassword(password);
  db.transaction((tx) => {
    tx.update(users).set({ passwordHash }).where(eq(users.id, userId)).run();
    // A reset password must not leave old sessions alive.
    tx.delete(sessions).where(eq(sessions.userId, userId)).run();
    audit(tx, { actorId, action: 'user.password', entity: 'user', entityId: userId });
  });
}

export function countAdmins(db: Db): number {
  return db
    .select({ id: users.id })
    .from(users)
    .innerJoin(userRoles, and(eq(userRoles.userId, users.id), inArray(userRoles.role, ['admin'])))
    .where(eq(users.disabled, false))
    .all().length;
}
