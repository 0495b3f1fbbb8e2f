import { useMutation, useQueryClient } from '@tanstack/react-query';
import { Link } from 'wouter';
import type { RouterOutputs } from '../trpc.ts';
import { useTRPC } from '../trpc.ts';
import { useSessionStore } from '../features/auth/session-store.ts';

type User = NonNullable<RouterOutputs['auth']['me']>;

export function Header({ user }: { user: User }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const loggedOut = useSessionStore((s) => s.loggedOut);
  const logout = useMutation(
    trpc.auth.logout.mutationOptions({
      onSuccess: () => {
        loggedOut();
        queryClient.clear();
        void queryClient.refetchQueries();
      },
    }),
  );
  return (
    <header className="app-header">
      <Link href="/" className="brand">
        MeViS Studio
      </Link>
      <span className="spacer" />
      {/* One click from every screen (a new tab keeps the work in progress where it is). */}
      <a href="/guidelines" target="_blank" rel="noopener" data-testid="guidelines-link">
        Guidelines
      </a>
      {user.roles.includes('admin') && (
        <Link href="/admin" data-testid="admin-link">
          Admin
        </Link>
      )}
      <span className="who" data-testid="who">
        {user.username} <span className="muted">({user.roles.join(', ')})</span>
      </span>
      {/* The user's own account: their roles and "Change password". */}
      <Link href="/account" data-testid="account-link">
        Account
      </Link>
      <button onClick={() => logout.mutate()} disabled={logout.isPending}>
        Log out
      </button>
    </header>
  );
}
