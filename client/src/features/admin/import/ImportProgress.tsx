import type { ImportJobView } from '#shared/schemas/import.ts';
import { ProgressBar } from '../../../ui/ProgressBar.tsx';
import { bytes, duration } from './format.ts';
import { PHASE_LABELS, phaseUnit } from './phases.ts';

/** The running import: its phase, how far, files and bytes, and the time left at its pace. */
export function ImportProgress({ job }: { job: ImportJobView }) {
  const p = job.progress;
  const label = job.state === 'queued' ? 'waiting to start' : p ? PHASE_LABELS[p.phase] : 'starting';
  const unit = p ? phaseUnit(p.phase) : 'files';
  return (
    <div data-testid="import-progress" data-phase={p?.phase ?? job.state}>
      <p>
        Importing {job.source.kind === 'upload' ? job.source.name : `IMPORT_ROOT/${job.source.path}`}: <strong data-testid="import-phase">{label}</strong>
      </p>
      {p && p.total > 0 && (
        <ProgressBar
          value={p.done}
          max={p.total}
          label={p.phase === 'extract' ? `${bytes(p.done)} / ${bytes(p.total)} ${unit}` : `${p.done} / ${p.total} ${unit}`}
        />
      )}
      <p className="muted small">
        {p?.files != null && <>{p.files} files · </>}
        {p?.bytes != null && <>{bytes(p.bytes)} written · </>}
        {p?.etaSeconds != null ? <>about {duration(p.etaSeconds)} left in this phase</> : <>estimating the time left…</>}
        {p?.detail && <> · {p.detail}</>}
      </p>
    </div>
  );
}
