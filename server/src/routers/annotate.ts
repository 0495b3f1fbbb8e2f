import { annotatorOverview } from '../services/overview.ts';
import { roleProcedure, router } from '../trpc/init.ts';

export const annotateRouter = router({
  /** The annotator home: counts of the work waiting for this user. */
  overview: roleProcedure('annotator').query(({ ctx }) => annotatorOverview(ctx.app.db, ctx.user.id)),
});
