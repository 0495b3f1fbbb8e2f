import { router } from '../trpc/init.ts';
import { adminRouter } from './admin.ts';
import { authRouter } from './auth.ts';
import { challengeRouter } from './challenge.ts';
import { probeRouter } from './probe.ts';
import { annotateRouter } from './annotate.ts';
import { recordRouter } from './record.ts';
import { validateRouter } from './validate.ts';
import { verifyRouter } from './verify.ts';
import { videosRouter } from './videos.ts';

export const appRouter = router({
  auth: authRouter,
  videos: videosRouter,
  annotate: annotateRouter,
  validate: validateRouter,
  probe: probeRouter,
  record: recordRouter,
  verify: verifyRouter,
  admin: adminRouter,
  challenge: challengeRouter,
});

export type AppRouter = typeof appRouter;
