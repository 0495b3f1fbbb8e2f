import { AdminProbePage, AdminProbeQuery, AdminProbeStats, ProbeDecisionInput, ProbeDecisionResult } from '#shared/schemas/probe.ts';
import { decideProbe, listProbes, probeStats } from '../services/probes.ts';
import { roleProcedure, router } from '../trpc/init.ts';

const admin = roleProcedure('admin');

/**
 * The single-frame probe's admin page (services/probes.ts): the pass rate, the expressions a
 * prober identified from one frame (sentence, frame, what was picked), and the decision on each:
 * keep, or reject under V1 (the expression becomes rejected, reason single_frame).
 */
export const adminProbesRouter = router({
  stats: admin.output(AdminProbeStats).query(({ ctx }) => probeStats(ctx.app.db)),
  list: admin
    .input(AdminProbeQuery)
    .output(AdminProbePage)
    .query(({ ctx, input }) => listProbes(ctx.app.db, input)),
  decide: admin
    .input(ProbeDecisionInput)
    .output(ProbeDecisionResult)
    .mutation(({ ctx, input }) => decideProbe(ctx.app.db, ctx.user.id, input.probeId, input.decision)),
});
