export * from './target-set.ts';
export * from './validation-machine.ts';
export * from './scoring.ts';
export * from './clip-verdict.ts';
export * from './consensus.ts';
