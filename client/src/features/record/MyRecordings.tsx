import { useQuery } from '@tanstack/react-query';
import { useTRPC } from '../../trpc.ts';

const CAUSE = { asr: 'the speech recognizer could not match it to the text', human_mismatch: 'a listener said it does not match the text', human_unclear: 'a listener found it unclear' } as const;

export function MyRecordings() {
  const trpc = useTRPC();
  const mine = useQuery(trpc.record.mine.queryOptions());
  if (!mine.data || mine.data.length === 0) return null;
  return (
    <section className="my-expressions" data-testid="my-recordings">
      <h3>Your recordings</h3>
      <table className="table">
        <thead>
          <tr>
            <th>Sentence</th>
            <th>Length</th>
            <th>Rate</th>
            <th>State</th>
          </tr>
        </thead>
        <tbody>
          {mine.data.map((r) => (
            <tr key={r.id} data-testid="my-recording">
              <td>{r.text}</td>
              <td>{(r.durationMs / 1000).toFixed(1)} s</td>
              <td>{r.wordsPerMinute === null ? '–' : `${r.wordsPerMinute.toFixed(0)} wpm`}</td>
              <td className={`status-${r.status === 'verified' ? 'accepted' : r.status === 'failed' ? 'rejected' : 'pending'}`}>
                {r.status === 'submitted' ? `waiting for checks${r.asrStatus === 'passed' ? ' (recognizer: passed)' : ''}` : r.status}
                {r.failureCause && ` — ${CAUSE[r.failureCause]}; please record it again`}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}
