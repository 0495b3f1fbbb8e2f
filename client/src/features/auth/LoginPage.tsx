import { LoginForm } from './LoginForm.tsx';

export function LoginPage() {
  return (
    <main className="login-page">
      <h1>MeViS Studio</h1>
      <p className="muted">Referring motion expressions for video segmentation</p>
      <LoginForm />
    </main>
  );
}
