import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import type { Settings } from '#shared/schemas/settings.ts';
import { useTRPC } from '../../trpc.ts';
import { useDraft } from '../../ui/use-draft.ts';

type NumberKey = { [K in keyof Settings]: Settings[K] extends number ? K : never }[keyof Settings];

/** Numeric settings, grouped as the admin thinks of them; the server validates every value again. */
const NUMBER_FIELDS: { group: string; fields: { key: NumberKey; label: string; min: number; max: number; step: number }[] }[] = [
  {
    group: 'Validation',
    fields: [
      { key: 'leaseMinutes', label: 'Lease length (minutes a validator holds a sample)', min: 0.1, max: 240, step: 0.1 },
      { key: 'goldShare', label: "Gold share (part of a validator's samples that are gold checks)", min: 0, max: 0.5, step: 0.01 },
      { key: 'probeShare', label: 'Single-frame probe share (part of accepted target expressions also shown to a blind validator as one frame)', min: 0, max: 1, step: 0.01 },
    ],
  },
  {
    group: 'Curation (R1, R2)',
    fields: [
      { key: 'curationMinObjects', label: 'Suggest videos with at least this many objects', min: 1, max: 50, step: 1 },
      { key: 'curationMinMoving', label: '…and at least this many clearly moving objects', min: 0, max: 50, step: 1 },
      { key: 'lookalikeMaxDistance', label: 'Look-alike: colour-histogram distance below (0–1)', min: 0, max: 1, step: 0.01 },
    ],
  },
  {
    group: 'Audio',
    fields: [
      { key: 'minWpm', label: 'Speaking rate from (words per minute)', min: 40, max: 300, step: 1 },
      { key: 'maxWpm', label: 'Speaking rate to (words per minute)', min: 40, max: 300, step: 1 },
      { key: 'maxAsrWer', label: 'Recognizer: fail clips whose transcript WER is above (1 = closed-set check only)', min: 0, max: 1, step: 0.01 },
      { key: 'clipVotesNeeded', label: 'Listeners who must agree on a clip (a split vote goes to one more)', min: 1, max: 5, step: 1 },
    ],
  },
  {
    group: 'Releases',
    fields: [{ key: 'releaseSeed', label: 'Split seed (for videos without a split yet)', min: 0, max: 2 ** 31, step: 1 }],
  },
  {
    group: 'Dashboard',
    fields: [
      { key: 'targetExpressionsPerVideo', label: 'Target accepted expressions per video', min: 1, max: 100, step: 1 },
      { key: 'targetNoTargetShare', label: 'Target share of no-target expressions', min: 0, max: 1, step: 0.01 },
      { key: 'targetTtsShare', label: 'Target share of audio by TTS', min: 0, max: 1, step: 0.01 },
      { key: 'quietMinutes', label: '"Gone quiet" after minutes without submissions', min: 5, max: 1440, step: 1 },
    ],
  },
];

const SPLITS = ['train', 'valid_u', 'valid', 'test'] as const;

export function SettingsForm() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const current = useQuery(trpc.admin.settings.get.queryOptions());
  const [draft, setDraft] = useDraft(current.data);
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
      {NUMBER_FIELDS.map((g) => (
        <fieldset key={g.group}>
          <legend>{g.group}</legend>
          {g.fields.map((f) => (
            <label key={f.key}>
              {f.label}
              <input type="number" name={f.key} min={f.min} max={f.max} step={f.step} value={draft[f.key]} onChange={(e) => setDraft({ ...draft, [f.key]: Number(e.target.value) })} />
            </label>
          ))}
          {g.group === 'Validation' && (
            <label className="inline">
              <input type="checkbox" checked={draft.validatorSkipsOwnVideos} onChange={(e) => setDraft({ ...draft, validatorSkipsOwnVideos: e.target.checked })} /> validators do not
              validate videos they wrote expressions for
            </label>
          )}
          {g.group === 'Releases' && (
            <div className="row">
              Split shares:
              {SPLITS.map((s) => (
                <label key={s} className="inline">
                  {s}{' '}
                  <input
                    type="number"
                    min={0}
                    max={1}
                    step="any"
                    style={{ width: '6rem' }}
                    value={Number(draft.splitProportions[s].toFixed(4))}
                    onChange={(e) => setDraft({ ...draft, splitProportions: { ...draft.splitProportions, [s]: Number(e.target.value) } })}
                  />
                </label>
              ))}
            </div>
          )}
        </fieldset>
      ))}
      {save.isError && <p className="error">{save.error.message}</p>}
      <button className="primary" disabled={save.isPending}>
        Save settings
      </button>
      {save.isSuccess && <span className="ok">saved</span>}
    </form>
  );
}
