import type { ImportJobView, ImportPhaseTime } from '#shared/schemas/import.ts';
import { bytes, elapsed } from './format.ts';
import { PHASE_LABELS, phaseUnit } from './phases.ts';

const LISTED = 50;

/** What an import did, or every problem that refused it, each naming its file. */
export function ImportReport({ job }: { job: ImportJobView }) {
  const r = job.report;
  if (job.state === 'failed' || !r) {
    return (
      <div data-testid="import-report" data-outcome="failed">
        <p className="error" data-testid="import-error">
          The import failed: {job.error ?? 'no reason was recorded'}. Nothing was imported.
        </p>
      </div>
    );
  }
  return (
    <div data-testid="import-report" data-outcome={r.outcome}>
      {r.outcome === 'imported' && r.stats ? (
        <>
          <p data-testid="import-summary">
            Imported ({r.format === 'mevis' ? 'MeViS split' : r.format === 'video' ? 'video files' : 'DAVIS layout'}): {r.stats.videosAdded} videos added, {r.stats.videosUnchanged} unchanged · {r.stats.frames} frames ·{' '}
            {r.stats.objects} objects · {r.stats.masks} masks
            {r.stats.expressionsAdded + r.stats.expressionsUnchanged > 0 && <> · {r.stats.expressionsAdded} expressions added</>}
            {job.curation && <> · curation: {job.curation.state === 'finished' ? `${job.curation.scored ?? 0} scored${job.curation.failed ? `, ${job.curation.failed} failed` : ''}` : job.curation.state}</>}
          </p>
          {r.videos.length > 0 && (
            <ul className="small" data-testid="import-videos">
              {r.videos.slice(0, LISTED).map((v) => (
                <li key={v.id} data-video={v.name}>
                  {v.name}
                </li>
              ))}
              {r.videos.length > LISTED && <li className="muted">… and {r.videos.length - LISTED} more (the curation table lists them all)</li>}
            </ul>
          )}
          {r.coverage && r.coverage.sparse.length > 0 && (
            <p className="muted small">
              {r.coverage.sparse.length} object(s) are masked on some frames only (key frames): {r.coverage.sparse.slice(0, 10).map((o) => `${o.video} #${o.localId} ${o.masked}/${o.frames}`).join(', ')}
            </p>
          )}
        </>
      ) : (
        <>
          <p className="error" data-testid="import-refused">
            Nothing was imported{r.problems.length > 1 ? ` — ${r.problems.length} problems, fix them all and import again` : ''}:
          </p>
          <ul className="findings" data-testid="import-problems">
            {r.problems.map((p, i) => (
              <li key={i} className="error" data-file={p.file}>
                {p.file && <code>{p.file}</code>} {p.message}
              </li>
            ))}
          </ul>
        </>
      )}
      {r.warnings.length > 0 && (
        <>
          <p>
            {r.warnings.length} warning(s){r.outcome === 'imported' ? ', imported anyway (strict was off):' : ':'}
          </p>
          <ul className="findings" data-testid="import-warnings">
            {r.warnings.slice(0, LISTED).map((w, i) => (
              <li key={i} className="warning">
                <code>{w.file}</code> {w.message}
              </li>
            ))}
            {r.warnings.length > LISTED && <li className="muted">… and {r.warnings.length - LISTED} more</li>}
          </ul>
        </>
      )}
      {r.phases.length > 0 && <PhaseTimeline phases={r.phases} />}
    </div>
  );
}

/** Where the run's time went, phase by phase: the page's polls may have missed a fast phase. */
function PhaseTimeline({ phases }: { phases: ImportPhaseTime[] }) {
  const total = phases.reduce((s, t) => s + t.ms, 0);
  return (
    <>
      <p className="muted small">Took {elapsed(total)}:</p>
      <ol className="muted small" data-testid="import-phases">
        {phases.map((t) => (
          <li key={t.phase} data-phase={t.phase}>
            {PHASE_LABELS[t.phase]}: {elapsed(t.ms)}
            {t.done > 0 && <> · {t.phase === 'extract' ? bytes(t.done) : t.done} {phaseUnit(t.phase, t.done)}</>}
          </li>
        ))}
      </ol>
    </>
  );
}
