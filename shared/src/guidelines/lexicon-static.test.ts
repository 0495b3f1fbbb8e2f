import { describe, expect, it } from 'vitest';
import { STATIC_WORDS } from './lexicon-static.ts';
import { staticAttributeWords } from './static-attributes.ts';

describe('static attribute words in MeViS-style expressions', () => {
  it.each([
    ['the white sheep walking to the right', ['white']],
    ['The bird flying away', []],
    ['two lions fighting with each other', []],
    ['the car that turns left and then stops', []],
    ['the person who is standing still the whole time', []],
    ['the player moving right', []],
    ['the man in the red shirt running towards the goal', ['red', 'shirt']],
    ['the tallest giraffe walking away', ['tallest']],
    ['the big dog chasing the small one', ['big', 'small']],
    ['the girl wearing a hat and glasses who jumps', ['wearing', 'hat', 'glasses']],
    ['the striped cat climbing the tree', ['striped']],
    ['the round ball rolling down the hill', ['round']],
    ['the dark horse galloping', ['dark']],
    ['the light blue car overtakes the truck', ['light', 'blue']],
    ['the black bear climbing the tree', ['black']],
    ['the man in black walking', ['black']],
    ['the woman with long hair dancing', ['long']],
    ['the short man walking', ['short']],
    ['a little dog running', ['little']],
    ['the square box sliding', ['square']],
    ['the reddish fish swimming', ['reddish']],
    ['the bigger elephant pushing the smaller one', ['bigger', 'smaller']],
    ['the horse with the darker mane', ['darker']],
    ['the dog with a collar running', ['collar']],
    ['the oval object moving', ['oval']],
    ['the skier in the helmet', ['helmet']],
    ['the boy in shorts kicking the ball', ['shorts']],
    ['the woman with the scarves', ['scarves']],
    // nouns shared with motion verbs name things here
    ['the big board sliding', ['big']],
    ['the girl holding a little pet', ['little']],
  ])('%s → %j', (text, expected) => expect(staticAttributeWords(text)).toEqual(expected));
});

describe('false-positive guards: the same words describing motion, time or place', () => {
  it.each([
    // long / short measure time or distance
    'the sheep that runs a long way',
    'the dog that waits for a long time before jumping',
    'the car that stops short',
    'the horse that stays longer than the others',
    'the cat that stays in view the longest',
    'the long jump of the kangaroo',
    'the rabbit taking a short hop',
    'the dog walking all day long',
    'the bird that does not stay for long',
    'the cat jumps a short distance',
    'the car taking the shortest path',
    // little as a quantity
    'the dog that moves a little',
    'the car moving a little to the left',
    'the boat drifting a little bit',
    'the man walking a little faster',
    'the crowd moving little by little',
    // round as a preposition or adverb
    'the dog that turns round',
    'the horse running round the field',
    'the kid spinning round and round',
    'the fish swimming round in circles',
    // sizes and shapes of a motion
    'the kangaroo making a big jump',
    'the child taking small steps',
    'the car driving in a circular path',
    'the bird flying in large circles',
    // places and darkness
    'the man walking across the square',
    'the pigeons in the square',
    'the cat disappearing into the dark',
    // light is not a colour on its own
    'the car that stops at the traffic light',
    'the light moving across the wall',
    // names, not descriptions
    'the golden retriever chasing the ball',
    'the red panda climbing',
    'the giant pandas eating bamboo',
    // directions are never attributes
    'the player moving right',
    'the car turning left and then right',
  ])('"%s" has no static attribute', (text) => expect(staticAttributeWords(text)).toEqual([]));
});

describe('compounds', () => {
  it.each([
    ['the red-haired girl running', ['red-haired']],
    ['the long-haired cat jumping', ['long-haired']],
    ['the man in a short-sleeved T-shirt', ['short-sleeved', 'T-shirt']],
    ['the light-coloured car', ['light-coloured']],
    ['the zebra-striped horse', ['zebra-striped']],
    ['the black-and-white dog', ['black-and-white']],
    ['the heart-shaped balloon floating', ['heart-shaped']],
    ['the medium-sized dog', ['medium-sized']],
    ['the dark-haired man', ['dark-haired']],
    ['the well-dressed man walking', ['well-dressed']],
    ['the woman in flip-flops walking', ['flip-flops']],
    ['the long-distance runner', []],
    ['the round-trip of the ferry', []],
    ['the fast-moving car', []],
  ])('%s → %j', (text, expected) => expect(staticAttributeWords(text)).toEqual(expected));
});

describe('reporting', () => {
  it('reports words as written, in text order', () => {
    expect(staticAttributeWords('The WHITE dog with a Red Collar')).toEqual(['WHITE', 'Red', 'Collar']);
  });
  it('de-duplicates case-insensitively, keeping the first spelling', () => {
    expect(staticAttributeWords('the White dog and the white cat')).toEqual(['White']);
  });
  it('reads through possessives and punctuation', () => {
    expect(staticAttributeWords("the man's hat, blue; flying off")).toEqual(['hat', 'blue']);
  });
  it('matches NFKC variants (full-width letters) and reports them as written', () => {
    expect(staticAttributeWords('the ｒｅｄ car turning')).toEqual(['ｒｅｄ']);
  });
  it('does not match inside longer words', () => {
    expect(staticAttributeWords('the redstart hatching blackbirds scattering')).toEqual([]);
  });
});

describe('lexicon', () => {
  it('covers the categories A2/A4 name', () => {
    const expected: Record<string, string> = {
      red: 'colour',
      grey: 'colour',
      gray: 'colour',
      orange: 'colour',
      striped: 'pattern',
      plaid: 'pattern',
      spotted: 'pattern',
      rectangular: 'shape',
      triangular: 'shape',
      circular: 'shape',
      big: 'size',
      huge: 'size',
      tiny: 'size',
      giant: 'size',
      fat: 'size',
      thin: 'size',
      shirt: 'clothing',
      't-shirt': 'clothing',
      jacket: 'clothing',
      coat: 'clothing',
      cap: 'clothing',
      helmet: 'clothing',
      dress: 'clothing',
      skirt: 'clothing',
      pants: 'clothing',
      trousers: 'clothing',
      jeans: 'clothing',
      shoes: 'clothing',
      boots: 'clothing',
      scarf: 'clothing',
      glasses: 'clothing',
      backpack: 'clothing',
      uniform: 'clothing',
      wearing: 'clothing',
      dressed: 'clothing',
    };
    for (const [word, kind] of Object.entries(expected)) expect(STATIC_WORDS.get(word), word).toBe(kind);
  });
});
