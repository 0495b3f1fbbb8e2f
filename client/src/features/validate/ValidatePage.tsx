import { useEffect, useRef, useState } from 'react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Link } from 'wouter';
import type { RejectReason } from '#shared/domain.ts';
import type { AnswerFeedback, AnswerInput, SampleView } from '#shared/schemas/validate.ts';
import { trpcCode, useTRPC } from '../../trpc.ts';
import { VideoPlayer } from '../../canvas/VideoPlayer.tsx';
import { PLAYER_SHORTCUT_HELP } from '../../canvas/player-shortcuts.ts';
import { ShortcutHelp } from '../../ui/ShortcutHelp.tsx';
import { useShortcuts } from '../../ui/use-shortcuts.ts';
import { Countdown } from './Countdown.tsx';
import { Feedback } from './Feedback.tsx';
import { RejectDialog } from './RejectDialog.tsx';
import { useValidateStore } from './validate-store.ts';
import { FlagMaskForm } from '../objects/FlagMaskForm.tsx';

const HELP: [string, string][] = [
  ['click', 'toggle the object under the pointer'],
  ['1 … 9, 0', 'toggle the 1st … 10th object of the legend'],
  ['N', 'no target: the sentence matches no object'],
  ['R', 'reject the expression (with a reason)'],
  ['Enter', 'submit the answer / next sample'],
  ['Esc', 'clear the selection'],
  ['?', 'this help'],
];

/** The validator's game: read, watch, point at what the sentence means — blind to the annotator. */
export function ValidatePage() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [sample, setSample] = useState<SampleView | null | undefined>(undefined);
  const [feedback, setFeedback] = useState<AnswerFeedback | null>(null);
  const [rejecting, setRejecting] = useState(false);
  const [help, setHelp] = useState(false);
  const { targets, noTarget, start, toggle, toggleNoTarget, clear } = useValidateStore();

  const flag = useMutation(trpc.validate.flagMask.mutationOptions());
  const next = useMutation(
    trpc.validate.next.mutationOptions({
      onSuccess: (s) => {
        setFeedback(null);
        flag.reset();
        setSample(s);
        if (s) start(s.expressionId);
      },
    }),
  );
  const answer = useMutation(
    trpc.validate.answer.mutationOptions({
      onSuccess: async (f) => {
        setFeedback(f);
        await Promise.all([queryClient.invalidateQueries({ queryKey: trpc.validate.stats.queryKey() }), queryClient.invalidateQueries({ queryKey: trpc.validate.overview.queryKey() })]);
      },
    }),
  );
  // Once, on arrival: the server hands back the sample already held, if any.
  const asked = useRef(false);
  useEffect(() => {
    if (asked.current) return;
    asked.current = true;
    next.mutate();
  }, [next]);

  const video = useQuery({ ...trpc.videos.get.queryOptions({ videoId: sample?.videoId ?? 0 }), enabled: Boolean(sample) });
  const masks = useQuery({ ...trpc.videos.masks.queryOptions({ videoId: sample?.videoId ?? 0 }), enabled: Boolean(sample), staleTime: Infinity });

  const send = (a: AnswerInput) => sample && !answer.isPending && answer.mutate({ expressionId: sample.expressionId, answer: a });
  const submit = () => {
    if (feedback) return next.mutate();
    if (noTarget) send({ kind: 'no_target' });
    else if (targets.length) send({ kind: 'targets', targets });
  };
  const reject = (reason: RejectReason, note?: string) => {
    setRejecting(false);
    send({ kind: 'reject', reason, note });
  };
  const objects = video.data?.objects ?? [];
  useShortcuts(
    [
      ...['1', '2', '3', '4', '5', '6', '7', '8', '9', '0'].map((k, i) => ({ keys: [k], run: () => !feedback && objects[i] && toggle(objects[i].localId) })),
      { keys: ['n', 'N'], run: () => !feedback && toggleNoTarget() },
      { keys: ['r', 'R'], run: () => !feedback && setRejecting(true) },
      { keys: ['Enter'], run: submit },
      { keys: ['Escape'], run: () => (help ? setHelp(false) : clear()) },
      { keys: ['?'], run: () => setHelp((h) => !h) },
    ],
    !rejecting,
  );

  if (sample === undefined || next.isPending) return <p className="muted">Finding a sample…</p>;
  if (next.isError) return <p className="error">{next.error.message}</p>;
  if (sample === null) {
    return (
      <div className="validate-page" data-testid="no-samples">
        <p>Nothing waits for you right now. Thank you!</p>
        <p>
          <Link href="/">Back home</Link> · <button onClick={() => next.mutate()}>Look again</button>
        </p>
      </div>
    );
  }
  const chosen = noTarget || targets.length > 0;
  return (
    <div className="validate-page" data-testid="validate-page">
      <div className="page-head">
        <Link href="/">← Home</Link>
        <span className="spacer" />
        {!feedback && <Countdown until={sample.expiresAt} />}
        <button onClick={() => setHelp(true)} title="keyboard shortcuts (?)">
          ?
        </button>
      </div>
      <blockquote className="sentence" data-testid="sentence">
        {sample.text}
      </blockquote>
      {video.data && masks.data ? (
        <VideoPlayer video={video.data} masks={masks.data} selected={feedback ? (feedback.correctTargets ?? []) : targets} onPick={feedback ? undefined : toggle} />
      ) : (
        <p className="muted">Loading video…</p>
      )}
      {feedback ? (
        <Feedback feedback={feedback} onNext={() => next.mutate()} />
      ) : (
        <section className="editor" data-testid="answer">
          <div className="targets">
            <strong>It refers to:</strong>
            {noTarget && <span className="chip no-target">no object</span>}
            {targets.map((t) => (
              <span className="chip" key={t} data-testid={`answer-${t}`}>
                #{t}
              </span>
            ))}
            {!chosen && <span className="muted">click every object the sentence means, or choose “no target”</span>}
          </div>
          {/* The keys, on screen: key k picks the k-th object of the legend, whose number may differ (#2, #5, …). */}
          <div className="answer-keys" data-testid="answer-keys">
            {objects.slice(0, 10).map((o, i) => (
              <button key={o.localId} className={targets.includes(o.localId) ? 'active' : ''} aria-pressed={targets.includes(o.localId)} onClick={() => toggle(o.localId)} data-testid={`key-object-${o.localId}`}>
                <kbd>{(i + 1) % 10}</kbd> #{o.localId}
              </button>
            ))}
            <button className={noTarget ? 'active' : ''} aria-pressed={noTarget} onClick={toggleNoTarget} data-testid="no-target">
              <kbd>N</kbd> No target
            </button>
          </div>
          {answer.isError && (
            <p className="error" role="alert">
              {trpcCode(answer.error) ? answer.error.message : 'Could not reach the server; your answer is still here — submit again.'}
            </p>
          )}
          <div className="row">
            <button className="primary" disabled={!chosen || answer.isPending} onClick={submit} data-testid="submit-answer">
              {answer.isPending ? 'Sending…' : (
                <>
                  Submit answer <kbd>Enter</kbd>
                </>
              )}
            </button>
            <button onClick={() => setRejecting(true)} data-testid="reject">
              Reject… <kbd>R</kbd>
            </button>
            <span className="muted small">
              <kbd>?</kbd> all keys
            </span>
          </div>
        </section>
      )}
      {/* Names only an object of this sample's video; the server knows which sample is held. */}
      {video.data && (
        <FlagMaskForm
          key={sample.expressionId}
          objects={video.data.objects}
          onFlag={(localId, note) => flag.mutate({ localId, note })}
          pending={flag.isPending}
          error={flag.isError ? flag.error.message : null}
          sent={flag.isSuccess}
        />
      )}
      {rejecting && <RejectDialog onReject={reject} onClose={() => setRejecting(false)} />}
      {help && <ShortcutHelp rows={[...HELP, ...PLAYER_SHORTCUT_HELP]} onClose={() => setHelp(false)} />}
    </div>
  );
}
