import { useState } from 'react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useTRPC } from '../../trpc.ts';

const CAUSE = { asr: 'speech recognizer', human_mismatch: 'listener: does not match', human_unclear: 'listener: unclear' } as const;

/** Audio at a glance: tools, seconds by origin, speakers, failures; and the TTS share. */
export function AudioPanel() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [percent, setPercent] = useState(20);
  const status = useQuery({
    ...trpc.admin.audio.status.queryOptions(),
    // Poll while a synthesis job runs, so its progress moves.
    refetchInterval: (q) => (q.state.data?.jobs.some((j) => j.state === 'running') ? 1000 : false),
  });
  const fill = useMutation(trpc.admin.audio.fill.mutationOptions({ onSuccess: () => queryClient.invalidateQueries({ queryKey: trpc.admin.audio.status.queryKey() }) }));
  const s = status.data;
  if (!s) return null;
  const seconds = (kind: string, state?: string) => s.stats.byKind.filter((r) => r.kind === kind && (!state || r.status === state)).reduce((a, r) => a + r.seconds, 0);
  const ttsReady = s.tools.espeakNg && s.tools.ffmpeg;
  return (
    <div data-testid="audio-panel">
      {s.missing.length > 0 && (
        <ul className="findings">
          {s.missing.map((m) => (
            <li key={m} className="warning">
              {m}
            </li>
          ))}
        </ul>
      )}
      <table className="table">
        <thead>
          <tr>
            <th>
              <span className="sr-only">Kind</span>
            </th>
            <th>all clips</th>
            <th>verified</th>
          </tr>
        </thead>
        <tbody>
          <tr>
            <td>human recordings</td>
            <td>{seconds('human').toFixed(1)} s</td>
            <td data-testid="human-verified-seconds">{seconds('human', 'verified').toFixed(1)} s</td>
          </tr>
          <tr>
            <td>synthesized (TTS)</td>
            <td data-testid="tts-seconds">{seconds('tts').toFixed(1)} s</td>
            <td>{seconds('tts', 'verified').toFixed(1)} s</td>
          </tr>
        </tbody>
      </table>
      {s.stats.failures.length > 0 && (
        <p className="muted">
          Failed clips:{' '}
          {s.stats.failures.map((f) => `${f.cause ? CAUSE[f.cause] : 'other'} ${f.clips}`).join(' · ')}
        </p>
      )}
      {s.stats.perSpeaker.length > 0 && (
        <table className="table">
          <thead>
            <tr>
              <th>Speaker</th>
              <th>Clips</th>
              <th>Seconds</th>
              <th>Verified</th>
              <th>Failed</th>
            </tr>
          </thead>
          <tbody>
            {s.stats.perSpeaker.map((p) => (
              <tr key={p.username}>
                <td>{p.username}</td>
                <td>{p.clips}</td>
                <td>{p.seconds.toFixed(1)}</td>
                <td>{p.verified}</td>
                <td>{p.failed}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <h4>Synthesized audio</h4>
      {ttsReady ? (
        <form
          className="row"
          onSubmit={(e) => {
            e.preventDefault();
            fill.mutate({ percent, seed: Date.now() % 100000 });
          }}
        >
          <label>
            Synthesize{' '}
            <input type="number" min={1} max={100} value={percent} onChange={(e) => setPercent(Number(e.target.value))} style={{ width: '5rem' }} aria-label="percent to synthesize" />% of the
            expressions that still need audio
          </label>
          <button className="primary" disabled={fill.isPending} data-testid="tts-fill">
            Synthesize
          </button>
          {fill.isError && <span className="error">{fill.error.message}</span>}
        </form>
      ) : (
        <p className="muted">Speech synthesis is switched off on this server (espeak-ng and ffmpeg are needed).</p>
      )}
      {s.jobs.length > 0 && (
        <ul className="jobs" data-testid="tts-jobs">
          {s.jobs.map((j) => (
            <li key={j.id}>
              {new Date(j.startedAt).toLocaleString()}: {j.done}/{j.total} {j.state}
              {j.skipped > 0 && <span className="muted"> · {j.skipped} skipped (already synthesized or in another job)</span>}
              {j.failed > 0 && <span className="error"> · {j.failed} failed ({j.errors[0]})</span>}
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
