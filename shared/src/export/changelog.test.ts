import { describe, expect, it } from 'vitest';
import { diffReleases, renderChangelog, type ReleaseContents } from './changelog.ts';

const v1: ReleaseContents = {
  version: 'v1',
  videos: [
    { id: 1, name: 'bear', split: 'train' },
    { id: 2, name: 'cows', split: 'train' },
    { id: 3, name: 'dogs', split: 'test' },
  ],
  expressions: [
    { id: 10, split: 'train' },
    { id: 11, split: 'train' },
    { id: 12, split: 'train' },
    { id: 20, split: 'test' },
  ],
  clips: [
    { id: 100, split: 'train' },
    { id: 101, split: 'test' },
  ],
};

// cows left (its only expression was rejected later), elk and ants came, bear got an expression
// and its clip replaced (100 → 102), dogs' clip was taken out.
const v2: ReleaseContents = {
  version: 'v2',
  videos: [
    { id: 1, name: 'bear', split: 'train' },
    { id: 3, name: 'dogs', split: 'test' },
    { id: 4, name: 'elk', split: 'train' },
    { id: 5, name: 'ants', split: 'valid' },
  ],
  expressions: [
    { id: 10, split: 'train' },
    { id: 11, split: 'train' },
    { id: 13, split: 'train' },
    { id: 14, split: 'train' },
    { id: 20, split: 'test' },
    { id: 30, split: 'valid' },
  ],
  clips: [{ id: 102, split: 'train' }],
};

describe('changelog between releases', () => {
  it('counts added and removed videos, expressions and clips per split, in split order', () => {
    const d = diffReleases(v1, v2);
    expect(d.previous).toBe('v1');
    expect(d.splits).toEqual([
      { split: 'train', videos: { added: 1, removed: 1 }, expressions: { added: 2, removed: 1 }, clips: { added: 1, removed: 1 } },
      { split: 'valid', videos: { added: 1, removed: 0 }, expressions: { added: 1, removed: 0 }, clips: { added: 0, removed: 0 } },
      { split: 'test', videos: { added: 0, removed: 0 }, expressions: { added: 0, removed: 0 }, clips: { added: 0, removed: 1 } },
    ]);
    expect(d.total).toEqual({ videos: { added: 2, removed: 1 }, expressions: { added: 3, removed: 1 }, clips: { added: 1, removed: 2 } });
    expect(d.videosAdded).toEqual({ train: ['elk'], valid: ['ants'] });
    expect(d.videosRemoved).toEqual({ train: ['cows'] });
    const md = renderChangelog(d);
    expect(md).toContain('Compared with release v1');
    expect(md).toContain('| train | +1 / −1 | +2 / −1 | +1 / −1 |');
    expect(md).toContain('| test | +0 / −0 | +0 / −0 | +0 / −1 |');
    expect(md).toContain('| **total** | +2 / −1 | +3 / −1 | +1 / −2 |');
    expect(md).toContain('- train (1): elk');
    expect(md).toContain('Videos removed:\n\n- train (1): cows');
  });

  it('gives the same text whatever order the rows come in', () => {
    const shuffled: ReleaseContents = { ...v2, videos: [...v2.videos].reverse(), expressions: [...v2.expressions].reverse(), clips: [...v2.clips] };
    expect(renderChangelog(diffReleases(v1, shuffled))).toBe(renderChangelog(diffReleases(v1, v2)));
  });

  it('a video that moved split is removed from one and added to the other', () => {
    const moved: ReleaseContents = { ...v1, version: 'v2', videos: v1.videos.map((v) => (v.name === 'dogs' ? { ...v, split: 'valid' as const } : v)) };
    const d = diffReleases(v1, moved);
    expect(d.videosAdded).toEqual({ valid: ['dogs'] });
    expect(d.videosRemoved).toEqual({ test: ['dogs'] });
  });

  it('the first release says so and counts everything as added; no change is all zeros', () => {
    const first = diffReleases(null, v1);
    expect(first.previous).toBeNull();
    expect(first.total).toEqual({ videos: { added: 3, removed: 0 }, expressions: { added: 4, removed: 0 }, clips: { added: 2, removed: 0 } });
    expect(renderChangelog(first)).toContain("Release v1 is the project's first release: everything in it is new.");
    const same = diffReleases(v1, { ...v1, version: 'v1b' });
    expect(same.total).toEqual({ videos: { added: 0, removed: 0 }, expressions: { added: 0, removed: 0 }, clips: { added: 0, removed: 0 } });
    expect(renderChangelog(same)).not.toContain('Videos added');
  });
});
