import { useEffect, useRef, useState } from 'react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Link } from 'wouter';
import { unacknowledgedClipWarnings } from '#shared/audio/index.ts';
import type { ToRecord } from '#shared/schemas/record.ts';
import { asUploadForm, trpcCode, useTRPC } from '../../trpc.ts';
import { VideoPlayer } from '../../canvas/VideoPlayer.tsx';
import { useLatest } from '../../ui/use-latest.ts';
import { analyzeTake, type TakeReport } from './analyze-take.ts';
import type { Take } from './capture.ts';
import { ClipView } from './ClipView.tsx';
import { MyRecordings } from './MyRecordings.tsx';
import { MicCheck } from './MicCheck.tsx';
import { Recorder } from './Recorder.tsx';
import { useShortcuts } from '../../ui/use-shortcuts.ts';
import { dropTake, loadTake, saveTake, type PendingTake } from './take-store.ts';

/** The speaker's page: read the sentence aloud, listen back, re-record, submit. */
export function RecordPage({ userId }: { userId: number }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const status = useQuery(trpc.record.status.queryOptions());
  // Read when a take is analysed (also from effects), so a ref rather than a dependency.
  const limitsRef = useLatest<{ minWpm?: number; maxWpm?: number }>(status.data ? { minWpm: status.data.minWpm, maxWpm: status.data.maxWpm } : {});
  const [item, setItem] = useState<ToRecord | null | undefined>(undefined);
  const [take, setTake] = useState<PendingTake | null>(null);
  const [report, setReport] = useState<TakeReport | null>(null);
  const [showVideo, setShowVideo] = useState(false);
  const [notice, setNotice] = useState<string | null>(null);
  const forceWorklet = new URLSearchParams(location.search).get('capture') === 'worklet';

  const next = useMutation(trpc.record.next.mutationOptions({ onSuccess: (r) => setItem(r) }));
  const skip = useMutation(trpc.record.skip.mutationOptions({ onSuccess: (r) => setItem(r) }));
  const upload = useMutation(
    trpc.record.upload.mutationOptions({
      onSuccess: async (r) => {
        await dropTake(userId);
        setTake(null);
        setReport(null);
        setNotice(r.alreadySubmitted ? 'Already received. Thank you!' : `Submitted (${r.wordsPerMinute?.toFixed(0) ?? '–'} words per minute). It will be checked by a listener and a speech recognizer.`);
        await queryClient.invalidateQueries({ queryKey: trpc.record.mine.queryKey() });
        next.mutate();
      },
    }),
  );

  // On arrival: an unsent take from before a reload comes back first; otherwise the next sentence.
  const started = useRef(false);
  useEffect(() => {
    if (started.current) return;
    started.current = true;
    void loadTake(userId).then(async (pending) => {
      if (pending) {
        setItem({ expressionId: pending.expressionId, text: pending.text, videoId: 0, recordings: 0 });
        setTake(pending);
        setReport(await analyzeTake(pending.blob, pending.captureRate, pending.text, limitsRef.current));
        setNotice('Your unsent recording from before is back: listen to it and submit, or record again.');
      } else next.mutate();
    });
  }, [userId, next, limitsRef]);

  const onTake = async (t: Take) => {
    if (!item) return;
    const pending: PendingTake = { uid: crypto.randomUUID(), expressionId: item.expressionId, text: item.text, blob: t.blob, mime: t.mime, captureRate: t.captureRate, acknowledged: [], recordedAt: Date.now() };
    // Into IndexedDB before anything else can go wrong.
    await saveTake(userId, pending);
    setTake(pending);
    setNotice(null);
    setReport(await analyzeTake(t.blob, t.captureRate, item.text, limitsRef.current));
  };
  const acknowledge = async (code: string, on: boolean) => {
    if (!take) return;
    const updated = { ...take, acknowledged: on ? [...new Set([...take.acknowledged, code])] : take.acknowledged.filter((c) => c !== code) };
    setTake(updated);
    await saveTake(userId, updated);
  };
  const submit = () => {
    if (!take) return;
    const form = new FormData();
    form.set('uid', take.uid);
    form.set('expressionId', String(take.expressionId));
    form.set('acknowledged', JSON.stringify(take.acknowledged));
    form.set('file', take.blob, take.mime === 'audio/wav' ? 'take.wav' : 'take.webm');
    upload.mutate(asUploadForm(form));
  };
  const discard = async () => {
    await dropTake(userId);
    setTake(null);
    setReport(null);
  };

  const errors = report?.findings.filter((f) => f.severity === 'error') ?? [];
  const warnings = report?.findings.filter((f) => f.severity === 'warning') ?? [];
  const blocked = errors.length > 0 || (report ? unacknowledgedClipWarnings(report.findings, take?.acknowledged ?? []).length > 0 : true);
  useShortcuts([
    { keys: ['Enter'], run: () => take && !blocked && !upload.isPending && submit() },
    { keys: ['d', 'D'], run: () => take && !upload.isPending && void discard() },
  ]);

  if (status.data && !status.data.enabled) return <p className="error">{status.data.note}</p>;
  if (item === undefined) return <p className="muted">Finding a sentence…</p>;
  const noticeView = notice && (
    <p className="ok" role="status" data-testid="record-notice">
      {notice}
    </p>
  );
  if (item === null) {
    return (
      <div data-testid="nothing-to-record">
        {noticeView}
        <p>Every accepted expression has audio for now. Thank you!</p>
        <p>
          <Link href="/">Back home</Link>
        </p>
        <MyRecordings />
      </div>
    );
  }
  return (
    <div className="record-page" data-testid="record-page">
      <div className="page-head">
        <Link href="/">← Home</Link>
        <span className="spacer" />
        {item.videoId > 0 && <button onClick={() => setShowVideo((v) => !v)}>{showVideo ? 'Hide video' : 'Show the video'}</button>}
        <button onClick={() => skip.mutate({ expressionId: item.expressionId })} disabled={skip.isPending || Boolean(take)} title="skip this sentence (recorded)">
          Skip
        </button>
      </div>
      <p className="muted">Read this aloud, naturally, at a normal talking speed ({status.data?.minWpm ?? 100}–{status.data?.maxWpm ?? 150} words per minute):</p>
      <blockquote className="sentence big" data-testid="sentence">
        {item.text}
      </blockquote>
      {showVideo && item.videoId > 0 && <VideoContext videoId={item.videoId} />}
      <MicCheck />
      {/* Keyed by sentence: the last take's waveform must not linger under the next sentence. */}
      <Recorder key={item.expressionId} onTake={(t) => void onTake(t)} disabled={upload.isPending} forceMethod={forceWorklet ? 'audioworklet-wav' : undefined} />
      {take && (
        <section className="editor" data-testid="take">
          <strong>Your take</strong>
          {report ? <ClipView source={report.playback} trim={{ start: report.analysis.trimStart, end: report.analysis.trimEnd }} testId="take-clip" playKeys={['p', 'P']} /> : <p className="muted">Checking the take…</p>}
          {report && (
            <span className="muted small" data-testid="take-stats">
              {report.analysis.durationSec.toFixed(1)} s · speech {report.analysis.trimStart.toFixed(2)}–{report.analysis.trimEnd.toFixed(2)} s · {report.wpm === null ? '–' : `${report.wpm.toFixed(0)} words per minute`} · captured at {report.analysis.sampleRate} Hz
            </span>
          )}
          <ul className="findings" data-testid="clip-findings">
            {errors.map((f) => (
              <li key={f.code} className="error" data-code={f.code}>
                {f.message}
              </li>
            ))}
            {warnings.map((f) => (
              <li key={f.code} className="warning" data-code={f.code}>
                <span>{f.message}</span>
                <label className="inline small">
                  <input type="checkbox" checked={take.acknowledged.includes(f.code)} onChange={(e) => void acknowledge(f.code, e.target.checked)} /> keep it anyway
                </label>
              </li>
            ))}
          </ul>
          {upload.isError && (
            <p className="error" role="alert" data-testid="upload-error">
              {trpcCode(upload.error) ? upload.error.message : 'Could not reach the server. Your recording is kept on this computer; submit again to retry.'}
            </p>
          )}
          <div className="row">
            <button className="primary" onClick={submit} disabled={blocked || upload.isPending} data-testid="submit-take">
              {upload.isPending ? 'Uploading…' : 'Submit'} <kbd>Enter</kbd>
            </button>
            <button onClick={() => void discard()} disabled={upload.isPending} data-testid="discard-take">
              Discard <kbd>D</kbd>
            </button>
            <span className="muted small">
              <kbd>R</kbd> records again
            </span>
          </div>
        </section>
      )}
      {noticeView}
      <MyRecordings />
    </div>
  );
}

function VideoContext({ videoId }: { videoId: number }) {
  const trpc = useTRPC();
  const video = useQuery(trpc.videos.get.queryOptions({ videoId }));
  const masks = useQuery({ ...trpc.videos.masks.queryOptions({ videoId }), staleTime: Infinity });
  if (!video.data || !masks.data) return <p className="muted">Loading video…</p>;
  return <VideoPlayer video={video.data} masks={masks.data} />;
}
