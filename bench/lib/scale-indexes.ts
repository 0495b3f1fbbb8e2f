/**
 * Indexes bench:scale proposes, tried ad hoc on its own database only (raw SQL; the schema and
 * migrations are not touched here). `replaces` names an existing index the candidate takes the
 * place of (same name, more columns), so the queries that name it (`indexed by`) keep working.
 * `workloads` are the probe's workloads (bench/scale.ts) each one should speed up.
 */
export interface CandidateIndex {
  name: string;
  table: string;
  columns: string[];
  replaces?: boolean;
  workloads: string[];
  why: string;
}

/*
 * Candidates not (yet) in the schema. Earlier rounds were adopted: the five indexes of migration
 * 0006 came from this list, and migration 0007's two from the probe's statement profile.
 */
export const CANDIDATE_INDEXES: CandidateIndex[] = [
  {
    name: 'clip_votes_created_idx',
    table: 'clip_votes',
    columns: ['created_at'],
    workloads: ['dashboard'],
    why: "the dashboard's last-work time (max(created_at) from clip_votes) scans every vote (about 2.4 ms at full scale)",
  },
];

export const createSql = (c: CandidateIndex) => `create index ${c.name} on ${c.table} (${c.columns.join(', ')})`;

/** Creates the candidate (dropping the index it replaces); returns the SQL that undoes it. */
export function applyIndex(exec: (sql: string) => void, original: (name: string) => string | undefined, c: CandidateIndex): string {
  if (c.replaces) {
    const before = original(c.name);
    if (!before) throw new Error(`no index ${c.name} to replace`);
    exec(`drop index ${c.name}`);
    exec(createSql(c));
    return `drop index ${c.name}; ${before}`;
  }
  if (original(c.name)) throw new Error(`index ${c.name} exists already (adopted?): take it off CANDIDATE_INDEXES`);
  exec(createSql(c));
  return `drop index ${c.name}`;
}
