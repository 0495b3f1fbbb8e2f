import type { ChangeFeed } from '../db/pg-notify.ts';

/**
 * PostgreSQL: each app instance keeps the sessions it resolved, so that a request does not cost a
 * round trip to the database just to learn who is asking (bench:validate: the lookup was a fifth of
 * a validator's round trips and about a tenth of an instance's CPU per request).
 *
 * A copy is used only while nothing that could change it has been heard: the database notifies
 * `sessions` on the changes channel (db/pg-notify.ts) whenever a session ends or a user's roles,
 * name or enabled state change (triggers in migrations-pg, so every writer is covered, the CLI
 * included), and this process also drops its copies at once when it commits such a change itself
 * (`sessionsChanged`). While the listening connection is down nothing is kept. A copy is also
 * dropped when its session would expire, and once its last use is a minute old (the lookup then
 * goes to the database and slides the expiry, as without the cache). A session that ends on one
 * instance is thus refused by the others as soon as they hear of it (milliseconds), not later.
 */
export interface CachedSession {
  userId: number;
  createdAt: number;
  lastSeenAt: number;
  expiresAt: number;
  username: string;
  disabled: boolean;
  roles: string | null;
}

/** Bounds memory: past it, the cache starts over (sessions are re-read, nothing is lost). */
const MAX_ENTRIES = 50_000;
const TOPIC = 'sessions';

let localChanges = 0;
const caches = new WeakMap<ChangeFeed, Map<string, { generation: string; row: CachedSession }>>();

/** This process committed a change to sessions, users or roles: its own copies go now. */
export function sessionsChanged(): void {
  localChanges++;
}

/** The key under which a read made now may be kept (read it before the lookup, not after). */
export const sessionGeneration = (feed: ChangeFeed): string => `${feed.generation(TOPIC)}/${localChanges}`;

export function cachedSession(feed: ChangeFeed, id: string, now: number, slideAfterMs: number): CachedSession | undefined {
  if (!feed.live) return undefined;
  const hit = caches.get(feed)?.get(id);
  if (!hit) return undefined;
  if (hit.generation !== sessionGeneration(feed) || hit.row.expiresAt <= now || now - hit.row.lastSeenAt > slideAfterMs) {
    caches.get(feed)!.delete(id);
    return undefined;
  }
  return hit.row;
}

/** Keeps a lookup's row, if nothing was heard since `generation` was read (before the lookup). */
export function keepSession(feed: ChangeFeed, id: string, row: CachedSession, generation: string): void {
  if (!feed.live || generation !== sessionGeneration(feed)) return;
  let cache = caches.get(feed);
  if (!cache) caches.set(feed, (cache = new Map()));
  if (cache.size >= MAX_ENTRIES) cache.clear();
  cache.set(id, { generation, row });
}
