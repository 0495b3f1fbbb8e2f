import { describe, expect, it } from 'vitest';
import { ImportError } from './errors.ts';
import { ExtractionSlots } from './extraction-slots.ts';

const tick = () => new Promise((r) => setTimeout(r, 5));

describe('frame extraction slots', () => {
  it('runs at most `total` at once, queues the next first come first served, and refuses a second one of the same user at once', async () => {
    const slots = new ExtractionSlots(2, 1, 1);
    const a = await slots.acquire('user:1');
    const b = await slots.acquire('user:2');
    await expect(slots.acquire('user:1')).rejects.toThrow(/^at most 1 frame extraction per user at a time: wait for yours to finish$/);
    const order: string[] = [];
    const c = slots.acquire('user:3').then((release) => (order.push('user:3'), release));
    await tick();
    expect(order).toEqual([]);
    // The queue holds one: a fourth user is told the server is busy, not made to wait.
    const busy = await slots.acquire('user:4').catch((e: unknown) => e);
    expect(busy).toBeInstanceOf(ImportError);
    expect((busy as Error).message).toBe('the server is extracting frames from other videos (2 at a time, 1 waiting); try again in a few minutes');
    a();
    const releaseC = await c;
    expect(order).toEqual(['user:3']);
    expect(slots.active).toBe(2);
    expect(slots.peak).toBe(2);
    // Releasing twice frees one slot only; a released user may start again.
    b();
    b();
    releaseC();
    expect(slots.active).toBe(0);
    (await slots.acquire('user:1'))();
  });
});
