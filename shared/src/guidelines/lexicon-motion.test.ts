import { describe, expect, it } from 'vitest';
import { EXCLUDED_FORMS, IRREGULAR_VERBS, MOTION_FORMS, MOTION_VERB_LEMMAS } from './lexicon-motion.ts';
import { motionCueWords, motionWords } from './motion-words.ts';

/**
 * Every irregular verb of the lexicon with the forms it must be recognised by (written out by
 * hand, not derived from the lexicon) and the forms deliberately not recognised.
 */
const IRREGULAR_TABLE: Record<string, { forms: string[]; excluded?: string[] }> = {
  bend: { forms: ['bend', 'bends', 'bending', 'bent'] },
  bite: { forms: ['bite', 'bites', 'biting', 'bitten'], excluded: ['bit'] },
  blow: { forms: ['blows', 'blowing', 'blew', 'blown'] },
  bring: { forms: ['brings', 'bringing', 'brought'] },
  catch: { forms: ['catches', 'catching', 'caught'] },
  cling: { forms: ['clings', 'clinging', 'clung'] },
  come: { forms: ['comes', 'coming', 'came', 'come'] },
  creep: { forms: ['creeps', 'creeping', 'crept'] },
  cut: { forms: ['cutting', 'cut'] },
  dig: { forms: ['digs', 'digging', 'dug'] },
  dive: { forms: ['dives', 'diving', 'dived'], excluded: ['dove'] },
  drink: { forms: ['drinks', 'drinking', 'drank'], excluded: ['drunk'] },
  drive: { forms: ['drives', 'driving', 'drove', 'driven'] },
  eat: { forms: ['eats', 'eating', 'ate', 'eaten'] },
  fall: { forms: ['falls', 'falling', 'fell', 'fallen'] },
  feed: { forms: ['feeds', 'feeding', 'fed'] },
  fight: { forms: ['fights', 'fighting', 'fought'] },
  flee: { forms: ['flees', 'fleeing', 'fled'] },
  fling: { forms: ['flings', 'flinging', 'flung'] },
  fly: { forms: ['flies', 'flying', 'flew', 'flown'] },
  freeze: { forms: ['freezes', 'freezing', 'froze'], excluded: ['frozen'] },
  go: { forms: ['goes', 'going', 'went', 'gone'] },
  hit: { forms: ['hits', 'hitting', 'hit'] },
  hold: { forms: ['holds', 'holding', 'held'] },
  kneel: { forms: ['kneels', 'kneeling', 'knelt', 'kneeled'] },
  lead: { forms: ['leads', 'leading', 'led'] },
  meet: { forms: ['meets', 'meeting', 'met'] },
  leap: { forms: ['leaps', 'leaping', 'leapt', 'leaped'] },
  leave: { forms: ['leave', 'leaves', 'leaving'], excluded: ['left'] },
  outrun: { forms: ['outruns', 'outrunning', 'outran', 'outrun'] },
  overtake: { forms: ['overtakes', 'overtaking', 'overtook', 'overtaken'] },
  ride: { forms: ['rides', 'riding', 'rode', 'ridden'] },
  rise: { forms: ['rises', 'rising', 'rose', 'risen'] },
  run: { forms: ['runs', 'running', 'ran', 'run'] },
  shake: { forms: ['shakes', 'shaking', 'shook', 'shaken'] },
  shoot: { forms: ['shoots', 'shooting'], excluded: ['shot'] },
  sink: { forms: ['sinking', 'sank', 'sunk'], excluded: ['sink', 'sinks'] },
  slide: { forms: ['slides', 'sliding', 'slid'] },
  sneak: { forms: ['sneaks', 'sneaking', 'sneaked', 'snuck'] },
  speed: { forms: ['speeds', 'speeding', 'sped', 'speeded'] },
  spin: { forms: ['spins', 'spinning', 'spun'] },
  spring: { forms: ['springing', 'sprang', 'sprung'], excluded: ['spring', 'springs'] },
  stride: { forms: ['strides', 'striding', 'strode', 'stridden'] },
  strike: { forms: ['strikes', 'striking', 'struck'] },
  sweep: { forms: ['sweeps', 'sweeping', 'swept'] },
  swim: { forms: ['swims', 'swimming', 'swam', 'swum'] },
  swing: { forms: ['swings', 'swinging', 'swung'] },
  throw: { forms: ['throws', 'throwing', 'threw', 'thrown'] },
  tread: { forms: ['treads', 'treading', 'trod', 'trodden'] },
  weave: { forms: ['weaves', 'weaving', 'wove', 'weaved'], excluded: ['woven'] },
  withdraw: { forms: ['withdraws', 'withdrawing', 'withdrew', 'withdrawn'] },
};

describe('motion lexicon size', () => {
  it('has at least 150 verb lemmas', () => {
    expect(MOTION_VERB_LEMMAS.length).toBeGreaterThanOrEqual(150);
  });
  it('includes the verbs the guidelines are written around', () => {
    const required = `walk run move fly jump swim turn leave enter approach chase follow climb fall drive ride roll bounce crawl hop dash
      rush wander circle spin rotate slide glide dive lead overtake pass cross retreat flee escape stop shake wave nod push pull carry
      throw kick hit grab feed eat play fight attack come go head speed slow accelerate`.split(/\s+/).filter(Boolean);
    expect(required.filter((l) => !MOTION_VERB_LEMMAS.includes(l))).toEqual([]);
  });
});

describe('irregular verbs', () => {
  it('the table above covers every irregular verb of the lexicon', () => {
    expect(Object.keys(IRREGULAR_TABLE).sort()).toEqual(Object.keys(IRREGULAR_VERBS).sort());
  });

  for (const [lemma, { forms, excluded = [] }] of Object.entries(IRREGULAR_TABLE)) {
    it(`${lemma}: ${forms.join(', ')}`, () => {
      for (const form of forms) {
        expect(MOTION_FORMS.get(form)?.lemmas, form).toContain(lemma);
        expect(motionWords(`it ${form} again`), form).toEqual([form]);
      }
      for (const form of excluded) expect(motionWords(`it ${form} again`), form).toEqual([]);
    });
  }

  it('never invents a regular past for an irregular verb', () => {
    for (const wrong of ['runned', 'flyed', 'flied', 'swimmed', 'goed', 'eated', 'throwed', 'leaved']) expect(MOTION_FORMS.has(wrong), wrong).toBe(false);
  });

  it('documents every excluded form', () => {
    for (const form of Object.keys(EXCLUDED_FORMS)) expect(MOTION_FORMS.has(form), form).toBe(false);
  });
});

describe('regular inflections in sentences', () => {
  it.each([
    ['the dog stops', 'stops'],
    ['the car stopped at the corner', 'stopped'],
    ['the frog hopping away', 'hopping'],
    ['the sheep moving together', 'moving'],
    ['the boy who carried the box', 'carried'],
    ['the man hurrying across', 'hurrying'],
    ['the skier skiing downhill', 'skiing'],
    ['the child tiptoeing', 'tiptoeing'],
    ['the guard patrolling the fence', 'patrolling'],
    ['the car zigzagging through traffic', 'zigzagging'],
    ['the cyclist pedalling hard', 'pedalling'],
    ['the cyclist pedaling hard', 'pedaling'],
    ['the bird circles overhead', 'circles'],
    ['the man squatting', 'squatting'],
  ])('%s → %s', (text, word) => expect(motionWords(text)).toEqual([word]));
});

describe('phrases: posture verbs count with their particle', () => {
  it.each([
    ['the person who is standing still the whole time', ['standing still']],
    ['the cat that stays completely still', ['stays completely still']],
    ['the car that remains stationary', ['remains stationary']],
    ['the dog that sits down', ['sits down']],
    ['the cow lying down on the grass', ['lying down']],
    ['the man who stands up and walks away', ['stands up', 'walks']],
    ['the boy picks the ball up', ['picks the ball up']],
    ['the plane that takes off', ['takes off']],
    ['the monkey lets go of the branch', ['lets go']],
    ['the car backing away from the wall', ['backing away']],
    ['the truck that slows down', ['slows down']],
    ['the man who takes a few steps', ['takes a few steps']],
    ['the car making a U-turn', ['making a U-turn']],
    ['the dog that stays in the same place', ['stays in the same place']],
    ['the owl looking around', ['looking around']],
    ['the horse stood still', ['stood still']],
    ['the girl sat down', ['sat down']],
    ['the dog lay down', ['lay down']],
    ['the kid kept still', ['kept still']],
    ['the man got up', ['got up']],
    ['the woman put the cup down', ['put the cup down']],
    ['the jet took off', ['took off']],
  ])('%s → %j', (text, expected) => expect(motionWords(text)).toEqual(expected));

  it.each([
    'the man standing next to the car',
    'the woman sitting on the bench',
    'the cat that stays on the sofa',
    'the dog that is still there',
    'the man who sits, still smiling',
  ])('no motion in "%s"', (text) => expect(motionWords(text)).toEqual([]));
});

describe('forms that are also nouns', () => {
  it.each([
    ['the dog on the steps', []],
    ['the man who steps forward', ['steps']],
    ['the lizard on the rocks', []],
    ['the chair that rocks back and forth', ['rocks']],
    ['the person near the exit', []],
    ['the person who exits the room', ['exits']],
    ['the bird with two heads', []],
    ["the dog's head", []],
    ['the dog heads towards the camera', ['heads']],
    ['the boat with the sails', []],
    ['the surfer riding the waves', ['riding']],
    ['the man waves at the camera', ['waves']],
    ['the bird that lands on the branch', ['lands']],
    ['the cat near the sink', []],
    ['the red-headed woodpecker', []],
    ['the herd of zebras', []],
    ['the third bird in the row', []],
  ])('%s → %j', (text, expected) => expect(motionWords(text)).toEqual(expected));
});

describe('compound nouns and attributive forms', () => {
  it.each([
    ['the boy in the swimming pool', []],
    ['the girl swimming in the pool', ['swimming']],
    ['the car in the parking lot', []],
    ['the car reversing out of the parking space', ['reversing']],
    ['the stop sign at the corner', []],
    ['the person at the bus stop', []],
    ['the bus that stops at the corner', ['stops']],
    ['the diving board above the pool', []],
    ['the seal diving into the sea', ['diving']],
    ['the man behind the steering wheel', []],
    ['the man steering the boat', ['steering']],
    ['the rocking chair on the porch', []],
    ['the fallen tree across the road', []],
    ['the rider who has fallen', ['fallen']],
    ['the boat with the white sail', []],
    ['the boat that sails past the pier', ['sails']],
    ['the goat on the highest rock', []],
    ['the empty swing under the tree', []],
    ['the white dog swings its tail', ['swings']],
  ])('%s → %j', (text, expected) => expect(motionWords(text)).toEqual(expected));
});

describe('verbs and phrases added from the labelled set (fixtures/a1-labelled.json)', () => {
  it.each([
    ['the boy skateboarding down the ramp', ['skateboarding']],
    ['the girl snowboarding past the trees', ['snowboarding']],
    ['the kids sledding down the hill', ['sledding']],
    ['the man biking along the river', ['biking']],
    ['the dog next to the bike', []],
    ['the cat yawning on the windowsill', ['yawning']],
    ['the car lagging behind the others', ['lagging']],
    ['the duck trailing behind the group', ['trailing']],
    ['the horse on the trail', []],
    ['the horse rearing up on its hind legs', ['rearing']],
    ['the car with the rear door open', []],
    ['the horse that changes direction twice', ['changes direction']],
    ['the bird taking flight from the roof', ['taking flight']],
  ])('%s → %j', (text, expected) => expect(motionWords(text)).toEqual(expected));
});

describe('misleading forms', () => {
  it.each([
    ['the car on the left', []],
    ['the player moving left', ['moving']],
    ['the dove on the branch', []],
    ['the dog that is a bit bigger', []],
    ['the frozen lake', []],
    ['the bird on the lower branch', []],
    ['the sheep moving to left', ['moving']],
    // an excluded base form is a verb again after "to"
    ['the bird that is the last to land', ['land']],
    ['the man about to open the door', ['open']],
    ['the dog near the open door', []],
  ])('%s → %j', (text, expected) => expect(motionWords(text)).toEqual(expected));
});

describe('motion cue words', () => {
  it.each([
    ['the car driving leftwards', ['leftwards']],
    ['the wheel turning clockwise', ['clockwise']],
    ['the fan spinning counter-clockwise', ['counter-clockwise']],
    ['the dog that is motionless', ['motionless']],
    ['the car moving quickly', ['quickly']],
    ['the slowest runner', ['slowest']],
    ['swinging back and forth', ['forth']],
  ])('%s → %j', (text, expected) => expect(motionCueWords(text)).toEqual(expected));

  it('plain directions and positions are not motion', () => {
    for (const text of ['the dog on the left', 'the bird away from the flock', 'the man towards the back', 'the cat up on the roof', 'the player on the right']) {
      expect(motionCueWords(text), text).toEqual([]);
      expect(motionWords(text), text).toEqual([]);
    }
  });
});

describe('tokenisation', () => {
  it('matches case-insensitively and reports words as written', () => {
    expect(motionWords('The Bird FLYING Away')).toEqual(['FLYING']);
  });
  it('de-duplicates case-insensitively, keeping the first spelling', () => {
    expect(motionWords('Runs, runs and RUNS again')).toEqual(['Runs']);
  });
  it('handles possessives, punctuation and numbers', () => {
    expect(motionWords("the dog's owner (running!) passes 2 cars")).toEqual(['running', 'passes']);
  });
  it('reads hyphenated compounds', () => {
    expect(motionWords('the car doing a U-turn')).toEqual(['U-turn']);
    expect(motionWords('the fast-moving car')).toEqual(['fast-moving']);
    expect(motionWords('the woman in flip-flops')).toEqual([]);
  });
  it('does not read phrases across clause punctuation', () => {
    expect(motionWords('the man standing, still the tallest')).toEqual([]);
  });
});
