import { createHash, randomBytes } from 'node:crypto';
import { and, eq, sql } from 'drizzle-orm';
import { lazyTransaction, type Db, type DbOrTx } from '../db/client.ts';
import { loginDevices } from '../db/schema/index.ts';

/**
 * Known devices (OWASP's "device cookies"): a browser that logged into an account successfully gets
 * a long-lived random token for that account. A later login from it is exempt from the per-account
 * and per-address backoff (auth/login-throttle.ts), so a guesser elsewhere can slow down strangers'
 * attempts on `admin` but never the admin's own browser. The device has its own allowance: after
 * MAX_DEVICE_FAILURES wrong passwords typed on it, it is forgotten and the usual backoff applies.
 */
export const DEVICE_COOKIE = 'studio_device';
export const DEVICE_MAX_AGE_MS = 365 * 86_400_000;
const MAX_DEVICE_FAILURES = 10;

const idOf = (token: string) => createHash('sha256').update(token).digest('hex');

/** The device row when `token` is a known device of this user. */
export async function knownDevice(db: DbOrTx, token: string | undefined, userId: number): Promise<{ id: string } | null> {
  if (!token || token.length > 100) return null;
  const [row] = await db
    .select({ id: loginDevices.id })
    .from(loginDevices)
    .where(and(eq(loginDevices.id, idOf(token)), eq(loginDevices.userId, userId)));
  return row ?? null;
}

/** After a successful login: the token to keep in the browser (the same one if already known). */
export async function rememberDevice(db: Db, userId: number, token: string | undefined, now = Date.now()): Promise<string> {
  return lazyTransaction(db, async (tx) => {
    const known = await knownDevice(tx, token, userId);
    if (known) {
      await tx.update(loginDevices).set({ lastUsedAt: now, failures: 0 }).where(eq(loginDevices.id, known.id));
      return token!;
    }
    const fresh = randomBytes(32).toString('base64url');
    await tx.insert(loginDevices).values({ id: idOf(fresh), userId, createdAt: now, lastUsedAt: now, failures: 0 });
    return fresh;
  });
}

/** A wrong password typed on a known device; too many and it is forgotten. */
export async function deviceFailed(db: Db, deviceId: string): Promise<void> {
  await lazyTransaction(db, async (tx) => {
    await tx.update(loginDevices).set({ failures: sql`${loginDevices.failures} + 1` }).where(eq(loginDevices.id, deviceId));
    await tx.delete(loginDevices).where(and(eq(loginDevices.id, deviceId), sql`${loginDevices.failures} >= ${MAX_DEVICE_FAILURES}`));
  });
}
