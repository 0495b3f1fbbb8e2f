import { useQuery } from '@tanstack/react-query';
import { useTRPC } from '../../trpc.ts';
import { Stat } from '../../ui/Stat.tsx';

export function SpeakerHome() {
  const trpc = useTRPC();
  const o = useQuery(trpc.record.overview.queryOptions()).data;
  return (
    <section className="role-home" data-testid="home-speaker">
      <h2>Record</h2>
      <p className="muted">Read accepted expressions aloud, at 100–150 words per minute, in lossless audio.</p>
      {o && (
        <div className="stats">
          <Stat label="expressions needing audio" value={o.needAudio} testId="stat-record-needed" />
          <Stat label="your recordings" value={o.myRecordings} />
        </div>
      )}
    </section>
  );
}
