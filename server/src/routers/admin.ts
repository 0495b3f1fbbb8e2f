import { CreateUserInput, ResetPasswordInput, UserIdInput } from '#shared/schemas/users.ts';
import { z } from 'zod';
import { badRequest, notFound } from '../services/errors.ts';
import { audioStatus } from '../services/audio-stats.ts';
import {
  AuditQuery,
  AdminExpressionDetail,
  CreateReleaseInput,
  ExpressionIdInput,
  ExpressionListQuery,
  ExpressionPage,
  FillAudioInput,
  FirstRunChecklistView,
  JobIdInput,
  OkResult,
  SetGoldInput,
  SetRolesInput,
  SynthesizeInput,
  UserView,
  VideoStatusChanged,
} from '#shared/schemas/admin.ts';
import { SettingsPatch, SettingsSchema } from '#shared/schemas/settings.ts';
import { listExpressions, setGold } from '../services/expressions-admin.ts';
import { expressionDetail } from '../services/expression-detail.ts';
import { adminChecklist } from '../services/first-run.ts';
import { listReleasesForAdmin } from '../services/releases-admin.ts';
import { updateSettingsFromAdmin } from '../services/settings-admin.ts';
import { listCuration, setVideoStatus } from '../services/curation-admin.ts';
import { listAudit } from '../services/audit-log.ts';
import { dashboard } from '../services/dashboard.ts';
import { CurationPage, CurationQuery, SetVideoStatus } from '#shared/schemas/curation.ts';
import { adminOverview } from '../services/overview.ts';
import { getSettings } from '../services/settings.ts';
import { createUserOnce, listUsers, setPasswordOnce, setUserDisabled, setUserRoles } from '../services/users.ts';
import { roleProcedure, router } from '../trpc/init.ts';
import { adminBatchesRouter } from './admin-batches.ts';
import { adminDatasheetRouter } from './admin-datasheet.ts';
import { adminImportRouter } from './admin-import.ts';
import { adminFlagsRouter, adminObjectsRouter } from './admin-objects.ts';
import { adminQualityRouter } from './admin-quality.ts';
import { adminProbesRouter } from './admin-probes.ts';
import { adminSplitsRouter } from './admin-splits.ts';

/** The admin pages. Thin: each procedure checks its input (schemas in shared/src/schemas) and hands over to services. */
const admin = roleProcedure('admin');

export const adminRouter = router({
  overview: admin.query(({ ctx }) => adminOverview(ctx.app.db)),
  import: adminImportRouter,
  /** The overview's first-run checklist, ticked from the project's state. */
  checklist: admin.output(FirstRunChecklistView).query(({ ctx }) => adminChecklist(ctx.app.db)),

  expressions: router({
    list: admin
      .input(ExpressionListQuery)
      .output(ExpressionPage)
      .query(({ ctx, input }) => listExpressions(ctx.app.db, input)),
    /** One expression with its targets and every answer it got. */
    get: admin
      .input(ExpressionIdInput)
      .output(AdminExpressionDetail)
      .query(({ ctx, input }) => expressionDetail(ctx.app.db, input.expressionId, ctx.user)),
    setGold: admin
      .input(SetGoldInput)
      .output(OkResult)
      .mutation(async ({ ctx, input }) => {
        await setGold(ctx.app.db, input.expressionId, input.gold, ctx.user.id);
        return { ok: true as const };
      }),
  }),

  audio: router({
    status: admin.query(({ ctx }) => audioStatus(ctx.app)),
    synthesize: admin
      .input(SynthesizeInput)
      .mutation(async ({ ctx, input }) => ctx.app.tts.start(input.expressionIds, ctx.user.id)),
    /** "Fill N % of what still needs audio" with synthesized clips. */
    fill: admin
      .input(FillAudioInput)
      .mutation(async ({ ctx, input }) => {
        const ids = await ctx.app.tts.pickShare(input.percent, input.seed);
        if (ids.length === 0) throw badRequest('no accepted expression needs audio');
        return ctx.app.tts.start(ids, ctx.user.id);
      }),
    job: admin.input(JobIdInput).query(async ({ ctx, input }) => {
      const job = await ctx.app.tts.get(input.id);
      if (!job) throw notFound(`job ${input.id}`);
      return job;
    }),
  }),

  settings: router({
    get: admin.output(SettingsSchema).query(({ ctx }) => getSettings(ctx.app.db)),
    update: admin
      .input(SettingsPatch)
      .output(SettingsSchema)
      .mutation(({ ctx, input }) => updateSettingsFromAdmin(ctx.app, input, ctx.user.id)),
  }),

  users: router({
    list: admin.output(z.array(UserView)).query(({ ctx }) => listUsers(ctx.app.db)),
    /** Safe to retry: same request id and password → the first outcome (services/users.ts). */
    create: admin
      .input(CreateUserInput)
      .output(UserView)
      .mutation(({ ctx, input }) => createUserOnce(ctx.app.db, input, { id: input.requestId, actorId: ctx.user.id })),
    setDisabled: admin
      .input(UserIdInput.extend({ disabled: z.boolean() }))
      .output(UserView)
      .mutation(({ ctx, input }) => {
        if (input.userId === ctx.user.id && input.disabled) throw badRequest('you cannot disable your own account');
        return setUserDisabled(ctx.app.db, input.userId, input.disabled, ctx.user.id);
      }),
    /** Replace a user's roles (audited; never one's own admin role, never the last admin's). */
    setRoles: admin
      .input(SetRolesInput)
      .output(UserView)
      .mutation(({ ctx, input }) => setUserRoles(ctx.app.db, input.userId, input.roles, ctx.user.id)),
    resetPassword: admin
      .input(ResetPasswordInput)
      .output(OkResult)
      .mutation(async ({ ctx, input }) => {
        await setPasswordOnce(ctx.app.db, input.userId, input.password, { id: input.requestId, actorId: ctx.user.id });
        return { ok: true as const };
      }),
  }),

  dashboard: admin.query(({ ctx }) => dashboard(ctx.app.db)),

  curation: router({
    list: admin.input(CurationQuery).output(CurationPage).query(({ ctx, input }) => listCuration(ctx.app.db, input)),
    setStatus: admin
      .input(SetVideoStatus)
      .output(VideoStatusChanged)
      .mutation(({ ctx, input }) => setVideoStatus(ctx.app.db, input.videoIds, input.status, ctx.user.id)),
  }),

  batches: adminBatchesRouter,

  /** A video's objects (exclude, restore, merge) and the "bad mask" flags queue. */
  objects: adminObjectsRouter,
  flags: adminFlagsRouter,

  /** Agreement (Krippendorff's α) and per-person reliability. */
  quality: adminQualityRouter,

  /** The single-frame probe (V1): pass rate, flagged expressions, keep or reject. */
  probes: adminProbesRouter,

  audit: router({
    list: admin.input(AuditQuery).query(({ ctx, input }) => listAudit(ctx.app.db, input)),
  }),

  /** A video's split before its first release. */
  splits: adminSplitsRouter,

  /** The releases' datasheet text (licence, citation, motivation, uses, …), copied into each new release. */
  datasheet: adminDatasheetRouter,

  releases: router({
    list: admin.query(({ ctx }) => listReleasesForAdmin(ctx.app.db, ctx.app.exports)),
    /** A new release from the current data; or, with `rebuild`, an existing one written again. */
    create: admin.input(CreateReleaseInput).mutation(({ ctx, input }) => ctx.app.exports.start(input, ctx.user.id)),
  }),
});
