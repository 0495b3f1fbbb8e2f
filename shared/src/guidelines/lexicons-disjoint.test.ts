import { describe, expect, it } from 'vitest';
import { INFINITIVE_ONLY_FORMS, MOTION_CUES, MOTION_FORMS, PHRASE_HEAD_FORMS } from './lexicon-motion.ts';
import { CONTEXT_STATIC_WORDS, STATIC_WORDS } from './lexicon-static.ts';
import { motionCueWords, motionWords } from './motion-words.ts';
import { staticAttributeWords } from './static-attributes.ts';

const staticKeys = [...STATIC_WORDS.keys(), ...CONTEXT_STATIC_WORDS.keys()];
const motionKeys = [...MOTION_FORMS.keys(), ...MOTION_CUES, ...PHRASE_HEAD_FORMS.keys(), ...INFINITIVE_ONLY_FORMS];

describe('static and motion lexicons', () => {
  it('share no word form', () => {
    const motion = new Set(motionKeys);
    expect(staticKeys.filter((w) => motion.has(w))).toEqual([]);
  });

  it('a static word alone is never read as motion', () => {
    for (const w of staticKeys) {
      expect(motionWords(`it is ${w}`), w).toEqual([]);
      expect(motionCueWords(`it is ${w}`), w).toEqual([]);
    }
  });

  it('a motion form alone is never read as a static attribute', () => {
    for (const w of motionKeys) expect(staticAttributeWords(`it ${w}`), w).toEqual([]);
  });
});
