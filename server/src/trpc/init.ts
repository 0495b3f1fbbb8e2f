import { initTRPC, TRPCError } from '@trpc/server';
import { ZodError } from 'zod';
import type { Role } from '#shared/roles.ts';
import type { Context } from './context.ts';
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
const mapErrors = t.middleware(async ({ next }) => {
  const result = await next();
  if (result.ok) return result;
  const cause = result.error.cause;
  if (cause instanceof ServiceError) {
    return { ...result, error: new TRPCError({ code: cause.code, message: cause.message, cause }) };
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
  const group = groupCommitOf(ctx.app.sqlite);
  if (!group) return next();
  const before = group.mark();
  const result = await next();
  const after = group.mark();
  if (after > before) await group.syncUpTo(after);
  return result;
});

export const publicProcedure = t.procedure.meta({ access: 'public' }).use(durableAnswers).use(mapErrors);

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
