import { getSettings } from '../services/settings.ts';
import { z } from 'zod';
import { MyRecording, SpeakerProfile, ToRecord, UploadFields, UploadResult } from '#shared/schemas/record.ts';
import { speakerOverview } from '../services/overview.ts';
import { getProfile, myRecordings, nextToRecord, setProfile, skipRecording, submitRecording } from '../services/recording.ts';
import { badRequest } from '../services/errors.ts';
import { roleProcedure, router } from '../trpc/init.ts';

const speaker = roleProcedure('speaker');

export const recordRouter = router({
  /** The speaker home: counts of the work waiting for this user. */
  overview: speaker.query(({ ctx }) => speakerOverview(ctx.app.db, ctx.user.id)),

  /** Whether the server can take recordings at all (ffmpeg present), and why not. */
  status: speaker.output(z.object({ enabled: z.boolean(), note: z.string().nullable(), minWpm: z.number(), maxWpm: z.number() })).query(async ({ ctx }) => {
    const tools = await ctx.app.audio.tools();
    // The page checks takes with the same speaking-rate target the server enforces.
    const { minWpm, maxWpm } = await getSettings(ctx.app.db);
    return tools.ffmpeg ? { enabled: true, note: null, minWpm, maxWpm } : { enabled: false, note: 'Recording is switched off: ffmpeg is not installed on the server.', minWpm, maxWpm };
  }),

  next: speaker.output(ToRecord.nullable()).mutation(({ ctx }) => nextToRecord(ctx.app.db, ctx.user.id)),

  skip: speaker
    .input(z.object({ expressionId: z.number().int().positive() }))
    .output(ToRecord.nullable())
    .mutation(async ({ ctx, input }) => {
      await skipRecording(ctx.app.db, ctx.user.id, input.expressionId);
      return nextToRecord(ctx.app.db, ctx.user.id);
    }),

  /** multipart: uid, expressionId, acknowledged (JSON) and the take as `file`. */
  upload: speaker
    .input(z.instanceof(FormData))
    .output(UploadResult)
    .mutation(async ({ ctx, input }) => {
      const fields = UploadFields.safeParse(Object.fromEntries([...input.entries()].filter(([, v]) => typeof v === 'string')));
      if (!fields.success) {
        const issue = fields.error.issues[0]!;
        throw badRequest(`invalid upload field ${issue.path.join('.')}: ${issue.message}`);
      }
      const file = input.get('file');
      if (!(file instanceof Blob)) throw badRequest('the upload has no audio file');
      return submitRecording(ctx.app, ctx.user.id, { ...fields.data, bytes: new Uint8Array(await file.arrayBuffer()) });
    }),

  mine: speaker.output(z.array(MyRecording)).query(({ ctx }) => myRecordings(ctx.app.db, ctx.user.id)),

  profile: router({
    get: speaker.output(SpeakerProfile).query(({ ctx }) => getProfile(ctx.app.db, ctx.user.id)),
    set: speaker
      .input(SpeakerProfile)
      .output(SpeakerProfile)
      .mutation(({ ctx, input }) => setProfile(ctx.app.db, ctx.user.id, input)),
  }),
});
