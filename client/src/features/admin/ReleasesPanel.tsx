import { useState } from 'react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { SPLIT_ORIGINS, SPLITS, type SplitCounts as Counts } from '#shared/export/splits.ts';
import { SPLIT_ORIGIN_TEXT } from '#shared/export/card-splits.ts';
import { DEFAULT_K_ANONYMITY, MAX_K_ANONYMITY, MIN_K_ANONYMITY } from '#shared/export/k-anonymity.ts';
import { useTRPC } from '../../trpc.ts';

/** Videos per split as the release wrote them, with how each split was chosen on hover. */
function SplitCounts({ counts }: { counts: Counts }) {
  return (
    <>
      {SPLITS.filter((s) => counts[s]).map((s, i) => {
        const c = counts[s]!;
        const total = SPLIT_ORIGINS.reduce((t, o) => t + (c[o] ?? 0), 0);
        return (
          <span key={s} data-split={s} title={SPLIT_ORIGINS.filter((o) => c[o]).map((o) => `${c[o]} ${SPLIT_ORIGIN_TEXT[o]}`).join(', ')}>
            {i > 0 && ' · '}
            {s} {total}
          </span>
        );
      })}
    </>
  );
}

/**
 * Versioned MeViS releases: make one from the current data, follow its export, download its two
 * packages (the public release, and the withheld splits' ground truth for the benchmark server).
 */
export function ReleasesPanel() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [notes, setNotes] = useState('');
  const [requireAudio, setRequireAudio] = useState(false);
  // Off by default: the demo videos start out accepted, and practice sentences on them are not data.
  const [includeDemo, setIncludeDemo] = useState(false);
  // On by default: a video its source placed in a split (a MeViS valid_u folder) stays there.
  const [keepSplits, setKeepSplits] = useState(true);
  // Speaker answers shown only when this many speakers share them (shared/src/export/k-anonymity.ts).
  const [kAnonymity, setKAnonymity] = useState(DEFAULT_K_ANONYMITY);
  const list = useQuery({
    ...trpc.admin.releases.list.queryOptions(),
    refetchInterval: (q) => (q.state.data?.some((r) => r.job?.state === 'running') ? 500 : false),
  });
  const refresh = () => queryClient.invalidateQueries({ queryKey: trpc.admin.releases.list.queryKey() });
  const create = useMutation(trpc.admin.releases.create.mutationOptions({ onSuccess: refresh }));
  const releases = list.data ?? [];
  return (
    <div data-testid="releases-panel">
      <form
        className="row"
        onSubmit={(e) => {
          e.preventDefault();
          create.mutate({ notes: notes || undefined, requireAudio, includeDemo, keepSplits, kAnonymity });
        }}
      >
        <label>
          Notes <input value={notes} onChange={(e) => setNotes(e.target.value)} maxLength={2000} aria-label="release notes" />
        </label>
        <label>
          <input type="checkbox" checked={requireAudio} onChange={(e) => setRequireAudio(e.target.checked)} /> only expressions with verified audio
        </label>
        <label>
          <input type="checkbox" checked={includeDemo} onChange={(e) => setIncludeDemo(e.target.checked)} data-testid="release-include-demo" /> include demo content
        </label>
        <label title="a video not yet released stays in the split its source gave it (a MeViS split folder, DAVIS ImageSets, a YouTube-VOS train/valid folder); off: the proportions in Settings decide. A split chosen on a video's page always holds.">
          <input type="checkbox" checked={keepSplits} onChange={(e) => setKeepSplits(e.target.checked)} data-testid="release-keep-splits" /> keep source splits
        </label>
        <label title="a speaker answer (gender, age group, nativeness, microphone) appears in the release, and so does a speaker's combination of answers, only when at least this many of its speakers share it; else it is written as unknown. 1 turns this off.">
          k-anonymity{' '}
          <input
            type="number"
            min={MIN_K_ANONYMITY}
            max={MAX_K_ANONYMITY}
            step={1}
            value={kAnonymity}
            onChange={(e) => setKAnonymity(Math.max(MIN_K_ANONYMITY, Math.min(MAX_K_ANONYMITY, Math.round(Number(e.target.value) || MIN_K_ANONYMITY))))}
            style={{ width: '4em' }}
            data-testid="release-k-anonymity"
          />
        </label>
        <button className="primary" disabled={create.isPending} data-testid="release-create">
          Export a new release
        </button>
        {create.isError && <span className="error">{create.error.message}</span>}
      </form>
      <p className="muted small" data-testid="release-packages">
        Each release is written as two packages. <strong>Release</strong>: every split&rsquo;s frames and sentences, the masks and tracking boxes of train and
        valid_u, audio, statistics and the dataset card &mdash; what participants and the public get; it can be published as it is.{' '}
        <strong>Ground truth</strong> (admins only): the targets, masks and tracking boxes of valid and test, for the benchmark server (challenges score
        against it) &mdash; never publish it.
      </p>
      {releases.length === 0 ? (
        <p className="muted">No releases yet. The CLI does the same: <code>npm run studio -- export --out &lt;dir&gt;</code></p>
      ) : (
        <table className="table" data-testid="releases">
          <thead>
            <tr>
              <th>version</th>
              <th>videos</th>
              <th>expressions</th>
              <th>clips</th>
              <th>splits</th>
              <th>date</th>
              <th>notes</th>
              <th>
              <span className="sr-only">Actions</span>
            </th>
            </tr>
          </thead>
          <tbody>
            {releases.map((r) => (
              <tr key={r.version} data-version={r.version}>
                <td>
                  {r.version}
                  {r.includeDemo && <span className="muted small"> (with demo videos)</span>}
                </td>
                <td>{r.videos}</td>
                <td>{r.expressions}</td>
                <td>{r.clips}</td>
                <td className="small" data-testid="release-splits">
                  {r.splits ? <SplitCounts counts={r.splits} /> : <span className="muted">—</span>}
                </td>
                <td>{new Date(r.releaseDate).toISOString().slice(0, 10)}</td>
                <td>{r.notes}</td>
                <td data-testid="release-state">
                  {r.job?.state === 'running' ? (
                    <>
                      exporting… <progress max={Math.max(1, r.job.progress.total)} value={r.job.progress.done} /> {r.job.progress.done}/{r.job.progress.total} videos
                    </>
                  ) : r.onDisk ? (
                    <>
                      <a href={`/media/releases/${r.version}.tar`} download data-testid="release-download">
                        release .tar
                      </a>
                      {r.groundTruthOnDisk && (
                        <>
                          {' · '}
                          <a href={`/media/ground-truth/${r.version}.tar`} download data-testid="release-ground-truth-download" title="valid/test targets and masks: for the benchmark server, not for publication">
                            ground truth .tar
                          </a>
                        </>
                      )}
                    </>
                  ) : r.job?.state === 'failed' ? (
                    <span className="error">failed: {r.job.error}</span>
                  ) : (
                    <button onClick={() => create.mutate({ rebuild: r.version, requireAudio: false, includeDemo: false })}>write again</button>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </div>
  );
}
