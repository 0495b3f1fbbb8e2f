import { useQuery } from '@tanstack/react-query';
import { Link } from 'wouter';
import { useTRPC } from '../../trpc.ts';
import { Stat } from '../../ui/Stat.tsx';
import { ProfileForm } from './ProfileForm.tsx';

export function SpeakerHome() {
  const trpc = useTRPC();
  const o = useQuery(trpc.record.overview.queryOptions()).data;
  return (
    <section className="role-home" data-testid="home-speaker">
      <h2>Record</h2>
      <p className="muted">Read accepted expressions aloud, at 100–150 words per minute, in lossless audio.</p>
      <p>
        <Link href="/record" className="button primary" data-testid="start-recording">
          Start recording
        </Link>
      </p>
      {o && (
        <div className="stats">
          <Stat label="expressions needing audio" value={o.needAudio} testId="stat-record-needed" />
          <Stat label="your recordings" value={o.myRecordings} />
        </div>
      )}
      <h3>Your speaker profile</h3>
      <ProfileForm />
    </section>
  );
}
