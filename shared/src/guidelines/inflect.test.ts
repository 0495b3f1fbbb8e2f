import { describe, expect, it } from 'vitest';
import { gradedForms, plural, presentParticiples, regularPasts, thirdPerson } from './inflect.ts';

describe('thirdPerson', () => {
  it.each([
    ['walk', 'walks'],
    ['pass', 'passes'],
    ['box', 'boxes'],
    ['buzz', 'buzzes'],
    ['catch', 'catches'],
    ['push', 'pushes'],
    ['go', 'goes'],
    ['carry', 'carries'],
    ['fly', 'flies'],
    ['play', 'plays'],
    ['tiptoe', 'tiptoes'],
    ['ski', 'skis'],
  ])('%s → %s', (verb, form) => expect(thirdPerson(verb)).toBe(form));
});

describe('presentParticiples', () => {
  it.each([
    ['walk', ['walking']],
    // -e dropped
    ['move', ['moving']],
    ['glide', ['gliding']],
    ['continue', ['continuing']],
    // -ie → -ying; -ee, -oe, -ye keep the e
    ['lie', ['lying']],
    ['flee', ['fleeing']],
    ['tiptoe', ['tiptoeing']],
    // one-syllable consonant-vowel-consonant doubles
    ['run', ['running']],
    ['stop', ['stopping']],
    ['swim', ['swimming']],
    ['squat', ['squatting']],
    // …but not w, x, y, two vowels or two final consonants
    ['row', ['rowing']],
    ['box', ['boxing']],
    ['play', ['playing']],
    ['float', ['floating']],
    ['jerk', ['jerking']],
    // longer words only when listed
    ['visit', ['visiting']],
    ['patrol', ['patrolling']],
    ['zigzag', ['zigzagging']],
    // British and American
    ['travel', ['travelling', 'traveling']],
    // -ic takes a k
    ['panic', ['panicking']],
    ['ski', ['skiing']],
  ])('%s → %j', (verb, forms) => expect(presentParticiples(verb)).toEqual(forms));
});

describe('regularPasts', () => {
  it.each([
    ['walk', ['walked']],
    ['move', ['moved']],
    ['tiptoe', ['tiptoed']],
    ['carry', ['carried']],
    ['hurry', ['hurried']],
    ['play', ['played']],
    ['stop', ['stopped']],
    ['drag', ['dragged']],
    ['row', ['rowed']],
    ['visit', ['visited']],
    ['patrol', ['patrolled']],
    ['travel', ['travelled', 'traveled']],
    ['panic', ['panicked']],
    ['ski', ['skied']],
  ])('%s → %j', (verb, forms) => expect(regularPasts(verb)).toEqual(forms));
});

describe('gradedForms', () => {
  it.each([
    ['small', ['smaller', 'smallest', 'smallish']],
    ['big', ['bigger', 'biggest', 'biggish']],
    ['red', ['redder', 'reddest', 'reddish']],
    ['thin', ['thinner', 'thinnest', 'thinnish']],
    ['large', ['larger', 'largest', 'largish']],
    ['blue', ['bluer', 'bluest', 'bluish']],
    ['white', ['whiter', 'whitest', 'whitish']],
    ['tiny', ['tinier', 'tiniest', 'tinyish']],
    ['yellow', ['yellower', 'yellowest', 'yellowish']],
    ['grey', ['greyer', 'greyest', 'greyish']],
  ])('%s → %j', (adjective, forms) => expect(gradedForms(adjective)).toEqual(forms));
});

describe('plural', () => {
  it.each([
    ['shirt', 'shirts'],
    ['dress', 'dresses'],
    ['sash', 'sashes'],
    ['hoodie', 'hoodies'],
    ['jersey', 'jerseys'],
    ['body', 'bodies'],
  ])('%s → %s', (noun, form) => expect(plural(noun)).toBe(form));
});
