/**
 * `npm run guidelines:eval`: the guideline checker's "has motion" decision (A1/A5) on the labelled
 * sentences of shared/src/guidelines/fixtures/a1-labelled.json — the confusion matrix of each split
 * (the lexicons were corrected on "tune"; "holdout" was written afterwards and never tuned on), the
 * errors with --verbose, and last the whole set: `a1 precision=<p> recall=<r> n=<n>`.
 */
import { readFileSync } from 'node:fs';
import { evaluateA1, formatA1Evaluation, parseLabelled, type A1Evaluation } from '../shared/src/guidelines/a1-eval.ts';

const file = new URL('../shared/src/guidelines/fixtures/a1-labelled.json', import.meta.url);
const rows = parseLabelled(JSON.parse(readFileSync(file, 'utf8')));
const verbose = process.argv.includes('--verbose');

function show(name: string, e: A1Evaluation, label: string) {
  console.log(`— ${name}`);
  if (verbose) {
    console.log(`missed (motion sentences refused):\n${e.missed.map((t) => `  ${t}`).join('\n') || '  none'}`);
    console.log(`false alarms (static sentences let through):\n${e.falseAlarms.map((t) => `  ${t}`).join('\n') || '  none'}`);
  }
  console.log(`${formatA1Evaluation(e, label)}\n`);
}

for (const split of ['tune', 'holdout'] as const) show(`split ${split}`, evaluateA1(rows.filter((r) => r.split === split)), `a1[${split}]`);
const all = evaluateA1(rows);
console.log(`— all ${rows.length} sentences (${all.n} scored, ${all.borderline.motion + all.borderline.noMotion} borderline not scored)`);
console.log(formatA1Evaluation(all));
