/**
 * The motion lexicon (guidelines A1/A5): verbs of motion and of the actions MeViS expressions are
 * built from, with every inflection, plus phrases and non-verb words that describe motion. Data and
 * lookups only; the context-aware matcher is motion-words.ts.
 */
import { presentParticiples, regularPasts, thirdPerson } from './inflect.ts';
import { words } from './word-sets.ts';

/**
 * Lemmas whose every form follows the rules in inflect.ts: locomotion, changes of posture and
 * direction, and the visible actions ("eating", "pushing", "brushing") that MeViS expressions use
 * as motion. A no-target expression without any of these is refused (A5), so the list is broad.
 */
const REGULAR_VERBS = words(`
  accelerate accompany advance amble appear approach arrive ascend attack avoid
  bathe bike board bob bolt bounce brake brush bump
  canter carry charge chase chew chop circle clap climb collapse comb crash crawl cross crouch cruise cuddle cycle
  dance dangle dart dash decelerate depart descend disappear dismount disperse dodge drag dribble drift drop
  emerge enter escape evade exit
  fetch flap flick flip float flop flow flutter fold follow
  gallop gather glide grab grasp graze groom
  halt haul head herd hike hobble hoist hop hover hug huddle hunt hurl hurry
  jerk jog join jostle juggle jump
  kayak kick kiss knock
  lag land lap lick lift limp lower lunge lurch
  manoeuvre maneuver march meander mop mount move
  navigate nibble nod nudge nuzzle
  open orbit
  pace paddle paint park pass pat patrol pause peck peek pedal pet pivot play plod plunge point poke pounce pour preen proceed pull
  punch pursue push
  race raise ram reach rear release retreat retrieve return reverse roam rock roll rotate row rub rush
  sail scamper scatter scoot scramble scratch scrub scurry scuttle seize shift shiver shove shuffle skate skateboard ski skid skip slap sled slip slither
  slow smash snatch sniff snowboard soar somersault splash spray sprint squat squirm stagger stalk stampede steer step stir stomp stop stretch
  stroke stroll struggle stumble surf surround sway swat swerve swipe swirl swivel swoop
  tackle tap taxi tilt tiptoe topple toss touch tow trail trample travel trek tremble trip trot trudge tug tumble turn twirl twist twitch
  vanish vibrate
  waddle wade wag walk wander wash wave whirl wiggle wipe wobble wrap wrestle wriggle writhe
  yank yawn
  zigzag zoom
`);

/**
 * Irregular verbs with their past and participle forms (regular variants too where both are in use).
 * The 3rd person and -ing forms follow the rules. Misleading forms are removed by EXCLUDED_FORMS.
 */
export const IRREGULAR_VERBS: Readonly<Record<string, readonly string[]>> = {
  bend: ['bent'],
  bite: ['bit', 'bitten'],
  blow: ['blew', 'blown'],
  bring: ['brought'],
  catch: ['caught'],
  cling: ['clung'],
  come: ['came', 'come'],
  creep: ['crept'],
  cut: ['cut'],
  dig: ['dug'],
  dive: ['dived', 'dove'],
  drink: ['drank', 'drunk'],
  drive: ['drove', 'driven'],
  eat: ['ate', 'eaten'],
  fall: ['fell', 'fallen'],
  feed: ['fed'],
  fight: ['fought'],
  flee: ['fled'],
  fling: ['flung'],
  fly: ['flew', 'flown'],
  freeze: ['froze', 'frozen'],
  go: ['went', 'gone'],
  hit: ['hit'],
  hold: ['held'],
  kneel: ['knelt', 'kneeled'],
  lead: ['led'],
  meet: ['met'],
  leap: ['leapt', 'leaped'],
  leave: ['left'],
  outrun: ['outran', 'outrun'],
  overtake: ['overtook', 'overtaken'],
  ride: ['rode', 'ridden'],
  rise: ['rose', 'risen'],
  run: ['ran', 'run'],
  shake: ['shook', 'shaken'],
  shoot: ['shot'],
  sink: ['sank', 'sunk'],
  slide: ['slid'],
  sneak: ['sneaked', 'snuck'],
  speed: ['sped', 'speeded'],
  spin: ['spun'],
  spring: ['sprang', 'sprung'],
  stride: ['strode', 'stridden'],
  strike: ['struck'],
  sweep: ['swept'],
  swim: ['swam', 'swum'],
  swing: ['swung'],
  throw: ['threw', 'thrown'],
  tread: ['trod', 'trodden'],
  weave: ['wove', 'woven', 'weaved'],
  withdraw: ['withdrew', 'withdrawn'],
};

/**
 * Forms that are far more often something else in a referring expression; they do not count as
 * motion (the other forms of the verb still do; a few base forms count after "to", see
 * INFINITIVE_ONLY_FORMS). The reason is the documentation.
 */
export const EXCLUDED_FORMS: Readonly<Record<string, string>> = {
  left: 'the direction ("turns left"), not the past of "leave"',
  dove: 'the bird; "dived" is the past of "dive"',
  bit: '"a bit", "a little bit"',
  shot: 'a noun ("a shot", "the shot") far more often than the past of "shoot"',
  frozen: 'an adjective ("the frozen lake")',
  drunk: 'an adjective',
  woven: 'an adjective ("a woven basket")',
  land: 'the noun ("on land"); "lands", "landed", "landing" count',
  head: 'the body part; "heads", "headed", "heading" count outside noun context',
  lower: 'the adjective ("the lower branch"); "lowers", "lowered", "lowering" count',
  slow: 'counts as a speed word (MOTION_CUES), not as the verb',
  sink: 'the kitchen sink; "sank", "sinking" count',
  sinks: 'plural of the kitchen sink',
  herd: 'the noun ("a herd of zebras"); "herding", "herded" count',
  herds: 'plural of the noun',
  spring: 'the season or a water spring; "sprang", "springing" count',
  springs: 'plural of the noun',
  row: '"in a row", "the third row"; "rowing", "rowed" count',
  rows: 'plural of the noun',
  open: 'the adjective ("the open door"); "opens", "opened", "opening" count',
  parked: 'a state ("the parked car"), not a motion; "parks", "parking" count',
};

/** Excluded base forms that are verbs after "to": "the last to land", "about to head home". */
export const INFINITIVE_ONLY_FORMS: ReadonlySet<string> = new Set(words('land head lower open sink spring herd row'));

/**
 * Forms that are also common nouns of things seen in videos ("the rocks", "the steps", "the exit",
 * "the waves"). They count unless a determiner, number, possessive or preposition comes right before.
 */
export const NOUN_LIKE_FORMS: ReadonlySet<string> = new Set(
  words(`rock rocks step steps exit exits sail sails bend bends heads headed heading wave waves lands stretch stretches circle circles
    swing swings slide slides lift lifts cycle cycles drive drives ride rides charge reach shift shifts paddle paddles pedal pedals
    brake brakes fall falls drop drops scratch scratches ski skis skate skates board boards brush brushes comb combs mop mops paint
    paints point points tap taps stroke strokes trip trips lap laps park parks taxi taxis stalk stalks bolt bolts pet pets cut cuts
    mount mounts surrounding bike bikes kayak kayaks trail trails sled sleds skateboard skateboards snowboard snowboards rear rears`),
);
/**
 * Participles far more often used as adjectives right after a determiner ("the fallen tree"); they
 * count elsewhere ("the rider who has fallen").
 */
export const ATTRIBUTIVE_FORMS: ReadonlySet<string> = new Set(words('fallen'));

/**
 * Compound nouns whose first word is a motion form ("the swimming pool", "the stop sign", "the
 * rocking chair"): the form names a thing there, not what the target does. Keyed by the motion
 * form; the value lists the nouns that may follow it.
 */
export const COMPOUND_BEFORE: ReadonlyMap<string, ReadonlySet<string>> = new Map(
  Object.entries({
    swimming: 'pool pools costume costumes trunks cap caps',
    parking: 'lot lots space spaces spot spots garage garages meter meters area',
    stop: 'sign signs light lights',
    diving: 'board boards suit suits mask',
    walking: 'stick sticks boots frame',
    running: 'track tracks shoes shoe water',
    rocking: 'chair chairs horse',
    climbing: 'frame frames wall walls rope',
    skating: 'rink rinks',
    landing: 'strip strips zone pad pads gear',
    rowing: 'boat boats machine',
    sailing: 'boat boats ship ships',
    racing: 'car cars track bike bikes',
    sliding: 'door doors',
    steering: 'wheel',
    driving: 'seat range licence license',
    washing: 'machine line',
    revolving: 'door doors',
  }).map(([form, nouns]) => [form, new Set(words(nouns))]),
);

/** Compound nouns whose second word is a motion form: "the bus stop". Keyed by the motion form. */
export const COMPOUND_AFTER: ReadonlyMap<string, ReadonlySet<string>> = new Map([['stop', new Set(words('bus pit truck tram'))]]);

/** Verbs that describe motion only together with a particle ("standing still", "sits down", "picks … up"). */
const PHRASE_HEAD_IRREGULAR: Readonly<Record<string, readonly string[]>> = {
  stand: ['stood'],
  sit: ['sat'],
  lie: ['lay', 'lain'],
  lay: ['laid'],
  keep: ['kept'],
  get: ['got', 'gotten'],
  put: ['put'],
  take: ['took', 'taken'],
  let: ['let'],
  make: ['made'],
  hold: ['held'],
};
const PHRASE_HEAD_REGULAR = words('stay remain pick look back slow settle change');

/** Particles that turn a posture verb into a motion state ("stays still the whole time", "remains stationary"). */
const STATE_PARTICLES = ['still', 'stationary', 'motionless', 'immobile', 'put', 'idle', 'in place', 'in the same place', 'in the same spot', 'in one place', 'in one spot'];

/**
 * Nouns that name a motion ("a few steps", "a U-turn", "large circles"). After "take/make" they
 * form a motion phrase, which matters for the noun-like ones that would not count after a
 * determiner; and a size word in front of them measures the motion, not the object.
 */
export const MOTION_NOUNS: readonly string[] = words(
  'step steps turn turns u-turn u-turns jump jumps leap leaps lap laps circle circles dive dives spin spins fall falls drop drops trip trips flight',
);

export interface MotionPhrase {
  /** Lemmas of the head verb. */
  heads: readonly string[];
  /** What follows the head, at most MAX_PHRASE_GAP words later; multi-word particles are consecutive. */
  particles: readonly string[];
}

export const MOTION_PHRASES: readonly MotionPhrase[] = [
  { heads: ['stand', 'sit', 'lie', 'lay', 'stay', 'remain', 'keep', 'hold'], particles: STATE_PARTICLES },
  { heads: ['stand', 'sit', 'get', 'pick', 'look'], particles: ['up'] },
  { heads: ['sit', 'lie', 'lay', 'get', 'put', 'settle', 'slow', 'look'], particles: ['down'] },
  { heads: ['get'], particles: ['off', 'out', 'in', 'into', 'on', 'onto', 'away', 'over'] },
  { heads: ['take'], particles: ['off'] },
  { heads: ['look'], particles: ['around', 'round', 'back', 'away', 'left', 'right'] },
  { heads: ['let'], particles: ['go'] },
  { heads: ['back'], particles: ['up', 'away', 'off', 'out', 'into'] },
  { heads: ['take', 'make'], particles: MOTION_NOUNS },
  { heads: ['change'], particles: ['direction', 'directions', 'course', 'lane', 'lanes', 'sides', 'places', 'position', 'positions'] },
];

/** Words between a head and its particle: "picks the ball up", "standing completely still". */
export const MAX_PHRASE_GAP = 2;

/**
 * Non-verbs that describe motion by themselves: direction-of-travel adverbs, motion states and
 * speed. Plain directions ("left", "away", "towards", "up") are NOT here: "the dog on the left" and
 * "the bird away from the flock" describe positions, and A5 asks for motion.
 */
export const MOTION_CUES: ReadonlySet<string> = new Set(
  words(`leftward leftwards rightward rightwards upward upwards downward downwards forward forwards backward backwards onward onwards
    sideways clockwise counterclockwise counter-clockwise anticlockwise anti-clockwise uphill downhill upstream downstream airborne
    motionless stationary immobile unmoving
    quickly slowly rapidly swiftly speedily hastily hurriedly fast faster fastest slow slower slowest quick quicker quickest rapid
    swift speedy
    movement movements motion motions forth fro`),
);

export type FormKind = 'base' | 's' | 'ing' | 'past';

export interface MotionForm {
  lemmas: readonly string[];
  kinds: ReadonlySet<FormKind>;
}

function buildForms(lemmas: readonly string[], irregular: Readonly<Record<string, readonly string[]>>, excluded: ReadonlySet<string>): Map<string, MotionForm> {
  const map = new Map<string, { lemmas: string[]; kinds: Set<FormKind> }>();
  const add = (form: string, lemma: string, kind: FormKind) => {
    if (excluded.has(form)) return;
    const entry = map.get(form) ?? { lemmas: [], kinds: new Set<FormKind>() };
    if (!entry.lemmas.includes(lemma)) entry.lemmas.push(lemma);
    entry.kinds.add(kind);
    map.set(form, entry);
  };
  for (const lemma of lemmas) {
    add(lemma, lemma, 'base');
    add(thirdPerson(lemma), lemma, 's');
    for (const f of presentParticiples(lemma)) add(f, lemma, 'ing');
    for (const f of irregular[lemma] ?? regularPasts(lemma)) add(f, lemma, 'past');
  }
  for (const entry of map.values()) entry.lemmas.sort();
  return map;
}

export const MOTION_VERB_LEMMAS: readonly string[] = [...new Set([...REGULAR_VERBS, ...Object.keys(IRREGULAR_VERBS)])].sort();

/** Every recognised verb form → its lemma(s) and grammatical kind(s). */
export const MOTION_FORMS: ReadonlyMap<string, MotionForm> = buildForms(MOTION_VERB_LEMMAS, IRREGULAR_VERBS, new Set(Object.keys(EXCLUDED_FORMS)));

const PHRASE_HEAD_LEMMAS = [...Object.keys(PHRASE_HEAD_IRREGULAR), ...PHRASE_HEAD_REGULAR];

/** Forms of the phrase heads. "back" itself is left out: "comes back up" is not "backs up". */
export const PHRASE_HEAD_FORMS: ReadonlyMap<string, MotionForm> = buildForms(PHRASE_HEAD_LEMMAS, PHRASE_HEAD_IRREGULAR, new Set(['back']));

/** The lemma of a verb form (motion verb or phrase head), for comparing expressions. */
export function verbLemma(form: string): string | undefined {
  return MOTION_FORMS.get(form)?.lemmas[0] ?? PHRASE_HEAD_FORMS.get(form)?.lemmas[0];
}

const MOTION_NOUN_SET: ReadonlySet<string> = new Set(MOTION_NOUNS);

/** A motion word that is not one of the noun-like forms naming a thing ("a little pet", "the big board"). */
export function isMotionWordOutsideNouns(key: string): boolean {
  return MOTION_NOUN_SET.has(key) || (MOTION_FORMS.has(key) && !NOUN_LIKE_FORMS.has(key));
}

/** A word that, after a size word, names the motion: "a big jump", "small steps", "a long run". */
export function isMotionNounForm(key: string): boolean {
  if (MOTION_NOUN_SET.has(key)) return true;
  const form = MOTION_FORMS.get(key);
  return !!form && !NOUN_LIKE_FORMS.has(key) && (form.kinds.has('base') || form.kinds.has('s'));
}
