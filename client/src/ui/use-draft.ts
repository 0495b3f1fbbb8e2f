import { useState } from 'react';

/**
 * An editable copy of server data for a form: it is `data` until edited, and starts over from
 * `data` whenever that changes (a refetch, or a save that writes the query cache). Derived during
 * render rather than copied in an effect, so no render shows a stale draft.
 */
export function useDraft<T>(data: T | undefined): [T | null, (next: T) => void] {
  const [edit, setEdit] = useState<{ base: T; draft: T } | null>(null);
  const draft = data === undefined ? null : edit !== null && edit.base === data ? edit.draft : data;
  const setDraft = (next: T) => {
    if (data !== undefined) setEdit({ base: data, draft: next });
  };
  return [draft, setDraft];
}
