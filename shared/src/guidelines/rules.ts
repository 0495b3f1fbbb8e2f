/**
 * The annotation and validation guidelines (MeViS paper §3.1, A1–A5 and V1–V2) as the guideline
 * page shows them, with examples, and which rule each automatic finding comes from, so a finding
 * links to its rule instead of showing a bare code.
 */
export interface GuidelineRule {
  id: string;
  title: string;
  /** The rule as the paper states it. */
  text: string;
  good: string[];
  bad: { text: string; why: string }[];
}

export const ANNOTATION_RULES: readonly GuidelineRule[] = [
  {
    id: 'A1',
    title: 'Targets move, and the sentence says how',
    text: 'Target objects must exhibit significant motion. Objects that remain stationary and have no motion interactions with other objects should be disregarded.',
    good: ['the horse jumping over the last fence', 'the car that turns left and then stops', 'the person climbing onto the horse'],
    bad: [
      { text: 'the horse near the fence', why: 'where it is, not what it does: any single frame shows it' },
      { text: 'the person on the horse', why: 'a position; say what they do (riding, falling off, waving)' },
      { text: 'the parked car', why: 'the target does not move' },
    ],
  },
  {
    id: 'A2',
    title: 'Motion first, no needless appearance',
    text: 'If an object can be unambiguously described by its motion or action, static attributes such as shape and color should not be included in the expression.',
    good: ['the dog chasing the ball'],
    bad: [{ text: 'the small brown dog chasing the ball', why: 'the chase alone tells which dog it is; "small brown" lets a model skip the motion' }],
  },
  {
    id: 'A3',
    title: 'Several objects together, when their motion sets them apart',
    text: 'If multiple objects cannot be differentiated based solely on their motion or action, they can be described together if their motion or action can unambiguously identify them.',
    good: ['the two lions fighting and running amidst a group of lions', 'the birds that fly away first'],
    bad: [{ text: 'the lion fighting', why: 'two lions fight: which one? Describe both together, or what only one of them does' }],
  },
  {
    id: 'A4',
    title: 'Appearance only when motion is not enough',
    text: 'If it is not possible to differentiate single or multiple objects based solely on their motion or action, limited static attributes can be included in the expression.',
    good: ['the white sheep walking to the left among the black ones walking the same way'],
    bad: [{ text: 'the white sheep', why: 'appearance alone, and no motion at all (A1)' }],
  },
  {
    id: 'A5',
    title: 'No-target sentences describe motion too',
    text: 'No-target expression must also describe motion like other single-/multi-target expressions, and cannot be entirely unrelated to the video. Annotators can derive no-target expressions by modifying existing single-/multi-target expressions.',
    good: ['the dog jumping over the fence (in a video of dogs that never jump)', 'the third car turning right (only two cars turn)'],
    bad: [
      { text: 'the purple elephant', why: 'no motion, and unrelated to a video of cars' },
      { text: 'an airplane landing (in a video of a kitchen)', why: 'entirely unrelated to the video' },
    ],
  },
];

export const VALIDATION_RULES: readonly GuidelineRule[] = [
  {
    id: 'V1',
    title: 'Reject what one frame can answer',
    text: 'The corresponding sentence will be removed from the dataset when the target object described by a sentence can be easily identified through a single frame.',
    good: ['the cat that jumps onto the table after the dog leaves'],
    bad: [{ text: 'the cat on the table', why: 'the first frame already shows which cat: reject with V1' }],
  },
  {
    id: 'V2',
    title: 'Reject unrelated or motionless no-target sentences',
    text: 'No-target expressions that are unrelated to the corresponding video or do not describe motion will be discarded.',
    good: ['"the horse jumping the second fence" where the horse refuses it: a fair no-target sentence'],
    bad: [{ text: '"a spaceship" on a video of horses', why: 'unrelated and motionless: reject with V2' }],
  },
];

/** The rule behind each automatic finding of the checker (codes of findings.ts). */
export const FINDING_RULE: Readonly<Record<string, string>> = {
  no_target_without_motion: 'A5',
  target_without_motion: 'A1',
  static_target: 'A1',
  static_attributes: 'A2',
  too_short: 'length',
  too_long: 'length',
  duplicate: 'duplicates',
  near_duplicate: 'duplicates',
};

/** The page anchor of a rule (or of the page's notes on length and duplicates). */
export const ruleAnchor = (id: string) => `/guidelines#${id}`;
