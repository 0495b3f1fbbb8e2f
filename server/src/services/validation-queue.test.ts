import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import { DIALECT } from '../db/dialect.ts';
import { expressions, leaseHistory, leases, validations } from '../db/schema/index.ts';
import { newTrace, traces } from '../db/trace.ts';
import { makeUser, testApp, type TestApp } from '../testing/app.ts';
import { addExpression, importVideo } from '../testing/factories.ts';
import { leaseCacheMismatches, overlappingLeases } from './leases.ts';
import { handOutInOne } from './validation-queue.ts';
import { nextSample, submitAnswer } from './validation.ts';

const LEASE_MS = 60_000;

/** The hand-out in one statement (validation-queue.ts) is PostgreSQL's; SQLite always takes the transaction. */
describe(`hand-out in one statement (${DIALECT})`, () => {
  let app: TestApp;
  beforeEach(async () => (app = await testApp()));
  afterEach(async () => app.cleanup());

  const plant = async (n: number) => {
    const ann = await makeUser(app, 'ann', ['annotator']);
    const videoId = await importVideo(app, 'clip', 'accepted', 3);
    const ids: number[] = [];
    for (let i = 0; i < n; i++) ids.push(await addExpression(app, { videoId, authorId: ann.id, targets: [1 + (i % 3)] }));
    return ids;
  };

  it.runIf(DIALECT === 'sqlite')('is left to the transaction on SQLite', async () => {
    await plant(1);
    const v = await makeUser(app, 'v', ['validator']);
    expect(await handOutInOne(app.db, v.id, true, Date.now(), LEASE_MS)).toEqual({ inTransaction: true });
    expect(await handOutInOne(app.db, v.id, true, Date.now(), LEASE_MS, true)).toEqual({ inTransaction: true });
  });

  it.runIf(DIALECT === 'postgres')('grants the oldest sample with its history and queue mark in one round trip', async () => {
    const [oldest] = await plant(3);
    const v = await makeUser(app, 'v', ['validator']);
    const now = Date.now();
    const trace = newTrace();
    const out = await traces.run(trace, () => handOutInOne(app.db, v.id, true, now, LEASE_MS));
    expect(out).toMatchObject({ granted: { expressionId: oldest, expiresAt: now + LEASE_MS } });
    expect(trace.statements).toBe(1);
    const [lease] = await app.db.select().from(leases).where(eq(leases.validatorId, v.id));
    expect(lease).toMatchObject({ expressionId: oldest, round: 1, issuedAt: now, expiresAt: now + LEASE_MS });
    const [history] = await app.db.select().from(leaseHistory).where(eq(leaseHistory.id, lease!.id));
    expect(history).toMatchObject({ expressionId: oldest, validatorId: v.id, issuedAt: now, endedAt: null });
    const [mark] = await app.db.select({ m: expressions.leaseExpiresAt }).from(expressions).where(eq(expressions.id, oldest!));
    expect(mark!.m).toBe(now + LEASE_MS);
    expect(await leaseCacheMismatches(app.db, now)).toBe(0);
  });

  it.runIf(DIALECT === 'postgres')('leaves held leases to the transaction and says when there is nothing', async () => {
    await plant(1);
    const v = await makeUser(app, 'v', ['validator']);
    const w = await makeUser(app, 'w', ['validator']);
    const now = Date.now();
    expect(await handOutInOne(app.db, v.id, true, now, LEASE_MS)).toHaveProperty('granted');
    // v holds a lease: the transaction gives it back (nothing new is granted).
    expect(await handOutInOne(app.db, v.id, true, now, LEASE_MS)).toEqual({ inTransaction: true });
    expect(await app.db.select().from(leases)).toHaveLength(1);
    // w: the only sample is held by v.
    expect(await handOutInOne(app.db, w.id, true, now, LEASE_MS)).toEqual({ none: true });
    // v's lease runs out and is swept: the sample is open again but still carries v's expired
    // lease, to be taken over inside the transaction (which ends it as 'expired').
    const later = now + LEASE_MS + 1;
    await app.db.transaction((tx) => tx.update(expressions).set({ leaseExpiresAt: null }));
    expect(await handOutInOne(app.db, w.id, true, later, LEASE_MS)).toEqual({ inTransaction: true });
    const taken = await nextSample(app.db, w.id, { now: later, random: () => 1 });
    expect(taken).not.toBeNull();
    expect((await app.db.select().from(leaseHistory)).map((h) => h.endReason).sort()).toEqual(['expired', null]);
  });

  it.runIf(DIALECT === 'postgres')('starts a lease no earlier than the last one on the sample ended, whatever the caller’s clock says', async () => {
    const [sample] = await plant(1);
    const v1 = await makeUser(app, 'v1', ['validator']);
    const v2 = await makeUser(app, 'v2', ['validator']);
    // v1 answers on an instance whose clock is 5 s ahead; the sample goes to round 2.
    const ahead = Date.now() + 5000;
    const s1 = (await nextSample(app.db, v1.id, { now: ahead, random: () => 1 }))!;
    expect(s1.expressionId).toBe(sample);
    await submitAnswer(app.db, v1.id, sample!, { kind: 'targets', targets: [3] }, ahead);
    // v2 is handed it on an instance 5 s behind.
    const out = await handOutInOne(app.db, v2.id, true, ahead - 5000, LEASE_MS);
    expect(out).toMatchObject({ granted: { expressionId: sample, expiresAt: ahead + LEASE_MS } });
    expect(await overlappingLeases(app.db)).toBe(0);
  });

  /** An accepted gold sample on the planted video's sibling. */
  const plantGold = async () => {
    const ann = await makeUser(app, 'gold-author', ['annotator']);
    const videoId = await importVideo(app, 'gold-clip', 'accepted', 3);
    const id = await addExpression(app, { videoId, authorId: ann.id, status: 'accepted', targets: [2] });
    await app.db.transaction((tx) => tx.update(expressions).set({ gold: true }).where(eq(expressions.id, id)));
    return id;
  };

  it.runIf(DIALECT === 'postgres')('hands out gold in one round trip, only while real work waits, and real work when no gold is left', async () => {
    const [work] = await plant(1);
    const gold = await plantGold();
    const v = await makeUser(app, 'v', ['validator']);
    const now = Date.now();
    const trace = newTrace();
    const out = await traces.run(trace, () => handOutInOne(app.db, v.id, true, now, LEASE_MS, true));
    expect(out).toMatchObject({ granted: { expressionId: gold, expiresAt: now + LEASE_MS } });
    expect(trace.statements).toBe(1);
    const [lease] = await app.db.select().from(leases).where(eq(leases.validatorId, v.id));
    expect(lease).toMatchObject({ expressionId: gold, round: 0 });
    expect((await app.db.select().from(leaseHistory)).map((h) => [h.id, h.round])).toEqual([[lease!.id, 0]]);
    // Gold leaves no queue mark, and the real work is still open for others.
    const marks = await app.db.select({ id: expressions.id, m: expressions.leaseExpiresAt }).from(expressions);
    expect(marks.every((r) => r.m === null)).toBe(true);
    expect(await leaseCacheMismatches(app.db, now)).toBe(0);
    // Holding it, the next call is the transaction's (which gives it back).
    expect(await handOutInOne(app.db, v.id, true, now, LEASE_MS, true)).toEqual({ inTransaction: true });
    expect(await nextSample(app.db, v.id, { now, random: () => 0 })).toMatchObject({ expressionId: gold });
    await submitAnswer(app.db, v.id, gold, { kind: 'targets', targets: [2] }, now);
    // Gold answered: no gold left for v, so real work comes instead (in one statement as well).
    const w = await handOutInOne(app.db, v.id, true, now, LEASE_MS, true);
    expect(w).toMatchObject({ granted: { expressionId: work } });
    // Another validator: gold exists, but no real work waits for them (v holds it): nothing.
    const u = await makeUser(app, 'u', ['validator']);
    expect(await handOutInOne(app.db, u.id, true, now, LEASE_MS, true)).toEqual({ none: true });
    expect(await app.db.select().from(leases).where(eq(leases.validatorId, u.id))).toHaveLength(0);
    expect(await app.db.select().from(validations)).toHaveLength(1);
  });

  it.runIf(DIALECT === 'postgres')('gives the same gold sample to several validators at once (gold leases are shared)', async () => {
    await plant(8);
    const gold = await plantGold();
    const vs = [];
    for (let i = 0; i < 6; i++) vs.push(await makeUser(app, `g${i}`, ['validator']));
    const now = Date.now();
    const outs = await Promise.all(vs.map((v) => handOutInOne(app.db, v.id, true, now, LEASE_MS, true)));
    expect(outs.map((o) => ('granted' in o ? o.granted.expressionId : o))).toEqual(vs.map(() => gold));
    expect(await overlappingLeases(app.db)).toBe(0);
  });

  it.runIf(DIALECT === 'postgres')('never hands one sample to two validators asking at once', async () => {
    await plant(12);
    const vs = [];
    for (let i = 0; i < 16; i++) vs.push(await makeUser(app, `v${i}`, ['validator']));
    const now = Date.now();
    const outs = await Promise.all(vs.map((v) => handOutInOne(app.db, v.id, true, now, LEASE_MS)));
    const granted = outs.flatMap((o) => ('granted' in o ? [o.granted.expressionId] : []));
    // SKIP LOCKED: each takes a different sample; the 4 left over find nothing.
    expect(granted).toHaveLength(12);
    expect(new Set(granted).size).toBe(12);
    expect(outs.filter((o) => 'none' in o)).toHaveLength(4);
    expect(await overlappingLeases(app.db)).toBe(0);
    expect(await leaseCacheMismatches(app.db, now)).toBe(0);
  });
});
