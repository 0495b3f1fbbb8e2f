import { useEffect, useMemo, useRef, useState } from 'react';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { Link } from 'wouter';
import { probeFrameUrl, type ProbeView } from '#shared/schemas/probe.ts';
import { trpcCode, useTRPC } from '../../trpc.ts';
import { FrameComposites } from '../../canvas/frame-composites.ts';
import { FrameLoader } from '../../canvas/frame-loader.ts';
import { MaskRasters } from '../../canvas/mask-rasters.ts';
import { usePlayerStore } from '../../canvas/player-store.ts';
import { VideoStage } from '../../canvas/VideoStage.tsx';
import { ShortcutHelp } from '../../ui/ShortcutHelp.tsx';
import { useShortcuts } from '../../ui/use-shortcuts.ts';
import { Countdown } from '../validate/Countdown.tsx';

const HELP: [string, string][] = [
  ['click', 'toggle the object under the pointer'],
  ['1 … 9, 0', 'toggle the 1st … 10th object'],
  ['N', 'no target: the sentence matches no object on this frame'],
  ['Enter', 'submit / next probe'],
  ['Esc', 'clear the selection'],
  ['?', 'this help'],
];

/**
 * The single-frame probe (`/validate/probe`): one frame of a video this validator has never seen,
 * every mask on it, and a sentence; no playback. They pick the objects the sentence means, or "no
 * target". Whether they found the annotator's objects is never shown: it measures the sentence
 * (MeViS V1), not the validator.
 */
export function ProbePage() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [probe, setProbe] = useState<ProbeView | null | undefined>(undefined);
  const [done, setDone] = useState(false);
  const [targets, setTargets] = useState<number[]>([]);
  const [noTarget, setNoTarget] = useState(false);
  const [help, setHelp] = useState(false);
  const refreshCount = () => queryClient.invalidateQueries({ queryKey: trpc.probe.overview.queryKey() });
  const next = useMutation(
    trpc.probe.next.mutationOptions({
      onSuccess: (p) => {
        setProbe(p);
        setDone(false);
        setTargets([]);
        setNoTarget(false);
      },
    }),
  );
  const answer = useMutation(trpc.probe.answer.mutationOptions({ onSuccess: () => (setDone(true), void refreshCount()) }));
  const release = useMutation(trpc.probe.release.mutationOptions({ onSuccess: () => (void refreshCount(), next.mutate()) }));
  const asked = useRef(false);
  useEffect(() => {
    if (asked.current) return;
    asked.current = true;
    next.mutate();
  }, [next]);

  const toggle = (id: number) => {
    setNoTarget(false);
    setTargets((t) => (t.includes(id) ? t.filter((x) => x !== id) : [...t, id].sort((a, b) => a - b)));
  };
  const toggleNoTarget = () => {
    setTargets([]);
    setNoTarget((n) => !n);
  };
  const submit = () => {
    if (done) return next.mutate();
    if (!probe || answer.isPending) return;
    if (noTarget) answer.mutate({ probeId: probe.probeId, answer: { kind: 'no_target' } });
    else if (targets.length) answer.mutate({ probeId: probe.probeId, answer: { kind: 'targets', targets } });
  };
  const objects = probe?.objects ?? [];
  useShortcuts([
    ...['1', '2', '3', '4', '5', '6', '7', '8', '9', '0'].map((k, i) => ({ keys: [k], run: () => !done && objects[i] && toggle(objects[i].localId) })),
    { keys: ['n', 'N'], run: () => !done && toggleNoTarget() },
    { keys: ['Enter'], run: submit },
    { keys: ['Escape'], run: () => (help ? setHelp(false) : (setTargets([]), setNoTarget(false))) },
    { keys: ['?'], run: () => setHelp((h) => !h) },
  ]);

  if (probe === undefined || next.isPending) return <p className="muted">Finding a probe…</p>;
  if (next.isError) return <p className="error">{next.error.message}</p>;
  if (probe === null) {
    return (
      <div className="validate-page" data-testid="no-probes">
        <p>No single-frame probe waits for you right now. Thank you!</p>
        <p>
          <Link href="/">Back home</Link> · <button onClick={() => next.mutate()}>Look again</button>
        </p>
      </div>
    );
  }
  const chosen = noTarget || targets.length > 0;
  return (
    <div className="validate-page" data-testid="probe-page" data-probe={probe.probeId}>
      <div className="page-head">
        <Link href="/">← Home</Link>
        <span className="spacer" />
        {!done && <Countdown until={probe.expiresAt} />}
        <button onClick={() => setHelp(true)} title="keyboard shortcuts (?)">
          ?
        </button>
      </div>
      <p className="muted small">
        Single-frame probe: one frame only, no playback. Which objects does the sentence mean, judging from this frame alone? If you cannot tell, pick what you would guess, or “no
        target”.
      </p>
      <blockquote className="sentence" data-testid="probe-sentence">
        {probe.text}
      </blockquote>
      <OneFrame key={probe.probeId} probe={probe} selected={targets} onPick={done ? undefined : toggle} />
      {done ? (
        <section className="editor" data-testid="probe-done">
          <p>Thank you: your answer is stored.</p>
          <div className="row">
            <button className="primary" onClick={() => next.mutate()} data-testid="probe-next">
              Next probe <kbd>Enter</kbd>
            </button>
            <Link href="/">Back home</Link>
          </div>
        </section>
      ) : (
        <section className="editor" data-testid="probe-answer">
          <div className="targets">
            <strong>It refers to:</strong>
            {noTarget && <span className="chip no-target">no object</span>}
            {targets.map((t) => (
              <span className="chip" key={t} data-testid={`probe-chosen-${t}`}>
                #{t}
              </span>
            ))}
            {!chosen && <span className="muted">click every object the sentence means, or choose “no target”</span>}
          </div>
          <div className="answer-keys">
            {objects.slice(0, 10).map((o, i) => (
              <button key={o.localId} className={targets.includes(o.localId) ? 'active' : ''} aria-pressed={targets.includes(o.localId)} onClick={() => toggle(o.localId)} data-testid={`probe-object-${o.localId}`}>
                <kbd>{(i + 1) % 10}</kbd> #{o.localId}
                {o.category ? ` ${o.category}` : ''}
              </button>
            ))}
            <button className={noTarget ? 'active' : ''} aria-pressed={noTarget} onClick={toggleNoTarget} data-testid="probe-no-target">
              <kbd>N</kbd> No target
            </button>
          </div>
          {(answer.isError || release.isError) && (
            <p className="error" role="alert">
              {answer.isError ? (trpcCode(answer.error) ? answer.error.message : 'Could not reach the server; your answer is still here — submit again.') : release.error?.message}
            </p>
          )}
          <div className="row">
            <button className="primary" disabled={!chosen || answer.isPending} onClick={submit} data-testid="probe-submit">
              {answer.isPending ? 'Sending…' : (
                <>
                  Submit answer <kbd>Enter</kbd>
                </>
              )}
            </button>
            <button onClick={() => release.mutate()} disabled={release.isPending} title="give this probe to another validator" data-testid="probe-give-back">
              Give it back
            </button>
          </div>
        </section>
      )}
      {help && <ShortcutHelp rows={HELP} onClose={() => setHelp(false)} />}
    </div>
  );
}

/**
 * The probe's one frame with its masks, on the player's own stage (client/src/canvas): a frame
 * loader of one frame (the probe's media route), the masks as one-frame rasters, no controls.
 */
function OneFrame({ probe, selected, onPick }: { probe: ProbeView; selected: number[]; onPick?: (localId: number) => void }) {
  const frames = useMemo(() => new FrameLoader(() => probeFrameUrl(probe.probeId), 1).start(), [probe.probeId]);
  const rasters = useMemo(() => new MaskRasters(probe.masks), [probe.masks]);
  const composites = useMemo(() => new FrameComposites(rasters, frames), [rasters, frames]);
  useEffect(() => () => frames.dispose(), [frames]);
  useEffect(() => usePlayerStore.getState().reset(1), [probe.probeId]);
  const categories = useMemo(() => new Map(probe.objects.map((o) => [o.localId, o.category])), [probe.objects]);
  return (
    <div className="player" data-testid="probe-frame">
      <VideoStage width={probe.width} height={probe.height} frames={frames} rasters={rasters} composites={composites} categories={categories} selected={selected} onPick={onPick} />
    </div>
  );
}
