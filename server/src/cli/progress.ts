import cliProgress from 'cli-progress';

export interface PhaseEvent {
  phase: string;
  done: number;
  total: number;
  detail?: string;
}

const LABELS: Record<string, string> = {
  generate: 'generating demo',
  video: 'extracting frames',
  frames: 'frames + masks',
  masks: 'masks',
  commit: 'writing videos',
};

/**
 * A progress bar per phase on stderr (stdout stays clean for the summary). Without a terminal,
 * e.g. in CI logs, it prints one line per phase and quarter instead of redrawing.
 */
export function phaseBars(tty = process.stderr.isTTY ?? false) {
  let bar: cliProgress.SingleBar | null = null;
  let phase: string | null = null;
  let lastQuarter = -1;
  return {
    update(e: PhaseEvent) {
      const label = (LABELS[e.phase] ?? e.phase).padEnd(18);
      if (!tty) {
        const quarter = Math.floor((4 * e.done) / Math.max(1, e.total));
        if (phase !== e.phase || quarter !== lastQuarter) process.stderr.write(`${label} ${Math.round((100 * e.done) / Math.max(1, e.total))}%\n`);
        phase = e.phase;
        lastQuarter = quarter;
        return;
      }
      if (phase !== e.phase) {
        bar?.stop();
        phase = e.phase;
        bar = new cliProgress.SingleBar(
          { format: `${label} [{bar}] {percentage}% {value}/{total} {detail}`, hideCursor: true, stream: process.stderr },
          cliProgress.Presets.shades_classic,
        );
        bar.start(e.total, 0, { detail: '' });
      }
      bar!.setTotal(e.total);
      bar!.update(e.done, { detail: e.detail ?? '' });
    },
    stop() {
      bar?.stop();
      bar = null;
      phase = null;
    },
  };
}
