import { useState } from 'react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Link } from 'wouter';
import { CHALLENGE_SPLITS, METRIC_LABELS, METRICS, PICKS, type ChallengeSplit, type Metric, type Pick } from '#shared/challenge/rules.ts';
import { useTRPC } from '../../trpc.ts';
import { pct, STATE_LABEL, when } from './format.ts';

const DAY = 24 * 3600_000;
/** <input type="datetime-local"> speaks local time without a zone. */
const toLocal = (ms: number) => new Date(ms - new Date(ms).getTimezoneOffset() * 60_000).toISOString().slice(0, 16);
const fromLocal = (v: string) => new Date(v).getTime();

function Submissions({ challengeId }: { challengeId: number }) {
  const trpc = useTRPC();
  const q = useQuery(trpc.challenge.admin.submissions.queryOptions({ challengeId }));
  if (!q.data) return <p className="muted">Loading…</p>;
  if (q.data.length === 0) return <p className="muted">No submissions yet.</p>;
  return (
    <table className="table" data-testid="admin-submissions">
      <thead>
        <tr>
          <th>#</th>
          <th>team</th>
          <th>by</th>
          <th>phase</th>
          <th>submitted</th>
          <th>state</th>
          <th>J&amp;F</th>
          <th>combined</th>
        </tr>
      </thead>
      <tbody>
        {q.data.map((s) => (
          <tr key={s.id}>
            <td>
              <Link href={`~/challenges/submissions/${s.id}`}>{s.id}</Link>
            </td>
            <td>{s.teamName}</td>
            <td>{s.username}</td>
            <td>{s.phase}</td>
            <td>{when(s.createdAt)}</td>
            <td>{STATE_LABEL[s.state]}</td>
            <td>{pct(s.scores.jf)}</td>
            <td>{pct(s.scores.combined)}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

function initialForm(now: number) {
  return {
    title: '',
    description: '',
    releaseVersion: '',
    split: 'valid' as ChallengeSplit,
    devOpens: toLocal(now),
    devCloses: toLocal(now + 30 * DAY),
    withFinal: true,
    finalCloses: toLocal(now + 37 * DAY),
    maxPerDay: 5,
    maxTotal: 100,
    maxUploadMb: 2048,
    leaderboardPublic: true,
    rankBy: 'combined' as Metric,
    pick: 'best' as Pick,
    inviteCode: '',
  };
}

/**
 * The admin's side of the challenge server: open a challenge on a written release's withheld split
 * (phases, limits, ranking, leaderboard visibility, invite code) and follow the existing ones.
 * Participant accounts: Admin → Users with the participant role, or self-registration at /join.
 */
export function ChallengeAdminPanel() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const list = useQuery(trpc.challenge.admin.list.queryOptions());
  const releases = useQuery(trpc.admin.releases.list.queryOptions());
  const refresh = () => queryClient.invalidateQueries({ queryKey: trpc.challenge.admin.list.queryKey() });
  const create = useMutation(trpc.challenge.admin.create.mutationOptions({ onSuccess: refresh }));
  const update = useMutation(trpc.challenge.admin.update.mutationOptions({ onSuccess: refresh }));
  const written = (releases.data ?? []).filter((r) => r.onDisk);
  const [f, setF] = useState(() => initialForm(Date.now()));
  const [open, setOpen] = useState<number | null>(null);
  const set = <K extends keyof typeof f>(k: K, v: (typeof f)[K]) => setF((x) => ({ ...x, [k]: v }));
  const release = f.releaseVersion || written.at(-1)?.version || '';

  return (
    <div data-testid="challenge-admin">
      <h2>Challenges</h2>
      {list.data && list.data.length > 0 && (
        <table className="table" data-testid="challenges">
          <thead>
            <tr>
              <th>title</th>
              <th>release</th>
              <th>open phase</th>
              <th>teams</th>
              <th>submissions</th>
              <th>invite code</th>
              <th>leaderboard</th>
              <th>
                <span className="sr-only">Actions</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {list.data.map((c) => (
              <tr key={c.id} data-challenge={c.id}>
                <td>
                  <Link href={`~/challenges/${c.id}`}>{c.title}</Link>
                </td>
                <td>
                  {c.releaseVersion} / {c.split}
                </td>
                <td>{c.currentPhase ?? '—'}</td>
                <td>{c.teams}</td>
                <td>{c.submissions}</td>
                <td>{c.inviteCode ? <code>{c.inviteCode}</code> : <span className="muted">none</span>}</td>
                <td>
                  <Link href={`~/challenges/${c.id}/results`}>{c.leaderboardPublic ? 'public' : 'admins only'}</Link>{' '}
                  <button onClick={() => update.mutate({ challengeId: c.id, leaderboardPublic: !c.leaderboardPublic })}>{c.leaderboardPublic ? 'hide' : 'publish'}</button>
                </td>
                <td>
                  <button onClick={() => setOpen(open === c.id ? null : c.id)}>{open === c.id ? 'hide submissions' : 'submissions'}</button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {open !== null && <Submissions challengeId={open} />}
      {update.isError && <p className="error">{update.error.message}</p>}

      <h3>Open a challenge</h3>
      {written.length === 0 ? (
        <p className="muted">Export a release first (Admin → Releases); a challenge runs on a written release&apos;s valid or test split.</p>
      ) : (
        <form
          className="settings-form"
          data-testid="challenge-form"
          onSubmit={(e) => {
            e.preventDefault();
            const dev = { phase: 'development' as const, opensAt: fromLocal(f.devOpens), closesAt: fromLocal(f.devCloses) };
            const phases = f.withFinal ? [dev, { phase: 'final' as const, opensAt: dev.closesAt, closesAt: fromLocal(f.finalCloses) }] : [dev];
            create.mutate({
              title: f.title,
              description: f.description,
              releaseVersion: release,
              split: f.split,
              phases,
              maxPerDay: f.maxPerDay,
              maxTotal: f.maxTotal,
              maxUploadMb: f.maxUploadMb,
              leaderboardPublic: f.leaderboardPublic,
              rankBy: f.rankBy,
              pick: f.pick,
              inviteCode: f.inviteCode.trim() || null,
            });
          }}
        >
          <label>
            Title <input value={f.title} onChange={(e) => set('title', e.target.value)} maxLength={200} aria-label="challenge title" />
          </label>
          <label>
            Description <textarea value={f.description} onChange={(e) => set('description', e.target.value)} maxLength={5000} aria-label="challenge description" />
          </label>
          <label>
            Release{' '}
            <select value={release} onChange={(e) => set('releaseVersion', e.target.value)} aria-label="release">
              {written.map((r) => (
                <option key={r.version} value={r.version}>
                  {r.version} ({r.videos} videos, {r.expressions} expressions)
                </option>
              ))}
            </select>
          </label>
          <label>
            Split{' '}
            <select value={f.split} onChange={(e) => set('split', e.target.value as ChallengeSplit)} aria-label="split">
              {CHALLENGE_SPLITS.map((s) => (
                <option key={s}>{s}</option>
              ))}
            </select>
          </label>
          <label>
            Development opens <input type="datetime-local" value={f.devOpens} onChange={(e) => set('devOpens', e.target.value)} aria-label="development opens" />
          </label>
          <label>
            Development closes <input type="datetime-local" value={f.devCloses} onChange={(e) => set('devCloses', e.target.value)} aria-label="development closes" />
          </label>
          <label>
            <input type="checkbox" checked={f.withFinal} onChange={(e) => set('withFinal', e.target.checked)} /> a final phase, from then until{' '}
            <input type="datetime-local" value={f.finalCloses} onChange={(e) => set('finalCloses', e.target.value)} disabled={!f.withFinal} aria-label="final closes" />
          </label>
          <label>
            Submissions per team per 24 h <input type="number" min={1} max={1000} value={f.maxPerDay} onChange={(e) => set('maxPerDay', Number(e.target.value))} aria-label="submissions per day" />
          </label>
          <label>
            Scored submissions per team per phase <input type="number" min={1} value={f.maxTotal} onChange={(e) => set('maxTotal', Number(e.target.value))} aria-label="submissions in total" />
          </label>
          <label>
            Largest zip (MiB) <input type="number" min={1} value={f.maxUploadMb} onChange={(e) => set('maxUploadMb', Number(e.target.value))} aria-label="largest zip" />
          </label>
          <label>
            Rank by{' '}
            <select value={f.rankBy} onChange={(e) => set('rankBy', e.target.value as Metric)} aria-label="rank by">
              {METRICS.map((m) => (
                <option key={m} value={m}>
                  {METRIC_LABELS[m]}
                </option>
              ))}
            </select>
          </label>
          <label>
            Each team by its{' '}
            <select value={f.pick} onChange={(e) => set('pick', e.target.value as Pick)} aria-label="pick">
              {PICKS.map((p) => (
                <option key={p}>{p}</option>
              ))}
            </select>{' '}
            submission
          </label>
          <label>
            <input type="checkbox" checked={f.leaderboardPublic} onChange={(e) => set('leaderboardPublic', e.target.checked)} aria-label="public leaderboard" /> public leaderboard (anyone
            can read it, no login)
          </label>
          <label>
            Invite code for self-registration (optional) <input value={f.inviteCode} onChange={(e) => set('inviteCode', e.target.value)} maxLength={64} aria-label="invite code" />
          </label>
          <button className="primary" disabled={create.isPending || !release} data-testid="challenge-create">
            Open the challenge
          </button>
          {create.isError && (
            <p className="error" role="alert">
              {create.error.message}
            </p>
          )}
        </form>
      )}
    </div>
  );
}
