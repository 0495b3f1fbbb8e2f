import { randomBytes, timingSafeEqual } from 'node:crypto';
import { hashPool, type ScryptParams } from './hash-pool.ts';

// On a thread of its own with a bounded queue, never on libuv's pool (see hash-pool.ts).
const scrypt = (password: string, salt: Buffer, keylen: number, opts: ScryptParams) => hashPool.hash(password, salt, keylen, opts);

/**
 * scrypt is memory-hard and ships with Node, so there is no native addon to build. N=2^15, r=8,
 * p=3 is one of OWASP's equivalent minimum settings (32 MiB per hash instead of 128 MiB, so a burst
 * of logins cannot exhaust the server's memory). The parameters are stored with each hash so
 * they can be raised later without invalidating old ones.
 */
const PARAMS = { N: 2 ** 15, r: 8, p: 3 } as const;
const KEYLEN = 32;
const MAXMEM = 64 * 1024 * 1024;

export const PASSWORD_MIN_LENGTH = 10;
export const PASSWORD_MAX_LENGTH = 256;

export async function hashPassword(password: string): Promise<string> {
  const salt = randomBytes(16);
  const key = await scrypt(password, salt, KEYLEN, { ...PARAMS, maxmem: MAXMEM });
  return `scrypt$${PARAMS.N}$${PARAMS.r}$${PARAMS.p}$${salt.toString('base64')}$${key.toString('base64')}`;
}

export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const parts = stored.split('$');
  if (parts.length !== 6 || parts[0] !== 'scrypt') return false;
  const [N, r, p] = parts.slice(1, 4).map(Number) as [number, number, number];
  const salt = Buffer.from(parts[4]!, 'base64');
  const expected = Buffer.from(parts[5]!, 'base64');
  if (password.length > PASSWORD_MAX_LENGTH) return false;
  const key = await scrypt(password, salt, expected.length, { N, r, p, maxmem: MAXMEM });
  return timingSafeEqual(key, expected);
}

/** A fresh verifier to compare against when the user does not exist, so timing does not tell. */
let dummyHash: Promise<string> | undefined;
export function dummyPasswordHash(): Promise<string> {
  dummyHash ??= hashPassword(randomBytes(12).toString('hex'));
  return dummyHash;
}

/** Why a password is not acceptable, or null. Length is what matters (NIST SP 800-63B). */
export function passwordProblem(password: string, username?: string): string | null {
  if (password.length < PASSWORD_MIN_LENGTH) return `password must have at least ${PASSWORD_MIN_LENGTH} characters`;
  if (password.length > PASSWORD_MAX_LENGTH) return `password must have at most ${PASSWORD_MAX_LENGTH} characters`;
  if (username && password.toLowerCase().includes(username.toLowerCase())) return 'password must not contain the username';
  if (/^(.)\1*$/.test(password)) return 'password must not be one repeated character';
  return null;
}

export { generatePassword } from '#shared/passwords.ts';
