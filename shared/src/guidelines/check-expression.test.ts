import { describe, expect, it } from 'vitest';
import { blockingFindings, checkExpression, DEFAULT_LIMITS, unacknowledgedWarnings, type CheckContext, type Finding, type FindingCode } from './index.ts';

const noContext: CheckContext = { motion: new Map(), existingTexts: [] };
const codes = (findings: readonly Finding[]) => findings.map((f) => f.code);
const check = (text: string, targets: number[] = [1], ctx: Partial<CheckContext> = {}) => checkExpression({ text, targets }, { ...noContext, ...ctx });
const only = (findings: readonly Finding[], code: FindingCode) => {
  const found = findings.filter((f) => f.code === code);
  expect(found).toHaveLength(1);
  return found[0];
};

describe('clean MeViS-style expressions have no findings', () => {
  it.each([
    ['The bird flying away', [1]],
    ['two lions fighting with each other', [2, 3]],
    ['the car that turns left and then stops', [4]],
    ['the person who is standing still the whole time', [5]],
    ['the two lions fighting and running amidst a group of lions', [1, 2]],
    ['the player moving right', [7]],
    ['the sheep that runs a long way', [1]],
    ['the monkey jumping from one branch to another', []],
    ['the horse galloping counter-clockwise', []],
  ])('%s', (text, targets) => expect(check(text, targets)).toEqual([]));
});

describe('too_short / too_long', () => {
  it.each([
    ['', 0],
    ['bird', 1],
    ['bird flying', 2],
    ['🐦 flying!!', 1],
  ])('%j is too short', (text, count) => {
    const f = only(check(text), 'too_short');
    expect(f.severity).toBe('error');
    expect(f.message).toContain(`${count} word`);
    expect(f.message).toContain(`at least ${DEFAULT_LIMITS.minWords}`);
  });

  it('accepts exactly the minimum', () => {
    expect(codes(check('the bird flying'))).not.toContain('too_short');
  });

  it('counts hyphenated compounds and possessives as one word each', () => {
    expect(codes(check("dog's U-turn"))).toContain('too_short');
    expect(codes(check("the dog's U-turn"))).not.toContain('too_short');
  });

  it('is too long above the word limit, naming the count', () => {
    const text = `the dog ${'ran '.repeat(DEFAULT_LIMITS.maxWords - 2)}`.trim();
    expect(codes(check(text))).not.toContain('too_long');
    const f = only(check(`${text} fast`), 'too_long');
    expect(f.message).toContain(`${DEFAULT_LIMITS.maxWords + 1} words`);
  });

  it('is too long above the character limit, counted on the cleaned text', () => {
    const long = `the ${'a'.repeat(DEFAULT_LIMITS.maxChars - 'the  running'.length)} running`;
    expect([...long].length).toBe(DEFAULT_LIMITS.maxChars);
    expect(codes(check(`   ${long}   `))).not.toContain('too_long');
    expect(only(check(`${long}s`), 'too_long').message).toContain(`${DEFAULT_LIMITS.maxChars + 1} characters`);
  });

  it('counts an emoji as one character', () => {
    const text = `the dog running ${'🐕'.repeat(DEFAULT_LIMITS.maxChars - 'the dog running '.length)}`;
    expect(codes(check(text))).not.toContain('too_long');
  });

  it('honours limits from the context and falls back on bad values', () => {
    expect(codes(check('the bird flying', [1], { limits: { minWords: 4 } }))).toContain('too_short');
    expect(codes(check('the bird flying away', [1], { limits: { maxWords: 3 } }))).toContain('too_long');
    expect(codes(check('the bird flying', [1], { limits: { minWords: Number.NaN } }))).toEqual([]);
  });
});

describe('duplicate', () => {
  const existingTexts = ['The bird flying away.', 'the dog running to the left'];

  it.each(['the bird flying away', 'A bird flying away', 'THE BIRD FLYING AWAY!!', '  the bird   flying away '])('%j duplicates an existing text', (text) => {
    const f = only(check(text, [1], { existingTexts }), 'duplicate');
    expect(f.severity).toBe('error');
    expect(f.duplicateOf).toBe('The bird flying away.');
    expect(f.message).toContain('"The bird flying away."');
    expect(codes(check(text, [1], { existingTexts }))).not.toContain('near_duplicate');
  });

  it('is not a duplicate of another video’s texts or of nothing', () => {
    expect(codes(check('the bird flying away'))).toEqual([]);
  });
});

describe('near_duplicate', () => {
  const existingTexts = ['the bird that flies away', 'the dog running to the left', 'the bird flying to the left'];

  it('names the existing text it is close to', () => {
    const f = only(check('a dog runs to the left', [1], { existingTexts }), 'near_duplicate');
    expect(f.severity).toBe('error');
    expect(f.duplicateOf).toBe('the dog running to the left');
    expect(f.message).toContain('"the dog running to the left"');
  });

  it('picks the most similar existing text', () => {
    expect(only(check('the bird flies away', [1], { existingTexts }), 'near_duplicate').duplicateOf).toBe('the bird that flies away');
  });

  it('does not fire when a direction differs', () => {
    expect(codes(check('the dog running to the right', [1], { existingTexts }))).toEqual([]);
  });

  it('follows the threshold from the context', () => {
    expect(codes(check('a dog runs to the left', [1], { existingTexts, limits: { nearDuplicate: 1.01 } }))).toEqual([]);
    expect(codes(check('the dog running to the right', [1], { existingTexts, limits: { nearDuplicate: 0.3 } }))).toContain('near_duplicate');
  });
});

describe('no_target_without_motion (A5)', () => {
  it.each([
    'the dog on the left',
    'the white car near the tree',
    'the man in the red shirt',
    'the biggest elephant of the herd',
    'the parked car next to the open door',
    'the man standing next to the board',
  ])(
    '%j as a no-target expression is an error',
    (text) => {
      const f = only(check(text, []), 'no_target_without_motion');
      expect(f.severity).toBe('error');
      expect(f.message).toMatch(/^A5:/);
    },
  );

  it.each([
    'the dog jumping over the fence',
    'the cat that stays completely still',
    'the car moving leftwards',
    'the motionless zebra in the middle',
    'the boy who picks the ball up',
    // visible actions count as motion too
    'the woman brushing the horse',
    'the man opening the door',
    'the flag blowing in the wind',
    'the two dogs that meet in the middle',
    'the plane taxiing to the runway',
    'the cat licking its paw',
  ])('%j describes motion', (text) => expect(codes(check(text, []))).not.toContain('no_target_without_motion'));

  it('applies to no-target expressions only (target expressions get A1, below)', () => {
    expect(codes(check('the dog on the left', [3]))).not.toContain('no_target_without_motion');
    expect(codes(check('the dog on the left', [3]))).toContain('target_without_motion');
  });

  it('leaves an empty draft to "too short"', () => {
    expect(codes(check('', []))).toEqual(['too_short']);
  });
});

describe('target_without_motion (A1)', () => {
  it.each([
    ['the horse near the fence', [1]],
    ['the person on the horse', [2]],
    ['the red car', [3]],
    ['the two dogs on the left', [1, 2]],
    ['the parked car next to the open door', [4]],
    ['the man standing next to the board', [5]],
    ['the biggest elephant of the herd', [6]],
  ])('%j with targets %j is an error that refuses submission', (text, targets) => {
    const findings = check(text, targets);
    const f = only(findings, 'target_without_motion');
    expect(f.severity).toBe('error');
    expect(f.message).toMatch(/^A1:/);
    expect(codes(blockingFindings(findings))).toContain('target_without_motion');
    expect(codes(findings)).not.toContain('no_target_without_motion');
  });

  it.each([
    ['the horse walking along the fence', [1]],
    ['the person riding the horse', [2]],
    ['the red car turning left', [3]],
    ['the cat that stays completely still', [4]],
    ['the two dogs fighting', [1, 2]],
    ['the car moving leftwards', [5]],
  ])('%j describes motion', (text, targets) => expect(codes(check(text, targets))).not.toContain('target_without_motion'));

  it('cannot be acknowledged away like a warning', () => {
    const findings = check('the horse near the fence', [1]);
    expect(codes(unacknowledgedWarnings(findings, ['target_without_motion']))).toEqual([]);
    expect(codes(blockingFindings(findings))).toEqual(['target_without_motion']);
  });

  it('leaves an empty draft to "too short"', () => {
    expect(codes(check('', [1]))).toEqual(['too_short']);
  });
});

describe('static_target (A1)', () => {
  const motion = new Map([
    [1, { moving: true }],
    [2, { moving: false }],
    [5, { moving: false }],
  ]);

  it('warns about targets that barely move, sorted, naming them', () => {
    const f = only(check('the two dogs running together', [5, 1, 2], { motion }), 'static_target');
    expect(f.severity).toBe('warning');
    expect(f.objects).toEqual([2, 5]);
    expect(f.message).toContain('#2 and #5');
    expect(f.message).toMatch(/^A1:/);
  });

  it('names a single object', () => {
    expect(only(check('the dog running', [2], { motion }), 'static_target').message).toContain('object #2 barely moves');
  });

  it('says nothing about moving or unknown objects', () => {
    expect(check('the dog running', [1, 9], { motion })).toEqual([]);
  });

  it('says nothing for a no-target expression', () => {
    expect(codes(check('the dog running', [], { motion }))).toEqual([]);
  });
});

describe('static_attributes (A2/A4)', () => {
  it('warns with the words as written', () => {
    const f = only(check('the White sheep in a hat walking to the right'), 'static_attributes');
    expect(f.severity).toBe('warning');
    expect(f.words).toEqual(['White', 'hat']);
    expect(f.message).toContain('"White" and "hat"');
    expect(f.message).toMatch(/^A2\/A4:/);
  });

  it('uses the singular for one word', () => {
    expect(only(check('the white sheep walking'), 'static_attributes').message).toContain('"white" describes appearance');
  });
});

describe('order and helpers', () => {
  const ctx: Partial<CheckContext> = {
    motion: new Map([[1, { moving: false }]]),
    existingTexts: ['the white dog'],
  };

  it('lists errors first, then warnings, in a fixed code order', () => {
    const findings = check('The white dog!', [1], ctx);
    expect(codes(findings)).toEqual(['duplicate', 'target_without_motion', 'static_target', 'static_attributes']);
    expect(codes(check('white dog', [1], ctx))).toEqual(['too_short', 'duplicate', 'target_without_motion', 'static_target', 'static_attributes']);
    expect(codes(check('white dog', [], ctx))).toEqual(['too_short', 'duplicate', 'no_target_without_motion', 'static_attributes']);
  });

  it('blockingFindings returns the errors', () => {
    expect(codes(blockingFindings(check('The white dog!', [1], ctx)))).toEqual(['duplicate', 'target_without_motion']);
    expect(codes(blockingFindings(check('The white dog running!', [1], ctx)))).toEqual([]);
    expect(blockingFindings(check('the white sheep walking', [1]))).toEqual([]);
  });

  it('unacknowledgedWarnings returns the warnings not yet confirmed', () => {
    const findings = check('the white sheep walking', [1], ctx);
    expect(codes(unacknowledgedWarnings(findings, []))).toEqual(['static_target', 'static_attributes']);
    expect(codes(unacknowledgedWarnings(findings, ['static_attributes']))).toEqual(['static_target']);
    expect(unacknowledgedWarnings(findings, ['static_attributes', 'static_target'])).toEqual([]);
    // acknowledging an error code does not hide anything
    expect(codes(unacknowledgedWarnings(check('white dog', [], ctx), ['too_short', 'duplicate']))).toEqual(['static_attributes']);
  });
});

describe('existing texts', () => {
  it('re-reads a list that changed since the last check', () => {
    const existingTexts = ['the cat jumping'];
    expect(check('the dog running away', [1], { existingTexts })).toEqual([]);
    existingTexts.push('the dog running away');
    expect(codes(check('the dog running away', [1], { existingTexts }))).toEqual(['duplicate']);
    existingTexts.pop();
    expect(check('the dog running away', [1], { existingTexts })).toEqual([]);
  });

  it('never calls a text without words a duplicate of another one', () => {
    expect(codes(check('!!', [1], { existingTexts: ['', '  ', '?', 'the'] }))).toEqual(['too_short']);
  });
});
