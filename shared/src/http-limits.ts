/**
 * Request limits shared by the server (which enforces them) and the client (which stays inside
 * them): large bodies only on the upload route, small ones everywhere else, and batches bounded.
 */

/** Procedures a batched request may hold at most (the client's batch link splits at this size). */
export const MAX_BATCH_SIZE = 10;

/**
 * JSON bodies of every procedure but the upload. The largest legitimate input is an admin's list of
 * up to 5,000 expression ids for synthesis (about 40 KB).
 */
export const MAX_JSON_BODY_BYTES = 256 * 1024;

/** Procedures that never travel in a batch: a batch would multiply their cost per request. */
export const NEVER_BATCHED = ['auth.login', 'record.upload', 'challenge.register'] as const;

/** The one route that takes large (multipart) bodies. */
export const UPLOAD_PROCEDURE = 'record.upload';
