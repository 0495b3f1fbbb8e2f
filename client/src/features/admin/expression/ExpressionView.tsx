import { useState } from 'react';
import { useQuery } from '@tanstack/react-query';
import { Link } from 'wouter';
import type { AdminExpressionDetail } from '#shared/schemas/admin.ts';
import { useTRPC } from '../../../trpc.ts';
import { VideoPlayer } from '../../../canvas/VideoPlayer.tsx';

type Answer = NonNullable<AdminExpressionDetail['answers']>[number];

const ids = (xs: readonly number[]) => (xs.length ? xs.map((t) => `#${t}`).join(' ') : 'none');
const words = (s: string) => s.replace(/_/g, ' ');

function verdict(a: Answer): string {
  if (a.answer === 'reject') return `rejected${a.rejectReason ? ` (${words(a.rejectReason)})` : ''}`;
  return a.agrees ? 'agreed with the annotator' : 'picked differently';
}

/**
 * One expression for the admin: the sentence, its targets outlined on the video (the player every
 * role uses), and every answer it got. "Outline" on an answer draws that validator's picks instead,
 * as the validate page's feedback outlines the annotator's.
 */
export function ExpressionView({ expressionId }: { expressionId: number }) {
  const trpc = useTRPC();
  const valid = Number.isInteger(expressionId) && expressionId > 0;
  const detail = useQuery({ ...trpc.admin.expressions.get.queryOptions({ expressionId }), enabled: valid });
  const videoId = detail.data?.videoId ?? 0;
  // With the objects an admin excluded: a target may be one of them (the video's page lists such expressions).
  const video = useQuery({ ...trpc.videos.get.queryOptions({ videoId, withExcluded: true }), enabled: videoId > 0 });
  const masks = useQuery({ ...trpc.videos.masks.queryOptions({ videoId, withExcluded: true }), enabled: videoId > 0 });
  /** The answer whose picks are outlined; null: the annotator's targets. */
  const [outlined, setOutlined] = useState<number | null>(null);

  const back = (
    <p>
      <Link href="/admin/expressions">← All expressions</Link>
    </p>
  );
  if (!valid) return <>{back}<p className="error">Not an expression id.</p></>;
  if (detail.isError) return <>{back}<p className="error">{detail.error.message}</p></>;
  if (!detail.data) return <p className="muted">Loading the expression…</p>;
  const e = detail.data;
  const picked = outlined === null ? null : e.answers?.find((a) => a.id === outlined);
  const selected = picked ? (picked.picks ?? []) : (e.targets ?? []);

  return (
    <div data-testid="expression-view">
      {back}
      <h3 id="cockpit-page-title">Expression #{e.id}</h3>
      <p className="sentence" data-testid="expression-text">
        {e.text}
      </p>
      <dl className="expression-meta">
        <dt>State</dt>
        <dd data-testid="expression-status">
          {words(e.status)}
          {e.rejectReason && ` (${words(e.rejectReason)})`}
          {e.gold && ' · gold sample'}
        </dd>
        <dt>Targets</dt>
        <dd data-testid="expression-targets">{e.targets === null ? <span className="muted">hidden: {e.hiddenBecause}</span> : e.targets.length ? ids(e.targets) : 'none (a no-target expression)'}</dd>
        <dt>Video</dt>
        <dd>
          <Link href={`/videos/${e.videoId}`}>{e.videoName}</Link> <span className="muted">({e.videoStatus})</span>
        </dd>
        <dt>Written by</dt>
        <dd>
          {e.author ?? <span className="muted">{e.origin}</span>}, {new Date(e.createdAt).toLocaleString()}
        </dd>
        {e.motionFrames && (
          <>
            <dt>Motion</dt>
            <dd>
              frames {e.motionFrames.start}–{e.motionFrames.end}
            </dd>
          </>
        )}
        {e.decidedAt !== null && (
          <>
            <dt>Decided</dt>
            <dd>{new Date(e.decidedAt).toLocaleString()}</dd>
          </>
        )}
        {e.revisionOf !== null && (
          <>
            <dt>Revises</dt>
            <dd>
              <Link href={`/admin/expressions/${e.revisionOf}`}>expression #{e.revisionOf}</Link>
            </dd>
          </>
        )}
      </dl>

      <p className="muted small" data-testid="outlined">
        Outlined: {picked ? `${picked.validator}'s picks, ${ids(picked.picks ?? [])}` : e.targets === null ? 'nothing (targets hidden)' : `the annotator's targets, ${ids(e.targets)}`}
        {picked && (
          <>
            {' '}
            <button className="link" onClick={() => setOutlined(null)}>
              Outline the targets again
            </button>
          </>
        )}
      </p>
      {video.isError && <p className="error">{video.error.message}</p>}
      {masks.isError && <p className="error">{masks.error.message}</p>}
      {video.data && masks.data ? <VideoPlayer video={video.data} masks={masks.data} selected={selected} /> : <p className="muted">Loading video…</p>}

      <h4>Answers ({e.answerCount})</h4>
      {e.answers === null ? (
        <p className="muted">{e.hiddenBecause}</p>
      ) : e.answers.length === 0 ? (
        <p className="muted">No answers yet.</p>
      ) : (
        <table className="table answers" data-testid="answers">
          <thead>
            <tr>
              <th>Validator</th>
              <th>Round</th>
              <th>Picks</th>
              <th>Verdict</th>
              <th>Note</th>
              <th>Time taken</th>
              <th>Answered</th>
              <th>
                <span className="sr-only">Outline</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {e.answers.map((a) => (
              <tr key={a.id} data-validator={a.validator}>
                <td>{a.validator}</td>
                <td>{a.round === 0 ? 'gold' : a.round}</td>
                <td data-testid="answer-picks">{a.picks === null ? '—' : a.picks.length ? ids(a.picks) : 'no target'}</td>
                <td data-testid="answer-verdict">
                  {verdict(a)}
                  {a.voidedAt !== null && <span className="muted" title={`taken out by an admin on ${new Date(a.voidedAt).toLocaleString()}; it counts nowhere`}> · voided</span>}
                </td>
                <td>{a.note ?? ''}</td>
                <td>{(a.durationMs / 1000).toFixed(1)} s</td>
                <td>{new Date(a.createdAt).toLocaleString()}</td>
                <td>
                  {a.picks !== null && a.picks.length > 0 && (
                    <button onClick={() => setOutlined(a.id)} disabled={outlined === a.id} aria-label={`outline ${a.validator}'s picks`} data-testid="outline-picks">
                      Outline
                    </button>
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
