import { lazy, Suspense, type ComponentType, type LazyExoticComponent } from 'react';
import { Link } from 'wouter';
import { PageTitle } from '../../../ui/PageTitle.tsx';
import { AudioPanel } from '../AudioPanel.tsx';
import { AuditLog } from '../AuditLog.tsx';
import { CurationTable } from '../CurationTable.tsx';
import { ExpressionTable } from '../ExpressionTable.tsx';
import { ReleasesPanel } from '../ReleasesPanel.tsx';
import { SettingsForm } from '../SettingsForm.tsx';
import { UserTable } from '../UserTable.tsx';
import { BatchesPage } from '../batches/BatchesPage.tsx';
import { QualityPage } from '../quality/QualityPage.tsx';
import { DatasheetPage } from '../datasheet/DatasheetPage.tsx';
import { AdminProbesPage } from '../../probe/AdminProbesPage.tsx';
import { AdminNav } from './AdminNav.tsx';
import { ChallengePage } from './ChallengePage.tsx';
import { adminSection, type AdminSectionId } from './sections.ts';
import './cockpit.css';

// The cockpit is one chunk (lazy in App.tsx: only admins load it); the pages with heavy code of
// their own (the dashboard's charts, the import, the player) are chunks of their own. Not one chunk
// per small page: that many entry points made the bundler split React and its runtime helper into
// chunks of their own, one of them too small to be precompressed (e2e/speed.spec.ts).
const PAGES: Record<AdminSectionId, ComponentType | LazyExoticComponent<ComponentType>> = {
  overview: lazy(() => import('./OverviewPage.tsx').then((m) => ({ default: m.OverviewPage }))),
  import: lazy(() => import('./ImportPage.tsx').then((m) => ({ default: m.ImportPage }))),
  curation: CurationTable,
  flags: lazy(() => import('../objects/MaskFlagQueue.tsx').then((m) => ({ default: m.MaskFlagQueue }))),
  batches: BatchesPage,
  expressions: ExpressionTable,
  quality: QualityPage,
  probes: AdminProbesPage,
  audio: AudioPanel,
  releases: ReleasesPanel,
  datasheet: DatasheetPage,
  challenge: ChallengePage,
  users: UserTable,
  audit: AuditLog,
  settings: SettingsForm,
};
const ExpressionView = lazy(() => import('../expression/ExpressionView.tsx').then((m) => ({ default: m.ExpressionView })));
const VideoObjectsPage = lazy(() => import('../objects/VideoObjectsPage.tsx').then((m) => ({ default: m.VideoObjectsPage })));

/**
 * The admin's pages by task (`/admin/<section>`), with the side navigation; `expressionId` opens
 * one expression inside the expressions section (`/admin/expressions/<id>`), `videoId` one video
 * with its objects and masks inside curation (`/admin/videos/<id>`).
 */
export function AdminCockpit({ section, expressionId, videoId }: { section?: string; expressionId?: number; videoId?: number }) {
  const s = adminSection(section);
  if (!s) {
    return (
      <>
        <PageTitle title="Not found" />
        <p>
          No admin page "{section}". <Link href="/admin">The cockpit's overview</Link>
        </p>
      </>
    );
  }
  const inside = expressionId !== undefined || videoId !== undefined;
  const Page = PAGES[s.id];
  return (
    <div className="cockpit" data-testid="cockpit">
      <PageTitle title={expressionId !== undefined ? `Expression ${expressionId} · Admin` : videoId !== undefined ? `Video ${videoId} · Admin` : `${s.label} · Admin`} />
      <aside className="cockpit-side">
        <h2 className="cockpit-brand">Admin</h2>
        <AdminNav active={s.id} inside={inside} />
      </aside>
      <section className="cockpit-page" data-testid={`admin-${s.id}`} aria-labelledby="cockpit-page-title">
        {videoId !== undefined ? (
          <Suspense fallback={<p className="muted">Loading the video…</p>}>
            <VideoObjectsPage videoId={videoId} />
          </Suspense>
        ) : expressionId !== undefined ? (
          <Suspense fallback={<p className="muted">Loading the expression…</p>}>
            <ExpressionView expressionId={expressionId} />
          </Suspense>
        ) : (
          <>
            <h3 id="cockpit-page-title">{s.label}</h3>
            <Suspense fallback={<p className="muted">Loading…</p>}>
              <Page />
            </Suspense>
          </>
        )}
      </section>
    </div>
  );
}
