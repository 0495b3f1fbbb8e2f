import { useLayoutEffect, useRef, type RefObject } from 'react';

/**
 * A ref holding the latest committed `value`, for effects and event handlers that read it without
 * re-subscribing when it changes. It is updated in a layout effect (writing a ref during render is
 * not allowed), which runs before any passive effect of the same commit.
 */
export function useLatest<T>(value: T): RefObject<T> {
  const ref = useRef(value);
  useLayoutEffect(() => {
    ref.current = value;
  });
  return ref;
}
