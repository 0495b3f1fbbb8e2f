import { QualityQuery, QualityReport } from '#shared/schemas/quality.ts';
import { z } from 'zod';
import { ExcludeInput, ExclusionPreview, ExclusionResult, ExclusionRow, ExclusionTarget } from '#shared/schemas/rater-exclusion.ts';
import { qualityReport } from '../services/agreement.ts';
import { excludeRater, listExclusions, previewExclusion } from '../services/rater-exclusion.ts';
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
  /** What taking a person's answers out would do (services/rater-exclusion.ts); changes nothing. */
  exclusionPreview: admin
    .input(ExclusionTarget)
    .output(ExclusionPreview)
    .query(({ ctx, input }) => previewExclusion(ctx.app.db, input, ctx.user.id)),
  /** Takes a person's answers out of the next round: their samples re-enter validation (audited). */
  exclude: admin
    .input(ExcludeInput)
    .output(ExclusionResult)
    .mutation(({ ctx, input }) => excludeRater(ctx.app.db, input, ctx.user.id)),
  exclusions: admin.output(z.array(ExclusionRow)).query(({ ctx }) => listExclusions(ctx.app.db)),
});
