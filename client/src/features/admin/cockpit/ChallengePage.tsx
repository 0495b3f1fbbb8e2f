import { ChallengeAdminPanel } from '../../challenge/ChallengeAdminPanel.tsx';

/** Admin → Challenge: open and run challenges on a release's withheld split (README, Benchmark). */
export function ChallengePage() {
  return (
    <div data-testid="challenge-page">
      <ChallengeAdminPanel />
    </div>
  );
}
