import { describe, expect, it } from 'vitest';
import { loadConfig } from './config.ts';
import { DIALECT } from './db/dialect.ts';
import { testApp } from './testing/app.ts';

describe('PG_POOL_SIZE', () => {
  it('defaults to 10 connections per pool and takes 1 to 100', () => {
    expect(loadConfig({}).pgPoolSize).toBe(10);
    expect(loadConfig({ PG_POOL_SIZE: '3' }).pgPoolSize).toBe(3);
    expect(() => loadConfig({ PG_POOL_SIZE: '0' })).toThrow(/PG_POOL_SIZE/);
    expect(() => loadConfig({ PG_POOL_SIZE: 'many' })).toThrow(/PG_POOL_SIZE/);
  });

  it.skipIf(DIALECT !== 'postgres')('sizes the instance’s pools (PostgreSQL)', async () => {
    const app = await testApp({ PG_POOL_SIZE: '2' });
    try {
      if (app.database.dialect !== 'postgres') throw new Error('unreachable');
      expect(app.database.pool.options.max).toBe(2);
    } finally {
      await app.cleanup();
    }
  });
});
