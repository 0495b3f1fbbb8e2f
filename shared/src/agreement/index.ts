export * from './alpha.ts';
export * from './bootstrap.ts';
export * from './distance.ts';
export * from './proportions.ts';
export * from './reliability.ts';
export * from './sets.ts';
export * from './release.ts';
export * from './weeks.ts';
