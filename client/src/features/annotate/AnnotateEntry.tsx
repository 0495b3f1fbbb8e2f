import { useEffect, useRef } from 'react';
import { useMutation } from '@tanstack/react-query';
import { Link, useLocation } from 'wouter';
import { useTRPC } from '../../trpc.ts';
import { useDraftStore } from './draft-store.ts';

/** /annotate: resume the latest unsent draft, otherwise ask the server for the next video. */
export function AnnotateEntry({ userId }: { userId: number }) {
  const trpc = useTRPC();
  const [, navigate] = useLocation();
  const next = useMutation(trpc.annotate.nextVideo.mutationOptions());
  const started = useRef(false);

  useEffect(() => {
    if (started.current) return;
    started.current = true;
    const draft = useDraftStore.getState().latest(userId);
    if (draft) navigate(`/annotate/${draft.videoId}`, { replace: true });
    else next.mutate({}, { onSuccess: (r) => r.videoId !== null && navigate(`/annotate/${r.videoId}`, { replace: true }) });
  }, [userId, navigate, next]);

  if (next.isError) return <p className="error">{next.error.message}</p>;
  if (next.data && next.data.videoId === null) {
    return (
      <p>
        No curated videos to annotate yet. <Link href="/">Back home</Link>
      </p>
    );
  }
  return <p className="muted">Finding a video…</p>;
}
