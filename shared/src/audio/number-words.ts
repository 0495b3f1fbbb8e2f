/**
 * Digits as the words a speaker says for them, so that a reference "2 dogs" and a transcript
 * "two dogs" agree. American reading without "and" ("one hundred five"); years are read as plain
 * numbers ("one thousand nine hundred ninety"), which is rare in motion expressions.
 */
const ONES = ['zero', 'one', 'two', 'three', 'four', 'five', 'six', 'seven', 'eight', 'nine', 'ten', 'eleven', 'twelve', 'thirteen', 'fourteen', 'fifteen', 'sixteen', 'seventeen', 'eighteen', 'nineteen'];
const TENS = ['', '', 'twenty', 'thirty', 'forty', 'fifty', 'sixty', 'seventy', 'eighty', 'ninety'];
const SCALES: [number, string][] = [
  [1e9, 'billion'],
  [1e6, 'million'],
  [1e3, 'thousand'],
];
const IRREGULAR_ORDINALS: Readonly<Record<string, string>> = { one: 'first', two: 'second', three: 'third', five: 'fifth', eight: 'eighth', nine: 'ninth', twelve: 'twelfth' };

function below1000(n: number, out: string[]): void {
  if (n >= 100) {
    out.push(ONES[Math.floor(n / 100)], 'hundred');
    n %= 100;
    if (n === 0) return;
  }
  if (n < 20) out.push(ONES[n]);
  else {
    out.push(TENS[Math.floor(n / 10)]);
    if (n % 10) out.push(ONES[n % 10]);
  }
}

const digitByDigit = (digits: string) => [...digits].map((d) => ONES[Number(d)]);

/** A run of ASCII digits as words; leading zeros and numbers of a trillion or more are read digit by digit. */
export function cardinalWords(digits: string): string[] {
  if ((digits.length > 1 && digits.startsWith('0')) || digits.length > 12) return digitByDigit(digits);
  let n = Number(digits);
  if (n === 0) return ['zero'];
  const out: string[] = [];
  for (const [value, name] of SCALES) {
    if (n >= value) {
      below1000(Math.floor(n / value), out);
      out.push(name);
      n %= value;
    }
  }
  if (n > 0) below1000(n, out);
  return out;
}

export function ordinalWords(digits: string): string[] {
  const out = cardinalWords(digits);
  const last = out[out.length - 1];
  out[out.length - 1] = IRREGULAR_ORDINALS[last] ?? (last.endsWith('y') ? `${last.slice(0, -1)}ieth` : `${last}th`);
  return out;
}

/** "1.5" → one point five; "1,000" (thousands separators) → one thousand; "3rd" → third. */
export function numberTokenWords(token: string): string[] {
  const ordinal = /^(\d+)(?:st|nd|rd|th)$/.exec(token);
  if (ordinal) return ordinalWords(ordinal[1]);
  if (/^\d{1,3}(?:,\d{3})+$/.test(token)) return cardinalWords(token.replace(/,/g, ''));
  const decimal = /^(\d+)\.(\d+)$/.exec(token);
  if (decimal) return [...cardinalWords(decimal[1]), 'point', ...digitByDigit(decimal[2])];
  // Anything else mixing digits and letters ("mp3", "4x4", "1,5") is read run by run.
  return (token.match(/\d+|[^\d.,]+/g) ?? []).flatMap((run) => (/^\d/.test(run) ? cardinalWords(run) : [run]));
}
