import { describe, expect, it } from 'vitest';
import { SettingsSchema } from '../schemas/settings.ts';
import { DatasheetText, DEFAULT_DATASHEET, MEVIS_CITATION } from '../schemas/datasheet.ts';
import { renderCard, type CardParams } from './card.ts';
import { EMPTY_FACTS, protocolOf, type DatasheetFacts } from './datasheet.ts';
import { StatsAccumulator, summariseSpeakers } from './stats.ts';
import { upstreamOf } from './upstream.ts';

const stats = (() => {
  const acc = new StatsAccumulator();
  acc.video('train', { frames: 10, objects: 3, masks: 30 });
  acc.expression('train', { kind: 'single', targets: 1, motionReasoning: false });
  acc.expression('train', { kind: 'none', targets: 0, motionReasoning: false });
  acc.clip('train', { kind: 'human', durationMs: 2000 });
  return acc.result(summariseSpeakers([{ nativeness: 'native', gender: null, ageGroup: null, microphone: null }]));
})();

const params: CardParams = { version: 'v2', seed: 1, notes: '', requireAudio: false, releaseDate: '2026-12-01', proportions: { train: 1 } };

const facts = (over: Partial<DatasheetFacts> = {}): DatasheetFacts => ({
  ...EMPTY_FACTS,
  text: DatasheetText.parse({ ...DEFAULT_DATASHEET, motivation: 'Built to study motion.\r\nSecond line.', uses: 'Research on RVOS.', licence: 'CC-BY-4.0' }),
  protocol: protocolOf(SettingsSchema.parse({ goldShare: 0.2, leaseMinutes: 7 })),
  people: { annotators: 3, importedExpressions: 0, validators: 4 },
  provenance: [
    { videoSource: 'davis', importSource: 'DAVIS', videos: 2 },
    { videoSource: 'davis', importSource: 'my-clips', videos: 1 },
  ],
  figures: [{ path: 'figures/expression_length.svg', title: 'Expression length' }],
  previousVersion: 'v1',
  ...over,
});

const SECTIONS = ['## Motivation', '## Composition', '### Statistics', '### Figures', '## Collection process', '## Preprocessing, cleaning and labeling', '## Uses', '## Distribution', '## Maintenance', '## Citation', '## Layout', '## Parameters'];

describe('the release datasheet (README.md)', () => {
  it('has the sections of "Datasheets for Datasets" in order, filled from the data and the admin text', () => {
    const card = renderCard({ ...params, datasheet: facts(), probe: { probed: 10, identifiable: 1, rate: 0.1 } }, stats);
    const at = SECTIONS.map((s) => card.indexOf(`\n${s}\n`));
    expect(at.every((i) => i > 0)).toBe(true);
    expect([...at].sort((a, b) => a - b)).toEqual(at);
    // The admin's text, line ends normalised.
    expect(card).toContain('Built to study motion.\nSecond line.');
    expect(card).toContain('Research on RVOS.');
    // Licence, citation, people, protocol, figures, changelog, probe.
    expect(card).toContain('Licence: Creative Commons Attribution 4.0 International (SPDX: CC-BY-4.0, https://creativecommons.org/licenses/by/4.0/).');
    expect(card).toContain('```bibtex\n' + MEVIS_CITATION + '\n```');
    expect(card).toContain('written in MeViS Studio by 3 annotators; answers of 4 validators decided them');
    expect(card).toContain('20 % of a validator\'s samples are gold checks');
    expect(card).toContain('holds a sample for 7 min');
    expect(card).toContain('![Expression length](figures/expression_length.svg)');
    expect(card).toMatch(/figures\/<figure>\.svg +the figures of this card/);
    expect(card).toMatch(/CHANGELOG\.md +videos, expressions and clips added and removed/);
    expect(card).toContain('since release v1');
    expect(card).toContain('for 1 of 10 probed expressions (10.0 %)');
    expect(card).not.toContain('\n\n\n');
  });

  it('states the upstream terms of recognised imports only, and warns when the licence allows more', () => {
    const card = renderCard({ ...params, datasheet: facts() }, stats);
    expect(card).toContain('| a DAVIS-layout dataset');
    expect(card).toContain('- DAVIS (2 videos): the README of the DAVIS 2017 package states that DAVIS 2017 is released under the Creative Commons licence CC BY-NC 4.0');
    expect(card).toContain('- 1 video from DAVIS-layout imports whose folder names do not say which dataset they are');
    expect(card).not.toMatch(/YouTube-VOS \(|MOSE \(|MeViS \(\d/);
    expect(card).toContain('The chosen licence allows commercial use, while terms above are non-commercial');
    const nc = renderCard({ ...params, datasheet: facts({ text: { ...facts().text, licence: 'CC-BY-NC-SA-4.0' } }) }, stats);
    expect(nc).not.toContain('allows commercial use');
    const mevis = renderCard({ ...params, datasheet: facts({ provenance: [{ videoSource: 'mevis', importSource: 'train', videos: 5 }] }) }, stats);
    expect(mevis).toContain('- MeViS (5 videos): MeViS is licensed under a CC BY-NC-SA 4.0 License');
    expect([upstreamOf({ videoSource: 'davis', importSource: 'youtube-vos-2019' }), upstreamOf({ videoSource: 'davis', importSource: 'MOSE_train' }), upstreamOf({ videoSource: 'video', importSource: 'davis' })]).toEqual([
      'youtube-vos',
      'mose',
      null,
    ]);
  });

  it('says what is missing rather than inventing it: no licence, no text, no citation, a first release', () => {
    const empty = facts({ text: { ...DEFAULT_DATASHEET, citation: '' }, previousVersion: null, provenance: [] });
    const card = renderCard({ ...params, datasheet: empty }, stats);
    expect(card).toContain('Licence: not chosen when this release was made');
    expect(card).toContain('_No text written for this section (Admin → Datasheet)._');
    expect(card).toContain("This is the project's first release");
    expect(card).toContain('## Citation\n\nNo citation given.');
    expect(card).not.toContain('Terms of the datasets');
    // A card rendered without facts (the pure callers) still has the structure, and no changelog line.
    const bare = renderCard(params, stats);
    expect(bare).toContain('## Distribution');
    expect(bare).not.toMatch(/CHANGELOG\.md +videos/);
  });

  it('keeps a citation with backticks inside its fence', () => {
    const card = renderCard({ ...params, datasheet: facts({ text: { ...facts().text, citation: '@misc{x, note={```}}' } }) }, stats);
    expect(card).toContain('````bibtex\n@misc{x, note={```}}\n````');
  });

  it('validates the admin text: lengths, control characters, a named licence for "other"', () => {
    const ok = { ...DEFAULT_DATASHEET };
    expect(DatasheetText.safeParse(ok).success).toBe(true);
    expect(DatasheetText.safeParse({ ...ok, uses: 'x'.repeat(4001) }).success).toBe(false);
    expect(DatasheetText.safeParse({ ...ok, citation: 'x'.repeat(8001) }).success).toBe(false);
    expect(DatasheetText.safeParse({ ...ok, uses: 'a\u0000b' }).success).toBe(false);
    expect(DatasheetText.safeParse({ ...ok, uses: 'hidden \u202e text' }).success).toBe(false);
    expect(DatasheetText.safeParse({ ...ok, licence: 'MIT' }).success).toBe(false);
    expect(DatasheetText.safeParse({ ...ok, licence: 'other', licenceOther: '' }).success).toBe(false);
    expect(DatasheetText.parse({ ...ok, licence: 'other', licenceOther: ' Our terms, https://example.org/terms ' }).licenceOther).toBe('Our terms, https://example.org/terms');
    expect(DatasheetText.safeParse({ ...ok, extra: 1 }).success).toBe(false);
    expect(DatasheetText.parse({ ...ok, uses: 'tab\tand\r\nnewline  ' }).uses).toBe('tab\tand\nnewline');
  });
});
