import type { IncomingMessage, ServerResponse } from 'node:http';
import type { CookieJar } from '../trpc/context.ts';

export function parseCookies(header: string | undefined): Map<string, string> {
  const out = new Map<string, string>();
  if (!header) return out;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq < 0) continue;
    const name = part.slice(0, eq).trim();
    const raw = part.slice(eq + 1).trim();
    try {
      out.set(name, decodeURIComponent(raw));
    } catch {
      // A malformed cookie from elsewhere on the host must not break our requests.
    }
  }
  return out;
}

/**
 * HttpOnly (no script can read the session), SameSite=Strict (no cross-site request carries it),
 * Secure when served over HTTPS. The SPA's HTML does not depend on the cookie, so Strict costs
 * nothing when a user arrives through a link.
 */
export function cookieJar(req: IncomingMessage, res: ServerResponse, secure: boolean): CookieJar {
  const jar = parseCookies(req.headers.cookie);
  const base = `Path=/; HttpOnly; SameSite=Strict${secure ? '; Secure' : ''}`;
  const append = (cookie: string) => {
    const prev = res.getHeader('Set-Cookie');
    const list = prev === undefined ? [] : Array.isArray(prev) ? prev : [String(prev)];
    res.setHeader('Set-Cookie', [...list, cookie]);
  };
  return {
    get: (name) => jar.get(name),
    set: (name, value, { maxAgeMs }) => append(`${name}=${encodeURIComponent(value)}; ${base}; Max-Age=${Math.max(0, Math.floor(maxAgeMs / 1000))}`),
    clear: (name) => append(`${name}=; ${base}; Max-Age=0`),
  };
}
