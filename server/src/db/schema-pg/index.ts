// The PostgreSQL schema: mirror of ../schema-sqlite/index.ts (same exports), migrations in migrations-pg/.
export * from './users.ts';
export * from './videos.ts';
export * from './expressions.ts';
export * from './records.ts';
export * from './releases.ts';
export * from './curation.ts';
export * from './jobs.ts';
export * from './challenges.ts';
export * from './work.ts';
