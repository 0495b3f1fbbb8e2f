import type { ClipVote } from '../domain.ts';
import type { SpeakerAnswers } from './k-anonymity.ts';

/**
 * A release's clip lists in Common Voice's convention (issue 18): `audio/validated.tsv`,
 * `invalidated.tsv`, `other.tsv` and `reported.tsv`, beside audio_meta.json, so tools written for
 * Common Voice read them.
 *
 * Columns, in order: Common Voice's clip files as the current Corpora Creator writes them
 * (github.com/common-voice/CorporaCreator, src/corporacreator/corpora.py `COLUMNS`, v1.5.0, 2026:
 * client_id, path, sentence_id, sentence, sentence_domain, up_votes, down_votes, age, gender,
 * accents, variant, locale, segment; sentence_id and sentence_domain since Corpus 17.0, variant
 * since 13.0 — github.com/common-voice/cv-dataset, datasets/scripted-speech/CHANGELOG.md), then
 * ours appended. reported.tsv has Common Voice's reported-sentence columns (common-voice/
 * common-voice, bundler/src/types.ts `REPORTED_SENTENCES_COLUMNS`: sentence, sentence_id, locale,
 * reason).
 */
export const COMMON_VOICE_COLUMNS = ['client_id', 'path', 'sentence_id', 'sentence', 'sentence_domain', 'up_votes', 'down_votes', 'age', 'gender', 'accents', 'variant', 'locale', 'segment'] as const;
/** Ours, after Common Voice's: the answers Common Voice has no column for, where the clip came from, its checks, and where it sits in the release. */
export const STUDIO_COLUMNS = ['nativeness', 'microphone', 'source', 'engine', 'voice', 'asr_wer', 'duration_ms', 'wpm', 'split', 'video', 'exp_id'] as const;
export const CLIP_TSV_COLUMNS = [...COMMON_VOICE_COLUMNS, ...STUDIO_COLUMNS] as const;
export const REPORTED_TSV_COLUMNS = ['sentence', 'sentence_id', 'locale', 'reason'] as const;

export type ClipTsvColumn = (typeof CLIP_TSV_COLUMNS)[number];
export type TsvValue = string | number | null;

/** The four lists, in the order the card names them. */
export const CLIP_LISTS = ['validated', 'invalidated', 'other'] as const;
export type ClipList = (typeof CLIP_LISTS)[number];

/**
 * MeViS sentences are English (the annotation rules, the recognizer's and the synthesizer's
 * language): every row's locale.
 */
export const RELEASE_LOCALE = 'en';

/**
 * One field as Common Voice writes it: its bundler replaces every whitespace character of a
 * sentence with a space (bundler/src/core/clips.ts), the Corpora Creator collapses runs of
 * whitespace and trims (corpora.py `_preprocess_common`), and the files are written with no
 * quoting at all (`write_csv(..., quote_style="never")`): a quote is an ordinary character, so
 * the files are read with quoting off (Python: `csv.QUOTE_NONE`; pandas: `quoting=3`). So a tab
 * or a line break never survives into a field, and nothing else needs escaping. Null is empty.
 */
export function tsvField(v: TsvValue): string {
  if (v === null) return '';
  if (typeof v === 'number') {
    if (!Number.isFinite(v)) throw new Error(`not a TSV number: ${v}`);
    return String(v);
  }
  return v.replace(/\s+/g, ' ').trim();
}

const line = (fields: readonly TsvValue[]) => fields.map(tsvField).join('\t') + '\n';

/** A clip list: the header, then one line per row in the order given. */
export function renderClipTsv(rows: readonly Readonly<Record<ClipTsvColumn, TsvValue>>[]): string {
  return line(CLIP_TSV_COLUMNS) + rows.map((r) => line(CLIP_TSV_COLUMNS.map((c) => r[c]))).join('');
}

/**
 * reported.tsv. Common Voice lists there the sentences contributors reported (offensive, wrong
 * language, typos…). MeViS Studio has no report: a sentence someone objects to is rejected in
 * validation (it never reaches a release), and a clip's listener answers "does not match" or
 * "unclear", which are its down votes. So the file has the header only, for tools that expect it.
 */
export function renderReportedTsv(): string {
  return line(REPORTED_TSV_COLUMNS);
}

/**
 * Listeners' votes as Common Voice's up/down votes. Common Voice's vote is yes/no; ours is match /
 * mismatch / unclear, and the clip check counts "unclear" against the clip like "mismatch"
 * (protocol/clip-verdict.ts humanVerdict), so both are down votes.
 */
export function upDownVotes(votes: readonly ClipVote[]): { up: number; down: number } {
  const up = votes.filter((v) => v === 'match').length;
  return { up, down: votes.length - up };
}

/** What one row says about a clip, before it is put into columns. */
export interface ClipTsvInput {
  clientId: string;
  /** Relative to audio/ (like audio_meta.json's keys), or null when the clip's audio does not ship. */
  path: string | null;
  sentence: string;
  votes: readonly ClipVote[];
  /** The speaker's answers as the release may show them (k-anonymised); null for synthesized clips. */
  answers: SpeakerAnswers | null;
  source: 'human' | 'tts';
  engine: string | null;
  voice: string | null;
  asrWer: number | null;
  durationMs: number;
  wordsPerMinute: number | null;
  split: string;
  video: string;
  expId: string;
}

/**
 * A row of a clip list. sentence_id: the expression's place in the release, `<video>/<exp_id>`
 * (unique in the release: the same words on two videos are two expressions naming different
 * objects, so the text alone would not do). age is our age group, gender ours; accents, variant,
 * sentence_domain and segment are not asked and stay empty. Numbers are rounded as in
 * audio_meta.json (wpm to 0.1) and the WER to 0.001.
 */
export function clipTsvRow(c: ClipTsvInput): Record<ClipTsvColumn, TsvValue> {
  const { up, down } = upDownVotes(c.votes);
  const a = c.answers;
  return {
    client_id: c.clientId,
    path: c.path,
    sentence_id: `${c.video}/${c.expId}`,
    sentence: c.sentence,
    sentence_domain: null,
    up_votes: up,
    down_votes: down,
    age: a?.ageGroup ?? null,
    gender: a?.gender ?? null,
    accents: null,
    variant: null,
    locale: RELEASE_LOCALE,
    segment: null,
    nativeness: a?.nativeness ?? null,
    microphone: a?.microphone ?? null,
    source: c.source,
    engine: c.engine,
    voice: c.voice,
    asr_wer: c.asrWer === null ? null : Math.round(c.asrWer * 1000) / 1000,
    duration_ms: c.durationMs,
    wpm: c.wordsPerMinute === null ? null : Math.round(c.wordsPerMinute * 10) / 10,
    split: c.split,
    video: c.video,
    exp_id: c.expId,
  };
}
