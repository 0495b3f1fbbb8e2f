import { useQuery } from '@tanstack/react-query';
import { Link } from 'wouter';
import { useTRPC } from '../../trpc.ts';

/** On the validator home: the single-frame probes waiting for this validator, and the way to them. */
export function ProbeLink() {
  const trpc = useTRPC();
  const o = useQuery(trpc.probe.overview.queryOptions()).data;
  if (!o) return null;
  return (
    <p data-testid="probe-link">
      <Link href="/validate/probe" className="button" data-testid="start-probing">
        Single-frame probes
      </Link>{' '}
      <span className="muted">
        <span data-testid="stat-probes-waiting">{o.waitingForMe}</span> waiting for you: one frame of a video you have not seen, and a sentence.
      </span>
    </p>
  );
}
