import { useState } from 'react';
import { useQuery } from '@tanstack/react-query';
import { leaderboardCsv } from '#shared/challenge/ranking.ts';
import { PHASES, type Phase } from '#shared/challenge/rules.ts';
import { useTRPC } from '../../trpc.ts';
import { METRIC_LABELS, METRICS, pct, saveText, when, type Metric } from './format.ts';

/**
 * The leaderboard of a phase, as a page an author can cite: a permanent address
 * (/challenges/<id>/results?phase=…), the release and split, and what every score means. Public
 * leaderboards open without logging in.
 */
export function ResultsPage({ challengeId }: { challengeId: number }) {
  const trpc = useTRPC();
  const initial = new URLSearchParams(window.location.search).get('phase');
  const [phase, setPhase] = useState<Phase>((PHASES as readonly string[]).includes(initial ?? '') ? (initial as Phase) : 'development');
  const [sort, setSort] = useState<{ metric: Metric | 'rank'; desc: boolean }>({ metric: 'rank', desc: false });
  const q = useQuery(trpc.challenge.leaderboard.queryOptions({ challengeId, phase }));
  if (q.isError) return <p className="error">{q.error.message}</p>;
  if (!q.data) return <p className="muted">Loading…</p>;
  const { challenge: c, rows, definitions } = q.data;
  const sorted = [...rows].sort((a, b) => {
    const d = sort.metric === 'rank' ? a.rank - b.rank : (a.scores[sort.metric] ?? -1) - (b.scores[sort.metric] ?? -1);
    return sort.desc ? -d : d;
  });
  const link = `${window.location.origin}/challenges/${c.id}/results?phase=${phase}`;
  const by = (metric: Metric | 'rank') => setSort((s) => ({ metric, desc: s.metric === metric ? !s.desc : metric !== 'rank' }));
  const arrow = (metric: Metric | 'rank') => (sort.metric === metric ? (sort.desc ? ' ▼' : ' ▲') : '');
  return (
    <div data-testid="results-page">
      <h2>{c.title} — leaderboard</h2>
      <p className="muted small">
        MeViS release {c.releaseVersion}, {c.split} split. Each team is ranked by {METRIC_LABELS[c.rankBy]} of its {c.pick === 'best' ? 'best' : 'latest'} scored submission in the
        phase; equal scores share a rank.
      </p>
      <div className="row">
        <label>
          Phase{' '}
          <select value={phase} onChange={(e) => setPhase(e.target.value as Phase)} aria-label="phase">
            {c.phases.map((p) => (
              <option key={p.phase} value={p.phase}>
                {p.phase} ({when(p.opensAt)} – {when(p.closesAt)})
              </option>
            ))}
          </select>
        </label>
        <button onClick={() => saveText(`challenge-${c.id}-${phase}-leaderboard.csv`, leaderboardCsv(rows))} data-testid="leaderboard-csv">
          Download CSV
        </button>
      </div>
      {rows.length === 0 ? (
        <p className="muted">No scored submission in this phase yet.</p>
      ) : (
        <table className="table" data-testid="leaderboard">
          <thead>
            <tr>
              <th aria-sort={sort.metric === 'rank' ? (sort.desc ? 'descending' : 'ascending') : undefined}>
                <button className="link" onClick={() => by('rank')}>
                  rank{arrow('rank')}
                </button>
              </th>
              <th>team</th>
              {METRICS.map((m) => (
                <th key={m} aria-sort={sort.metric === m ? (sort.desc ? 'descending' : 'ascending') : undefined}>
                  <button className="link" onClick={() => by(m)} data-testid={`sort-${m}`}>
                    {METRIC_LABELS[m]}
                    {arrow(m)}
                  </button>
                </th>
              ))}
              <th>submitted</th>
              <th>submissions</th>
            </tr>
          </thead>
          <tbody>
            {sorted.map((r) => (
              <tr key={r.submissionId} data-team={r.teamName}>
                <td>{r.rank}</td>
                <td>{r.teamName}</td>
                {METRICS.map((m) => (
                  <td key={m} data-metric={m}>
                    {pct(r.scores[m])}
                  </td>
                ))}
                <td>{when(r.createdAt)}</td>
                <td>{r.submissions}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <h3>Metrics</h3>
      <dl className="small">
        {definitions.map((d) => (
          <div key={d.metric}>
            <dt>
              <strong>{d.metric}</strong>
            </dt>
            <dd>{d.definition}</dd>
          </div>
        ))}
      </dl>
      <h3>Cite</h3>
      <p className="small" data-testid="citation">
        {c.title}, {phase} phase leaderboard, MeViS release {c.releaseVersion} ({c.split} split). <a href={link}>{link}</a>
      </p>
    </div>
  );
}
