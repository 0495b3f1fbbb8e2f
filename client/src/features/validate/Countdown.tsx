import { useEffect, useState } from 'react';

/** Time left on the lease; after it, the sample may be handed to someone else. */
export function Countdown({ until }: { until: number }) {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const t = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(t);
  }, []);
  const left = Math.max(0, Math.round((until - now) / 1000));
  const text = `${Math.floor(left / 60)}:${String(left % 60).padStart(2, '0')}`;
  return (
    <span className={`countdown${left < 60 ? ' urgent' : ''}`} data-testid="countdown" title="time left to answer this sample">
      {left > 0 ? `${text} left` : 'time is up — answer now; if someone else took the sample it will not count'}
    </span>
  );
}
