import { MAX_BUSY_PAUSE_MS, retryOnBusy } from './busy.ts';
import type { Db, Tx } from './client.ts';

export interface SliceOptions {
  /** Work per transaction before it commits (ms; default 40). */
  sliceMs?: number;
  /** Pause between transactions (ms; default 60). */
  gapMs?: number;
}

/** One small write of a sliced job, run in the slice's transaction; what it returns goes back to the generator. */
export type Step = (tx: Tx) => Promise<unknown>;

/**
 * A step that inserts one row and resolves to its id (`insert` gets undefined, then that id). Run
 * again after its slice rolled back, it inserts the row under the id it got the first time: the
 * steps after it already hold that id, and PostgreSQL does not roll its sequences back.
 */
export function insertOnce(insert: (tx: Tx, id: number | undefined) => PromiseLike<{ id: number }[]>): Step {
  let id: number | undefined;
  return async (tx) => (id = (await insert(tx, id))[0]!.id);
}

/**
 * How a long write (an import: at MeViS scale half a million rows) shares the database with the
 * server. It runs as a series of transactions, each ending after `sliceMs` of work, with a pause of
 * `gapMs` between them. On SQLite (one write lock) the server never waits on the lock: a request
 * that meets it retries every ≤ MAX_BUSY_PAUSE_MS (db/busy.ts), so a gap longer than that lets every
 * waiting request in, and none waits much longer than one slice; without the gaps the writer takes
 * the lock again within microseconds of releasing it, and the server's retries almost never find it
 * free. On PostgreSQL the slices keep each transaction short too.
 *
 * `steps` is a generator of small writes (a few hundred rows each), each a function of the slice's
 * transaction; the value a step resolves to is what its `yield` returns to the generator. A slice
 * that fails as busy (SQLITE_BUSY at its start, or a PostgreSQL serialization failure anywhere) is
 * rolled back and its steps are run again in the next try, so no step is lost; a step run again
 * must resolve to what it did the first time, since the generator already has that value (an
 * inserted row's id: insertOnce above). `finish` runs in the transaction of the last step if that
 * slice has room, otherwise in one of its own, so a small write is one transaction as before; it
 * too may run more than once.
 */
export async function writeInSlices<T>(db: Db, steps: Generator<Step, void, unknown>, finish: (tx: Tx) => Promise<T>, opts: SliceOptions = {}): Promise<T> {
  const sliceMs = opts.sliceMs ?? 40;
  const gapMs = opts.gapMs ?? MAX_BUSY_PAUSE_MS + 10;
  let stepsDone = false;
  let lastResult: unknown;
  for (let first = true; ; first = false) {
    if (!first) await new Promise((r) => setTimeout(r, gapMs));
    // The steps this slice took from the generator: a retry replays them (their transaction rolled back).
    const taken: Step[] = [];
    let doneAfterTaken: boolean = stepsDone;
    const out = await retryOnBusy(() =>
      db.transaction(async (tx) => {
        const started = performance.now();
        for (const step of taken) lastResult = await step(tx);
        // At least one step per transaction, however short the slice.
        while (!doneAfterTaken && (taken.length === 0 || performance.now() - started < sliceMs)) {
          const next = steps.next(lastResult);
          if (next.done) {
            doneAfterTaken = true;
            break;
          }
          taken.push(next.value);
          lastResult = await next.value(tx);
        }
        if (doneAfterTaken && (taken.length === 0 || performance.now() - started < sliceMs)) return { value: await finish(tx) };
        return null;
      }),
    );
    stepsDone = doneAfterTaken;
    if (out) return out.value;
  }
}
