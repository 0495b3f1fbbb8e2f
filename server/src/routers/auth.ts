import { ChangePasswordInput, LoginInput, SessionUser } from '#shared/schemas/users.ts';
import { z } from 'zod';
import { SESSION_COOKIE, deleteSession } from '../auth/sessions.ts';
import { login } from '../auth/login.ts';
import { changeOwnPassword } from '../auth/change-password.ts';
import { DEVICE_COOKIE, DEVICE_MAX_AGE_MS } from '../auth/devices.ts';
import { authedProcedure, publicProcedure, router } from '../trpc/init.ts';

export const authRouter = router({
  login: publicProcedure
    .input(LoginInput)
    .output(z.object({ user: SessionUser }))
    .mutation(async ({ ctx, input }) => {
      const { user, token, expiresAt, deviceToken } = await login(ctx.app, input.username, input.password, ctx.ip, ctx.cookies.get(DEVICE_COOKIE));
      ctx.cookies.set(SESSION_COOKIE, token, { maxAgeMs: expiresAt - Date.now() });
      // The known-device token: this browser's later logins skip the guessers' backoff.
      ctx.cookies.set(DEVICE_COOKIE, deviceToken, { maxAgeMs: DEVICE_MAX_AGE_MS });
      return { user };
    }),

  // Public and idempotent: logging out of an already expired session is not an error.
  logout: publicProcedure.output(z.object({ ok: z.literal(true) })).mutation(async ({ ctx }) => {
    if (ctx.sessionId) await deleteSession(ctx.app.db, ctx.sessionId);
    ctx.cookies.clear(SESSION_COOKIE);
    return { ok: true as const };
  }),

  /** Any signed-in user, with their current password; their other sessions end. */
  changePassword: authedProcedure
    .input(ChangePasswordInput)
    .output(z.object({ ok: z.literal(true), sessionsEnded: z.number().int() }))
    .mutation(async ({ ctx, input }) => {
      const { sessionsEnded } = await changeOwnPassword(ctx.app.db, ctx.user.id, ctx.sessionId, input.currentPassword, input.newPassword);
      return { ok: true as const, sessionsEnded };
    }),

  /** null when not logged in: the client uses it to decide between login page and home. */
  me: publicProcedure.output(SessionUser.nullable()).query(({ ctx }) => ctx.user),
});
