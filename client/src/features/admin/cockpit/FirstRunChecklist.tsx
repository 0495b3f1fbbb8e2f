import { useQuery } from '@tanstack/react-query';
import { Link } from 'wouter';
import type { FirstRunStepId } from '#shared/first-run.ts';
import { useTRPC } from '../../../trpc.ts';
import { adminPath } from './sections.ts';

/** Where each step is done. Watching progress is the dashboard, further down the overview. */
const STEP_LINKS: Record<FirstRunStepId, { href: string; label: string; samePage?: boolean }> = {
  import: { href: adminPath('import'), label: 'Import' },
  curate: { href: adminPath('curation'), label: 'Curation' },
  invite: { href: adminPath('users'), label: 'Users' },
  watch: { href: '#dashboard', label: 'Dashboard', samePage: true },
  export: { href: adminPath('releases'), label: 'Releases' },
};

/** The first-run checklist; it ticks itself off from the project's state (admin.checklist). */
export function FirstRunChecklist() {
  const trpc = useTRPC();
  // Asked again on every visit: a step done on another page shows ticked on return.
  const list = useQuery({ ...trpc.admin.checklist.queryOptions(), staleTime: 0, refetchInterval: 60_000 });
  if (list.isError) return <p className="error">{list.error.message}</p>;
  if (!list.data) return <p className="muted">Loading the checklist…</p>;
  const { steps, doneCount, next } = list.data;
  return (
    <div data-testid="checklist" data-done={doneCount}>
      <p className="muted">
        {next === null ? 'All first steps are done.' : `${doneCount} of ${steps.length} first steps done.`} Each step ticks itself off from what the project holds.
      </p>
      <ol className="checklist">
        {steps.map((s) => {
          const link = STEP_LINKS[s.id];
          return (
            <li key={s.id} className={`${s.done ? 'done' : ''}${s.id === next ? ' next' : ''}`} data-step={s.id} data-done={s.done}>
              <span className="tick" aria-hidden="true">
                {s.done ? '✓' : '○'}
              </span>
              <span>
                <span className="step-title">{s.title}</span> <span className="sr-only">{s.done ? '(done)' : '(not done yet)'}</span>
                <br />
                <span className="muted small" data-testid="step-detail">
                  {s.detail}
                </span>{' '}
                ·{' '}
                {link.samePage ? (
                  <a href={link.href}>{link.label}</a>
                ) : (
                  <Link href={link.href}>{link.label}</Link>
                )}
              </span>
            </li>
          );
        })}
      </ol>
    </div>
  );
}
