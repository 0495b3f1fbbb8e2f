import { useQuery } from '@tanstack/react-query';
import { Link } from 'wouter';
import { useTRPC } from '../../trpc.ts';
import { when } from './format.ts';

/** The participant's home (and a section of the admin's, with the way to open one): the challenges, each with its open phase. */
export function ParticipantHome({ admin = false }: { admin?: boolean }) {
  const trpc = useTRPC();
  const list = useQuery(trpc.challenge.list.queryOptions());
  return (
    <section className="role-home" data-testid={admin ? 'home-challenges' : 'home-participant'}>
      <h2>Challenges</h2>
      {admin && (
        <p>
          <Link href="/admin/challenge" data-testid="challenges-admin-link">
            Open or manage challenges
          </Link>
        </p>
      )}
      {list.isError && <p className="error">{list.error.message}</p>}
      {list.data?.length === 0 && <p className="muted">No challenge is open yet.</p>}
      <ul>
        {list.data?.map((c) => (
          <li key={c.id}>
            <Link href={`/challenges/${c.id}`} data-testid="challenge-link">
              {c.title}
            </Link>{' '}
            <span className="muted small">
              release {c.releaseVersion}, {c.split} split — {c.currentPhase ? `${c.currentPhase} phase open` : 'no phase open'}
              {c.phases.length > 0 && `, closes ${when(c.phases[c.phases.length - 1]!.closesAt)}`}
            </span>
          </li>
        ))}
      </ul>
    </section>
  );
}
