import { useQuery } from '@tanstack/react-query';
import { useTRPC } from '../../trpc.ts';
import { Stat } from '../../ui/Stat.tsx';

export function ValidatorHome() {
  const trpc = useTRPC();
  const o = useQuery(trpc.validate.overview.queryOptions()).data;
  return (
    <section className="role-home" data-testid="home-validator">
      <h2>Validate</h2>
      <p className="muted">
        Read an expression, watch the video, and pick the objects it refers to — without seeing what the annotator chose.
      </p>
      {o && (
        <div className="stats">
          <Stat label="samples waiting for you" value={o.waitingForMe} testId="stat-validate-waiting" />
          <Stat label="answered by you" value={o.answered} />
        </div>
      )}
    </section>
  );
}
