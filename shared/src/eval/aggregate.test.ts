import { describe, expect, it } from 'vitest';
import { buildReport, summarize } from './aggregate.ts';
import { combinedScore, DEFAULT_COMBINED, parseCombined } from './combined.ts';
import { samplesCsv } from './csv.ts';
import { numpyMean, numpySum } from './mean.ts';
import { noTargetAccuracy } from './no-target.ts';
import { missingSample, SampleAccumulator, type SampleInfo, type SampleResult } from './sample.ts';

function scored(info: SampleInfo, frames: { j: number; f: number; predEmpty: boolean }[]): SampleResult {
  const acc = new SampleAccumulator(info);
  for (const fr of frames) acc.add(fr);
  return acc.finish();
}

const hit = { j: 1, f: 1, predEmpty: false };
const half = { j: 0.5, f: 0.25, predEmpty: false };
const empty = { j: 1, f: 1, predEmpty: true };
const emptyMiss = { j: 0, f: 0, predEmpty: true };

describe('sample averaging', () => {
  it('J and F are means over all frames; J&F their mean', () => {
    const r = scored({ video: 'v', expId: '0', targets: 1 }, [hit, half, half, hit]);
    expect(r).toMatchObject({ kind: 'single', frames: 4, j: 0.75, f: 0.625, jf: 0.6875, predictedNoTarget: false, missing: false });
  });

  it('an empty prediction on every frame is a no-target prediction', () => {
    expect(scored({ video: 'v', expId: '0', targets: 0 }, [empty, empty]).predictedNoTarget).toBe(true);
    expect(scored({ video: 'v', expId: '0', targets: 0 }, [empty, { j: 0, f: 0, predEmpty: false }]).predictedNoTarget).toBe(false);
  });

  it('a sample with no frames is an error, not NaN', () => {
    expect(() => new SampleAccumulator({ video: 'v', expId: '3', targets: 1 }).finish()).toThrow(/v\/3: no frames/);
  });

  it('grows past its initial buffer', () => {
    const frames = Array.from({ length: 300 }, (_, i) => ({ j: (i % 7) / 7, f: (i % 5) / 5, predEmpty: false }));
    const r = scored({ video: 'v', expId: '0', targets: 2 }, frames);
    expect(r.kind).toBe('multi');
    expect(r.j).toBe(numpyMean(frames.map((x) => x.j)));
  });
});

describe('np.mean order', () => {
  it('agrees with plain sums where order cannot matter, and is pairwise beyond 8 values', () => {
    expect(numpySum([1, 2, 3])).toBe(6);
    expect(numpyMean([])).toBeNaN();
    const xs = Array.from({ length: 1000 }, (_, i) => i);
    expect(numpySum(xs)).toBe(499500);
    // 0.1 × 10: left-to-right gives 0.9999999999999999, numpy's blocked order gives 1
    expect(numpySum(Array(10).fill(0.1))).toBe(1);
  });
});

describe('N-acc / T-acc (GRES, no-target = positive)', () => {
  it('counts the four cells; a missing prediction is wrong on either side', () => {
    const results = [
      scored({ video: 'a', expId: '0', targets: 0 }, [empty]), // TP
      scored({ video: 'a', expId: '1', targets: 0 }, [half]), // FN
      scored({ video: 'a', expId: '2', targets: 1 }, [emptyMiss]), // FP
      scored({ video: 'a', expId: '3', targets: 2 }, [hit]), // TN
      scored({ video: 'a', expId: '4', targets: 1 }, [hit]), // TN
      missingSample({ video: 'b', expId: '0', targets: 0 }, 3), // FN
      missingSample({ video: 'b', expId: '1', targets: 1 }, 3), // FP
    ];
    const acc = noTargetAccuracy(results);
    expect(acc.counts).toEqual({ tp: 1, fn: 2, fp: 2, tn: 2 });
    expect(acc.nAcc).toBe(1 / 3);
    expect(acc.tAcc).toBe(2 / 4);
  });

  it('is null for a group without such samples', () => {
    expect(noTargetAccuracy([scored({ video: 'a', expId: '0', targets: 1 }, [hit])])).toMatchObject({ nAcc: null, tAcc: 1 });
  });
});

describe('combined score', () => {
  it('defaults to the mean of J&F, N-acc and T-acc (the MeViSv2 Final; LSVOS table row)', () => {
    expect(combinedScore(DEFAULT_COMBINED, { jf: 0.5309, nAcc: 0.4138, tAcc: 0.9253 })).toBeCloseTo(0.6233, 4);
  });

  it('leaves out a missing term, and takes other weights', () => {
    expect(combinedScore(DEFAULT_COMBINED, { jf: 0.6, nAcc: null, tAcc: 0.8 })).toBeCloseTo(0.7, 12);
    expect(combinedScore(parseCombined('1,0,0'), { jf: 0.6, nAcc: 0.1, tAcc: 0.2 })).toBe(0.6);
    expect(combinedScore(parseCombined('2, 1, 1'), { jf: 0.5, nAcc: 1, tAcc: 0 })).toBe(0.5);
    expect(() => parseCombined('1,1')).toThrow(/three non-negative/);
    expect(() => parseCombined('0,0,0')).toThrow(/not all 0/);
  });
});

describe('report', () => {
  const results = [
    scored({ video: 'v1', expId: '0', targets: 1, motionReasoning: true, withAudio: true }, [hit, hit]),
    scored({ video: 'v1', expId: '1', targets: 2, motionReasoning: false, withAudio: false }, [half, half]),
    scored({ video: 'v1', expId: '2', targets: 0, motionReasoning: false, withAudio: true }, [empty, empty]),
    missingSample({ video: 'v,2', expId: '0', targets: 1, motionReasoning: true }, 5),
  ];
  const report = buildReport(results);

  it('averages over samples, every expression counting once', () => {
    expect(report.overall).toMatchObject({ samples: 4, frames: 11, j: (1 + 0.5 + 1 + 0) / 4, f: (1 + 0.25 + 1 + 0) / 4 });
    expect(report.overall.nAcc).toBe(1);
    expect(report.overall.tAcc).toBe(2 / 3);
    expect(report.overall.combined).toBeCloseTo((report.overall.jf + 1 + 2 / 3) / 3, 15);
  });

  it('breaks down by kind, flag and video, and lists missing videos', () => {
    expect(report.byKind.single?.samples).toBe(2);
    expect(report.byKind.multi?.jf).toBe((0.5 + 0.25) / 2);
    expect(report.byKind['no-target']).toMatchObject({ samples: 1, nAcc: 1, tAcc: null });
    expect(report.motionReasoning?.yes?.samples).toBe(2);
    expect(report.motionReasoning?.no?.samples).toBe(2);
    // the missing sample has no audio flag: it is in neither audio group
    expect(report.withAudio?.yes?.samples).toBe(2);
    expect(report.withAudio?.no?.samples).toBe(1);
    expect(Object.keys(report.perVideo)).toEqual(['v1', 'v,2']);
    expect(report.perVideo['v,2']).toMatchObject({ samples: 1, j: 0, f: 0 });
    expect(report.missingVideos).toEqual(['v,2']);
    expect(report.combinedDefinition).toMatch(/J&F/);
  });

  it('has no flag breakdown when no sample carries the flag', () => {
    const r = buildReport([scored({ video: 'v', expId: '0', targets: 1 }, [hit])]);
    expect(r.motionReasoning).toBeNull();
    expect(r.withAudio).toBeNull();
    expect(r.byKind.multi).toBeNull();
  });

  it('summarize of nothing is zeros, not NaN', () => {
    expect(summarize([])).toMatchObject({ samples: 0, j: 0, f: 0, jf: 0, nAcc: null, tAcc: null });
  });

  it('per-sample CSV quotes what needs quoting and keeps full precision', () => {
    const csv = samplesCsv([results[1], results[3]]).split('\n');
    expect(csv[0]).toBe('video,exp_id,kind,targets,motion_reasoning,with_audio,frames,J,F,J&F,predicted_no_target,missing');
    expect(csv[1]).toBe('v1,1,multi,2,0,0,2,0.5,0.25,0.375,0,0');
    expect(csv[2]).toBe('"v,2",0,single,1,1,,5,0,0,0,0,1');
    expect(csv[3]).toBe('');
  });
});
