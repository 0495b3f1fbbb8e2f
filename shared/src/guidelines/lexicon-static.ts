/**
 * The static-attribute lexicon (guidelines A2/A4): words for how an object looks rather than how it
 * moves — colours, patterns, shapes, sizes, clothing and worn accessories, a few appearance words.
 * Data and lookups only; the context rules that keep "a long way" or "turns round" quiet live in
 * static-attributes.ts.
 *
 * These findings are acknowledgeable warnings, so the lists lean towards recall, but words that are
 * mostly something else in a motion expression are left out (see AMBIGUOUS_LEFT_OUT).
 */
import { gradedForms, plural } from './inflect.ts';
import { words } from './word-sets.ts';

export type StaticKind = 'colour' | 'pattern' | 'shape' | 'size' | 'clothing' | 'appearance';

/** Colours with comparative, superlative and "-ish" forms (redder, whitest, bluish). */
const GRADABLE_COLOURS = words('red orange yellow green blue purple pink brown black white grey gray pale');
const OTHER_COLOURS = words(`darker darkest darkish violet beige tan golden gold silver silvery maroon navy turquoise teal cyan magenta
  crimson scarlet ivory khaki lavender lilac indigo amber bronze copper auburn blond blonde brunette ginger chestnut tawny albino
  colorful colourful multicolored multicoloured multicolor multicolour colored coloured color colour colors colours monochrome redhead
  blueish`);

const PATTERNS = words(`striped stripy stripe stripes spotted spotty dotted polka polka-dot polka-dotted plaid checkered chequered tartan
  floral patterned camouflage camo dappled speckled mottled brindle brindled tabby calico piebald pinto paisley dyed`);

const SHAPES = words('rectangular triangular oval circular spherical cylindrical conical cubic cuboid oblong hexagonal octagonal pentagonal shaped');

const GRADABLE_SIZES = words('big small large tiny huge tall fat thin skinny slim chubby plump');
const OTHER_SIZES = words('giant massive enormous gigantic miniature petite sized oversized undersized bulky lanky stocky slender');

/** Countable garments and worn accessories: singular and plural count. */
const GARMENTS = words(`shirt t-shirt tshirt blouse sweater hoodie sweatshirt jacket coat raincoat overcoat vest waistcoat cardigan suit
  wetsuit tuxedo uniform jersey dress gown robe skirt hat cap helmet beanie hood turban headscarf bandana necktie bowtie bow-tie glove
  mitten shoe sneaker boot sandal slipper sock flip-flop mask backpack rucksack handbag necklace bracelet earring collar costume outfit
  garment sleeve kimono hijab veil bikini swimsuit visor headband wristband bib cape cloak poncho parka jumpsuit tracksuit scarf`);

/** Garments that only exist in the plural, and the words for wearing them. */
const WORN = words(`trousers jeans shorts pants leggings tights overalls glasses sunglasses goggles spectacles clothes clothing attire apparel
  sportswear swimwear scarves sleeved sleeveless hooded wear wears wearing wore worn dressed clad`);

const APPEARANCE = words('bald bearded mustached moustached curly fluffy furry shaggy hairy freckled tattooed');

export type ContextRule = 'long-short' | 'little' | 'round' | 'square' | 'dark' | 'light';

/**
 * Words that are static attributes only in some contexts; static-attributes.ts decides per use.
 * - long/short: also time and distance ("a long way", "for a short while", "stays longer").
 * - little: also a quantity ("moves a little", "a little to the left").
 * - round: also a preposition ("turns round", "walks round the pool").
 * - square: also a place ("across the square").
 * - dark: also darkness ("disappears into the dark").
 * - light: also weight, a lamp, "traffic light": only counted right before a colour ("light blue").
 */
export const CONTEXT_STATIC_WORDS: ReadonlyMap<string, { kind: StaticKind; rule: ContextRule }> = new Map<string, { kind: StaticKind; rule: ContextRule }>([
  ...words('long longer longest short shorter shortest').map((w) => [w, { kind: 'size', rule: 'long-short' }] as const),
  ...words('little littler littlest').map((w) => [w, { kind: 'size', rule: 'little' }] as const),
  ['round', { kind: 'shape', rule: 'round' }],
  ['square', { kind: 'shape', rule: 'square' }],
  ['dark', { kind: 'colour', rule: 'dark' }],
  ['light', { kind: 'colour', rule: 'light' }],
]);

/**
 * Left out on purpose (documented for whoever extends the lists): they are mostly not attributes of
 * the target in motion expressions.
 */
export const AMBIGUOUS_LEFT_OUT: Readonly<Record<string, string>> = {
  bright: '"bright light", "a bright day": the scene, not the object; "bright red" is caught by "red"',
  olive: 'food and trees; the same for cream, lime, peach, salmon, rose, plum, mint, sand, rust, honey, chocolate',
  checked: 'the past of "check"',
  spot: '"in the same spot"; "spotted" and "spotty" count',
  pattern: '"moves in a zigzag pattern" describes motion; "patterned" counts',
  top: '"on top of", "the top of the screen"',
  jumper: 'also "the one who jumps" (ski jumping)',
  trainers: 'also the people training animals',
  tie: 'also the verb; "necktie", "bowtie" count',
  watch: 'the verb',
  bag: 'often a target itself ("the bag being thrown"); "backpack", "handbag" count',
  leash: 'often what moves ("pulls the leash")',
  high: '"jumps high": motion',
  wide: '"swings wide", "a wide turn": motion',
  old: 'age is not listed by A2; "adult", "baby", "young", "old" also name categories',
  curved: '"a curved path": motion',
};

/**
 * Names of species and breeds in which a colour or size word is part of the name rather than a
 * description the annotator chose. "black bear" is NOT here: among bears it is the colour that
 * tells them apart, which is what A2/A4 ask the annotator to think about.
 */
export const EXEMPT_NAMES: readonly (readonly string[])[] = [
  ['golden', 'retriever'],
  ['red', 'panda'],
  ['giant', 'panda'],
  ['blue', 'whale'],
  ['great', 'white'],
];

function buildStaticWords(): Map<string, StaticKind> {
  const map = new Map<string, StaticKind>();
  const add = (kind: StaticKind, list: readonly string[]) => {
    for (const w of list) if (!map.has(w)) map.set(w, kind);
  };
  add('colour', GRADABLE_COLOURS);
  add('colour', GRADABLE_COLOURS.flatMap(gradedForms));
  add('colour', OTHER_COLOURS);
  add('pattern', PATTERNS);
  add('shape', SHAPES);
  add('size', GRADABLE_SIZES);
  add('size', GRADABLE_SIZES.flatMap(gradedForms));
  add('size', OTHER_SIZES);
  add('clothing', GARMENTS.filter((g) => g !== 'scarf').flatMap((g) => [g, plural(g)]));
  add('clothing', ['scarf']);
  add('clothing', WORN);
  add('appearance', APPEARANCE);
  return map;
}

/** Every static attribute form that counts wherever it appears. */
export const STATIC_WORDS: ReadonlyMap<string, StaticKind> = buildStaticWords();

export const COLOUR_WORDS: ReadonlySet<string> = new Set(
  [...STATIC_WORDS].filter(([, kind]) => kind === 'colour').map(([w]) => w).concat(['dark', 'light']),
);

/** Any static attribute form, whatever its context rule. */
export function isStaticKey(key: string): boolean {
  return STATIC_WORDS.has(key) || CONTEXT_STATIC_WORDS.has(key);
}
