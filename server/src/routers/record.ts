import { speakerOverview } from '../services/overview.ts';
import { roleProcedure, router } from '../trpc/init.ts';

export const recordRouter = router({
  /** The speaker home: counts of the work waiting for this user. */
  overview: roleProcedure('speaker').query(({ ctx }) => speakerOverview(ctx.app.db, ctx.user.id)),
});
