import { useState, type FormEvent } from 'react';
import { useMutation } from '@tanstack/react-query';
import type { RouterOutputs } from '../../trpc.ts';
import { useTRPC } from '../../trpc.ts';

type User = NonNullable<RouterOutputs['auth']['me']>;

/** Rules the server enforces (server/src/auth/password.ts); said here so nobody has to guess. */
const RULES = 'At least 10 characters, not containing your username, not one repeated character.';

/** The signed-in user's account: their roles, and a new password (their other sessions end). */
export function AccountPage({ user }: { user: User }) {
  const trpc = useTRPC();
  const [current, setCurrent] = useState('');
  const [next, setNext] = useState('');
  const [repeat, setRepeat] = useState('');
  const change = useMutation(
    trpc.auth.changePassword.mutationOptions({
      onSuccess: () => {
        setCurrent('');
        setNext('');
        setRepeat('');
      },
    }),
  );
  const mismatch = repeat.length > 0 && next !== repeat;
  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (next !== repeat) return;
    change.mutate({ currentPassword: current, newPassword: next });
  };
  return (
    <section className="role-home" data-testid="account">
      <h2>Your account</h2>
      <p>
        Signed in as <strong>{user.username}</strong> <span className="muted">({user.roles.join(', ')})</span>. Roles are given by an admin.
      </p>
      <h3>Change your password</h3>
      <form className="settings-form" onSubmit={submit} data-testid="change-password">
        <label>
          Current password{' '}
          <input type="password" name="current-password" autoComplete="current-password" value={current} onChange={(e) => setCurrent(e.target.value)} required />
        </label>
        <label>
          New password{' '}
          <input type="password" name="new-password" autoComplete="new-password" value={next} onChange={(e) => setNext(e.target.value)} aria-describedby="password-rules" required />
        </label>
        <label>
          New password again{' '}
          <input type="password" name="repeat-password" autoComplete="new-password" value={repeat} onChange={(e) => setRepeat(e.target.value)} required />
        </label>
        <p id="password-rules" className="muted small">
          {RULES} Your other sessions (other browsers and devices) end; this one stays signed in.
        </p>
        {mismatch && <p className="error">The two new passwords differ.</p>}
        {change.isError && (
          <p className="error" role="alert">
            {change.error.message}
          </p>
        )}
        {change.isSuccess && (
          <p className="ok" role="status" data-testid="password-changed">
            Password changed{change.data.sessionsEnded ? `; ${change.data.sessionsEnded} other session${change.data.sessionsEnded === 1 ? '' : 's'} ended` : ''}.
          </p>
        )}
        <div>
          <button type="submit" className="primary" disabled={change.isPending || mismatch || !current || !next}>
            {change.isPending ? 'Changing…' : 'Change password'}
          </button>
        </div>
      </form>
    </section>
  );
}
