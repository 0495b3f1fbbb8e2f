import { useQuery } from '@tanstack/react-query';
import { Link } from 'wouter';
import { useTRPC } from '../../trpc.ts';
import { ProjectStats } from './ProjectStats.tsx';

/**
 * The admin's part of the home page: the counts and the way into the cockpit (`/admin`), where the
 * work is, page by page. While first steps are left it names the next one.
 */
export function AdminHome() {
  const trpc = useTRPC();
  const list = useQuery({ ...trpc.admin.checklist.queryOptions(), staleTime: 0 });
  const next = list.data?.steps.find((s) => s.id === list.data.next);
  return (
    <section className="role-home" data-testid="home-admin">
      <h2>Admin</h2>
      <p className="muted">Import videos with masks, curate them, manage people, and follow the project.</p>
      <ProjectStats />
      <p className="row">
        <Link href="/admin" className="button primary" data-testid="open-cockpit">
          Open the admin cockpit
        </Link>
        {list.data && (
          <span className="muted" data-testid="home-next-step">
            {next ? `First steps: ${list.data.doneCount} of ${list.data.steps.length} done; next: ${next.title.toLowerCase()}.` : 'All first steps are done.'}
          </span>
        )}
      </p>
    </section>
  );
}
