import { useEffect, useState } from 'react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import type { Settings } from '#shared/schemas/settings.ts';
import { useTRPC } from '../../trpc.ts';

export function SettingsForm() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const current = useQuery(trpc.admin.settings.get.queryOptions());
  const [draft, setDraft] = useState<Settings | null>(null);
  useEffect(() => {
    if (current.data) setDraft(current.data);
  }, [current.data]);
  const save = useMutation(trpc.admin.settings.update.mutationOptions({ onSuccess: (s) => queryClient.setQueryData(trpc.admin.settings.get.queryKey(), s) }));
  if (!draft) return null;
  return (
    <form
      className="settings-form"
      data-testid="settings-form"
      onSubmit={(e) => {
        e.preventDefault();
        save.mutate(draft);
      }}
    >
      <label>
        Lease length (minutes a validator holds a sample)
        <input type="number" min={0.1} max={240} step={0.1} value={draft.leaseMinutes} onChange={(e) => setDraft({ ...draft, leaseMinutes: Number(e.target.value) })} />
      </label>
      <label>
        Gold share (part of a validator's samples that are gold checks)
        <input type="number" min={0} max={0.5} step={0.01} value={draft.goldShare} onChange={(e) => setDraft({ ...draft, goldShare: Number(e.target.value) })} />
      </label>
      <label className="inline">
        <input type="checkbox" checked={draft.validatorSkipsOwnVideos} onChange={(e) => setDraft({ ...draft, validatorSkipsOwnVideos: e.target.checked })} /> validators do not
        validate videos they wrote expressions for
      </label>
      {save.isError && <p className="error">{save.error.message}</p>}
      <button className="primary" disabled={save.isPending}>
        Save settings
      </button>
      {save.isSuccess && <span className="ok">saved</span>}
    </form>
  );
}
