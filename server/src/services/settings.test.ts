import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import pino from 'pino';
import { openApp, type App } from '../app.ts';
import { DIALECT } from '../db/dialect.ts';
import { postgresHooksOf } from '../db/postgres.ts';
import { testApp, type TestApp } from '../testing/app.ts';
import { getSettings, updateSettings } from './settings.ts';

const until = async (check: () => Promise<boolean>, ms = 5000) => {
  const end = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > end) return false;
    await new Promise((r) => setTimeout(r, 20));
  }
  return true;
};

describe('settings', () => {
  let app: TestApp;
  beforeEach(async () => {
    app = await testApp();
  });
  afterEach(async () => app.cleanup());

  it('a change is read back at once by the process that made it', async () => {
    expect((await getSettings(app.db)).leaseMinutes).not.toBe(7);
    await updateSettings(app.db, { leaseMinutes: 7 }, null);
    // On PostgreSQL the notification may still be on its way: the copy must not outlive it.
    expect(await until(async () => (await getSettings(app.db)).leaseMinutes === 7)).toBe(true);
  });

  describe.skipIf(DIALECT !== 'postgres')('on PostgreSQL, kept per process and dropped on every instance when changed', () => {
    let other: App;
    beforeEach(async () => {
      other = await openApp(app.config, { log: pino({ level: 'silent' }) });
    });
    afterEach(async () => other.close());

    it('another instance hears the change and reads it, and reads through while not listening', async () => {
      const feed = postgresHooksOf(other.db)!.changes;
      expect(await until(async () => feed.live)).toBe(true);
      const before = await getSettings(other.db);
      // Kept: the same object until something changes.
      expect(await getSettings(other.db)).toBe(before);
      await updateSettings(app.db, { leaseMinutes: before.leaseMinutes + 3 }, null);
      expect(await until(async () => (await getSettings(other.db)).leaseMinutes === before.leaseMinutes + 3)).toBe(true);
      // Not listening (its connection gone): read through, never the copy.
      await feed.close();
      expect(feed.live).toBe(false);
      await updateSettings(app.db, { leaseMinutes: before.leaseMinutes + 5 }, null);
      expect((await getSettings(other.db)).leaseMinutes).toBe(before.leaseMinutes + 5);
    });
  });
});
