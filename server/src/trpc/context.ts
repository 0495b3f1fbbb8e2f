import type { SessionUser } from '#shared/schemas/users.ts';
import type { App } from '../app.ts';

/** Abstracts Set-Cookie so procedures work the same over HTTP and through createCaller in tests. */
export interface CookieJar {
  get(name: string): string | undefined;
  set(name: string, value: string, opts: { maxAgeMs: number }): void;
  clear(name: string): void;
}

export interface Context {
  app: App;
  user: SessionUser | null;
  sessionId: string | null;
  cookies: CookieJar;
  /** Client address, for login rate limiting. */
  ip: string;
}
