import { useMemo } from 'react';
import uPlot from 'uplot';
import { Link } from 'wouter';
import type { DashboardData, DashboardHistogram, DashboardProgress, DashboardShareProgress } from '#shared/dashboard.ts';
import { EXPRESSION_STATUSES, VIDEO_STATUSES, type ExpressionStatus, type RejectReason, type VideoStatus } from '#shared/domain.ts';
import { Stat } from '../../../ui/Stat.tsx';
import { activityData, agreementData, barsData, duration, percent } from './chart-data.ts';
import { UPlotChart, type ChartOptions } from './UPlotChart.tsx';
import './dashboard.css';
import { useAuditFilter } from '../audit-filter-store.ts';

// Okabe & Ito colours: told apart by colour-blind viewers too.
const COLOR = { submitted: '#0072b2', accepted: '#009e73', discarded: '#e69f00', rejected: '#d55e00', agreement: '#cc79a7', bars: '#56b4e9' };

const EXPRESSION_LABEL: Record<ExpressionStatus, string> = {
  pending: 'pending',
  second_round: 'in second round',
  accepted: 'accepted',
  discarded: 'discarded',
  rejected: 'rejected',
};
const VIDEO_LABEL: Record<VideoStatus, string> = { candidate: 'candidate videos', accepted: 'accepted videos', excluded: 'excluded videos' };
const REASON_LABEL: Record<RejectReason, string> = {
  single_frame: 'V1: identifiable from a single frame',
  no_target_unrelated: 'V2: no-target unrelated or not about motion',
  ambiguous: 'ambiguous',
  inappropriate: 'inappropriate',
  broken: 'broken',
};

/** Days are UTC days: show them as such whatever the browser's time zone. */
const utc = (ts: number) => uPlot.tzDate(new Date(ts * 1000), 'Etc/UTC');
const fromZero: uPlot.Scale['range'] = (_u, _min, max) => [0, Math.max(1, max)];
/** Counts: whole-number ticks only. */
const COUNT_INCRS = [1, 2, 5, 10, 20, 50, 100, 200, 500, 1_000, 2_000, 5_000, 10_000, 20_000, 50_000, 100_000, 200_000, 500_000];

function dailyOptions(series: uPlot.Series[], y: uPlot.Scale, yAxis: uPlot.Axis): ChartOptions {
  return {
    tzDate: utc,
    scales: { x: { time: true }, y },
    series: [{ label: 'day (UTC)', value: '{YYYY}-{MM}-{DD}' }, ...series],
    axes: [{}, { size: 54, ...yAxis }],
    cursor: { drag: { x: true, y: false } },
  };
}

const line = (label: string, stroke: string): uPlot.Series => ({ label, stroke, width: 2, points: { size: 4 } });

function barOptions(labels: string[], name: string, xLabel: string): ChartOptions {
  // Name at most ~10 bins on the axis (and always the last, "N+"), so many bins stay legible.
  const step = Math.ceil(labels.length / 10);
  const named = (i: number) => i % step === 0 || i === labels.length - 1;
  return {
    scales: { x: { time: false, range: () => [-0.5, labels.length - 0.5] }, y: { range: fromZero } },
    series: [
      { label: xLabel, value: (_u, v) => labels[v] ?? '' },
      { label: name, stroke: COLOR.bars, fill: `${COLOR.bars}bb`, width: 1, paths: uPlot.paths.bars!({ size: [0.7, 48], align: 0 }), points: { show: false } },
    ],
    axes: [
      { label: xLabel, splits: () => labels.map((_, i) => i), values: (_u, splits) => splits.map((i) => (named(i) ? (labels[i] ?? '') : '')), grid: { show: false } },
      { size: 54, incrs: COUNT_INCRS },
    ],
    cursor: { drag: { x: false, y: false } },
  };
}

/** Everything the admin follows the project with: counts, targets, activity, distributions, people. */
export function Dashboard({ data }: { data: DashboardData }) {
  const { counts, progress, series, distributions, users, quiet } = data;

  const activity = useMemo(() => activityData(series), [series]);
  const agreement = useMemo(() => agreementData(series), [series]);
  const activityOptions = useMemo(
    () =>
      dailyOptions(
        [line('submitted', COLOR.submitted), line('accepted', COLOR.accepted), line('discarded', COLOR.discarded), line('rejected', COLOR.rejected)],
        { range: fromZero },
        { label: 'expressions', incrs: COUNT_INCRS },
      ),
    [],
  );
  const agreementOptions = useMemo(
    () =>
      dailyOptions(
        [{ ...line('first-validator agreement', COLOR.agreement), value: (_u, v) => (v == null ? '–' : `${v.toFixed(1)} %`) }],
        { range: [0, 100] },
        { label: 'agreement', values: (_u, splits) => splits.map((v) => `${v} %`) },
      ),
    [],
  );

  return (
    <div className="dash" data-testid="dashboard">
      <QuietNotice quiet={quiet} />

      <section className="dash-section">
        <h4>Expressions</h4>
        <div className="stats">
          {EXPRESSION_STATUSES.map((s) => (
            <Stat key={s} label={EXPRESSION_LABEL[s]} value={counts.expressions[s]} testId={`dash-expr-${s}`} />
          ))}
        </div>
        <h4>Videos</h4>
        <div className="stats">
          {VIDEO_STATUSES.map((s) => (
            <Stat key={s} label={VIDEO_LABEL[s]} value={counts.videos[s]} testId={`dash-videos-${s}`} />
          ))}
        </div>
        <h4>Audio</h4>
        <div className="stats">
          <Stat label="accepted, needing audio" value={counts.audio.needAudio} testId="dash-audio-needAudio" />
          <Stat label="clips awaiting checks" value={counts.audio.submitted} testId="dash-audio-submitted" />
          <Stat label="clips verified" value={counts.audio.verified} testId="dash-audio-verified" />
          <Stat label="clips failed" value={counts.audio.failed} testId="dash-audio-failed" />
          <Stat label="verified human audio" value={duration(counts.audio.verifiedSecondsHuman)} testId="dash-audio-verifiedSecondsHuman" />
          <Stat label="verified TTS audio" value={duration(counts.audio.verifiedSecondsTts)} testId="dash-audio-verifiedSecondsTts" />
        </div>
      </section>

      <section className="dash-section">
        <h4>Towards the targets</h4>
        <div className="dash-targets">
          <Target
            testId="dash-progress-expressions"
            name="Accepted expressions on accepted videos"
            p={progress.expressions}
            text={`${progress.expressions.value} of ${Math.round(progress.expressions.target)}`}
          />
          <ShareTarget testId="dash-progress-no-target" name="No-target share of accepted expressions" p={progress.noTargetShare} unit="expressions" />
          <ShareTarget testId="dash-progress-tts" name="TTS share of verified audio" p={progress.ttsShare} unit="seconds" />
        </div>
      </section>

      <section className="dash-section">
        <h4>Activity per day (UTC)</h4>
        <div className="dash-charts">
          <figure className="dash-figure">
            <figcaption>Submissions and decisions</figcaption>
            <UPlotChart options={activityOptions} data={activity} testId="dash-chart-activity" />
          </figure>
          <figure className="dash-figure">
            <figcaption>First-validator agreement with the annotator</figcaption>
            <UPlotChart options={agreementOptions} data={agreement} testId="dash-chart-agreement" />
          </figure>
        </div>
      </section>

      <section className="dash-section">
        <h4>Distributions</h4>
        <div className="dash-charts">
          <Histogram
            caption="Accepted videos by number of accepted expressions"
            h={distributions.expressionsPerVideo}
            name="videos"
            xLabel="accepted expressions"
            testId="dash-chart-per-video"
          />
          <Histogram
            caption="Accepted expressions by number of targets"
            h={distributions.targetsPerExpression}
            name="expressions"
            xLabel="targets"
            testId="dash-chart-targets"
          />
          <figure className="dash-figure">
            <figcaption>Rejections by reason</figcaption>
            <table className="table dash-compact" data-testid="dash-reject-reasons">
              <tbody>
                {distributions.rejectReasons.labels.map((reason, i) => (
                  <tr key={reason}>
                    <td>{REASON_LABEL[reason as RejectReason] ?? reason}</td>
                    <td className="dash-num">{distributions.rejectReasons.counts[i]}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </figure>
        </div>
      </section>

      <section className="dash-section">
        <h4>Annotators</h4>
        <PeopleTable
          testId="dash-annotators"
          empty="No annotators yet."
          head={['user', 'submitted', 'open', 'accepted', 'discarded', 'rejected']}
          rows={users.annotators.map((a) => ({
            key: a.userId,
            name: a.username,
            cells: [a.submitted, a.open, percent(a.acceptedRate, 0), percent(a.discardedRate, 0), percent(a.rejectedRate, 0)],
          }))}
          note="Shares of each annotator's decided expressions."
        />
        <h4>Validators</h4>
        <PeopleTable
          testId="dash-validators"
          empty="No validators yet."
          head={['user', 'answered', 'scored', 'agree with outcome', 'gold answered', 'gold accuracy', 'median time']}
          rows={users.validators.map((v) => ({
            key: v.userId,
            name: v.username,
            cells: [v.answered, v.scored, percent(v.agreement, 0), v.goldAnswered, percent(v.goldAccuracy, 0), v.medianSeconds === null ? '–' : duration(v.medianSeconds)],
          }))}
          note="Scored: answers on samples that ended accepted or rejected."
        />
        <h4>Speakers</h4>
        <PeopleTable
          testId="dash-speakers"
          empty="No speakers yet."
          head={['user', 'clips', 'awaiting checks', 'verified', 'failed', 'verified share', 'verified audio']}
          rows={users.speakers.map((s) => ({
            key: s.userId,
            name: s.username,
            cells: [s.clips, s.submitted, s.verified, s.failed, percent(s.verifiedRate, 0), duration(s.verifiedSeconds)],
          }))}
          note="Verified share: of the clips already checked."
        />
      </section>
    </div>
  );
}

function QuietNotice({ quiet }: { quiet: DashboardData['quiet'] }) {
  const since = quiet.minutesSinceLastSubmission;
  const people = `${quiet.activeUsers} ${quiet.activeUsers === 1 ? 'person is' : 'people are'} active`;
  if (!quiet.quiet) {
    return (
      <p className="muted dash-pulse" data-testid="dash-pulse">
        {since === null ? 'Nothing submitted yet' : `Last submission ${since} min ago`} · {people}
      </p>
    );
  }
  return (
    <div className="dash-quiet" role="alert" data-testid="quiet-notice">
      <strong>Gone quiet.</strong> {since === null ? 'Nothing has been submitted yet' : `No expression, answer or recording for ${since} minutes`}, yet {people} (in the
      last {quiet.quietMinutes} minutes). Check that the pages work for them.
    </div>
  );
}

/** A bar towards a target: full at the target (the ratio may pass 100 %, the bar stops there). */
function Target({ name, p, text, testId }: { name: string; p: DashboardProgress; text: string; testId: string }) {
  const filled = p.ratio === null ? 0 : Math.min(100, p.ratio * 100);
  return (
    <div className="dash-target" data-testid={testId}>
      <div className="dash-target-head">
        <span>{name}</span>
        <span className="muted">
          {text} · {p.ratio === null ? 'no target yet' : `${percent(p.ratio, 0)} of target`}
        </span>
      </div>
      <div className="progress" role="progressbar" aria-label={name} aria-valuemin={0} aria-valuemax={100} aria-valuenow={Math.round(filled)}>
        <div className="progress-fill" style={{ width: `${filled}%` }} />
      </div>
    </div>
  );
}

function ShareTarget({ name, p, unit, testId }: { name: string; p: DashboardShareProgress; unit: string; testId: string }) {
  const part = unit === 'seconds' ? duration(p.part) : String(p.part);
  const whole = unit === 'seconds' ? duration(p.whole) : `${p.whole} ${unit}`;
  return <Target name={name} p={p} testId={testId} text={`${percent(p.value)} (${part} of ${whole}), target ${percent(p.target, 0)}`} />;
}

function Histogram({ caption, h, name, xLabel, testId }: { caption: string; h: DashboardHistogram; name: string; xLabel: string; testId: string }) {
  // Options depend on the bins only, so a refetch with new counts keeps the chart and just sets data.
  const key = h.labels.join('\u0000');
  // eslint-disable-next-line react-hooks/exhaustive-deps -- `key` stands for h.labels, a new array on every refetch.
  const options = useMemo(() => barOptions(h.labels, name, xLabel), [key, name, xLabel]);
  const data = useMemo(() => barsData(h), [h]);
  return (
    <figure className="dash-figure">
      <figcaption>{caption}</figcaption>
      <UPlotChart options={options} data={data} height={200} testId={testId} />
    </figure>
  );
}

function PeopleTable({
  head,
  rows,
  empty,
  note,
  testId,
}: {
  head: string[];
  rows: { key: number; name: string; cells: (string | number)[] }[];
  empty: string;
  note: string;
  testId: string;
}) {
  const showRecentWork = useAuditFilter((st) => st.setActor);
  if (rows.length === 0) return <p className="muted">{empty}</p>;
  return (
    <>
      <div className="dash-table-wrap">
        <table className="table dash-compact" data-testid={testId}>
          <thead>
            <tr>
              {head.map((h, i) => (
                <th key={h} className={i > 0 ? 'dash-num' : undefined}>
                  {h}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {rows.map((r) => (
              <tr key={r.key} data-testid={`${testId}-${r.name}`}>
                <td>
                  <Link href="/admin/audit" onClick={() => showRecentWork(r.name)} title="recent work in the audit log">
                    {r.name}
                  </Link>
                </td>
                {r.cells.map((c, i) => (
                  <td key={i} className="dash-num">
                    {c}
                  </td>
                ))}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <p className="muted small">{note}</p>
    </>
  );
}
