import type { ImportJobView, ImportProgressView } from '#shared/schemas/import.ts';
import { ProgressBar } from '../../../ui/ProgressBar.tsx';
import { bytes, duration } from './format.ts';

const PHASES: Record<ImportProgressView['phase'], string> = {
  extract: 'unpacking the archive',
  check: 'checking the folder for links',
  video: 'extracting frames from the videos',
  frames: 'reading and checking frames',
  masks: 'reading and checking masks',
  commit: 'writing to the database',
  curation: 'scoring videos for curation',
};

/** The running import: its phase, how far, files and bytes, and the time left at its pace. */
export function ImportProgress({ job }: { job: ImportJobView }) {
  const p = job.progress;
  const label = job.state === 'queued' ? 'waiting to start' : p ? PHASES[p.phase] : 'starting';
  const unit = p?.phase === 'extract' ? 'of the archive read' : p?.phase === 'commit' ? 'videos' : p?.phase === 'curation' ? 'videos scored' : p?.phase === 'video' ? 'frames' : 'files';
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
