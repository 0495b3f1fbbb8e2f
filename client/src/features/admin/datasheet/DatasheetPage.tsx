import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Link } from 'wouter';
import {
  DATASHEET_CITATION_MAX,
  DATASHEET_LICENCE_NAME_MAX,
  DATASHEET_TEXT_MAX,
  LICENCE_IDS,
  LICENCES,
  MEVIS_CITATION,
  type DatasheetSection,
  type DatasheetText,
  type LicenceId,
} from '#shared/schemas/datasheet.ts';
import { useTRPC } from '../../../trpc.ts';
import { useDraft } from '../../../ui/use-draft.ts';
import './datasheet.css';

/**
 * What each section asks (the questions of "Datasheets for Datasets", shortened). The release fills
 * in what the data says by itself; these boxes are for the rest.
 */
const SECTIONS: { key: DatasheetSection; label: string; hint: string }[] = [
  { key: 'motivation', label: 'Motivation', hint: 'Why was the dataset made, by whom, and who funded it?' },
  { key: 'composition', label: 'Composition', hint: 'Anything about the instances the counts do not say: what is missing, sensitive content, people in the videos.' },
  { key: 'collection', label: 'Collection process', hint: 'Who annotated and how they were recruited and paid; the time frame; ethical review. (The protocol settings and the video sources are added by the release.)' },
  { key: 'preprocessing', label: 'Preprocessing, cleaning and labeling', hint: 'Cleaning beyond what the studio does (the release lists its own steps, agreement and the single-frame probe).' },
  { key: 'uses', label: 'Uses', hint: 'What it has been used for, what it should and should not be used for.' },
  { key: 'distribution', label: 'Distribution', hint: 'Where and how it is distributed, terms beyond the licence, terms of the video sources you imported.' },
  { key: 'maintenance', label: 'Maintenance', hint: 'Who maintains it, how to contact them, how errors are reported, how long old versions stay available.' },
];

export function DatasheetPage() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const current = useQuery(trpc.admin.datasheet.get.queryOptions());
  const [draft, setDraft] = useDraft(current.data);
  const save = useMutation(trpc.admin.datasheet.update.mutationOptions({ onSuccess: (d) => queryClient.setQueryData(trpc.admin.datasheet.get.queryKey(), d) }));
  if (!draft) return <p className="muted">Loading…</p>;
  const set = (patch: Partial<DatasheetText>) => setDraft({ ...draft, ...patch });
  return (
    <form
      className="datasheet-form"
      data-testid="datasheet-form"
      onSubmit={(e) => {
        e.preventDefault();
        save.mutate(draft);
      }}
    >
      <p className="muted small">
        Each release&rsquo;s README.md is its datasheet. Counts, figures, agreement, the single-frame probe, the protocol as run and where the videos came from are
        filled in by the release itself; the text here is copied into every new release when it is made (releases already made keep theirs). Make one on{' '}
        <Link href="/admin/releases">Releases</Link>.
      </p>
      <label>
        Licence of the releases
        <select
          value={draft.licence ?? ''}
          onChange={(e) => set({ licence: e.target.value === '' ? null : (e.target.value as LicenceId) })}
          aria-label="licence"
          data-testid="datasheet-licence"
        >
          <option value="">not chosen yet</option>
          {LICENCE_IDS.map((id) => (
            <option key={id} value={id}>
              {id === 'other' ? 'other (name it below)' : `${id}: ${LICENCES[id].name}`}
            </option>
          ))}
        </select>
      </label>
      {draft.licence === 'other' && (
        <label>
          The licence&rsquo;s name and where to read it
          <input type="text" value={draft.licenceOther} maxLength={DATASHEET_LICENCE_NAME_MAX} onChange={(e) => set({ licenceOther: e.target.value })} aria-label="licence name" />
        </label>
      )}
      {SECTIONS.map((s) => (
        <label key={s.key}>
          <strong>{s.label}</strong>
          <span className="muted small">{s.hint}</span>
          <textarea value={draft[s.key]} maxLength={DATASHEET_TEXT_MAX} onChange={(e) => set({ [s.key]: e.target.value })} aria-label={s.label} data-testid={`datasheet-${s.key}`} />
          <span className="muted small count">
            {Array.from(draft[s.key]).length} / {DATASHEET_TEXT_MAX}
          </span>
        </label>
      ))}
      <label>
        <strong>Citation (BibTeX)</strong>
        <span className="muted small">What users of the release should cite; by default the MeViS papers.</span>
        <textarea className="citation" value={draft.citation} maxLength={DATASHEET_CITATION_MAX} onChange={(e) => set({ citation: e.target.value })} aria-label="citation" data-testid="datasheet-citation" />
        {draft.citation !== MEVIS_CITATION && (
          <button type="button" className="link" onClick={() => set({ citation: MEVIS_CITATION })}>
            Use the MeViS citation
          </button>
        )}
      </label>
      {save.isError && <p className="error">{save.error.message}</p>}
      <div className="row">
        <button className="primary" disabled={save.isPending} data-testid="datasheet-save">
          Save the datasheet
        </button>
        {save.isSuccess && <span className="ok" data-testid="datasheet-saved">saved</span>}
      </div>
    </form>
  );
}
