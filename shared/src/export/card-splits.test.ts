import { describe, expect, it } from 'vitest';
import { renderCard } from './card.ts';
import { splitParameterLines } from './card-splits.ts';
import { MEVIS_PROPORTIONS } from './splits.ts';
import { StatsAccumulator, summariseSpeakers } from './stats.ts';

function stats() {
  const acc = new StatsAccumulator();
  acc.video('train', { frames: 10, objects: 4, masks: 30 });
  acc.video('valid_u', { frames: 5, objects: 2, masks: 8 });
  acc.expression('train', { kind: 'single', targets: 1, motionReasoning: false });
  acc.expression('valid_u', { kind: 'single', targets: 1, motionReasoning: false });
  return acc.result(summariseSpeakers([]));
}

const base = { version: 'v2', seed: 2006, notes: '', requireAudio: false, releaseDate: '2026-12-01', proportions: MEVIS_PROPORTIONS };

describe('what the card says about splits and identifiers', () => {
  it('states the splits as written and how each was chosen, not the settings', () => {
    const card = renderCard({ ...base, keepSplits: true, frameNames: 'source', splitCounts: { train: { pinned: 3, quota: 2 }, valid_u: { source: 4, explicit: 1 } } }, stats());
    const params = card.slice(card.indexOf('## Parameters'));
    expect(params).toContain('- splits as written (videos; a video keeps the split of the first release that included it):\n  - train: 5 (3 kept from an earlier release, 2 by quota)\n  - valid_u: 5 (4 as their source had them, 1 chosen by an admin)\n');
    expect(params).toContain('- quota: 2 video(s) without a split allocated by largest remainder over train 82.85 %, valid_u 2.49 %, valid 6.98 %, test 7.68 %');
    expect(params).toContain('with seed 2006');
    expect(params).toContain('- source splits: kept');
    expect(params).not.toContain('split seed:');
    // The layout says how frames and objects trace back to the project.
    expect(card).toContain('`frame_map` ({written name: source name})');
    expect(card).toContain('an object has the same `anno_id` in every release of the project');
  });

  it('leaves proportions out when no video went by quota, and says when source splits were not kept', () => {
    const lines = splitParameterLines({ seed: 7, proportions: MEVIS_PROPORTIONS, keepSplits: false, splitCounts: { valid: { explicit: 2 } } });
    expect(lines).toEqual([
      '- splits as written (videos; a video keeps the split of the first release that included it):',
      '  - valid: 2 (2 chosen by an admin)',
      '- source splits: not kept (videos without a split chosen by an admin went by quota)',
    ]);
  });

  it('renders a release made before these rules exactly as it was', () => {
    const card = renderCard(base, stats());
    expect(card).toContain('\n- split seed: 2006; proportions: train 82.85 %, valid_u 2.49 %, valid 6.98 %, test 7.68 % (a video keeps the split it first got)\n');
    expect(card).toContain('frames, 5-digit names from 00000 (splits: train, valid_u)');
    expect(card).not.toMatch(/frame_map|splits as written|same `anno_id`/);
  });
});
