import { useQuery } from '@tanstack/react-query';
import { Link } from 'wouter';
import { useTRPC } from '../../trpc.ts';
import { Stat } from '../../ui/Stat.tsx';
import { ProbeLink } from '../probe/ProbeLink.tsx';

const pct = (x: number | null) => (x === null ? '–' : `${Math.round(x * 100)}%`);

export function ValidatorHome() {
  const trpc = useTRPC();
  const o = useQuery(trpc.validate.overview.queryOptions()).data;
  const stats = useQuery(trpc.validate.stats.queryOptions()).data;
  const board = useQuery(trpc.validate.leaderboard.queryOptions()).data;
  return (
    <section className="role-home" data-testid="home-validator">
      <h2>Validate</h2>
      <p className="muted">
        Read an expression, watch the video, and pick the objects it refers to — without seeing what the annotator chose.
      </p>
      <p>
        <Link href="/validate" className="button primary" data-testid="start-validating">
          Start validating
        </Link>{' '}
        <Link href="/verify" className="button" data-testid="start-verifying">
          Check audio clips
        </Link>
      </p>
      <ProbeLink />
      <div className="stats">
        {o && <Stat label="samples waiting for you" value={o.waitingForMe} testId="stat-validate-waiting" />}
        {o && <Stat label="answered by you" value={o.answered} />}
        {stats && <Stat label="agreement with outcomes" value={pct(stats.accuracy)} />}
        {stats && <Stat label="gold accuracy" value={pct(stats.goldAccuracy)} />}
        {stats && <Stat label="points" value={stats.points.toFixed(1)} testId="stat-points" />}
      </div>
      {board && board.length > 0 && (
        <>
          <h3>Leaderboard</h3>
          <p className="muted small">Ranked by points: correct answers weighted by accuracy, so care beats volume.</p>
          <table className="table" data-testid="leaderboard">
            <thead>
              <tr>
                <th>#</th>
                <th>Validator</th>
                <th>Points</th>
                <th>Answered</th>
                <th>Agreement</th>
                <th>Gold</th>
              </tr>
            </thead>
            <tbody>
              {board.map((b) => (
                <tr key={b.username}>
                  <td>{b.rank}</td>
                  <td>{b.username}</td>
                  <td>{b.points.toFixed(1)}</td>
                  <td>{b.answered}</td>
                  <td>{pct(b.accuracy)}</td>
                  <td>{pct(b.goldAccuracy)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </>
      )}
    </section>
  );
}
