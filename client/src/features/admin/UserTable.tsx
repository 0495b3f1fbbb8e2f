import { useState } from 'react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { ROLES, type Role } from '#shared/roles.ts';
import { generatePassword } from '#shared/passwords.ts';
import { trpcCode, useTRPC } from '../../trpc.ts';
import { useSessionStore } from '../auth/session-store.ts';

/**
 * A lost answer is retried with the same variables (request id and password), which the server
 * recognises; a refusal (a tRPC error code) is final.
 */
const retryLostAnswers = { retry: (failures: number, err: unknown) => failures < 4 && trpcCode(err) === undefined, retryDelay: (n: number) => 500 * 2 ** n };

/**
 * Users: create, edit roles, reset passwords, disable and enable. New passwords are generated here, in the
 * browser, and shown before they are sent: a lost answer never loses a password (the request is
 * retried with the same id and password, and the server returns its first outcome).
 */
export function UserTable() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const users = useQuery(trpc.admin.users.list.queryOptions());
  const refresh = () => queryClient.invalidateQueries({ queryKey: trpc.admin.users.list.queryKey() });
  const [username, setUsername] = useState('');
  const [roles, setRoles] = useState<Role[]>(['annotator']);
  const [shown, setShown] = useState<{ username: string; password: string; saved: boolean } | null>(null);
  const create = useMutation(
    trpc.admin.users.create.mutationOptions({
      ...retryLostAnswers,
      onSuccess: (u, vars) => {
        setShown({ username: u.username, password: vars.password, saved: true });
        setUsername('');
        void refresh();
      },
    }),
  );
  const disable = useMutation(trpc.admin.users.setDisabled.mutationOptions({ onSuccess: () => void refresh() }));
  const me = useSessionStore((st) => st.user);
  /** The row whose roles are being edited, with the boxes as ticked so far. */
  const [editing, setEditing] = useState<{ userId: number; roles: Role[] } | null>(null);
  const saveRoles = useMutation(
    trpc.admin.users.setRoles.mutationOptions({
      onSuccess: () => {
        setEditing(null);
        void refresh();
      },
    }),
  );
  const reset = useMutation(
    trpc.admin.users.resetPassword.mutationOptions({
      ...retryLostAnswers,
      onSuccess: () => setShown((s) => s && { ...s, saved: true }),
    }),
  );
  if (users.isPending) return <p className="muted">Loading users…</p>;
  if (users.isError) return <p className="error">{users.error.message}</p>;
  return (
    <div data-testid="users">
      <form
        className="row"
        onSubmit={(e) => {
          e.preventDefault();
          const password = generatePassword();
          setShown({ username, password, saved: false });
          create.mutate({ requestId: crypto.randomUUID(), username, roles, password });
        }}
      >
        <input placeholder="new username" value={username} onChange={(e) => setUsername(e.target.value)} aria-label="new username" required />
        {ROLES.map((r) => (
          <label key={r} className="inline">
            <input type="checkbox" checked={roles.includes(r)} onChange={(e) => setRoles(e.target.checked ? [...roles, r] : roles.filter((x) => x !== r))} /> {r}
          </label>
        ))}
        <button className="primary" disabled={create.isPending || !username || roles.length === 0} data-testid="user-create">
          Create user
        </button>
        {create.isError && <span className="error">{create.error.message}</span>}
      </form>
      {shown && (
        <p className={shown.saved ? 'ok' : 'muted'} data-testid="new-password" data-saved={shown.saved}>
          Password for {shown.username} (shown once): <code>{shown.password}</code> {shown.saved ? '— saved' : '— saving…'}
        </p>
      )}
      {reset.isError && <p className="error">{reset.error.message}</p>}
      {reset.isSuccess && <p className="ok">Password changed; their sessions ended.</p>}
      <table className="table" data-testid="user-table">
        <thead>
          <tr>
            <th>User</th>
            <th>Roles</th>
            <th>State</th>
            <th>
              <span className="sr-only">Actions</span>
            </th>
          </tr>
        </thead>
        <tbody>
          {users.data.map((u) => (
            <tr key={u.id} data-user={u.username}>
              <td>{u.username}</td>
              <td data-testid="user-roles">
                {editing?.userId === u.id ? (
                  <RolesEditor
                    username={u.username}
                    roles={editing.roles}
                    // The server refuses it too: no one removes their own admin role by a slip.
                    lockAdmin={u.id === me?.id && u.roles.includes('admin')}
                    onChange={(roles) => setEditing({ userId: u.id, roles })}
                    onSave={() => saveRoles.mutate({ userId: u.id, roles: editing.roles })}
                    onCancel={() => (setEditing(null), saveRoles.reset())}
                    saving={saveRoles.isPending}
                  />
                ) : (
                  u.roles.join(', ')
                )}
              </td>
              <td data-testid="user-state">{u.disabled ? 'disabled' : 'active'}</td>
              <td className="row">
                <button
                  onClick={() => (setEditing({ userId: u.id, roles: u.roles }), saveRoles.reset())}
                  disabled={editing?.userId === u.id}
                  data-testid="user-edit-roles"
                >
                  Edit roles<span className="sr-only"> of {u.username}</span>
                </button>
                <button onClick={() => disable.mutate({ userId: u.id, disabled: !u.disabled })} disabled={disable.isPending} data-testid="user-toggle">
                  {u.disabled ? 'Enable' : 'Disable'}
                </button>
                <button
                  onClick={() => {
                    if (!window.confirm(`Give ${u.username} a new password? Their sessions end.`)) return;
                    const password = generatePassword();
                    setShown({ username: u.username, password, saved: false });
                    reset.mutate({ requestId: crypto.randomUUID(), userId: u.id, password });
                  }}
                  data-testid="user-reset"
                >
                  Reset password
                </button>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {disable.isError && <p className="error">{disable.error.message}</p>}
      {saveRoles.isError && (
        <p className="error" role="alert" data-testid="roles-error">
          {saveRoles.error.message}
        </p>
      )}
    </div>
  );
}

/** The role boxes of one user, saved together (the change is audited with before and after). */
function RolesEditor(p: { username: string; roles: Role[]; lockAdmin: boolean; onChange(roles: Role[]): void; onSave(): void; onCancel(): void; saving: boolean }) {
  return (
    <fieldset className="row" data-testid="roles-editor">
      <legend className="sr-only">Roles of {p.username}</legend>
      {ROLES.map((r) => (
        <label key={r} className="inline" title={r === 'admin' && p.lockAdmin ? 'you cannot remove your own admin role' : undefined}>
          <input
            type="checkbox"
            checked={p.roles.includes(r)}
            disabled={r === 'admin' && p.lockAdmin}
            onChange={(e) => p.onChange(e.target.checked ? [...p.roles, r] : p.roles.filter((x) => x !== r))}
          />{' '}
          {r}
        </label>
      ))}
      <button className="primary" onClick={p.onSave} disabled={p.saving || p.roles.length === 0} data-testid="roles-save">
        Save roles
      </button>
      <button onClick={p.onCancel}>Cancel</button>
    </fieldset>
  );
}
