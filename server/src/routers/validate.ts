import { validatorOverview } from '../services/overview.ts';
import { roleProcedure, router } from '../trpc/init.ts';

export const validateRouter = router({
  /** The validator home: counts of the work waiting for this user. */
  overview: roleProcedure('validator').query(({ ctx }) => validatorOverview(ctx.app.db, ctx.user.id)),
});
