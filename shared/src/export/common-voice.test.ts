import { describe, expect, it } from 'vitest';
import { CLIP_TSV_COLUMNS, clipTsvRow, renderClipTsv, renderReportedTsv, tsvField, upDownVotes, type ClipTsvInput } from './common-voice.ts';

const clip = (over: Partial<ClipTsvInput> = {}): ClipTsvInput => ({
  clientId: 'c'.repeat(64),
  path: 'train/bear/0.wav',
  sentence: 'the bear walking away',
  votes: ['match', 'match'],
  answers: { gender: 'female', ageGroup: '18-29', nativeness: 'native', microphone: 'headset' },
  source: 'human',
  engine: null,
  voice: null,
  asrWer: 0.123456,
  durationMs: 2150,
  wordsPerMinute: 143.27,
  split: 'train',
  video: 'bear',
  expId: '0',
  ...over,
});

describe('Common Voice clip lists', () => {
  it('has Common Voice\'s columns in Common Voice\'s order, then ours', () => {
    const header = renderClipTsv([]).split('\n')[0]!.split('\t');
    // Typed out, not taken from the module: the order a Common Voice loader expects.
    expect(header.slice(0, 13)).toEqual(['client_id', 'path', 'sentence_id', 'sentence', 'sentence_domain', 'up_votes', 'down_votes', 'age', 'gender', 'accents', 'variant', 'locale', 'segment']);
    expect(header.slice(13)).toEqual(['nativeness', 'microphone', 'source', 'engine', 'voice', 'asr_wer', 'duration_ms', 'wpm', 'split', 'video', 'exp_id']);
    expect(renderClipTsv([])).toBe(header.join('\t') + '\n');
  });

  it('writes a row field by field under its header', () => {
    const text = renderClipTsv([clipTsvRow(clip({ votes: ['match', 'mismatch', 'unclear'] }))]);
    const [head, line, end] = text.split('\n');
    expect(end).toBe('');
    const row = Object.fromEntries(head!.split('\t').map((c, i) => [c, line!.split('\t')[i]]));
    expect(row).toEqual({
      client_id: 'c'.repeat(64),
      path: 'train/bear/0.wav',
      sentence_id: 'bear/0',
      sentence: 'the bear walking away',
      sentence_domain: '',
      up_votes: '1',
      down_votes: '2',
      age: '18-29',
      gender: 'female',
      accents: '',
      variant: '',
      locale: 'en',
      segment: '',
      nativeness: 'native',
      microphone: 'headset',
      source: 'human',
      engine: '',
      voice: '',
      asr_wer: '0.123',
      duration_ms: '2150',
      wpm: '143.3',
      split: 'train',
      video: 'bear',
      exp_id: '0',
    });
  });

  it('writes a synthesized clip without answers, and a clip whose audio is not shipped with an empty path', () => {
    const row = clipTsvRow(clip({ source: 'tts', engine: 'espeak-ng', voice: 'en-us', answers: null, path: null, asrWer: null, wordsPerMinute: null }));
    expect(row).toMatchObject({ source: 'tts', engine: 'espeak-ng', voice: 'en-us', age: null, gender: null, nativeness: null, microphone: null, path: null, asr_wer: null, wpm: null });
    const line = renderClipTsv([row]).split('\n')[1]!.split('\t');
    expect(line[CLIP_TSV_COLUMNS.indexOf('path')]).toBe('');
    expect(line[CLIP_TSV_COLUMNS.indexOf('gender')]).toBe('');
  });

  it('escapes as Common Voice does: whitespace runs become one space, quotes stay as they are, nothing is quoted', () => {
    expect(tsvField('the "big" bear\twalking\r\naway  ')).toBe('the "big" bear walking away');
    expect(tsvField("\n  it's the\u00a0dog\n")).toBe("it's the dog");
    expect(tsvField(null)).toBe('');
    expect(tsvField(0)).toBe('0');
    expect(() => tsvField(Number.NaN)).toThrow(/not a TSV number/);
    const text = renderClipTsv([clipTsvRow(clip({ sentence: 'a "quoted"\tsentence\nover two lines' })), clipTsvRow(clip({ expId: '1', video: 'we\tird' }))]);
    const lines = text.split('\n');
    // Header, two rows, the final newline: a tab or line break never leaks out of a field.
    expect(lines).toHaveLength(4);
    for (const l of lines.slice(0, 3)) expect(l.split('\t')).toHaveLength(CLIP_TSV_COLUMNS.length);
    expect(lines[1]!.split('\t')[CLIP_TSV_COLUMNS.indexOf('sentence')]).toBe('a "quoted" sentence over two lines');
    expect(lines[2]!.split('\t')[CLIP_TSV_COLUMNS.indexOf('sentence_id')]).toBe('we ird/1');
  });

  it('counts "match" as an up vote, "mismatch" and "unclear" as down votes', () => {
    expect(upDownVotes([])).toEqual({ up: 0, down: 0 });
    expect(upDownVotes(['match', 'unclear', 'match', 'mismatch', 'unclear'])).toEqual({ up: 2, down: 3 });
  });

  it('writes reported.tsv with Common Voice\'s reported-sentence header and no rows', () => {
    expect(renderReportedTsv()).toBe('sentence\tsentence_id\tlocale\treason\n');
  });
});
