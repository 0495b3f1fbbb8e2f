import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type http from 'node:http';
import type { AddressInfo } from 'node:net';
import pino from 'pino';
import { DIALECT } from '../db/dialect.ts';
import { makeUser, TEST_PASSWORD, testApp, type TestApp } from '../testing/app.ts';
import { createAppServer } from './server.ts';

/** The slow-request log line (SLOW_REQUEST_MS) says where a request's time went. */
describe('slow-request log', () => {
  let app: TestApp;
  let server: http.Server;
  let port: number;
  const lines: Record<string, unknown>[] = [];

  beforeAll(async () => {
    // Every request is "slow" at 0 ms: each one logs its line.
    app = await testApp({ SLOW_REQUEST_MS: '0' });
    app.log = pino({ level: 'warn' }, { write: (line: string) => void lines.push(JSON.parse(line) as Record<string, unknown>) });
    await makeUser(app, 'slowpoke', ['validator']);
    server = createAppServer(app);
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    port = (server.address() as AddressInfo).port;
  });

  afterAll(async () => {
    await new Promise((r) => server.close(r));
    await app.cleanup();
  });

  it('logs each request over the threshold with its pool wait and round trips', async () => {
    const res = await fetch(`http://127.0.0.1:${port}/trpc/auth.login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: 'slowpoke', password: TEST_PASSWORD }),
    });
    expect(res.status).toBe(200);
    await expect.poll(() => lines.find((l) => l.msg === 'slow request' && String(l.url).startsWith('/trpc/auth.login'))).toBeDefined();
    const line = lines.find((l) => l.msg === 'slow request' && String(l.url).startsWith('/trpc/auth.login'))!;
    expect(line).toMatchObject({ status: 200, ms: expect.any(Number), poolWaitMs: expect.any(Number), statements: expect.any(Number), roundTrips: expect.any(Number), statementMs: expect.any(Number) });
    // PostgreSQL's pools are traced (a login reads the user and writes a session: several round
    // trips, some statements pipelined); SQLite's statements are calls in the process, with no
    // pool and nothing to count.
    if (DIALECT === 'postgres') {
      expect(line.roundTrips).toBeGreaterThanOrEqual(2);
      expect(line.statements).toBeGreaterThanOrEqual(line.roundTrips as number);
    } else expect([line.statements, line.roundTrips]).toEqual([0, 0]);
  });

  it('stays quiet below the threshold', async () => {
    app.config.slowRequestMs = 60_000;
    const before = lines.length;
    expect((await fetch(`http://127.0.0.1:${port}/healthz`)).status).toBe(200);
    await new Promise((r) => setTimeout(r, 50));
    expect(lines.length).toBe(before);
  });
});
