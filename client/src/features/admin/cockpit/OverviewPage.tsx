import { useQuery } from '@tanstack/react-query';
import { useTRPC } from '../../../trpc.ts';
import { Dashboard } from '../dashboard/Dashboard.tsx';
import { ProjectStats } from '../ProjectStats.tsx';
import { FirstRunChecklist } from './FirstRunChecklist.tsx';

/** The cockpit's first page: what to do next, the counts, and the dashboard. */
export function OverviewPage() {
  const trpc = useTRPC();
  // The project's state changes while the admin watches; a minute is fresh enough for plots.
  const dash = useQuery({ ...trpc.admin.dashboard.queryOptions(), refetchInterval: 60_000 });
  return (
    <>
      <h4>First steps</h4>
      <FirstRunChecklist />
      <h4>Counts</h4>
      <ProjectStats />
      <h4 id="dashboard">Dashboard</h4>
      {dash.isError && <p className="error">{dash.error.message}</p>}
      {dash.data ? <Dashboard data={dash.data} /> : <p className="muted">Loading the dashboard…</p>}
    </>
  );
}
