import { useState } from 'react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { ROLES, type Role } from '#shared/roles.ts';
import { useTRPC } from '../../trpc.ts';

/** Users: create (password generated and shown once), reset passwords, disable and enable. */
export function UserTable() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const users = useQuery(trpc.admin.users.list.queryOptions());
  const refresh = () => queryClient.invalidateQueries({ queryKey: trpc.admin.users.list.queryKey() });
  const [username, setUsername] = useState('');
  const [roles, setRoles] = useState<Role[]>(['annotator']);
  const [shown, setShown] = useState<{ username: string; password: string } | null>(null);
  const create = useMutation(
    trpc.admin.users.create.mutationOptions({
      onSuccess: (u) => {
        setShown(u.generatedPassword ? { username: u.username, password: u.generatedPassword } : null);
        setUsername('');
        void refresh();
      },
    }),
  );
  const disable = useMutation(trpc.admin.users.setDisabled.mutationOptions({ onSuccess: () => void refresh() }));
  const reset = useMutation(trpc.admin.users.resetPassword.mutationOptions());
  if (users.isPending) return <p className="muted">Loading users…</p>;
  if (users.isError) return <p className="error">{users.error.message}</p>;
  return (
    <div data-testid="users">
      <form
        className="row"
        onSubmit={(e) => {
          e.preventDefault();
          create.mutate({ username, roles });
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
        <p className="ok" data-testid="new-password">
          Password for {shown.username} (shown once): <code>{shown.password}</code>
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
            <th />
          </tr>
        </thead>
        <tbody>
          {users.data.map((u) => (
            <tr key={u.id} data-user={u.username}>
              <td>{u.username}</td>
              <td>{u.roles.join(', ')}</td>
              <td data-testid="user-state">{u.disabled ? 'disabled' : 'active'}</td>
              <td className="row">
                <button onClick={() => disable.mutate({ userId: u.id, disabled: !u.disabled })} disabled={disable.isPending} data-testid="user-toggle">
                  {u.disabled ? 'Enable' : 'Disable'}
                </button>
                <button
                  onClick={() => {
                    const password = window.prompt(`New password for ${u.username} (at least 10 characters):`);
                    if (password) reset.mutate({ userId: u.id, password });
                  }}
                >
                  Reset password
                </button>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {disable.isError && <p className="error">{disable.error.message}</p>}
    </div>
  );
}
