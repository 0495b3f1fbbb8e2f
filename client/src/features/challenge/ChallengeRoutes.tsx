import { Redirect, Route, Switch } from 'wouter';
import { PageTitle } from '../../ui/PageTitle.tsx';
import { ChallengePage } from './ChallengePage.tsx';
import { ParticipantHome } from './ParticipantHome.tsx';
import { ResultsPage } from './ResultsPage.tsx';
import { SubmissionPage } from './SubmissionPage.tsx';

/** Everything under /challenges (mounted with `nest` in App.tsx: paths here are relative to it). */
export function ChallengeRoutes() {
  return (
    <Switch>
      <Route path="/">
        <PageTitle title="Challenges" />
        <ParticipantHome />
      </Route>
      {/* The admin's side lives in the cockpit (Admin → Challenge); old links land there. */}
      <Route path="/admin">
        <Redirect to="~/admin/challenge" replace />
      </Route>
      <Route path="/submissions/:id">
        {(p) => (
          <>
            <PageTitle title="Submission" />
            <SubmissionPage submissionId={Number(p.id)} />
          </>
        )}
      </Route>
      <Route path="/:id/results">
        {(p) => (
          <>
            <PageTitle title="Challenge results" />
            <ResultsPage challengeId={Number(p.id)} />
          </>
        )}
      </Route>
      <Route path="/:id">
        {(p) => (
          <>
            <PageTitle title="Challenge" />
            <ChallengePage challengeId={Number(p.id)} />
          </>
        )}
      </Route>
    </Switch>
  );
}
