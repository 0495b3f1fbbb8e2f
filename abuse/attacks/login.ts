/**
 * Attacks on logging in: batched guesses, concurrent guesses, locking the admin out, and a login
 * flood that would starve durable saves of the thread pool.
 */
import { randomUUID } from 'node:crypto';
import { check, checkRefused, type AbuseCtx, type Attack } from '../lib/types.ts';

const json = { 'content-type': 'application/json' };
/** Each attack speaks from its own addresses (loopback is the trusted proxy in this run). */
const from = (addr: string) => ({ 'x-forwarded-for': addr });
const throttled = (ctx: AbuseCtx, key: string) => (ctx.db().prepare('select coalesce(max(failures), 0) as n from login_throttle where key = ?').get(key) as { n: number }).n;

function cookieOf(headers: Record<string, string | string[] | undefined>, name: string): string | null {
  const all = [headers['set-cookie'] ?? []].flat();
  const c = all.find((x) => x.startsWith(`${name}=`));
  return c ? c.split(';')[0]! : null;
}

export const attacks: Attack[] = [
  {
    name: 'login: 30 guesses in one batched POST',
    async run(ctx) {
      const guess = { username: 'admin', password: 'a guess 0123456' };
      const body = JSON.stringify(Object.fromEntries(Array.from({ length: 30 }, (_, i) => [String(i), { ...guess, password: `guess-${i}-0123456` }])));
      const before = throttled(ctx, 'user:admin');
      const res = await ctx.raw({ method: 'POST', path: `/trpc/${Array(30).fill('auth.login').join(',')}?batch=1`, headers: { ...json, ...from('198.51.100.10') }, body });
      check(res.status === 400, `a batch of 30 logins got ${res.status}`);
      const two = await ctx.raw({ method: 'POST', path: '/trpc/auth.login,auth.me?batch=1', headers: { ...json, ...from('198.51.100.10') }, body: JSON.stringify({ 0: guess, 1: {} }) });
      check(two.status === 400 && /cannot be batched/.test(two.body.toString()), `a login batched with a query got ${two.status}`);
      check(throttled(ctx, 'user:admin') === before, 'a refused batch still checked passwords');
    },
  },
  {
    name: 'login: 40 concurrent guesses on admin, then the admin logs in from their browser',
    timeoutMs: 90_000,
    async run(ctx) {
      // The admin's browser has logged in before (from their own address): it is a known device.
      const first = await ctx.call(null, 'auth.login', { username: 'admin', password: ctx.seed.accounts.admin.password }, { headers: from('203.0.113.5') });
      check(first.status === 200, `the admin could not log in at all: ${first.text.slice(0, 200)}`);
      const device = cookieOf(first.headers, 'studio_device');
      check(device, 'no known-device cookie after a successful login');
      const results = await Promise.all(
        Array.from({ length: 40 }, (_, i) => ctx.call(null, 'auth.login', { username: 'admin', password: `wrong guess ${i} 0123` }, { headers: from(`198.51.100.${20 + i}`) })),
      );
      const checked = results.filter((r) => r.status === 401).length;
      const waited = results.filter((r) => r.status === 429).length;
      check(results.every((r) => r.status === 401 || r.status === 429), `unexpected statuses: ${[...new Set(results.map((r) => r.status))].join(',')}`);
      check(checked <= 5, `${checked} of 40 concurrent guesses reached the password check (allowance 5)`);
      check(waited >= 35, `only ${waited} guesses were told to wait`);
      for (const r of results.filter((x) => x.status === 429)) checkRefused(r, 'a throttled guess', { code: 'TOO_MANY_REQUESTS', message: /try again in/ });
      // The admin's own browser gets in at once, whatever the account's backoff: guessing cannot
      // lock the admin out (the backoff's cap for strangers is covered by server/src/auth tests).
      const mine = await ctx.call(null, 'auth.login', { username: 'admin', password: ctx.seed.accounts.admin.password }, { headers: { ...from('203.0.113.5'), cookie: device } });
      check(mine.status === 200, `the admin's known browser was locked out: ${mine.status} ${mine.text.slice(0, 200)}`);
    },
  },
  {
    name: 'login: 40 anonymous logins while honest users save',
    timeoutMs: 120_000,
    async run(ctx) {
      // Unknown names from many addresses: each reaches a password hash (the dummy one). Saves
      // must not queue behind them (the runner fails this attack if a save takes > 2 s).
      const results = await Promise.all(
        Array.from({ length: 40 }, (_, i) =>
          ctx.call(null, 'auth.login', { username: `nobody-${randomUUID().slice(0, 8)}`, password: 'some password 123' }, { headers: from(`192.0.2.${10 + i}`) }),
        ),
      );
      check(results.every((r) => r.status === 401 || r.status === 429), `unexpected statuses: ${[...new Set(results.map((r) => r.status))].join(',')}`);
      for (const r of results) checkRefused(r, 'an anonymous login');
    },
  },
  {
    name: 'session: a forged or oversized session cookie',
    async run(ctx) {
      for (const cookie of ['studio_session=' + 'A'.repeat(43), 'studio_session=' + 'x'.repeat(5000), 'studio_session=%E0%A4%A', 'studio_session=../../etc/passwd']) {
        const me = await ctx.call({ cookie }, 'auth.me');
        check(me.status === 200 && me.data === null, `a forged cookie was accepted or crashed the request: ${me.status} ${me.text.slice(0, 100)}`);
        const next = await ctx.call({ cookie }, 'validate.next');
        checkRefused(next, 'a forged cookie on a protected procedure', { code: 'UNAUTHORIZED' });
      }
    },
  },
];
