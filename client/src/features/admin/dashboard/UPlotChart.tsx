import { useEffect, useRef } from 'react';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import { useLatest } from '../../../ui/use-latest.ts';

export type ChartOptions = Omit<uPlot.Options, 'width' | 'height'>;

/**
 * A uPlot chart that fills its container's width: created on mount (and again when `options`
 * changes, so pass a memoised object), fed with `setData` when `data` changes, resized with its
 * container, destroyed on unmount.
 */
export function UPlotChart({ options, data, height = 220, testId }: { options: ChartOptions; data: uPlot.AlignedData; height?: number; testId?: string }) {
  const box = useRef<HTMLDivElement>(null);
  const plot = useRef<uPlot | null>(null);
  // The latest data, for a chart (re)created after it arrived.
  const latest = useLatest(data);

  useEffect(() => {
    const el = box.current;
    if (!el) return;
    const width = () => Math.max(120, Math.floor(el.clientWidth));
    const u = new uPlot({ ...options, width: width(), height }, latest.current, el);
    plot.current = u;
    const observer = new ResizeObserver(() => {
      if (u.width !== width()) u.setSize({ width: width(), height });
    });
    observer.observe(el);
    return () => {
      observer.disconnect();
      u.destroy();
      plot.current = null;
    };
  }, [options, height, latest]);

  useEffect(() => {
    const u = plot.current;
    if (u && u.data !== data) u.setData(data);
  }, [data]);

  return <div ref={box} className="dash-chart" data-testid={testId} />;
}
