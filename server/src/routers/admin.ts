import { CreateUserInput, PasswordSchema, RoleSchema, UserIdInput } from '#shared/schemas/users.ts';
import { z } from 'zod';
import { badRequest, notFound } from '../services/errors.ts';
import { audioStats } from '../services/audio-stats.ts';
import { describeMissing } from '../audio/tools.ts';
import { EXPRESSION_KINDS, EXPRESSION_ORIGINS, EXPRESSION_STATUSES, REJECT_REASONS } from '#shared/domain.ts';
import { SettingsPatch, SettingsSchema } from '#shared/schemas/settings.ts';
import { listExpressions, setGold } from '../services/expressions-admin.ts';
import { listReleases } from '../services/export/plan.ts';
import { listCuration, setVideoStatus } from '../services/curation-admin.ts';
import { backfillCuration } from '../services/curation.ts';
import { listAudit } from '../services/audit-log.ts';
import { dashboard } from '../services/dashboard.ts';
import { CurationPage, CurationQuery, SetVideoStatus } from '#shared/schemas/curation.ts';
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

  audio: router({
    status: admin.query(async ({ ctx }) => {
      const tools = await ctx.app.audio.tools();
      return {
        tools: { ffmpeg: Boolean(tools.ffmpeg), sox: Boolean(tools.sox), espeakNg: Boolean(tools.espeakNg), pocketsphinx: Boolean(tools.pocketsphinx) },
        missing: describeMissing(tools),
        stats: audioStats(ctx.app.db),
        jobs: ctx.app.tts.list(),
      };
    }),
    synthesize: admin
      .input(z.object({ expressionIds: z.array(z.number().int().positive()).min(1).max(5000) }))
      .mutation(async ({ ctx, input }) => ctx.app.tts.start(input.expressionIds, ctx.user.id)),
    /** "Fill N % of what still needs audio" with synthesized clips. */
    fill: admin
      .input(z.object({ percent: z.number().min(1).max(100), seed: z.number().int().min(0).default(1) }))
      .mutation(async ({ ctx, input }) => {
        const ids = ctx.app.tts.pickShare(input.percent, input.seed);
        if (ids.length === 0) throw badRequest('no accepted expression needs audio');
        return ctx.app.tts.start(ids, ctx.user.id);
      }),
    job: admin.input(z.object({ id: z.uuid() })).query(({ ctx, input }) => {
      const job = ctx.app.tts.get(input.id);
      if (!job) throw notFound(`job ${input.id}`);
      return job;
    }),
  }),

  settings: router({
    get: admin.output(SettingsSchema).query(({ ctx }) => getSettings(ctx.app.db)),
    update: admin
      .input(SettingsPatch)
      .output(SettingsSchema)
      .mutation(({ ctx, input }) => {
        const before = getSettings(ctx.app.db).lookalikeMaxDistance;
        const after = updateSettings(ctx.app.db, input, ctx.user.id);
        // Stored look-alike pairs were cut at the old distance: rescore in the background.
        if (after.lookalikeMaxDistance !== before) {
          void backfillCuration(ctx.app, undefined, { all: true }).catch((err: unknown) => ctx.app.log.warn({ err }, 'curation rescoring failed'));
        }
        return after;
      }),
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

  dashboard: admin.query(({ ctx }) => dashboard(ctx.app.db)),

  curation: router({
    list: admin.input(CurationQuery).output(CurationPage).query(({ ctx, input }) => listCuration(ctx.app.db, input)),
    setStatus: admin
      .input(SetVideoStatus)
      .output(z.object({ changed: z.number().int() }))
      .mutation(({ ctx, input }) => setVideoStatus(ctx.app.db, input.videoIds, input.status, ctx.user.id)),
  }),

  audit: router({
    list: admin
      .input(
        z.object({
          action: z.string().trim().max(60).optional(),
          entity: z.string().trim().max(40).optional(),
          entityId: z.string().trim().max(60).optional(),
          actor: z.string().trim().max(60).optional(),
          before: z.number().int().positive().optional(),
          limit: z.number().int().min(1).max(200).default(50),
        }),
      )
      .query(({ ctx, input }) => listAudit(ctx.app.db, input)),
  }),

  releases: router({
    list: admin.query(({ ctx }) =>
      listReleases(ctx.app.db).map((r) => ({ ...r, onDisk: ctx.app.exports.isWritten(r.version), job: ctx.app.exports.get(r.version) })),
    ),
    /** A new release from the current data; or, with `rebuild`, an existing one written again. */
    create: admin
      .input(
        z.object({
          version: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,39}$/, 'a version is 1–40 letters, digits, ".", "_" or "-"').optional(),
          seed: z.number().int().min(0).max(2 ** 31).optional(),
          notes: z.string().max(2000).optional(),
          requireAudio: z.boolean().default(false),
          rebuild: z.string().max(40).optional(),
        }),
      )
      .mutation(({ ctx, input }) => ctx.app.exports.start(input, ctx.user.id)),
  }),
});
