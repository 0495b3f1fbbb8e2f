import { useQuery } from '@tanstack/react-query';
import { Link } from 'wouter';
import { useTRPC, type RouterOutputs } from '../../trpc.ts';
import { bytes, isLive, pct, STATE_LABEL, when } from './format.ts';

type Detail = RouterOutputs['challenge']['submission'];
type Summary = NonNullable<Detail['report']>['overall'];

function ScoreRow({ name, s }: { name: string; s: Summary | null | undefined }) {
  if (!s) return null;
  return (
    <tr>
      <td>{name}</td>
      <td>{s.samples}</td>
      <td>{pct(s.j)}</td>
      <td>{pct(s.f)}</td>
      <td>{pct(s.jf)}</td>
      <td>{pct(s.nAcc)}</td>
      <td>{pct(s.tAcc)}</td>
      <td>{pct(s.combined)}</td>
    </tr>
  );
}

const HEAD = (
  <thead>
    <tr>
      <th>group</th>
      <th>expressions</th>
      <th>J</th>
      <th>F</th>
      <th>J&amp;F</th>
      <th>N-acc</th>
      <th>T-acc</th>
      <th>combined</th>
    </tr>
  </thead>
);

/** One submission: its state while it is checked and scored, then every problem found or the scores with their breakdowns. */
export function SubmissionPage({ submissionId }: { submissionId: number }) {
  const trpc = useTRPC();
  const q = useQuery({
    ...trpc.challenge.submission.queryOptions({ submissionId }),
    refetchInterval: (query) => (query.state.data && isLive(query.state.data.state) ? 1000 : false),
  });
  if (q.isError) return <p className="error">{q.error.message}</p>;
  if (!q.data) return <p className="muted">Loading…</p>;
  const s = q.data;
  const r = s.report;
  return (
    <div data-testid="submission-page" data-state={s.state}>
      <div className="page-head">
        <h2>
          Submission {s.id} — <span data-testid="submission-state">{STATE_LABEL[s.state]}</span>
        </h2>
        <Link href={`~/challenges/${s.challengeId}`}>back to the challenge</Link>
      </div>
      <p className="muted small">
        {s.fileName} ({bytes(s.bytes)}) by {s.username} of {s.teamName}, {s.phase} phase, {when(s.createdAt)}
        {s.finishedAt && `; done ${when(s.finishedAt)}`}
      </p>
      {isLive(s.state) && (
        <p>
          {s.progress ? (
            <>
              {s.progress.phase} <progress max={Math.max(1, s.progress.total)} value={s.progress.done} /> {s.progress.done}/{s.progress.total} {s.progress.phase === 'checking' ? 'PNGs' : 'frames'}
            </>
          ) : (
            'waiting for its turn…'
          )}
        </p>
      )}
      {s.error && (
        <p className="error" role="alert">
          {s.error}
        </p>
      )}
      {s.check && s.check.groups.length > 0 && (
        <div data-testid="check-report">
          <h3>{s.check.valid ? 'Warnings' : `The check found ${s.check.errors} problem${s.check.errors === 1 ? '' : 's'}; nothing was scored`}</h3>
          <p className="muted small">
            Expected {s.check.expected.videos} videos, {s.check.expected.expressions} expressions, {s.check.expected.frames} frame PNGs; found {s.check.found.members} files,{' '}
            {s.check.found.frames} expected PNGs.
          </p>
          <ul>
            {s.check.groups.map((g) => (
              <li key={g.kind} data-kind={g.kind} className={g.severity === 'error' ? 'error' : 'muted'}>
                <strong>{g.severity === 'error' ? 'Error' : 'Warning'}: {g.title}</strong> — {g.summary}
                <ul>
                  {g.examples.map((p, i) => (
                    <li key={i}>
                      <code>{p.path || '(archive)'}</code>
                      {p.detail && ` — ${p.detail}`}
                    </li>
                  ))}
                  {g.items > g.examples.length && <li>… and {g.items - g.examples.length} more</li>}
                </ul>
                {g.hint && <p className="small">Hint: {g.hint}</p>}
              </li>
            ))}
          </ul>
        </div>
      )}
      {r && (
        <div data-testid="scores">
          <h3>Scores</h3>
          <table className="table">
            {HEAD}
            <tbody>
              <ScoreRow name="all" s={r.overall} />
              <ScoreRow name="single target" s={r.byKind.single} />
              <ScoreRow name="multi target" s={r.byKind.multi} />
              <ScoreRow name="no target" s={r.byKind['no-target']} />
              <ScoreRow name="motion reasoning" s={r.motionReasoning?.yes} />
              <ScoreRow name="no motion reasoning" s={r.motionReasoning?.no} />
              <ScoreRow name="with audio" s={r.withAudio?.yes} />
              <ScoreRow name="without audio" s={r.withAudio?.no} />
            </tbody>
          </table>
          <p className="muted small">{r.combinedDefinition}</p>
          {r.missingVideos.length > 0 && <p className="error">No predictions for {r.missingVideos.length} video(s), scored 0: {r.missingVideos.slice(0, 10).join(', ')}</p>}
          <details>
            <summary>per video</summary>
            <table className="table">
              {HEAD}
              <tbody>
                {Object.entries(r.perVideo).map(([video, v]) => (
                  <ScoreRow key={video} name={video} s={v} />
                ))}
              </tbody>
            </table>
          </details>
        </div>
      )}
    </div>
  );
}
