import { initTRPC, TRPCError } from '@trpc/server';
import { ZodError } from 'zod';
import type { Role } from '#shared/roles.ts';
import type { Context } from './context.ts';
import { BUSY_DEADLINE_MS, BUSY_PAUSES_MS, DatabaseBusyError, isBusy } from '../db/busy.ts';
import { countingCommits } from '../db/commits.ts';
import { groupCommitOf } from '../db/group-commit.ts';
import { ServiceError } from '../services/errors.ts';

/** Who may call a procedure; read back by the access-matrix test. */
export interface ProcedureMeta {
  access: 'public' | 'authed' | readonly Role[];
}

const t = initTRPC
  .context<Context>()
  .meta<ProcedureMeta>()
  .create({
    errorFormatter({ shape, error }) {
      const details = error.cause instanceof ServiceError ? error.cause.details : undefined;
      return {
        ...shape,
        // Internal errors are logged with detail on the server; clients get no stack or internals.
        message: error.code === 'INTERNAL_SERVER_ERROR' ? 'internal error (logged on the server)' : shape.message,
        data: { code: shape.data.code, httpStatus: shape.data.httpStatus, path: shape.data.path, details },
      };
    },
  });

export const router = t.router;
export const middleware = t.middleware;
export const createCallerFactory = t.createCallerFactory;

/**
 * Services throw ServiceError (they know nothing of tRPC): turn them into typed errors. Invalid
 * input gets one readable sentence instead of zod's JSON dump. (Output validation failures stay
 * internal errors: they are our bugs, not the caller's.)
 */
const hasCode = (err: unknown, code: string): boolean => {
  for (let e = err, depth = 0; e && depth < 4; e = (e as { cause?: unknown }).cause, depth++) if ((e as { code?: unknown }).code === code) return true;
  return false;
};

const mapErrors = t.middleware(async ({ next }) => {
  const result = await next();
  if (result.ok) return result;
  const cause = result.error.cause;
  if (cause instanceof ServiceError) {
    return { ...result, error: new TRPCError({ code: cause.code, message: cause.message, cause }) };
  }
  // A number past a column's range (PostgreSQL 22003: an id above 2^31 − 1) is the caller's input,
  // not our failure; SQLite stores any 64-bit integer and simply finds no row.
  if (hasCode(cause, '22003')) {
    return { ...result, error: new TRPCError({ code: 'BAD_REQUEST', message: 'invalid input: a number is out of range', cause }) };
  }
  if (result.error.code === 'BAD_REQUEST' && cause instanceof ZodError) {
    const issue = cause.issues[0];
    const where = issue?.path.length ? ` at ${issue.path.join('.')}` : '';
    return { ...result, error: new TRPCError({ code: 'BAD_REQUEST', message: `invalid input${where}: ${issue?.message ?? 'malformed'}`, cause }) };
  }
  return result;
});

/**
 * Under group commit (db/group-commit.ts) a request is answered only once what it committed is on
 * disk: "saved" means saved. Requests that wrote nothing, or only leases and session touches, are
 * answered at once.
 */
const durableAnswers = t.middleware(async ({ ctx, next }) => {
  const { database } = ctx.app;
  // PostgreSQL commits are durable when they return; only SQLite's group commit answers later.
  const group = database.dialect === 'sqlite' ? groupCommitOf(database.sqlite) : undefined;
  if (!group) return next();
  const before = group.mark();
  const result = await next();
  const after = group.mark();
  if (after > before) await group.syncUpTo(after);
  return result;
});

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * The server's connection never waits for SQLite's write lock (a wait would be a synchronous sleep
 * of the whole event loop; db/client.ts setBusyTimeout). A procedure that meets a lock held by
 * another process (the CLI importing, a backup) gets SQLITE_BUSY at once and is run again after an
 * asynchronous pause of 2, 4, 8 … 50 ms, until BUSY_DEADLINE_MS, and then answered 503 "database
 * busy". Only an attempt that committed nothing is redone (db/commits.ts counts its commits); one
 * that committed a first transaction and met the lock in a second is answered 503 at once, since a
 * redo would apply the first twice. BUSY_SNAPSHOT (a read snapshot gone stale before the write) is
 * retried the same way: the failed transaction rolled back, so the redo starts clean.
 */
const retryWhenBusy = t.middleware(async ({ ctx, next }) => {
  const deadline = Date.now() + BUSY_DEADLINE_MS;
  for (let attempt = 0; ; attempt++) {
    const { result, commits } = await countingCommits(() => next());
    if (result.ok) return result;
    const cause = result.error.cause;
    const gaveUp = cause instanceof DatabaseBusyError;
    if (!gaveUp && !isBusy(cause)) return result;
    const pause = BUSY_PAUSES_MS[Math.min(attempt, BUSY_PAUSES_MS.length - 1)]!;
    if (commits === 0 && !gaveUp && Date.now() + pause <= deadline) {
      await sleep(pause);
      continue;
    }
    const message =
      commits === 0
        ? ctx.app.database.dialect === 'sqlite'
          ? 'the database is busy (another program is writing to it); please try again'
          : 'the database is busy (other requests kept changing the same rows); please try again'
        : 'the database became busy part-way through; what was saved before stays saved, please check and try again';
    return { ...result, error: new TRPCError({ code: 'SERVICE_UNAVAILABLE', message, cause: result.error }) };
  }
});

export const publicProcedure = t.procedure.meta({ access: 'public' }).use(durableAnswers).use(retryWhenBusy).use(mapErrors);

export const authedProcedure = publicProcedure.meta({ access: 'authed' }).use(({ ctx, next }) => {
  if (!ctx.user) throw new TRPCError({ code: 'UNAUTHORIZED', message: 'please log in' });
  return next({ ctx: { ...ctx, user: ctx.user } });
});

/** The role check runs before input parsing, so a denied caller learns nothing from validation. */
export function roleProcedure(...roles: Role[]) {
  return authedProcedure.meta({ access: roles }).use(({ ctx, next }) => {
    if (!ctx.user.roles.some((r) => roles.includes(r))) {
      throw new TRPCError({ code: 'FORBIDDEN', message: `this needs the ${roles.join(' or ')} role` });
    }
    return next();
  });
}
