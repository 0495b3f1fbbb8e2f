import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import pg from 'pg';
import { DIALECT } from './dialect.ts';
import { CHANGES_CHANNEL, listenForChanges, type ChangeFeed } from './pg-notify.ts';
import { createThrowawayPg } from '../testing/pg.ts';

const until = async (check: () => boolean | Promise<boolean>, ms = 8000) => {
  const end = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > end) return false;
    await new Promise((r) => setTimeout(r, 20));
  }
  return true;
};

describe.skipIf(DIALECT !== 'postgres')('the change feed (LISTEN/NOTIFY)', () => {
  let db: { url: string; drop(): Promise<void> };
  let feed: ChangeFeed;
  let client: pg.Client;
  beforeEach(async () => {
    db = await createThrowawayPg({ prefix: 'notify', empty: true });
    feed = listenForChanges(db.url);
    client = new pg.Client({ connectionString: db.url });
    await client.connect();
  });
  afterEach(async () => {
    await client.end();
    await feed.close();
    await db.drop();
  });

  it('moves a topic on when it is notified, and every topic when the connection is lost and comes back', async () => {
    expect(await until(() => feed.live)).toBe(true);
    const settings = feed.generation('settings');
    const other = feed.generation('other');
    await client.query('select pg_notify($1, $2)', [CHANGES_CHANNEL, 'settings']);
    expect(await until(() => feed.generation('settings') !== settings)).toBe(true);
    expect(feed.generation('other')).toBe(other);
    // The listening backend dies (a restart, a failover): what was said meanwhile is lost, so
    // every topic moves on, and the feed listens again.
    const before = feed.generation('other');
    await client.query(`select pg_terminate_backend(pid) from pg_stat_activity where query = $1 and pid <> pg_backend_pid()`, [`listen ${CHANGES_CHANNEL}`]);
    expect(await until(() => feed.generation('other') !== before)).toBe(true);
    expect(await until(() => feed.live)).toBe(true);
    const now = feed.generation('settings');
    await client.query('select pg_notify($1, $2)', [CHANGES_CHANNEL, 'settings']);
    expect(await until(() => feed.generation('settings') !== now)).toBe(true);
  });
});
