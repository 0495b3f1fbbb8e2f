import { useEffect, useRef, useState } from 'react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { IMPORT_FORMATS, IMPORT_FPS, parseImportFps, type ImportFormatChoice } from '#shared/schemas/import.ts';
import { useTRPC } from '../../../trpc.ts';
import { ProgressBar } from '../../../ui/ProgressBar.tsx';
import { FolderPicker } from './FolderPicker.tsx';
import { ImportProgress } from './ImportProgress.tsx';
import { ImportReport } from './ImportReport.tsx';
import { bytes, duration } from './format.ts';
import { uploadArchive, type UploadHandle } from './upload.ts';

const FORMAT_LABELS: Record<ImportFormatChoice, string> = {
  auto: 'detect from the files',
  davis: 'DAVIS / YouTube-VOS / MOSE layout',
  mevis: 'MeViS split',
  video: 'video files (MP4 / WebM / MOV) with their masks',
};

interface Upload {
  sent: number;
  total: number;
  startedAt: number;
  /** When `sent` was reported (the pace so far gives the time left). */
  at: number;
}

/**
 * Import from the browser: upload a .zip / .tar of a DAVIS-layout root or a MeViS split, or pick a
 * folder under the server's IMPORT_ROOT. The server runs the CLI's all-or-nothing importer as a
 * background job; this page follows it (phase, files, bytes, time left), then shows its report.
 */
export function ImportPanel() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [format, setFormat] = useState<ImportFormatChoice>('auto');
  // Strict by default: warnings (a stray palette index, a PNG missing among dense masks) refuse the import.
  const [strict, setStrict] = useState(true);
  // Empty: each video's own rate (video files), or the layout's default (DAVIS 24, MeViS 6).
  const [fpsText, setFpsText] = useState('');
  const fps = fpsText.trim() === '' ? undefined : parseImportFps(fpsText);
  const [source, setSource] = useState<'upload' | 'folder'>('upload');
  const [file, setFile] = useState<File | null>(null);
  const [upload, setUpload] = useState<Upload | null>(null);
  const [uploadError, setUploadError] = useState<string | null>(null);
  const handle = useRef<UploadHandle | null>(null);
  const status = useQuery({
    ...trpc.admin.import.status.queryOptions(),
    refetchInterval: (q) => (q.state.data?.job && (q.state.data.job.state === 'queued' || q.state.data.job.state === 'running') ? 1000 : false),
  });
  const refresh = () => queryClient.invalidateQueries({ queryKey: trpc.admin.import.status.queryKey() });
  const startFolder = useMutation(trpc.admin.import.start.mutationOptions({ onSuccess: refresh }));
  const s = status.data;
  const job = s?.job ?? null;
  const live = job?.state === 'queued' || job?.state === 'running';
  const busy = live || upload !== null;

  // Once an import is over, the curation table and the counts have new videos to show.
  const endedJob = job && !live ? job.id : null;
  useEffect(() => {
    if (!endedJob) return;
    void queryClient.invalidateQueries({ queryKey: trpc.admin.curation.list.queryKey() });
    void queryClient.invalidateQueries({ queryKey: trpc.admin.overview.queryKey() });
  }, [endedJob, queryClient, trpc]);
  useEffect(() => () => handle.current?.abort(), []);

  const send = async () => {
    if (!file || !s || fps === null) return;
    setUploadError(null);
    if (file.size > s.maxUploadBytes) {
      setUploadError(`${file.name} is ${bytes(file.size)}, larger than the server takes (${bytes(s.maxUploadBytes)}); put it in a folder under IMPORT_ROOT instead`);
      return;
    }
    const startedAt = Date.now();
    setUpload({ sent: 0, total: file.size, startedAt, at: startedAt });
    handle.current = uploadArchive(file, { format, strict, fps }, (sent, total) => setUpload((u) => (u ? { ...u, sent, total, at: Date.now() } : u)));
    try {
      await handle.current.done;
      await refresh();
    } catch (e) {
      setUploadError((e as Error).message);
    } finally {
      handle.current = null;
      setUpload(null);
    }
  };

  if (!s) return <p className="muted">Loading…</p>;
  const elapsed = upload ? (upload.at - upload.startedAt) / 1000 : 0;
  const uploadEta = upload && upload.sent > 0 ? (elapsed / upload.sent) * (upload.total - upload.sent) : null;
  return (
    <div data-testid="import-panel">
      <p className="muted small">
        All or nothing, as on the command line (<code>npm run studio -- import --format davis|mevis|video &lt;dir&gt;</code>): every file is checked before anything is
        written, and every problem found is listed. New videos arrive as candidates for curation. Video files (<code>name.mp4</code>, <code>.webm</code>,{' '}
        <code>.mov</code>) come with a <code>name/</code> folder of mask PNGs, one per frame, or a <code>name.mask_dict.json</code>.
      </p>
      <div className="row">
        <label>
          Format{' '}
          <select value={format} onChange={(e) => setFormat(e.target.value as ImportFormatChoice)} aria-label="import format" data-testid="import-format" disabled={busy}>
            {IMPORT_FORMATS.map((f) => (
              <option key={f} value={f}>
                {FORMAT_LABELS[f]}
              </option>
            ))}
          </select>
        </label>
        <label>
          Frame rate{' '}
          <input
            type="text"
            inputMode="decimal"
            size={8}
            value={fpsText}
            onChange={(e) => setFpsText(e.target.value)}
            placeholder="default"
            aria-label="frame rate"
            aria-invalid={fps === null}
            aria-describedby="import-fps-help"
            data-testid="import-fps"
            disabled={busy}
          />{' '}
          fps
        </label>
        <label>
          <input type="checkbox" checked={strict} onChange={(e) => setStrict(e.target.checked)} data-testid="import-strict" disabled={busy} /> strict: refuse the import on any
          warning
        </label>
      </div>
      <p id="import-fps-help" className={fps === null ? 'error small' : 'muted small'} data-testid="import-fps-help">
        {fps === null
          ? `The frame rate must be a number from ${IMPORT_FPS.min} to ${IMPORT_FPS.max}.`
          : 'Frame rate: for video files, the rate frames are extracted at (empty: each video’s own); for frame folders, the rate they were taken at (empty: DAVIS 24, MeViS 6).'}
      </p>
      <div className="row" role="radiogroup" aria-label="import source">
        <label>
          <input type="radio" name="import-source" checked={source === 'upload'} onChange={() => setSource('upload')} /> upload an archive (.zip, .tar, .tar.gz; up to{' '}
          {bytes(s.maxUploadBytes)})
        </label>
        <label>
          <input type="radio" name="import-source" checked={source === 'folder'} onChange={() => setSource('folder')} disabled={!s.importRoot} /> a folder on the server
          {!s.importRoot && <span className="muted small"> (set IMPORT_ROOT to enable)</span>}
        </label>
      </div>
      {source === 'upload' ? (
        <form
          className="row"
          onSubmit={(e) => {
            e.preventDefault();
            void send();
          }}
        >
          <input
            type="file"
            accept=".zip,.tar,.tgz,.tar.gz,application/zip,application/x-tar,application/gzip"
            aria-label="archive to import"
            data-testid="import-file"
            onChange={(e) => setFile(e.target.files?.[0] ?? null)}
            disabled={busy}
          />
          <button className="primary" disabled={!file || busy || fps === null} data-testid="import-upload">
            Upload and import
          </button>
          {upload && (
            <button type="button" onClick={() => handle.current?.abort()}>
              Cancel
            </button>
          )}
        </form>
      ) : (
        <FolderPicker disabled={busy || startFolder.isPending || fps === null} onPick={(folder) => fps !== null && startFolder.mutate({ folder, format, strict, fps })} />
      )}
      {upload && (
        <div data-testid="upload-progress">
          <ProgressBar value={upload.sent} max={upload.total} label={`uploading ${bytes(upload.sent)} / ${bytes(upload.total)}`} />
          <p className="muted small">{uploadEta !== null ? `about ${duration(uploadEta)} left` : 'starting the upload…'}</p>
        </div>
      )}
      {uploadError && (
        <p className="error" role="alert" data-testid="import-upload-error">
          {uploadError}
        </p>
      )}
      {startFolder.isError && (
        <p className="error" role="alert">
          {startFolder.error.message}
        </p>
      )}
      {job && live && <ImportProgress job={job} />}
      {job && !live && (
        <>
          <p>
            <strong>Last import: {job.source.kind === 'upload' ? job.source.name : `IMPORT_ROOT/${job.source.path}`}</strong>
          </p>
          <ImportReport job={job} />
        </>
      )}
    </div>
  );
}
