import { describe, expect, it } from 'vitest';
import {
  buildSubmissionReport, formatSubmissionReport, planSubmissionCheck, pngSizeProblem, unreadableReport, unsafeMemberReason,
  type ExpectedVideo, type SubmissionMember,
} from './submission-check.ts';

const expected: ExpectedVideo[] = [
  { video: 'a', frames: ['00000', '00001', '00002'], expIds: ['0', '1'], size: [48, 64] },
  { video: 'b', frames: ['00000', '00001'], expIds: ['0'], size: [48, 64] },
];

/** Every expected frame of the given videos, under `prefix`. */
function complete(prefix = '', videos = expected): SubmissionMember[] {
  return videos.flatMap((v) => v.expIds.flatMap((e) => v.frames.map((f) => ({ name: `${prefix}${v.video}/${e}/${f}.png`, bytes: 100 }))));
}

const kinds = (r: ReturnType<typeof buildSubmissionReport>) => Object.fromEntries(r.groups.map((g) => [g.kind, { count: g.count, items: g.items }]));

describe('submission check (pure)', () => {
  it('a complete submission is valid and every frame is to be decoded', () => {
    const plan = planSubmissionCheck(expected, complete());
    expect(plan.root).toBe('');
    expect(plan.toCheck).toHaveLength(8);
    expect(plan.toCheck[0]).toEqual({ name: 'a/0/00000.png', video: 'a', expId: '0', frame: '00000', size: [48, 64] });
    const report = buildSubmissionReport(plan);
    expect(report).toMatchObject({ valid: true, errors: 0, warnings: 0, root: '', expected: { videos: 2, expressions: 3, frames: 8 }, found: { members: 8, frames: 8, checkedPngs: 8 }, groups: [] });
    expect(formatSubmissionReport(report)).toMatch(/submission OK$/);
  });

  it('lists every problem at once, grouped and counted', () => {
    const members = complete('submission/').filter((m) => !m.name.startsWith('submission/b/') && m.name !== 'submission/a/0/00001.png' && m.name !== 'submission/a/1/00002.png');
    members.push(
      { name: 'submission/a/0/00000.jpg', bytes: 10 },
      { name: 'submission/a/7/00000.png', bytes: 10 },
      { name: 'submission/a/7/00001.png', bytes: 10 },
      { name: 'submission/zzz/0/00000.png', bytes: 10 },
      { name: '__MACOSX/submission/a/._x', bytes: 10 },
      { name: 'submission/readme.txt', bytes: 10 },
      { name: '../evil.png', bytes: 10 },
      { name: '/etc/passwd', bytes: 10 },
      { name: 'a\\0\\00000.png', bytes: 10 },
    );
    const plan = planSubmissionCheck(expected, members);
    expect(plan.root).toBe('submission/');
    const report = buildSubmissionReport(plan, [
      pngSizeProblem(plan.toCheck[0], 32, 48)!,
      { kind: 'undecodable-png', path: plan.toCheck[1].name, detail: 'not a PNG file' },
    ]);
    expect(report.valid).toBe(false);
    expect(kinds(report)).toEqual({
      'unsafe-path': { count: 3, items: 3 },
      'nested-root': { count: 1, items: 1 },
      'missing-video': { count: 2, items: 1 },
      'missing-frame': { count: 2, items: 2 },
      'undecodable-png': { count: 1, items: 1 },
      'wrong-size': { count: 1, items: 1 },
      'extra-folder': { count: 4, items: 3 },
      'extra-file': { count: 2, items: 2 },
    });
    expect(report.errors).toBe(9);
    expect(report.warnings).toBe(5);
    const g = Object.fromEntries(report.groups.map((x) => [x.kind, x]));
    expect(g['missing-video'].examples).toEqual([{ kind: 'missing-video', path: 'submission/b/', detail: '1 expression, 2 frames', count: 2 }]);
    expect(g['missing-frame'].examples.map((p) => [p.path, p.detail])).toEqual([
      ['submission/a/0/', '1 frame: 00001.png'],
      ['submission/a/1/', '1 frame: 00002.png'],
    ]);
    expect(g['extra-folder'].examples.map((p) => [p.path, p.count])).toEqual([
      ['submission/a/7/', 2],
      ['submission/zzz/', 1],
      ['__MACOSX/', 1],
    ]);
    expect(g['extra-file'].examples.map((p) => p.path)).toEqual(['submission/a/0/00000.jpg', 'submission/readme.txt']);
    expect(g['wrong-size'].examples[0].detail).toBe('32×48, the frame is 64×48');
    expect(g['nested-root'].hint).toMatch(/zip -r/);
    // Unsafe members are never opened, even when their name looks like a frame.
    expect(plan.toCheck.map((f) => f.name)).not.toContain('a\\0\\00000.png');

    const text = formatSubmissionReport(report);
    expect(text).toContain('ERROR   missing videos: 2 frame PNGs in 1 video');
    expect(text).toContain('warning unexpected folders (ignored): 4 files in 3 folders');
    expect(text).toMatch(/submission INVALID: 9 errors, 5 warnings$/);
  });

  it('missing expressions and frames: counted per expression with a few examples', () => {
    const many: ExpectedVideo[] = [{ video: 'v', frames: Array.from({ length: 10 }, (_, i) => String(i).padStart(5, '0')), expIds: ['0', '1', '2'], size: null }];
    const members = complete('', many).filter((m) => !m.name.startsWith('v/2/') && !/^v\/1\/0000[2-9]/.test(m.name));
    const report = buildSubmissionReport(planSubmissionCheck(many, members));
    expect(kinds(report)).toEqual({
      'missing-expression': { count: 10, items: 1 },
      'missing-frame': { count: 8, items: 1 },
      'size-unknown': { count: 1, items: 1 },
    });
    const frames = report.groups.find((g) => g.kind === 'missing-frame')!;
    expect(frames.examples[0].detail).toBe('8 frames: 00002.png, 00003.png, 00004.png, …');
  });

  it('examples are capped per kind, the counts are not', () => {
    const members = complete();
    for (let i = 0; i < 12; i++) members.push({ name: `junk-${i}.txt`, bytes: 1 });
    const report = buildSubmissionReport(planSubmissionCheck(expected, members));
    const g = report.groups[0];
    expect(g).toMatchObject({ kind: 'extra-file', severity: 'warning', count: 12, items: 12 });
    expect(g.examples).toHaveLength(5);
    expect(report.valid).toBe(true);
    expect(formatSubmissionReport(report)).toContain('… and 7 more');
    expect(formatSubmissionReport(report)).toMatch(/submission OK \(12 warnings\)$/);
  });

  it('declared sizes: a member over the limit is not to be opened; over the total, nothing is', () => {
    const members = complete();
    members[0].bytes = 65 * 1024 * 1024;
    const plan = planSubmissionCheck(expected, members);
    expect(plan.toCheck).toHaveLength(7);
    expect(kinds(buildSubmissionReport(plan))).toEqual({ 'oversized-member': { count: 1, items: 1 } });

    const bomb = planSubmissionCheck(expected, complete(), { maxMemberBytes: 1000, maxTotalBytes: 500 });
    expect(bomb.toCheck).toHaveLength(0);
    const report = buildSubmissionReport(bomb);
    expect(kinds(report)).toEqual({ 'oversized-total': { count: 1, items: 1 } });
    expect(report.groups[0].examples[0].detail).toBe('800 B declared, limit 500 B');
  });

  it('a video without expressions expects no folder', () => {
    const withEmpty = [...expected, { video: 'c', frames: ['00000'], expIds: [], size: null }];
    const report = buildSubmissionReport(planSubmissionCheck(withEmpty, [...complete(), { name: 'c/0/00000.png', bytes: 1 }]));
    expect(report.valid).toBe(true);
    expect(report.expected).toEqual({ videos: 3, expressions: 3, frames: 8 });
    expect(report.groups.map((g) => [g.kind, g.examples[0].path])).toEqual([['extra-folder', 'c/0/']]);
  });

  it('unsafe names', () => {
    expect(unsafeMemberReason('a/0/00000.png')).toBeNull();
    expect(unsafeMemberReason('a/../../x')).toMatch(/traversal/);
    expect(unsafeMemberReason('..')).toMatch(/traversal/);
    expect(unsafeMemberReason('/abs')).toMatch(/absolute/);
    expect(unsafeMemberReason('C:/x')).toMatch(/drive/);
    expect(unsafeMemberReason('a\\b')).toMatch(/backslash/);
    expect(unsafeMemberReason('a..b/c')).toBeNull();
  });

  it('an unreadable archive is one error', () => {
    const report = unreadableReport(expected, 'not a zip archive');
    expect(report).toMatchObject({ valid: false, errors: 1, groups: [{ kind: 'unreadable-archive', examples: [{ detail: 'not a zip archive' }] }] });
  });
});
