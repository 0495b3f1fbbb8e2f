import { CreateUserInput, PasswordSchema, RoleSchema, UserIdInput } from '#shared/schemas/users.ts';
import { z } from 'zod';
import { badRequest } from '../services/errors.ts';
import { adminOverview } from '../services/overview.ts';
import { createUser, listUsers, setPassword, setUserDisabled } from '../services/users.ts';
import { roleProcedure, router } from '../trpc/init.ts';

const admin = roleProcedure('admin');

const UserView = z.object({
  id: z.number().int(),
  username: z.string(),
  roles: z.array(RoleSchema),
  disabled: z.boolean(),
  createdAt: z.number(),
});

export const adminRouter = router({
  overview: admin.query(({ ctx }) => adminOverview(ctx.app.db)),

  users: router({
    list: admin.output(z.array(UserView)).query(({ ctx }) => listUsers(ctx.app.db)),
    create: admin
      .input(CreateUserInput)
      .output(UserView.extend({ generatedPassword: z.string().optional() }))
      .mutation(({ ctx, input }) => createUser(ctx.app.db, input, ctx.user.id)),
    setDisabled: admin
      .input(UserIdInput.extend({ disabled: z.boolean() }))
      .output(UserView)
      .mutation(({ ctx, input }) => {
        if (input.userId === ctx.user.id && input.disabled) throw badRequest('you cannot disable your own account');
        return setUserDisabled(ctx.app.db, input.userId, input.disabled, ctx.user.id);
      }),
    resetPassword: admin
      .input(UserIdInput.extend({ password: PasswordSchema }))
      .output(z.object({ ok: z.literal(true) }))
      .mutation(async ({ ctx, input }) => {
        await setPassword(ctx.app.db, input.userId, input.password, ctx.user.id);
        return { ok: true as const };
      }),
  }),
});
