import { useQuery } from '@tanstack/react-query';
import { useTRPC } from '../../trpc.ts';
import { Stat } from '../../ui/Stat.tsx';
import { UserTable } from './UserTable.tsx';
import { ExpressionTable } from './ExpressionTable.tsx';
import { SettingsForm } from './SettingsForm.tsx';
import { AudioPanel } from './AudioPanel.tsx';
import { ReleasesPanel } from './ReleasesPanel.tsx';
import { CurationTable } from './CurationTable.tsx';
import { AuditLog } from './AuditLog.tsx';
import { Dashboard } from './dashboard/Dashboard.tsx';

export function AdminHome() {
  const trpc = useTRPC();
  const overview = useQuery(trpc.admin.overview.queryOptions());
  // The project's state changes while the admin watches; a minute is fresh enough for plots.
  const dash = useQuery({ ...trpc.admin.dashboard.queryOptions(), refetchInterval: 60_000 });
  const o = overview.data;
  return (
    <section className="role-home" data-testid="home-admin">
      <h2>Admin</h2>
      <p className="muted">Import videos with masks, curate them, manage users, and follow the project.</p>
      <nav className="row small" aria-label="admin sections">
        {['dashboard', 'curation', 'expressions', 'audio', 'releases', 'users', 'audit', 'settings'].map((id) => (
          <a key={id} href={`#${id}`}>
            {id}
          </a>
        ))}
      </nav>
      {o && (
        <div className="stats">
          <Stat label="videos accepted" value={o.videos.accepted} testId="stat-videos-accepted" />
          <Stat label="candidates" value={o.videos.candidate} />
          <Stat label="excluded" value={o.videos.excluded} />
          <Stat label="objects" value={o.objects} />
          <Stat label="masks" value={o.masks} testId="stat-masks" />
          <Stat label="expressions pending" value={o.expressions.pending + o.expressions.second_round} />
          <Stat label="expressions accepted" value={o.expressions.accepted} />
          <Stat label="active users" value={o.users} />
        </div>
      )}
      <h3 id="dashboard">Dashboard</h3>
      {dash.data ? <Dashboard data={dash.data} /> : <p className="muted">Loading the dashboard…</p>}
      <h3>Import</h3>
      <p>
        Import runs from the command line, all or nothing, with a progress bar:{' '}
        <code>npm run studio -- import --format davis|mevis &lt;dir&gt;</code>
      </p>
      <h3 id="curation">Curation</h3>
      <CurationTable />
      <h3 id="expressions">Expressions</h3>
      <ExpressionTable />
      <h3 id="audio">Audio</h3>
      <AudioPanel />
      <h3 id="releases">Releases</h3>
      <ReleasesPanel />
      <h3 id="users">Users</h3>
      <UserTable />
      <h3 id="audit">Audit log</h3>
      <AuditLog />
      <h3 id="settings">Settings</h3>
      <SettingsForm />
    </section>
  );
}
