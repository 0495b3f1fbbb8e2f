import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { useTRPC, type RouterOutputs } from '../../../trpc.ts';
import { ExcludeButton, ExcludeDialogHost } from './ExcludeRater.tsx';
import { ExclusionList } from './ExclusionList.tsx';
import { count, FLAG_TEXT, pct, withInterval } from './format.ts';
import { useQualityFilter, type QualityFilter } from './quality-store.ts';
import './quality.css';

type Report = RouterOutputs['admin']['quality']['report'];
type Alpha = Report['overall'];
type Person = Report['people'][number];
type Rate = Person['outcome'];

/**
 * How reliable the labels are: Krippendorff's α over the target sets annotator and validators
 * chose for the same sample (overall, per split, per week, with a bootstrap interval), and each
 * person's agreement with final outcomes and gold, with flags where someone stands far from peers.
 */
export function QualityPage() {
  const trpc = useTRPC();
  const filter = useQualityFilter();
  const input = { distance: filter.distance, iterations: filter.iterations, minCount: filter.minCount, from: filter.from || undefined, to: filter.to || undefined };
  const report = useQuery({ ...trpc.admin.quality.report.queryOptions(input), staleTime: 30_000 });
  return (
    <div data-testid="quality-page">
      <QualityForm key={JSON.stringify(input)} value={filter} onApply={filter.set} />
      {report.isError && (
        <p className="error" role="alert">
          {report.error.message}
        </p>
      )}
      {report.isPending && !report.isError && <p className="muted">Computing agreement (the bootstrap takes a few seconds on a big project)…</p>}
      {report.data && <ReportView report={report.data} />}
      <ExcludeDialogHost />
    </div>
  );
}

function QualityForm({ value, onApply }: { value: QualityFilter; onApply: (f: Partial<QualityFilter>) => void }) {
  const [draft, setDraft] = useState(value);
  return (
    <form
      className="row quality-form"
      onSubmit={(e) => {
        e.preventDefault();
        onApply(draft);
      }}
    >
      <label>
        distance{' '}
        <select value={draft.distance} onChange={(e) => setDraft({ ...draft, distance: e.target.value as QualityFilter['distance'] })} aria-label="set distance">
          <option value="masi">MASI</option>
          <option value="jaccard">Jaccard</option>
        </select>
      </label>
      <label>
        from <input type="date" value={draft.from} onChange={(e) => setDraft({ ...draft, from: e.target.value })} aria-label="from day" />
      </label>
      <label>
        to <input type="date" value={draft.to} onChange={(e) => setDraft({ ...draft, to: e.target.value })} aria-label="to day" />
      </label>
      <label>
        resamples <input type="number" min={0} max={5000} step={100} value={draft.iterations} onChange={(e) => setDraft({ ...draft, iterations: Number(e.target.value) })} aria-label="bootstrap resamples" />
      </label>
      <label>
        minimum answers <input type="number" min={5} max={10000} value={draft.minCount} onChange={(e) => setDraft({ ...draft, minCount: Number(e.target.value) })} aria-label="minimum answers per person" />
      </label>
      <button className="primary" data-testid="quality-apply">
        Compute
      </button>
    </form>
  );
}

function ReportView({ report }: { report: Report }) {
  const o = report.overall;
  const flagged = report.people.filter((p) => p.flags.length > 0);
  return (
    <>
      <section aria-labelledby="alpha-title">
        <h4 id="alpha-title">Agreement</h4>
        <p className="quality-alpha" data-testid="quality-alpha">
          <strong>α = {withInterval(o.alpha, o.low, o.high)}</strong>
          <span className="muted">
            {' '}
            {report.distance.toUpperCase()} · {count(o.units)} samples · {count(o.pairs)} answer pairs · {count(o.rejections)} of {count(o.answers)} answers were
            rejections, left out
          </span>
        </p>
        <p className="muted small">
          Krippendorff&rsquo;s α over the target sets the annotator and the validators chose for the same sample (&ldquo;no target&rdquo; is the empty set;
          samples with fewer than two set answers drop out). 1 is perfect agreement, 0 is chance. 95 % interval: {count(report.iterations)} bootstrap
          resamples of samples, seed {report.seed}. Computed {new Date(report.computedAt).toLocaleString()} in {(report.ms / 1000).toFixed(1)} s; kept until
          the data change.
        </p>
        <div className="quality-tables">
          <AlphaTable title="By split" testId="quality-splits" rows={report.splits.map((s) => ({ key: s.split, label: s.predicted ? `${s.split} (${count(s.predicted)} predicted)` : s.split, a: s }))} />
          <AlphaTable
            title={`By week (Monday, UTC)${report.weeksLeftOut ? ` — the latest ${report.weeks.length}; ${report.weeksLeftOut} older left out` : ''}`}
            testId="quality-weeks"
            rows={report.weeks.map((w) => ({ key: w.week, label: w.week, a: w }))}
          />
        </div>
      </section>
      <section aria-labelledby="people-title">
        <h4 id="people-title">People</h4>
        <p className="muted small">
          Agreement with final outcomes: an annotator&rsquo;s accepted samples among accepted and discarded ones; a validator&rsquo;s answers equal to the
          set the sample ended with. Gold: answers to gold samples that match (a rejection is a miss). Rates over fewer than {report.minCount} answers are
          not shown. A flag means the person&rsquo;s count would happen by chance less than {report.flagP} of the time at the peers&rsquo; pooled rate
          (exact binomial, one-sided). {flagged.length === 0 ? 'Nobody is flagged.' : `${flagged.length} flagged.`}
        </p>
        <PeopleTable people={report.people} />
      </section>
      <ExclusionList />
    </>
  );
}

function AlphaTable({ title, rows, testId }: { title: string; testId: string; rows: { key: string; label: string; a: Alpha }[] }) {
  return (
    <table className="table" data-testid={testId}>
      <caption>{title}</caption>
      <thead>
        <tr>
          <th scope="col">{testId === 'quality-weeks' ? 'week' : 'split'}</th>
          <th scope="col">α (95 % CI)</th>
          <th scope="col">samples</th>
          <th scope="col">pairs</th>
        </tr>
      </thead>
      <tbody>
        {rows.length === 0 ? (
          <tr>
            <td colSpan={4} className="muted">
              No samples.
            </td>
          </tr>
        ) : (
          rows.map((r) => (
            <tr key={r.key} data-key={r.key}>
              <td>{r.label}</td>
              <td>{withInterval(r.a.alpha, r.a.low, r.a.high)}</td>
              <td>{count(r.a.units)}</td>
              <td>{count(r.a.pairs)}</td>
            </tr>
          ))
        )}
      </tbody>
    </table>
  );
}

function RateCell({ r, peer = false }: { r: Rate | null; peer?: boolean }) {
  if (!r || r.n === 0) return <td className="muted">–</td>;
  return (
    <td title={r.z === null ? undefined : `z ${r.z.toFixed(1)} against peers`}>
      {r.p === null ? <span className="muted">{`${r.k}/${r.n} (too few)`}</span> : withInterval(r.p, r.low, r.high, pct)}
      {r.p !== null && <span className="muted small"> {`${r.k}/${r.n}`}</span>}
      {peer && r.peer !== null && <span className="muted small"> · peers {pct(r.peer)}</span>}
    </td>
  );
}

function PeopleTable({ people }: { people: Person[] }) {
  if (people.length === 0) return <p className="muted">No answers yet.</p>;
  return (
    <table className="table quality-people" data-testid="quality-people">
      <thead>
        <tr>
          <th scope="col">person</th>
          <th scope="col">role</th>
          <th scope="col">agrees with outcome</th>
          <th scope="col">agrees with gold</th>
          <th scope="col">&ldquo;no target&rdquo;</th>
          <th scope="col">rejects</th>
          <th scope="col">flags</th>
          <th scope="col">
            <span className="sr-only">actions</span>
          </th>
        </tr>
      </thead>
      <tbody>
        {people.map((p) => (
          <tr key={`${p.role}:${p.userId}`} data-user={p.username} data-role={p.role} data-flagged={p.flags.length > 0 ? 'true' : 'false'} className={p.flags.length ? 'flagged' : undefined}>
            <td>{p.username}</td>
            <td>{p.role}</td>
            <RateCell r={p.outcome} />
            <RateCell r={p.gold} />
            <RateCell r={p.noTarget} peer />
            <RateCell r={p.reject} peer />
            <td>
              {p.flags.map((f) => (
                <span key={f} className="quality-flag" data-flag={f}>
                  {FLAG_TEXT[f] ?? f}
                </span>
              ))}
            </td>
            <td>
              <ExcludeButton person={p} />
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
