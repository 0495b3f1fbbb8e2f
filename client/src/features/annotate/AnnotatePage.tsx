import { useMemo, useState } from 'react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Link, useLocation } from 'wouter';
import { blockingFindings, checkExpression, unacknowledgedWarnings, type FindingCode } from '#shared/guidelines/index.ts';
import { trpcCode, useTRPC } from '../../trpc.ts';
import { VideoPlayer } from '../../canvas/VideoPlayer.tsx';
import { ObjectTimeline } from '../../canvas/ObjectTimeline.tsx';
import { PLAYER_SHORTCUT_HELP } from '../../canvas/player-shortcuts.ts';
import { ShortcutHelp } from '../../ui/ShortcutHelp.tsx';
import { useShortcuts } from '../../ui/use-shortcuts.ts';
import { emptyDraft, useDraftStore, type Draft } from './draft-store.ts';
import { ExpressionEditor } from './ExpressionEditor.tsx';
import { MyExpressions } from './MyExpressions.tsx';
import { FlagMaskForm } from '../objects/FlagMaskForm.tsx';

const ANNOTATE_HELP: [string, string][] = [
  ['1 … 9, 0', 'toggle the 1st … 10th object of the legend as a target'],
  ['click', 'toggle the object under the pointer'],
  ['N', 'no target (a deceptive expression that matches no object)'],
  ['Enter', 'submit'],
  ['Esc', 'leave the text field / clear the selection'],
  ['?', 'this help'],
];

export function AnnotatePage({ userId, videoId }: { userId: number; videoId: number }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [, navigate] = useLocation();
  const view = useQuery(trpc.annotate.video.queryOptions({ videoId }));
  // Masks never change for a video (re-imports with other content are refused): cache them.
  const masks = useQuery({ ...trpc.videos.masks.queryOptions({ videoId }), staleTime: Infinity });
  const stored = useDraftStore((s) => s.drafts[`${userId}:${videoId}`]);
  const fallback = useMemo(() => emptyDraft(videoId), [videoId]);
  const draft: Draft = stored ?? fallback;
  const update = (patch: Partial<Draft>) => useDraftStore.getState().update(userId, videoId, patch);
  const [help, setHelp] = useState(false);
  const [notice, setNotice] = useState<string | null>(null);

  const motion = useMemo(() => new Map((view.data?.motion ?? []).filter((m) => m.moving !== null).map((m) => [m.localId, { moving: m.moving! }])), [view.data]);
  const findings = useMemo(
    () => checkExpression({ text: draft.text, targets: draft.targets }, { motion, existingTexts: view.data?.existingTexts ?? [] }),
    [draft.text, draft.targets, motion, view.data],
  );
  const blocked = blockingFindings(findings).length > 0 || unacknowledgedWarnings(findings, draft.acknowledged as FindingCode[]).length > 0;
  const chosen = draft.targets.length > 0 || draft.noTarget;

  const invalidate = () =>
    Promise.all([
      queryClient.invalidateQueries({ queryKey: trpc.annotate.video.queryKey({ videoId }) }),
      queryClient.invalidateQueries({ queryKey: trpc.annotate.mine.queryKey() }),
      queryClient.invalidateQueries({ queryKey: trpc.annotate.overview.queryKey() }),
    ]);
  const submit = useMutation(
    trpc.annotate.submit.mutationOptions({
      onSuccess: async (r) => {
        useDraftStore.getState().discard(userId, videoId);
        setNotice(r.alreadySubmitted ? 'Already received — it is waiting for validation.' : 'Submitted — it is waiting for validation. Write another one, or go to the next video.');
        await invalidate();
      },
    }),
  );
  const flag = useMutation(trpc.annotate.flagMask.mutationOptions());
  const goNext = useMutation(trpc.annotate.nextVideo.mutationOptions({ onSuccess: (r) => r.videoId !== null && navigate(`/annotate/${r.videoId}`) }));
  const skip = useMutation(
    trpc.annotate.skip.mutationOptions({
      onSuccess: (r) => {
        useDraftStore.getState().discard(userId, videoId);
        if (r.videoId !== null) navigate(`/annotate/${r.videoId}`);
      },
    }),
  );

  const objects = view.data?.video.objects ?? [];
  const togglePick = (localId: number) => {
    setNotice(null);
    const targets = draft.targets.includes(localId) ? draft.targets.filter((t) => t !== localId) : [...draft.targets, localId].sort((a, b) => a - b);
    update({ targets, noTarget: false });
  };
  const toggleNoTarget = () => update({ noTarget: !draft.noTarget, targets: [] });
  const doSubmit = () => {
    if (!chosen || blocked || submit.isPending || !draft.text.trim()) return;
    // The draft (and its uid) must exist in storage before the first attempt leaves.
    update({});
    const d = useDraftStore.getState().get(userId, videoId)!;
    submit.mutate({ uid: d.uid, videoId, targets: d.targets, text: d.text, motionReasoning: d.motionReasoning, acknowledged: d.acknowledged, revisionOf: d.revisionOf, motionFrames: d.motionFrames });
  };

  useShortcuts([
    ...['1', '2', '3', '4', '5', '6', '7', '8', '9', '0'].map((k, i) => ({ keys: [k], run: () => objects[i] && togglePick(objects[i].localId) })),
    { keys: ['n', 'N'], run: toggleNoTarget },
    { keys: ['Enter'], run: doSubmit, inFields: true },
    {
      keys: ['Escape'],
      inFields: true,
      run: () => {
        if (help) return setHelp(false);
        const active = document.activeElement as HTMLElement | null;
        if (active && active !== document.body) active.blur();
        else update({ targets: [], noTarget: false });
      },
    },
    { keys: ['?'], run: () => setHelp((h) => !h) },
  ]);

  if (view.isError) return <p className="error">{view.error.message}</p>;
  if (masks.isError) return <p className="error">{masks.error.message}</p>;
  if (!view.data || !masks.data) return <p className="muted">Loading video…</p>;
  const v = view.data.video;

  return (
    <div className="annotate-page" data-testid="annotate-page">
      <div className="page-head">
        <Link href="/">← Home</Link>
        <h2>
          {v.name} <span className="muted small">{v.objects.length} objects · {v.frames.length} frames</span>
        </h2>
        <span className="spacer" />
        <button onClick={() => setHelp(true)} title="keyboard shortcuts (?)">
          ?
        </button>
        <button onClick={() => skip.mutate({ videoId })} disabled={skip.isPending} title="you will not be offered this video again; its unsent draft is dropped" data-testid="skip-video">
          Skip: never offer me this video
        </button>
        <button onClick={() => goNext.mutate({ exclude: videoId })} disabled={goNext.isPending} title="this video stays in your list, with its draft" data-testid="next-video">
          Another video (keep this one) →
        </button>
      </div>
      <VideoPlayer
        video={v}
        masks={masks.data}
        selected={draft.targets}
        onPick={togglePick}
        legendNote={(id) => (view.data.motion.find((m) => m.localId === id)?.moving === false ? 'barely moves' : null)}
      />
      <ObjectTimeline masks={masks.data} objects={v.objects} selected={draft.targets} onPick={togglePick} motion={draft.motionFrames} onMotion={(m) => update({ motionFrames: m })} />
      <ExpressionEditor
        objects={v.objects}
        draft={draft}
        findings={findings}
        onChange={(patch) => {
          setNotice(null);
          update(patch);
        }}
        onToggleNoTarget={toggleNoTarget}
        onSubmit={doSubmit}
        canSubmit={chosen && !blocked && Boolean(draft.text.trim())}
        submitting={submit.isPending}
        error={submit.isError ? (trpcCode(submit.error) ? submit.error.message : 'Could not reach the server. Your expression is kept here; submit again to retry.') : null}
        notice={notice}
      />
      <FlagMaskForm
        objects={v.objects}
        onFlag={(localId, note) => flag.mutate({ videoId, localId, note })}
        pending={flag.isPending}
        error={flag.isError ? flag.error.message : null}
        sent={flag.isSuccess}
      />
      <MyExpressions />
      {help && <ShortcutHelp rows={[...ANNOTATE_HELP, ...PLAYER_SHORTCUT_HELP]} onClose={() => setHelp(false)} />}
    </div>
  );
}
