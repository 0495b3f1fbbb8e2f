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

export const CANDIDATE_INDEXES: CandidateIndex[] = [
  {
    name: 'expressions_gold_idx',
    table: 'expressions',
    columns: ['gold', 'status'],
    workloads: ['nextGold'],
    why: "validate.next's gold draw (status = 'accepted' and gold = 1 … order by random()) walks every accepted expression through expressions_status_idx",
  },
  {
    name: 'expressions_status_video_idx',
    table: 'expressions',
    columns: ['status', 'video_id'],
    workloads: ['nextVideo', 'curationByExpressions'],
    why: "annotate.nextVideo's accepted-per-video count (status = 'accepted' group by video_id) looks up every accepted row and sorts them",
  },
  {
    name: 'recordings_expression_idx',
    table: 'recordings',
    columns: ['expression_id', 'status'],
    replaces: true,
    workloads: ['dashboard'],
    why: "the dashboard's clips-per-accepted-expression count and needsAudio (expression_id = ? and status in …) look up every clip row for its status",
  },
  {
    name: 'recordings_speaker_idx',
    table: 'recordings',
    columns: ['speaker_id', 'kind', 'status', 'duration_ms', 'created_at'],
    replaces: true,
    workloads: ['dashboard', 'audioStats'],
    why: "the dashboard's per-speaker clip counts (group by speaker_id, kind, status; sum(duration_ms), max(created_at)) sort a full scan of recordings",
  },
  {
    name: 'validations_validator_idx',
    table: 'validations',
    columns: ['validator_id', 'round', 'agrees', 'answer', 'duration_ms', 'created_at', 'expression_id'],
    workloads: ['dashboard', 'validatorOverview'],
    why: "the dashboard's per-validator scores (group by validator_id) sort a full scan; validate.overview's count(*) where validator_id = ? scans validations_once_uq",
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
  exec(createSql(c));
  return `drop index ${c.name}`;
}
