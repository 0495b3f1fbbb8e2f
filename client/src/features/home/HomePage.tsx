import { lazy, Suspense } from 'react';
import type { RouterOutputs } from '../../trpc.ts';
import { AnnotatorHome } from '../annotate/AnnotatorHome.tsx';
import { ValidatorHome } from '../validate/ValidatorHome.tsx';
import { SpeakerHome } from '../record/SpeakerHome.tsx';
import { ParticipantHome } from '../challenge/ParticipantHome.tsx';

type User = NonNullable<RouterOutputs['auth']['me']>;

// The admin's pages (tables, charts) are their own chunk: other roles never download them.
const AdminHome = lazy(() => import('../admin/AdminHome.tsx').then((m) => ({ default: m.AdminHome })));

/** One section per role the user holds, in the order work flows through the protocol. */
export function HomePage({ user }: { user: User }) {
  const has = (r: User['roles'][number]) => user.roles.includes(r);
  return (
    <div className="home">
      {has('admin') && (
        <Suspense fallback={<p className="muted">Loading the admin pages…</p>}>
          <AdminHome />
        </Suspense>
      )}
      {has('annotator') && <AnnotatorHome />}
      {has('validator') && <ValidatorHome />}
      {has('speaker') && <SpeakerHome />}
      {(has('participant') || has('admin')) && <ParticipantHome admin={!has('participant')} />}
    </div>
  );
}
