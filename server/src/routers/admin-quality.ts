import { QualityQuery, QualityReport } from '#shared/schemas/quality.ts';
import { qualityReport } from '../services/agreement.ts';
import { roleProcedure, router } from '../trpc/init.ts';

const admin = roleProcedure('admin');

/**
 * The quality page: Krippendorff's α with its bootstrap interval (overall, per split, per week) and
 * per-person reliability with flags (services/agreement.ts). Bounded: the bootstrap's resamples and
 * the date range are capped by the schema, the work yields to the event loop, and one report is
 * computed at a time and cached until the data change.
 */
export const adminQualityRouter = router({
  report: admin
    .input(QualityQuery)
    .output(QualityReport)
    .query(({ ctx, input }) => qualityReport(ctx.app.db, input)),
});
