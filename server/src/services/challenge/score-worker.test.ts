import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { DEFAULT_COMBINED } from '#shared/eval/index.ts';
import { submissionZip } from '../../testing/challenge-submission.ts';
import { fixture } from '../../testing/fixtures.ts';
import { checkAndScore, type ScoreMessage } from './score-worker.ts';
import { SERVER_SUBMISSION_LIMITS } from './scoring.ts';

const sample = fixture('mevis-sample');
const split = path.join(sample.path, 'valid_u');

describe(`the server's check-and-score on the MeViS sample split${sample.skipNote}`, () => {
  const tmp = mkdtempSync(path.join(os.tmpdir(), 'challenge-score-'));
  afterAll(() => rmSync(tmp, { recursive: true, force: true }));

  // The same numbers as `studio eval` (README, Benchmark): perfect 100, empty 21.43 / 100 / 0, shifted 71.42.
  it.skipIf(!sample.available).each([
    ['perfect', { jf: 1, nAcc: 1, tAcc: 1 }],
    ['empty', { jf: 3 / 14, nAcc: 1, tAcc: 0 }],
    ['shifted', { jf: 0.7142, nAcc: 1, tAcc: 1 }],
  ] as const)('%s submission', async (kind, expected) => {
    const zip = path.join(tmp, `${kind}.zip`);
    writeFileSync(zip, submissionZip(split, split, kind));
    const messages: ScoreMessage[] = [];
    await checkAndScore({ zip, splitDir: split, gtDir: split, limits: SERVER_SUBMISSION_LIMITS, combined: DEFAULT_COMBINED, threads: 2 }, (m) => messages.push(m));
    const checked = messages.find((m) => m.type === 'checked');
    expect(checked?.type === 'checked' && checked.report.valid).toBe(true);
    const scored = messages.find((m) => m.type === 'scored');
    if (scored?.type !== 'scored') throw new Error('not scored');
    expect(scored.report.overall.samples).toBe(14);
    expect(scored.report.overall.jf).toBeCloseTo(expected.jf, 4);
    expect(scored.report.overall.nAcc).toBe(expected.nAcc);
    expect(scored.report.overall.tAcc).toBe(expected.tAcc);
  });
});
