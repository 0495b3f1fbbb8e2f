import { useEffect, useRef, useState } from 'react';
import { useMutation } from '@tanstack/react-query';
import { Link } from 'wouter';
import type { ClipVote } from '#shared/domain.ts';
import { trpcCode, useTRPC } from '../../trpc.ts';
import { ClipView } from '../record/ClipView.tsx';

/** The human check of a clip: listen to the end, then say whether it says the sentence. */
export function VerifyPage() {
  const trpc = useTRPC();
  const [heard, setHeard] = useState(false);
  const [reason, setReason] = useState('');
  const [result, setResult] = useState<string | null>(null);
  const next = useMutation(
    trpc.verify.next.mutationOptions({
      onSuccess: () => {
        setHeard(false);
        setReason('');
      },
    }),
  );
  const vote = useMutation(
    trpc.verify.vote.mutationOptions({
      onSuccess: (r) => {
        setResult(r.status === 'verified' ? 'Thanks — the clip is verified.' : r.status === 'failed' ? 'Thanks — the clip goes back to the speaker.' : 'Thanks — the speech recognizer will have the last word.');
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
  const send = (v: ClipVote) => vote.mutate({ recordingId: clip.recordingId, vote: v, reason: reason.trim() || undefined });
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
      <ClipView key={clip.recordingId} source={`/media/audio/${clip.recordingId}`} onEnded={() => setHeard(true)} testId="clip" />
      {!heard && <p className="muted small">The buttons unlock once the clip has played to the end.</p>}
      <label className="expression-field">
        What is wrong (needed unless it matches)
        <input value={reason} onChange={(e) => setReason(e.target.value)} maxLength={500} name="reason" />
      </label>
      {vote.isError && (
        <p className="error" role="alert">
          {trpcCode(vote.error) ? vote.error.message : 'Could not reach the server; vote again.'}
        </p>
      )}
      <div className="row">
        <button className="primary" disabled={!heard || vote.isPending} onClick={() => send('match')} data-testid="vote-match">
          Matches the text
        </button>
        <button disabled={!heard || vote.isPending || !reason.trim()} onClick={() => send('mismatch')} data-testid="vote-mismatch">
          Does not match
        </button>
        <button disabled={!heard || vote.isPending || !reason.trim()} onClick={() => send('unclear')} data-testid="vote-unclear">
          Unclear
        </button>
      </div>
    </div>
  );
}
