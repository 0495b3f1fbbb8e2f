import { useQuery } from '@tanstack/react-query';
import { useTRPC } from '../../trpc.ts';

export function UserTable() {
  const trpc = useTRPC();
  const users = useQuery(trpc.admin.users.list.queryOptions());
  if (users.isPending) return <p className="muted">Loading users…</p>;
  if (users.isError) return <p className="error">{users.error.message}</p>;
  return (
    <table className="table" data-testid="user-table">
      <thead>
        <tr>
          <th>User</th>
          <th>Roles</th>
          <th>State</th>
        </tr>
      </thead>
      <tbody>
        {users.data.map((u) => (
          <tr key={u.id}>
            <td>{u.username}</td>
            <td>{u.roles.join(', ')}</td>
            <td>{u.disabled ? 'disabled' : 'active'}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
