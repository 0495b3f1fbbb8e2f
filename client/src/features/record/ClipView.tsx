import { useEffect, useRef, useState } from 'react';
import WaveSurfer from 'wavesurfer.js';
import RegionsPlugin from 'wavesurfer.js/plugins/regions';
import { useLatest } from '../../ui/use-latest.ts';
import { useShortcuts } from '../../ui/use-shortcuts.ts';

/**
 * A recorded clip: its waveform with the speech span (after trimming silence) marked, and
 * play/pause to listen back. `onEnded` tells the caller the clip was heard to the end.
 */
export function ClipView({ source, trim, onEnded, testId, playKeys }: { source: Blob | string; trim?: { start: number; end: number }; onEnded?: () => void; testId?: string; playKeys?: string[] }) {
  const box = useRef<HTMLDivElement>(null);
  const ws = useRef<WaveSurfer | null>(null);
  const [playing, setPlaying] = useState(false);
  const [ready, setReady] = useState(false);
  const ended = useLatest(onEnded);
  // The trim numbers, not the object's identity, decide whether to rebuild.
  const trimStart = trim?.start;
  const trimEnd = trim?.end;

  useEffect(() => {
    const regions = RegionsPlugin.create();
    const w = WaveSurfer.create({ container: box.current!, height: 96, waveColor: '#9bb7cc', progressColor: '#0072b2', cursorColor: '#1d232b', plugins: [regions] });
    ws.current = w;
    const url = typeof source === 'string' ? source : URL.createObjectURL(source);
    void w.load(url).catch(() => undefined);
    w.on('ready', () => {
      setReady(true);
      if (trimStart !== undefined && trimEnd !== undefined) regions.addRegion({ start: trimStart, end: trimEnd, color: 'rgba(0, 158, 115, 0.15)', drag: false, resize: false, content: 'speech' });
    });
    w.on('play', () => setPlaying(true));
    w.on('pause', () => setPlaying(false));
    w.on('finish', () => {
      setPlaying(false);
      ended.current?.();
    });
    return () => {
      w.destroy();
      if (typeof source !== 'string') URL.revokeObjectURL(url);
    };
  }, [source, trimStart, trimEnd, ended]);

  // Play/pause from the keyboard where the page asks for it (the verify and record pages).
  useShortcuts(playKeys ? [{ keys: playKeys, run: () => ready && void ws.current?.playPause() }] : [], Boolean(playKeys));

  return (
    <div className="clip-view" data-testid={testId}>
      <div ref={box} className="waveform" />
      <button onClick={() => void ws.current?.playPause()} disabled={!ready} data-testid={testId ? `${testId}-play` : undefined}>
        {playing ? 'Pause' : 'Play'}
        {playKeys && <kbd>{playKeys[0] === ' ' ? 'Space' : playKeys[0]!.toUpperCase()}</kbd>}
      </button>
    </div>
  );
}
