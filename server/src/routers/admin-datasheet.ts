import { DatasheetText } from '#shared/schemas/datasheet.ts';
import { getDatasheet, updateDatasheet } from '../services/datasheet.ts';
import { roleProcedure, router } from '../trpc/init.ts';

const admin = roleProcedure('admin');

/**
 * The datasheet's admin-written text (Admin → Datasheet): the motivation, uses, distribution and
 * maintenance prose, the licence and the citation that the next release copies into its README.
 */
export const adminDatasheetRouter = router({
  get: admin.output(DatasheetText).query(({ ctx }) => getDatasheet(ctx.app.db)),
  /** The whole text at once (the page saves the form): length-limited, control characters refused. */
  update: admin
    .input(DatasheetText)
    .output(DatasheetText)
    .mutation(({ ctx, input }) => updateDatasheet(ctx.app.db, input, ctx.user.id)),
});
