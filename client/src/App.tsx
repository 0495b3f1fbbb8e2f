import { lazy, Suspense, useEffect } from 'react';
import { useQuery } from '@tanstack/react-query';
import { Link, Route, Switch } from 'wouter';
import { useTRPC } from './trpc.ts';
import { LoginPage } from './features/auth/LoginPage.tsx';
import { LoginDialog } from './features/auth/LoginDialog.tsx';
import { useSessionStore } from './features/auth/session-store.ts';
import { HomePage } from './features/home/HomePage.tsx';
import { publicChallengePage } from './features/challenge/public.tsx';
import { Header } from './ui/Header.tsx';
import { PageTitle } from './ui/PageTitle.tsx';

// One chunk per page: the login page and the home page load none of the player, the recorder or
// the admin charts; each role downloads its own work page when it opens it (bench:client).
const VideoPage = lazy(() => import('./features/videos/VideoPage.tsx').then((m) => ({ default: m.VideoPage })));
const AnnotateEntry = lazy(() => import('./features/annotate/AnnotateEntry.tsx').then((m) => ({ default: m.AnnotateEntry })));
const AnnotatePage = lazy(() => import('./features/annotate/AnnotatePage.tsx').then((m) => ({ default: m.AnnotatePage })));
const ValidatePage = lazy(() => import('./features/validate/ValidatePage.tsx').then((m) => ({ default: m.ValidatePage })));
const ProbePage = lazy(() => import('./features/probe/ProbePage.tsx').then((m) => ({ default: m.ProbePage })));
const RecordPage = lazy(() => import('./features/record/RecordPage.tsx').then((m) => ({ default: m.RecordPage })));
const GuidelinesPage = lazy(() => import('./features/guidelines/GuidelinesPage.tsx').then((m) => ({ default: m.GuidelinesPage })));
const AdminCockpit = lazy(() => import('./features/admin/cockpit/AdminCockpit.tsx').then((m) => ({ default: m.AdminCockpit })));
const AccountPage = lazy(() => import('./features/account/AccountPage.tsx').then((m) => ({ default: m.AccountPage })));
const VerifyPage = lazy(() => import('./features/verify/VerifyPage.tsx').then((m) => ({ default: m.VerifyPage })));
const ChallengeRoutes = lazy(() => import('./features/challenge/ChallengeRoutes.tsx').then((m) => ({ default: m.ChallengeRoutes })));

export function App() {
  const trpc = useTRPC();
  const me = useQuery(trpc.auth.me.queryOptions());
  const { user, expired, signedIn, setExpired } = useSessionStore();

  useEffect(() => {
    if (me.data) signedIn(me.data);
    // The server no longer knows us but this page did: keep it and ask for a log-in over it.
    else if (me.data === null && useSessionStore.getState().user) setExpired(true);
  }, [me.data, signedIn, setExpired]);

  const current = me.data ?? user;
  if (me.isPending && !current) return <div className="center muted">Loading…</div>;
  if (me.isError && !current) return <div className="center error">Cannot reach the server: {me.error.message}</div>;
  if (!current) return publicChallengePage(window.location.pathname) ?? <LoginPage />;

  const isAdmin = current.roles.includes('admin');
  return (
    <>
      <Header user={current} />
      <main>
        <Suspense fallback={<p className="muted">Loading…</p>}>
          <Switch>
            <Route path="/">
              <PageTitle title="Home" />
              <HomePage user={current} />
            </Route>
            <Route path="/videos/:id">
              {(params) => (
                <>
                  <PageTitle title="Video" />
                  <VideoPage videoId={Number(params.id)} />
                </>
              )}
            </Route>
            <Route path="/record">
              <PageTitle title="Record" />
              <RecordPage userId={current.id} />
            </Route>
            <Route path="/guidelines">
              <PageTitle title="Guidelines" />
              <GuidelinesPage />
            </Route>
            <Route path="/verify">
              <PageTitle title="Check audio clips" />
              <VerifyPage />
            </Route>
            <Route path="/validate/probe">
              <PageTitle title="Single-frame probe" />
              <ProbePage />
            </Route>
            <Route path="/validate">
              <PageTitle title="Validate" />
              <ValidatePage />
            </Route>
            <Route path="/annotate">
              <PageTitle title="Annotate" />
              <AnnotateEntry userId={current.id} />
            </Route>
            <Route path="/annotate/:id">
              {(params) => (
                <>
                  <PageTitle title="Annotate" />
                  <AnnotatePage key={params.id} userId={current.id} videoId={Number(params.id)} />
                </>
              )}
            </Route>
            {/* The admin cockpit: its own pages by task. Others never load its chunk (the server refuses them anyway). */}
            <Route path="/admin/expressions/:id">
              {(params) => (isAdmin ? <AdminCockpit section="expressions" expressionId={Number(params.id)} /> : <AdminsOnly />)}
            </Route>
            <Route path="/admin/videos/:id">
              {(params) => (isAdmin ? <AdminCockpit section="curation" videoId={Number(params.id)} /> : <AdminsOnly />)}
            </Route>
            <Route path="/admin/:section?">{(params) => (isAdmin ? <AdminCockpit section={params.section} /> : <AdminsOnly />)}</Route>
            <Route path="/account">
              <PageTitle title="Account" />
              <AccountPage user={current} />
            </Route>
            <Route path="/challenges" nest><ChallengeRoutes /></Route>
            <Route>
              <PageTitle title="Not found" />
              <p>
                Nothing here. <Link href="/">Back home</Link>
              </p>
            </Route>
          </Switch>
        </Suspense>
      </main>
      {expired && <LoginDialog />}
    </>
  );
}

function AdminsOnly() {
  return (
    <>
      <PageTitle title="Admins only" />
      <p>
        This page is for admins. <Link href="/">Back home</Link>
      </p>
    </>
  );
}
