import { useState } from 'react';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useTRPC } from '../../trpc.ts';

/** Self-registration with a challenge's invite code (no login needed): a participant account, logged in. */
export function JoinPage() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [inviteCode, setInviteCode] = useState(new URLSearchParams(window.location.search).get('code') ?? '');
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const register = useMutation(
    trpc.challenge.register.mutationOptions({
      onSuccess: (r) => {
        window.history.replaceState(null, '', `/challenges/${r.challengeId}`);
        void queryClient.invalidateQueries({ queryKey: trpc.auth.me.queryKey() });
      },
    }),
  );
  return (
    <main className="login-page">
      <h1>Join a challenge</h1>
      <p className="muted">Make a participant account with the invite code the organizers gave you.</p>
      <form
        className="login-form"
        onSubmit={(e) => {
          e.preventDefault();
          register.mutate({ inviteCode, username, password });
        }}
      >
        <label>
          Invite code <input value={inviteCode} onChange={(e) => setInviteCode(e.target.value)} autoComplete="off" />
        </label>
        <label>
          Username <input value={username} onChange={(e) => setUsername(e.target.value)} autoComplete="username" />
        </label>
        <label>
          Password <input type="password" value={password} onChange={(e) => setPassword(e.target.value)} autoComplete="new-password" />
        </label>
        <button className="primary" disabled={register.isPending}>
          Create account
        </button>
        {register.isError && (
          <p className="error" role="alert">
            {register.error.message}
          </p>
        )}
      </form>
      <p className="small">
        Have an account? <a href="/">Log in</a>
      </p>
    </main>
  );
}
