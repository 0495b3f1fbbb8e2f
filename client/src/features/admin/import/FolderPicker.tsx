import { useState } from 'react';
import { useQuery } from '@tanstack/react-query';
import { useTRPC } from '../../../trpc.ts';

/**
 * Folders under the server's IMPORT_ROOT, one level at a time (the server lists relative names
 * only), each marked with the layout the importer finds in it; `onPick` gets the chosen path.
 */
export function FolderPicker({ onPick, disabled }: { onPick: (folder: string) => void; disabled: boolean }) {
  const trpc = useTRPC();
  const [under, setUnder] = useState('');
  const list = useQuery(trpc.admin.import.folders.queryOptions({ under }));
  const parts = under ? under.split('/') : [];
  const join = (name: string) => (under ? `${under}/${name}` : name);
  return (
    <div data-testid="import-folders">
      <p className="small">
        <button type="button" className="link" onClick={() => setUnder('')} disabled={!under}>
          IMPORT_ROOT
        </button>
        {parts.map((p, i) => (
          <span key={i}>
            {' / '}
            <button type="button" className="link" onClick={() => setUnder(parts.slice(0, i + 1).join('/'))} disabled={i === parts.length - 1}>
              {p}
            </button>
          </span>
        ))}
      </p>
      {list.isError && <p className="error">{list.error.message}</p>}
      {list.data && list.data.folders.length === 0 && <p className="muted">No folders here.</p>}
      {list.data && list.data.folders.length > 0 && (
        <table className="table">
          <thead>
            <tr>
              <th>folder</th>
              <th>layout</th>
              <th>
                <span className="sr-only">Actions</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {list.data.folders.map((f) => (
              <tr key={f.name} data-folder={f.name}>
                <td>
                  <button type="button" className="link" onClick={() => setUnder(join(f.name))}>
                    {f.name}/
                  </button>
                </td>
                <td>{f.layout === 'mevis' ? 'MeViS split' : f.layout === 'davis' ? 'DAVIS layout' : f.layout === 'video' ? 'video files' : <span className="muted">—</span>}</td>
                <td>
                  <button type="button" onClick={() => onPick(join(f.name))} disabled={disabled} data-testid="import-folder-start">
                    Import this folder
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {list.data?.more && <p className="muted small">Only the first 500 folders are listed.</p>}
    </div>
  );
}
