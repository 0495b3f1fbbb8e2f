import { DIALECT } from '../dialect.ts';
import * as pg from '../schema-pg/index.ts';
import * as lite from '../schema-sqlite/index.ts';

/**
 * The tables services query, from the engine this process runs on (db/dialect.ts). Typed as the
 * PostgreSQL tables, like the database handle (db/types.ts); on SQLite they are the SQLite tables,
 * whose columns have the same names and give the same JavaScript values (schema-parity test).
 * Only code that is about one engine (the SQLite adapter, `db copy`) imports a dialect's schema
 * directly.
 */
const chosen = (DIALECT === 'postgres' ? pg : lite) as unknown as typeof pg;

export const {
  users,
  userRoles,
  sessions,
  loginThrottle,
  loginDevices,
  adminRequests,
  imports,
  videos,
  frames,
  objects,
  masks,
  expressions,
  expressionTargets,
  validations,
  annotationSkips,
  leases,
  leaseHistory,
  recordings,
  clipVotes,
  clipLeases,
  speakerProfiles,
  recordingOffers,
  recordingSkips,
  releases,
  auditLog,
  settings,
  videoSplits,
  releaseVideos,
  releaseExpressions,
  videoCuration,
  jobs,
  challenges,
  challengeTeams,
  challengeMembers,
  challengeSubmissions,
  maskFlags,
  workBatches,
  workBatchVideos,
  probes,
  raterExclusions,
} = chosen;
