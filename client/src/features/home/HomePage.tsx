import type { RouterOutputs } from '../../trpc.ts';
import { AdminHome } from '../admin/AdminHome.tsx';
import { AnnotatorHome } from '../annotate/AnnotatorHome.tsx';
import { ValidatorHome } from '../validate/ValidatorHome.tsx';
import { SpeakerHome } from '../record/SpeakerHome.tsx';

type User = NonNullable<RouterOutputs['auth']['me']>;

/** One section per role the user holds, in the order work flows through the protocol. */
export function HomePage({ user }: { user: User }) {
  const has = (r: User['roles'][number]) => user.roles.includes(r);
  return (
    <div className="home">
      {has('admin') && <AdminHome />}
      {has('annotator') && <AnnotatorHome />}
      {has('validator') && <ValidatorHome />}
      {has('speaker') && <SpeakerHome />}
    </div>
  );
}
