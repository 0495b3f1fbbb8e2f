import { useEffect, useRef, useState } from 'react';
import { useMutation } from '@tanstack/react-query';
import { Link } from 'wouter';
import type { ClipVote } from '#shared/domain.ts';
import { trpcCode, useTRPC } from '../../trpc.ts';
import { ClipView } from '../record/ClipView.tsx';
import { useShortcuts } from '../../ui/use-shortcuts.ts';

/** The human check of a clip: listen to the end, then say whether it says the sentence. */
export function VerifyPage() {
  const trpc = useTRPC();
  const [heard, setHeard] = useState(false);
  const [reason, setReason] = useState('');
  const [result, setResult] = useState<string | null>(null);
  const [complaint, setComplaint] = useState<ClipVote | null>(null);
  const reasonBox = useRef<HTMLInputElement>(null);
  const next = useMutation(
    trpc.verify.next.mutationOptions({
      onSuccess: () => {
        setHeard(false);
        setReason('');
        setComplaint(null);
      },
    }),
  );
  const vote = useMutation(
    trpc.verify.vote.mutationOptions({
      onSuccess: (r) => {
        setResult(resultText(r));
        next.mutate();
      },
    }),
  );
  const asked = useRef(false);
  useEffect(() => {
    if (asked.current) return;
    asked.current = true;
    next.mutate();
  }, [next]);

  const clip = next.data;
  const canVote = Boolean(clip) && heard && !vote.isPending;
  const cast = (v: ClipVote) => {
    if (!clip || !canVote) return;
    // A complaint needs its reason: the first press goes to the reason box, Enter there sends it.
    if (v !== 'match' && !reason.trim()) {
      setComplaint(v);
      reasonBox.current?.focus();
      return;
    }
    vote.mutate({ recordingId: clip.recordingId, vote: v, reason: reason.trim() || undefined });
  };
  useShortcuts([
    { keys: ['y', 'Y'], run: () => cast('match') },
    { keys: ['n', 'N'], run: () => cast('mismatch') },
    { keys: ['u', 'U'], run: () => cast('unclear') },
    { keys: ['Enter'], run: () => complaint && cast(complaint), inFields: true },
  ]);
  if (next.isPending && clip === undefined) return <p className="muted">Finding a clip…</p>;
  if (next.isError) return <p className="error">{next.error.message}</p>;
  if (!clip) {
    return (
      <div data-testid="no-clips">
        {result && <p className="ok">{result}</p>}
        <p>No clip waits for you right now.</p>
        <p>
          <Link href="/">Back home</Link> · <button onClick={() => next.mutate()}>Look again</button>
        </p>
      </div>
    );
  }
  return (
    <div className="validate-page" data-testid="verify-page">
      <div className="page-head">
        <Link href="/">← Home</Link>
      </div>
      {result && <p className="ok">{result}</p>}
      <p className="muted">Listen to the whole clip. Does it say exactly this sentence, clearly enough to understand?</p>
      <blockquote className="sentence" data-testid="sentence">
        {clip.text}
      </blockquote>
      <ClipView key={clip.recordingId} source={`/media/audio/${clip.recordingId}`} onEnded={() => setHeard(true)} testId="clip" playKeys={[' ', 'p', 'P']} />
      {!heard && <p className="muted small">The buttons unlock once the clip has played to the end.</p>}
      <label className="expression-field">
        What is wrong (needed unless it matches)
        <input ref={reasonBox} value={reason} onChange={(e) => setReason(e.target.value)} maxLength={500} name="reason" />
      </label>
      {vote.isError && (
        <p className="error" role="alert">
          {trpcCode(vote.error) ? vote.error.message : 'Could not reach the server; vote again.'}
        </p>
      )}
      <div className="row">
        <button className="primary" disabled={!canVote} onClick={() => cast('match')} data-testid="vote-match">
          Matches the text <kbd>Y</kbd>
        </button>
        <button disabled={!canVote || !reason.trim()} onClick={() => cast('mismatch')} data-testid="vote-mismatch">
          Does not match <kbd>N</kbd>
        </button>
        <button disabled={!canVote || !reason.trim()} onClick={() => cast('unclear')} data-testid="vote-unclear">
          Unclear <kbd>U</kbd>
        </button>
      </div>
      {complaint && !reason.trim() && <p className="muted small">Say what is wrong, then press Enter.</p>}
    </div>
  );
}

/**
 * What the listener's vote did. A clip needs agreeing votes from several listeners (settings) and
 * the speech recognizer; a synthesized clip that fails is synthesized again, not sent to a speaker.
 */
function resultText(r: { status: string; synthesized: boolean }): string {
  if (r.status === 'verified') return 'Thanks — the clip is verified.';
  if (r.status === 'failed') return r.synthesized ? 'Thanks — the synthesized clip is dropped; the expression will get audio again.' : 'Thanks — the clip goes back to the speaker.';
  return 'Thanks — another listener or the speech recognizer decides the rest.';
}
