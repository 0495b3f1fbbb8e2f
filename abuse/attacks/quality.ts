/**
 * Attacks on the quality page (admin.quality.report, issue 18): non-admins reading everyone's
 * reliability, bootstrap iteration counts meant to pin the CPU, date ranges that are not ranges,
 * and a burst of distinct reports (each a fresh computation) while honest users save.
 */
import { check, checkRefused, type Attack } from '../lib/types.ts';

const REPORT = 'admin.quality.report';

export const attacks: Attack[] = [
  {
    name: 'quality: every other role and anonymous callers ask for the agreement report (everyone\'s reliability)',
    async run(ctx) {
      const before = ctx.fingerprint();
      for (const who of ['annotator', 'validator1', 'speaker'] as const) {
        checkRefused(await ctx.call(who, REPORT, {}), `${who} ${REPORT}`, { code: 'FORBIDDEN' });
        checkRefused(await ctx.call(who, REPORT, { iterations: 5000 }), `${who} ${REPORT} with work`, { code: 'FORBIDDEN' });
      }
      checkRefused(await ctx.call(null, REPORT, {}), 'anonymous', { code: 'UNAUTHORIZED' });
      check(ctx.fingerprint() === before, 'a refused quality report wrote something');
    },
  },
  {
    name: 'quality: absurd bootstrap iteration counts, bad week ranges and unknown fields',
    async run(ctx) {
      const before = ctx.fingerprint();
      const refused: [unknown, RegExp?][] = [
        [{ iterations: 1e9 }],
        [{ iterations: 5001 }],
        [{ iterations: -1 }],
        [{ iterations: 1.5 }],
        [{ iterations: '1000' }],
        [{ iterations: Number.MAX_SAFE_INTEGER }],
        [{ minCount: 0 }],
        [{ distance: 'euclid' }],
        [{ from: '2025-03-01', to: '2025-01-01' }, /"from" is after "to"/],
        [{ from: '1900-01-01', to: '2099-12-31' }, /at most/],
        [{ from: '2025-02-30' }, /calendar day/],
        [{ from: '2025-13-01' }],
        [{ to: '2025-1-1' }, /YYYY-MM-DD/],
        [{ from: "2025-01-01' or 1=1 --" }],
        [{ from: 'x'.repeat(2000) }],
        [{ weeks: 100_000 }],
        ['everything'],
      ];
      for (const [input, message] of refused) {
        checkRefused(await ctx.call('admin', REPORT, input), `report ${JSON.stringify(input).slice(0, 80)}`, { code: 'BAD_REQUEST', message });
      }
      check(ctx.fingerprint() === before, 'a refused report wrote something');
    },
  },
  {
    name: 'quality: a burst of distinct full-size reports (each a fresh bootstrap) is answered, one at a time, without writing',
    timeoutMs: 90_000,
    async run(ctx) {
      const before = ctx.fingerprint();
      const inputs = [1, 2, 3, 4, 5, 6].map((i) => ({ iterations: 5000, minCount: 5 + i, distance: i % 2 ? 'masi' : 'jaccard' }));
      const results = await Promise.all(inputs.map((input) => ctx.call<{ overall: { alpha: number | null; units: number } }>('admin', REPORT, input)));
      for (const [i, r] of results.entries()) check(r.status === 200, `report ${i} failed: ${r.status} ${r.text.slice(0, 200)}`);
      // The same query again is served from the cache: the same numbers.
      const again = await ctx.call<{ overall: unknown; computedAt: number }>('admin', REPORT, inputs[0]);
      check(JSON.stringify(again.data?.overall) === JSON.stringify(results[0]!.data?.overall), 'a repeated report gave other numbers');
      check(ctx.fingerprint() === before, 'computing reports wrote something');
    },
  },
];
