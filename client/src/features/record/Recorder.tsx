import { useEffect, useRef, useState } from 'react';
import { useShortcuts } from '../../ui/use-shortcuts.ts';
import { Capture, captureMethod, type CaptureMethod, type Take } from './capture.ts';

/**
 * Record button with the live waveform. `forceMethod` (from `?capture=worklet` on the page) lets
 * tests and curious users try the fallback path on a browser that has the primary one.
 */
export function Recorder({ onTake, forceMethod, disabled }: { onTake(take: Take): void; forceMethod?: CaptureMethod; disabled?: boolean }) {
  const box = useRef<HTMLDivElement>(null);
  const capture = useRef<Capture | null>(null);
  const [state, setState] = useState<'idle' | 'starting' | 'recording' | 'stopping'>('idle');
  const [elapsed, setElapsed] = useState(0);
  const [error, setError] = useState<string | null>(null);
  const method = forceMethod ?? captureMethod();

  useEffect(() => {
    if (!method) return;
    const c = new Capture(box.current!, method);
    capture.current = c;
    const off = c.onProgress((ms) => setElapsed(ms));
    return () => {
      off();
      c.destroy();
      capture.current = null;
    };
  }, [method]);

  // R starts and stops a take (shown on the button).
  useShortcuts([{ keys: ['r', 'R'], run: () => (state === 'recording' ? void stop() : state === 'idle' && !disabled && void start()) }], Boolean(method));

  if (!method) {
    return <p className="error">This browser cannot record lossless audio. Please use Chrome, Edge or Chromium.</p>;
  }
  async function start() {
    setError(null);
    setState('starting');
    setElapsed(0);
    try {
      await capture.current!.start();
      setState('recording');
    } catch (err) {
      setState('idle');
      setError(`Could not open the microphone: ${(err as Error).message}`);
    }
  }
  async function stop() {
    setState('stopping');
    const take = await capture.current!.stop();
    setState('idle');
    onTake(take);
  }
  return (
    <div className="recorder" data-testid="recorder" data-method={method}>
      <div ref={box} className="waveform live" data-testid="live-waveform" />
      <div className="row">
        {state === 'recording' ? (
          <button className="primary danger" onClick={() => void stop()} data-testid="stop">
            ■ Stop ({(elapsed / 1000).toFixed(1)} s) <kbd>R</kbd>
          </button>
        ) : (
          <button className="primary" onClick={() => void start()} disabled={disabled || state !== 'idle'} data-testid="record">
            ● Record <kbd>R</kbd>
          </button>
        )}
        <span className="muted small">{method === 'mediarecorder-pcm' ? 'lossless PCM (WebM)' : 'lossless PCM (WAV, AudioWorklet)'}</span>
      </div>
      {error && <p className="error">{error}</p>}
    </div>
  );
}
