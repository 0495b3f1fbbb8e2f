import { lazy, Suspense, type ReactElement } from 'react';
import { PageTitle } from '../../ui/PageTitle.tsx';

const ResultsPage = lazy(() => import('./ResultsPage.tsx').then((m) => ({ default: m.ResultsPage })));
const JoinPage = lazy(() => import('./JoinPage.tsx').then((m) => ({ default: m.JoinPage })));

/**
 * Pages that open without logging in: a challenge's results (citable; the server answers only
 * for public leaderboards) and self-registration with an invite code. Null for every other path.
 */
export function publicChallengePage(pathname: string): ReactElement | null {
  const results = /^\/challenges\/(\d+)\/results\/?$/.exec(pathname);
  if (!results && pathname !== '/join') return null;
  const loading = <p className="muted">Loading…</p>;
  if (!results) {
    return (
      <Suspense fallback={loading}>
        <JoinPage />
      </Suspense>
    );
  }
  return (
    <main>
      <PageTitle title="Challenge results" />
      <Suspense fallback={loading}>
        <ResultsPage challengeId={Number(results[1])} />
      </Suspense>
      <p className="small">
        <a href="/">Log in</a>
      </p>
    </main>
  );
}
