import { CreateUserInput, PasswordSchema, RoleSchema, UserIdInput } from '#shared/schemas/users.ts';
import { z } from 'zod';
import { badRequest } from '../services/errors.ts';
import { EXPRESSION_KINDS, EXPRESSION_ORIGINS, EXPRESSION_STATUSES, REJECT_REASONS } from '#shared/domain.ts';
import { SettingsPatch, SettingsSchema } from '#shared/schemas/settings.ts';
import { listExpressions, setGold } from '../services/expressions-admin.ts';
import { adminOverview } from '../services/overview.ts';
import { getSettings, updateSettings } from '../services/settings.ts';
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

const ExpressionRow = z.object({
  id: z.number().int(),
  videoId: z.number().int(),
  videoName: z.string(),
  text: z.string(),
  kind: z.enum(EXPRESSION_KINDS),
  status: z.enum(EXPRESSION_STATUSES),
  rejectReason: z.enum(REJECT_REASONS).nullable(),
  origin: z.enum(EXPRESSION_ORIGINS),
  gold: z.boolean(),
  author: z.string().nullable(),
  createdAt: z.number(),
  /** Only for decided samples. */
  targets: z.array(z.number().int()).nullable(),
});

export const adminRouter = router({
  overview: admin.query(({ ctx }) => adminOverview(ctx.app.db)),

  expressions: router({
    list: admin
      .input(
        z.object({
          status: z.enum(EXPRESSION_STATUSES).optional(),
          gold: z.boolean().optional(),
          limit: z.number().int().min(1).max(500).default(50),
          offset: z.number().int().min(0).default(0),
        }),
      )
      .output(z.object({ total: z.number().int(), expressions: z.array(ExpressionRow) }))
      .query(({ ctx, input }) => listExpressions(ctx.app.db, input)),
    setGold: admin
      .input(z.object({ expressionId: z.number().int().positive(), gold: z.boolean() }))
      .output(z.object({ ok: z.literal(true) }))
      .mutation(({ ctx, input }) => {
        setGold(ctx.app.db, input.expressionId, input.gold, ctx.user.id);
        return { ok: true as const };
      }),
  }),

  settings: router({
    get: admin.output(SettingsSchema).query(({ ctx }) => getSettings(ctx.app.db)),
    update: admin
      .input(SettingsPatch)
      .output(SettingsSchema)
      .mutation(({ ctx, input }) => updateSettings(ctx.app.db, input, ctx.user.id)),
  }),

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
