import { useEffect } from 'react';
import { useLatest } from './use-latest.ts';

export interface Shortcut {
  /** KeyboardEvent.key values, e.g. ' ', 'ArrowLeft', 'n', '?'. */
  keys: string[];
  run(e: KeyboardEvent): void;
  /** Also when typing in a text field (Enter to submit, Escape to leave the field). */
  inFields?: boolean;
}

function inField(target: EventTarget | null): boolean {
  const el = target as HTMLElement | null;
  if (!el) return false;
  const tag = el.tagName;
  return tag === 'TEXTAREA' || tag === 'SELECT' || el.isContentEditable || (tag === 'INPUT' && !['checkbox', 'radio', 'range', 'button'].includes((el as HTMLInputElement).type));
}

/** Page-wide keyboard shortcuts that stay out of the way while the user types. */
export function useShortcuts(shortcuts: Shortcut[], enabled = true): void {
  const ref = useLatest(shortcuts);
  useEffect(() => {
    if (!enabled) return;
    const onKey = (e: KeyboardEvent) => {
      if (e.ctrlKey || e.metaKey || e.altKey || e.isComposing) return;
      const typing = inField(e.target);
      for (const s of ref.current) {
        if (!s.keys.includes(e.key) || (typing && !s.inFields)) continue;
        e.preventDefault();
        s.run(e);
        return;
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [enabled, ref]);
}
