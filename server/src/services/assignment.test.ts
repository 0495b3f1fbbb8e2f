import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import { annotationSkips } from '../db/schema/index.ts';
import { callerFor, makeUser, testApp, type TestApp } from '../testing/app.ts';
import { addExpression, importVideo } from '../testing/factories.ts';
import { nextVideoFor, pickWeighted, videoWeight } from './assignment.ts';

describe('weighted pick', () => {
  it('picks in proportion to weight with an injected random source', async () => {
    const items = ['a', 'b', 'c'];
    const weights: Record<string, number> = { a: 1, b: 0, c: 3 };
    const picks = new Map<string, number>();
    const N = 4000;
    for (let i = 0; i < N; i++) {
      const r = pickWeighted(items, (x) => weights[x]!, (max) => Math.floor(((i + 0.5) / N) * max))!;
      picks.set(r, (picks.get(r) ?? 0) + 1);
    }
    expect(picks.get('b')).toBeUndefined();
    expect(picks.get('a')).toBe(1000);
    expect(picks.get('c')).toBe(3000);
    expect(pickWeighted([], () => 1)).toBeNull();
    expect(pickWeighted(['x'], () => 0)).toBeNull();
  });

  it('weighs towards few accepted expressions and away from the annotator’s own and skipped videos', async () => {
    const base = { videoId: 1, accepted: 0, mine: 0, skippedRecently: false };
    expect(videoWeight({ ...base, accepted: 5 })).toBeLessThan(videoWeight(base));
    expect(videoWeight({ ...base, mine: 3 })).toBeLessThan(videoWeight({ ...base, accepted: 3 }));
    expect(videoWeight({ ...base, skippedRecently: true })).toBeLessThan(videoWeight({ ...base, accepted: 10 }));
  });
});

describe('next video', () => {
  let app: TestApp;
  beforeEach(async () => (app = await testApp()));
  afterEach(async () => app.cleanup());

  it('serves only curated videos and favours those that need expressions', async () => {
    const ann = await makeUser(app, 'ann', ['annotator']);
    const busy = await importVideo(app, 'busy');
    const fresh = await importVideo(app, 'fresh');
    await importVideo(app, 'not-curated', 'candidate');
    for (let i = 0; i < 6; i++) await addExpression(app, { videoId: busy, authorId: null, status: 'accepted' });
    const counts = new Map<number, number>();
    for (let i = 0; i < 300; i++) {
      const v = (await nextVideoFor(app.db, ann.id))!;
      counts.set(v, (counts.get(v) ?? 0) + 1);
    }
    expect([...counts.keys()].sort()).toEqual([busy, fresh].sort());
    // Weights 1/7 vs 1: the fresh video should win about 7 times in 8.
    expect(counts.get(fresh)!).toBeGreaterThan(200);
  });

  it('records skips and steers away from the skipped video; null when nothing is curated', async () => {
    const ann = await makeUser(app, 'ann', ['annotator']);
    expect(await nextVideoFor(app.db, ann.id)).toBeNull();
    const a = await importVideo(app, 'a-video');
    const b = await importVideo(app, 'b-video');
    const caller = callerFor(app, ann);
    const r = await caller.annotate.skip({ videoId: a });
    expect(r.videoId).toBe(b);
    expect((await app.db.select().from(annotationSkips).where(eq(annotationSkips.userId, ann.id)))).toHaveLength(1);
    let seenA = 0;
    for (let i = 0; i < 200; i++) if (await nextVideoFor(app.db, ann.id) === a) seenA++;
    expect(seenA).toBeLessThan(20);
    // `exclude` never returns the current video when another exists.
    for (let i = 0; i < 50; i++) expect(await nextVideoFor(app.db, ann.id, { exclude: b })).toBe(a);
  });
});
