import { LoginInput, SessionUser } from '#shared/schemas/users.ts';
import { z } from 'zod';
import { SESSION_COOKIE, deleteSession } from '../auth/sessions.ts';
import { login } from '../auth/login.ts';
import { publicProcedure, router } from '../trpc/init.ts';

export const authRouter = router({
  login: publicProcedure
    .input(LoginInput)
    .output(z.object({ user: SessionUser }))
    .mutation(async ({ ctx, input }) => {
      const { user, token, expiresAt } = await login(ctx.app, input.username, input.password, ctx.ip);
      ctx.cookies.set(SESSION_COOKIE, token, { maxAgeMs: expiresAt - Date.now() });
      return { user };
    }),

  // Public and idempotent: logging out of an already expired session is not an error.
  logout: publicProcedure.output(z.object({ ok: z.literal(true) })).mutation(({ ctx }) => {
    if (ctx.sessionId) deleteSession(ctx.app.db, ctx.sessionId);
    ctx.cookies.clear(SESSION_COOKIE);
    return { ok: true as const };
  }),

  /** null when not logged in: the client uses it to decide between login page and home. */
  me: publicProcedure.output(SessionUser.nullable()).query(({ ctx }) => ctx.user),
});
