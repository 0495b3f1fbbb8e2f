import { LoginForm } from './LoginForm.tsx';
import { useSessionStore } from './session-store.ts';

/** Shown over the current page when the session ran out; nothing on the page is lost. */
export function LoginDialog() {
  const setExpired = useSessionStore((s) => s.setExpired);
  return (
    <div className="modal-backdrop" role="dialog" aria-modal="true" aria-labelledby="relogin-title">
      <div className="modal">
        <h2 id="relogin-title">Your session has ended</h2>
        <p className="muted">Log in again to continue; your work on this page is kept.</p>
        <LoginForm onDone={() => setExpired(false)} />
      </div>
    </div>
  );
}
