import { CLIP_TSV_COLUMNS } from './common-voice.ts';
import { SUPPRESSION_ORDER } from './k-anonymity.ts';

const pad = (path: string, what: string) => `${path.padEnd(43)} ${what}`;

/** The card's layout lines for the Common Voice-style clip lists (common-voice.ts; services/export/audio-tsv.ts writes them). */
export function audioListLayoutLines(): string[] {
  return [
    pad('audio/validated.tsv', 'the clips this package ships, one row each (Common Voice columns, then ours)'),
    pad('audio/invalidated.tsv', 'clips that had failed their check when the release was made; audio not included (empty path)'),
    pad('audio/other.tsv', 'clips still waiting for their check then; audio not included (empty path)'),
    pad('audio/reported.tsv', 'header only: MeViS Studio has no sentence reports'),
  ];
}

/**
 * What the card says about the clip lists and the privacy of speaker answers, after the audio
 * line; empty when the release has no k (cards of releases rendered without one stay as they were).
 */
export function audioListNote(k: number | undefined): string {
  if (k === undefined) return '';
  const order = SUPPRESSION_ORDER.map((a) => (a === 'ageGroup' ? 'age' : a)).join(', ');
  return [
    '',
    '',
    `Clip lists (audio/*.tsv) are tab-separated with a header, unquoted like Common Voice's (read them with quoting off, e.g. \`quoting=csv.QUOTE_NONE\`): ${CLIP_TSV_COLUMNS.map((c) => `\`${c}\``).join(', ')}. ` +
      '`client_id` is an HMAC-SHA256 of the speaker under a secret of the project: the same person has the same id in every release of the project, and it cannot be traced back without the secret; a synthesized voice has one too. ' +
      '`path` is relative to audio/; `sentence_id` is `<video>/<exp_id>`; up votes are listeners\' "matches", down votes "does not match" and "unclear"; `age` is an age group; `accents`, `variant`, `sentence_domain` and `segment` are not collected and stay empty.',
    '',
    k > 1
      ? `Privacy: a speaker answer (gender, age, nativeness, microphone) is shown, in the clip lists and in the counts above, only when at least ${k} speakers of the release gave it; in the clip lists each speaker's combination of answers must also be shared by ${k} speakers, else answers are left out in this order until it is: ${order}. What is left out is written as unknown (empty, or "unstated").`
      : 'Privacy: this release was made with k-anonymity off (k = 1): every speaker answer is shown as given.',
  ].join('\n');
}
