import { describe, expect, it } from 'vitest';
import { buildClosedSetGrammar, hypothesisKey, matchHypothesis, tokenize, WILDCARD } from './closed-set-grammar.ts';
import { compoundPronunciations, parseLexicon } from './lexicon.ts';

// A tiny cmudict in the real file's format, alternates included.
const lex = parseLexicon(
  [
    'the DH AH', 'the(2) DH IY', 'dog D AO G', 'running R AH N IH NG', 'left L EH F T', 'right R AY T', 'most M OW S T',
    'sheep SH IY P', 'two T UW', 'to T UW', 'cars K AA R Z', 'skate S K EY T', 'boarder B AO R D ER', 'a AH', 'walking W AO K IH NG',
  ].join('\n'),
);

describe('closed-set grammar', () => {
  it('tokenizes like the recognizer hears: case, punctuation, numbers, compounds, unknown words', () => {
    const t = tokenize('The 2 dogs... running LEFTMOST, zorblax!', lex);
    expect(t.map((x) => x.word)).toEqual(['the', 'two', WILDCARD, 'running', 'leftmost', WILDCARD]);
    const leftmost = t[4];
    expect(leftmost.kind === 'word' && leftmost.via).toBe('compound');
  });

  it('merges runs of unknown words into one wildcard', () => {
    expect(tokenize('the qqq zzz dog', lex).map((x) => x.word)).toEqual(['the', WILDCARD, 'dog']);
  });

  it('splits compounds only into parts of three letters or more', () => {
    expect(compoundPronunciations('leftmost', lex)).toEqual(['L EH F T M OW S T']);
    expect(compoundPronunciations('skateboarder', lex)).toEqual(['S K EY T B AO R D ER']);
    expect(compoundPronunciations('atwo', lex)).toBeNull();
  });

  it('keeps "leftmost" and "rightmost" apart and shares a path for sentences that normalise alike', () => {
    const g = buildClosedSetGrammar(['the leftmost sheep', 'the rightmost sheep', 'The leftmost sheep!'], lex);
    expect(g.keys[0]).not.toBe(g.keys[1]);
    expect(g.keys[2]).toBe(g.keys[0]);
    expect(matchHypothesis(g, 'the(2) leftmost sheep')).toEqual([0, 2]);
    expect(matchHypothesis(g, 'the rightmost sheep')).toEqual([1]);
  });

  it('treats any phone path in the hypothesis as a rejection', () => {
    const g = buildClosedSetGrammar(['the dog running', 'the sheep walking'], lex);
    expect(matchHypothesis(g, 'the ph_k ph_ae ph_t running')).toEqual([]);
    expect(matchHypothesis(g, '')).toEqual([]);
    expect(hypothesisKey('<s> the <sil> dog [NOISE] running </s>')).toBe('the dog running');
  });

  it('leaves out candidates with no dictionary word, which would match anything', () => {
    const g = buildClosedSetGrammar(['zorblax quux', 'the dog'], lex);
    expect(g.keys[0]).toBeNull();
    expect(g.fsg).toContain('TRANSITION');
    expect(g.oov).toContainEqual({ word: 'zorblax', treatment: 'wildcard' });
  });

  it('writes only safe words into the grammar and the dictionary, whatever the sentence holds', () => {
    const g = buildClosedSetGrammar(['the dog\nFSG_END\nTRANSITION 0 1 1 evil', 'the {dog} <running> | left'], lex);
    for (const line of g.fsg.split('\n').filter((l) => l.startsWith('TRANSITION'))) {
      expect(line).toMatch(/^TRANSITION \d+ \d+ [0-9.e-]+( [a-z0-9_'-]+)?$/);
    }
    expect(g.fsg.match(/FSG_END/g)).toHaveLength(1);
    for (const line of g.dict.trim().split('\n')) expect(line).toMatch(/^[a-z0-9_'-]+(\(\d+\))? [A-Z ]+$/);
  });

  it('writes a well-formed FSG: declared states cover every transition, alternates in the dictionary', () => {
    const g = buildClosedSetGrammar(['the dog running', 'two cars'], lex);
    const states = Number(/NUM_STATES (\d+)/.exec(g.fsg)![1]);
    for (const m of g.fsg.matchAll(/TRANSITION (\d+) (\d+)/g)) {
      expect(Number(m[1])).toBeLessThan(states);
      expect(Number(m[2])).toBeLessThan(states);
    }
    expect(g.dict).toContain('the(2) DH IY');
    expect(() => buildClosedSetGrammar(['the dog'], lex, { rejectEntryProb: 0, rejectPhoneProb: 0.1, wildcardPhoneProb: 0.1 })).toThrow(/rejectEntryProb/);
  });
});
