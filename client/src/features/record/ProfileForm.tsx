import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { AGE_GROUPS, GENDERS, MICROPHONES, NATIVENESS } from '#shared/domain.ts';
import type { SpeakerProfile } from '#shared/schemas/record.ts';
import { useTRPC } from '../../trpc.ts';
import { useDraft } from '../../ui/use-draft.ts';

const LABELS: Record<string, string> = { native: 'native English speaker', non_native: 'non-native English speaker', non_binary: 'non-binary' };
const label = (v: string) => LABELS[v] ?? v.replace('_', ' ');

/** Opt-in: every field may stay "prefer not to say". Only summaries across speakers are ever shown. */
export function ProfileForm() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const current = useQuery(trpc.record.profile.get.queryOptions());
  const [draft, setDraft] = useDraft(current.data);
  const save = useMutation(trpc.record.profile.set.mutationOptions({ onSuccess: (p) => queryClient.setQueryData(trpc.record.profile.get.queryKey(), p) }));
  if (!draft) return null;
  const field = <K extends keyof SpeakerProfile>(key: K, title: string, options: readonly string[]) => (
    <label>
      {title}
      <select value={draft[key] ?? ''} onChange={(e) => setDraft({ ...draft, [key]: e.target.value || null })} name={key}>
        <option value="">prefer not to say</option>
        {options.map((o) => (
          <option key={o} value={o}>
            {label(o)}
          </option>
        ))}
      </select>
    </label>
  );
  return (
    <form
      className="settings-form"
      data-testid="profile-form"
      onSubmit={(e) => {
        e.preventDefault();
        save.mutate(draft);
      }}
    >
      <p className="muted small">Optional. It helps describe the voices in the dataset; release statistics only ever count groups, never name anyone.</p>
      {field('nativeness', 'English', NATIVENESS)}
      {field('gender', 'Gender', GENDERS)}
      {field('ageGroup', 'Age group', AGE_GROUPS)}
      {field('microphone', 'Microphone', MICROPHONES)}
      <button className="primary" disabled={save.isPending}>
        Save profile
      </button>
      {save.isSuccess && <span className="ok">saved</span>}
    </form>
  );
}
