// The MeViS benchmark evaluator: J, F (official DAVIS arithmetic), N-acc / T-acc, breakdowns.
// Pure: callers decode masks and stream them in; nothing here reads files.
export * from './mask.ts';
export * from './jaccard.ts';
export * from './disk.ts';
export * from './row-spans.ts';
export * from './boundary-map.ts';
export * from './boundary-match.ts';
export * from './boundary-f.ts';
export * from './frame-score.ts';
export * from './mean.ts';
export * from './sample.ts';
export * from './no-target.ts';
export * from './combined.ts';
export * from './aggregate.ts';
export * from './csv.ts';
