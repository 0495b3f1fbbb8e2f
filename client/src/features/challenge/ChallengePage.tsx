import { useState } from 'react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Link } from 'wouter';
import { useTRPC } from '../../trpc.ts';
import { bytes, isLive, pct, STATE_LABEL, uploadSubmission, when } from './format.ts';

/** A challenge for a participant: rules, team, downloads, the upload, and the team's history. */
export function ChallengePage({ challengeId }: { challengeId: number }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  // Polled while a submission is in flight: the upload opens again once it is scored.
  const detail = useQuery({ ...trpc.challenge.get.queryOptions({ challengeId }), refetchInterval: (q) => (q.state.data?.usage?.inFlight ? 1000 : false) });
  const history = useQuery({
    ...trpc.challenge.submissions.queryOptions({ challengeId }),
    enabled: Boolean(detail.data?.team),
    refetchInterval: (q) => (q.state.data?.some((s) => isLive(s.state)) ? 1000 : false),
  });
  const refresh = () => {
    void queryClient.invalidateQueries({ queryKey: trpc.challenge.get.queryKey({ challengeId }) });
    void queryClient.invalidateQueries({ queryKey: trpc.challenge.submissions.queryKey({ challengeId }) });
  };
  const [teamName, setTeamName] = useState('');
  const [joinCode, setJoinCode] = useState('');
  const createTeam = useMutation(trpc.challenge.createTeam.mutationOptions({ onSuccess: refresh }));
  const joinTeam = useMutation(trpc.challenge.joinTeam.mutationOptions({ onSuccess: refresh }));
  const [file, setFile] = useState<File | null>(null);
  const [sent, setSent] = useState<{ done: number; total: number } | null>(null);
  const upload = useMutation({
    mutationFn: (f: File) => uploadSubmission(challengeId, f, (done, total) => setSent({ done, total })),
    onSettled: () => {
      setSent(null);
      refresh();
    },
  });

  if (detail.isError) return <p className="error">{detail.error.message}</p>;
  if (!detail.data) return <p className="muted">Loading…</p>;
  const { challenge: c, participant: isParticipant, team, usage, blocked } = detail.data;
  const live = history.data?.some((s) => isLive(s.state)) ?? false;
  return (
    <div className="challenge-page" data-testid="challenge-page">
      <div className="page-head">
        <h2>{c.title}</h2>
        <Link href={`~/challenges/${c.id}/results`} data-testid="results-link">
          leaderboard
        </Link>
      </div>
      {c.description && <p>{c.description}</p>}
      <p className="muted small">
        MeViS release {c.releaseVersion}, {c.split} split (its ground truth stays on the server). Ranked by {c.rankBy} ({c.pick === 'best' ? "each team's best" : "each team's latest"} submission). {c.combinedDefinition}
      </p>
      <table className="table">
        <thead>
          <tr>
            <th>phase</th>
            <th>opens</th>
            <th>closes</th>
          </tr>
        </thead>
        <tbody>
          {c.phases.map((p) => (
            <tr key={p.phase}>
              <td>
                {p.phase}
                {c.currentPhase === p.phase && <strong> (open)</strong>}
              </td>
              <td>{when(p.opensAt)}</td>
              <td>{when(p.closesAt)}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <p className="small">
        Limits per team: {c.maxPerDay} submissions in any 24 hours (every upload counts), {c.maxTotal} scored submissions per phase, {c.maxUploadMb} MiB per zip, one being scored at a
        time.
        {usage && (
          <span data-testid="usage">
            {' '}
            Your team: {usage.lastDay} in the last 24 hours, {usage.scoredInPhase} scored in this phase.
          </span>
        )}
      </p>

      <h3>Data</h3>
      <p>
        <a href={`/media/challenges/${c.id}/split.tar`} download data-testid="download-split">
          download the {c.split} split (.tar)
        </a>{' '}
        ·{' '}
        <a href={`/media/challenges/${c.id}/release.tar`} download data-testid="download-release">
          the whole public release (.tar)
        </a>
      </p>
      <p className="muted small">
        Submit a zip of <code>&lt;video&gt;/&lt;exp_id&gt;/&lt;frame&gt;.png</code> masks (any non-zero pixel is foreground), video folders at the top of the zip, one PNG per frame of
        the frame&apos;s size. Check it first with <code>npm run studio -- check-submission --split {c.split} submission.zip</code>.
      </p>

      {isParticipant && (
        <>
          <h3>Team</h3>
          {team ? (
            <p data-testid="team">
              <strong>{team.name}</strong>: {team.members.join(', ')}. Others join with the code <code data-testid="join-code">{team.joinCode}</code>.
            </p>
          ) : (
            <div className="row">
              <form
                onSubmit={(e) => {
                  e.preventDefault();
                  createTeam.mutate({ challengeId, name: teamName });
                }}
              >
                <label>
                  New team <input value={teamName} onChange={(e) => setTeamName(e.target.value)} maxLength={60} aria-label="team name" />
                </label>{' '}
                <button disabled={createTeam.isPending} data-testid="create-team">
                  Create team
                </button>
                {createTeam.isError && <span className="error"> {createTeam.error.message}</span>}
              </form>
              <form
                onSubmit={(e) => {
                  e.preventDefault();
                  joinTeam.mutate({ challengeId, joinCode });
                }}
              >
                <label>
                  or join with a code <input value={joinCode} onChange={(e) => setJoinCode(e.target.value)} maxLength={64} aria-label="team join code" />
                </label>{' '}
                <button disabled={joinTeam.isPending}>Join</button>
                {joinTeam.isError && <span className="error"> {joinTeam.error.message}</span>}
              </form>
            </div>
          )}

          <h3>Submit</h3>
          <form
            className="row"
            onSubmit={(e) => {
              e.preventDefault();
              if (file) upload.mutate(file);
            }}
          >
            <input type="file" accept=".zip,application/zip" onChange={(e) => setFile(e.target.files?.[0] ?? null)} aria-label="submission zip" data-testid="submission-file" />
            <button className="primary" disabled={!file || upload.isPending || blocked !== null || live} data-testid="submit">
              Upload and score
            </button>
            {sent && (
              <span>
                <progress max={Math.max(1, sent.total)} value={sent.done} /> {bytes(sent.done)} of {bytes(sent.total)}
              </span>
            )}
            {blocked && <span className="muted">({blocked})</span>}
            {upload.isError && (
              <span className="error" role="alert" data-testid="upload-error">
                {upload.error.message}
              </span>
            )}
          </form>

          {team && (
            <>
              <h3>Your team&apos;s submissions</h3>
              {history.data?.length === 0 && <p className="muted">None yet.</p>}
              {history.data && history.data.length > 0 && (
                <table className="table" data-testid="history">
                  <thead>
                    <tr>
                      <th>#</th>
                      <th>submitted</th>
                      <th>by</th>
                      <th>file</th>
                      <th>phase</th>
                      <th>state</th>
                      <th>J&amp;F</th>
                      <th>N-acc</th>
                      <th>T-acc</th>
                      <th>combined</th>
                    </tr>
                  </thead>
                  <tbody>
                    {history.data.map((s) => (
                      <tr key={s.id} data-submission={s.id} data-state={s.state}>
                        <td>
                          <Link href={`~/challenges/submissions/${s.id}`}>{s.id}</Link>
                        </td>
                        <td>{when(s.createdAt)}</td>
                        <td>{s.username}</td>
                        <td>
                          {s.fileName} <span className="muted small">({bytes(s.bytes)})</span>
                        </td>
                        <td>{s.phase}</td>
                        <td data-testid="submission-state">
                          <Link href={`~/challenges/submissions/${s.id}`}>{STATE_LABEL[s.state]}</Link>
                        </td>
                        <td data-testid="submission-jf">{pct(s.scores.jf)}</td>
                        <td>{pct(s.scores.nAcc)}</td>
                        <td>{pct(s.scores.tAcc)}</td>
                        <td data-testid="submission-combined">{pct(s.scores.combined)}</td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              )}
            </>
          )}
        </>
      )}
    </div>
  );
}
