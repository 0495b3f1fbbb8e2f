import { useEffect, useRef, useState } from 'react';
import { analyzeAudio, MIC_MESSAGES, micFindings, type AudioAnalysis, type MicFinding } from '#shared/audio/index.ts';
import { decodeTake } from './analyze-take.ts';
import { Capture, captureMethod } from './capture.ts';

const SECONDS = 5;
/** Remembered per browser: the check opens by itself until it has passed once. */
const PASSED_KEY = 'studio.micCheckPassed';

/**
 * The microphone check before the first take: five seconds of "stay quiet, then say a sentence",
 * the live waveform as the level meter, then the levels and what to fix — no input, too quiet,
 * clipping, background noise — with the thresholds the takes are checked against.
 */
export function MicCheck() {
  const box = useRef<HTMLDivElement>(null);
  const capture = useRef<Capture | null>(null);
  const [left, setLeft] = useState<number | null>(null);
  const [result, setResult] = useState<{ analysis: AudioAnalysis; findings: MicFinding[] } | null>(null);
  const [error, setError] = useState<string | null>(null);
  const method = captureMethod();
  const [open, setOpen] = useState(() => localStorage.getItem(PASSED_KEY) === null);

  useEffect(() => {
    if (!open || !method) return;
    const c = new Capture(box.current!, method);
    capture.current = c;
    return () => {
      c.destroy();
      capture.current = null;
    };
  }, [open, method]);

  const run = async () => {
    const c = capture.current;
    if (!c) return;
    setError(null);
    setResult(null);
    try {
      await c.start();
      for (let s = SECONDS; s > 0; s--) {
        setLeft(s);
        await new Promise((r) => setTimeout(r, 1000));
      }
      const take = await c.stop();
      const { samples, sampleRate } = await decodeTake(take.blob);
      const analysis = analyzeAudio(samples, sampleRate);
      const findings = micFindings(analysis);
      setResult({ analysis, findings });
      if (findings.length === 0) localStorage.setItem(PASSED_KEY, String(Date.now()));
    } catch (err) {
      setError(`Could not open the microphone: ${(err as Error).message}`);
    } finally {
      setLeft(null);
    }
  };

  return (
    <details className="mic-check editor" open={open} onToggle={(e) => setOpen((e.target as HTMLDetailsElement).open)} data-testid="mic-check">
      <summary>Check your microphone</summary>
      {open && method && (
        <>
          <p className="muted small">Press the button, stay quiet for a moment, then say any sentence. The wave below is your input level.</p>
          <div ref={box} className="waveform live" />
          <div className="row">
            <button onClick={() => void run()} disabled={left !== null} data-testid="mic-check-start">
              {left !== null ? `Listening… ${left} s` : result ? 'Check again' : 'Check the microphone'}
            </button>
          </div>
          {error && <p className="error">{error}</p>}
          {result && (
            <div data-testid="mic-check-result">
              <p className="small">
                background {result.analysis.noiseFloorDbfs.toFixed(0)} dBFS · voice {result.analysis.speechRmsDbfs === null ? '–' : `${result.analysis.speechRmsDbfs.toFixed(0)} dBFS`} · peak{' '}
                {result.analysis.peakDbfs.toFixed(1)} dBFS
              </p>
              {result.findings.length === 0 ? (
                <p className="ok" data-testid="mic-ok">
                  Your microphone sounds good.
                </p>
              ) : (
                <ul className="findings">
                  {result.findings.map((f) => (
                    <li key={f} className="warning" data-code={f}>
                      {MIC_MESSAGES[f]}
                    </li>
                  ))}
                </ul>
              )}
            </div>
          )}
        </>
      )}
    </details>
  );
}
