import { useEffect, useState } from 'react';
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import type { MaskFlagRow } from '#shared/schemas/objects.ts';
import { useTRPC } from '../../../trpc.ts';
import { VideoPlayer } from '../../../canvas/VideoPlayer.tsx';
import { usePlayerStore } from '../../../canvas/player-store.ts';
import { FlagList } from './FlagList.tsx';

const PAGE = 25;

/**
 * The "bad mask" queue (`/admin/flags`): what annotators and validators flagged, newest first. The
 * flag chosen is shown on the player, its object outlined on its first masked frame; the admin
 * dismisses it, excludes the object, or merges it into another object of its video.
 */
export function MaskFlagQueue() {
  const trpc = useTRPC();
  const [state, setState] = useState<'open' | 'resolved'>('open');
  const [pages, setPages] = useState<(number | undefined)[]>([undefined]);
  const before = pages.at(-1);
  const list = useQuery({ ...trpc.admin.flags.list.queryOptions({ state, limit: PAGE, before }), placeholderData: keepPreviousData });
  const [chosenId, setChosenId] = useState<number | null>(null);
  const flags = list.data?.flags ?? [];
  const chosen = flags.find((f) => f.id === chosenId) ?? flags[0] ?? null;

  return (
    <div data-testid="mask-flags">
      <div className="row">
        <label>
          Show{' '}
          <select
            value={state}
            onChange={(e) => {
              setState(e.target.value as 'open' | 'resolved');
              setPages([undefined]);
              setChosenId(null);
            }}
            aria-label="flag state"
          >
            <option value="open">open flags</option>
            <option value="resolved">resolved flags</option>
          </select>
        </label>
        {list.data && (
          <span className="muted small" data-testid="open-flags">
            {list.data.open} open
          </span>
        )}
        <span className="spacer" />
        <button disabled={pages.length < 2} onClick={() => setPages(pages.slice(0, -1))}>
          ← newer
        </button>
        <button disabled={!list.data?.nextBefore} onClick={() => setPages([...pages, list.data!.nextBefore!])}>
          older →
        </button>
      </div>
      <p className="muted small">Annotators and validators flag a mask that looks wrong, with a note. Excluding the object or merging it closes every open flag on it.</p>
      {list.isError && <p className="error">{list.error.message}</p>}
      {chosen && <FlagOnVideo key={chosen.id} flag={chosen} />}
      <FlaggedList flags={flags} chosen={chosen} onChoose={(f) => setChosenId(f.id)} empty={state === 'open' ? 'Nothing flagged: every mask is trusted for now.' : 'No flag was resolved yet.'} />
    </div>
  );
}

/** The list, with a merge offered on the chosen flag's row (its video's objects are known there). */
function FlaggedList({ flags, chosen, onChoose, empty }: { flags: MaskFlagRow[]; chosen: MaskFlagRow | null; onChoose: (f: MaskFlagRow) => void; empty: string }) {
  const trpc = useTRPC();
  const videoId = chosen?.videoId ?? 0;
  const objects = useQuery({ ...trpc.admin.objects.video.queryOptions({ videoId }), enabled: videoId > 0 });
  return <FlagList flags={flags} chosen={chosen?.id ?? null} onChoose={onChoose} objectsOf={(f) => (f.videoId === videoId ? objects.data?.objects : undefined)} empty={empty} />;
}

/** The flagged object outlined on the player, on its first masked frame. */
function FlagOnVideo({ flag }: { flag: MaskFlagRow }) {
  const trpc = useTRPC();
  const video = useQuery(trpc.videos.get.queryOptions({ videoId: flag.videoId, withExcluded: true }));
  const masks = useQuery(trpc.videos.masks.queryOptions({ videoId: flag.videoId, withExcluded: true }));
  // The same query as the list's merge choices: fetched once.
  const objects = useQuery(trpc.admin.objects.video.queryOptions({ videoId: flag.videoId }));
  const excluded = new Set((objects.data?.objects ?? []).filter((o) => o.excluded).map((o) => o.localId));
  const ready = Boolean(video.data && masks.data);
  // After the player reset its frame for this video (children's effects run first).
  useEffect(() => {
    if (ready && flag.firstFrame !== null) usePlayerStore.getState().setFrame(flag.firstFrame);
  }, [ready, flag.firstFrame]);
  if (video.isError) return <p className="error">{video.error.message}</p>;
  if (!video.data || !masks.data) return <p className="muted">Loading the flagged video…</p>;
  return (
    <section data-testid="flag-on-video" data-flag={flag.id} aria-label={`#${flag.localId} in ${flag.videoName}`}>
      <p>
        <strong>
          #{flag.localId}
          {flag.category ? ` ${flag.category}` : ''}
        </strong>{' '}
        in {flag.videoName}: “{flag.note}”
        {flag.firstFrame === null && <span className="muted small"> (this object has no mask at all)</span>}
      </p>
      <VideoPlayer video={video.data} masks={masks.data} selected={[flag.localId]} legendNote={(id) => (excluded.has(id) ? 'excluded' : null)} />
    </section>
  );
}
