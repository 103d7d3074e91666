/**
 * Closing a popup (menu, panel) the way users expect: Escape closes it and puts focus back on
 * its button (so keyboard users are not left on a removed element); a mouse press outside
 * `inside` closes it; with `onFocusOut`, so does focus moving outside (Tab past the last item),
 * leaving focus where the user moved it.
 *
 * Contract: listeners exist only while `open`; `close` may change identity on every render
 * (it is read through a ref, so the listeners are not re-attached).
 */
import { useEffect, useRef, type RefObject } from 'react';

export interface DismissOptions {
  open: boolean;
  close: () => void;
  /** The elements that count as inside (the popup and its button). */
  inside: readonly RefObject<HTMLElement | null>[];
  /** Focused again after Escape. */
  returnFocus: RefObject<HTMLElement | null>;
  /** Also close when focus lands outside `inside`. */
  onFocusOut?: boolean;
}

export function useDismiss({ open, close, inside, returnFocus, onFocusOut }: DismissOptions): void {
  const latest = useRef({ close, inside, returnFocus });
  latest.current = { close, inside, returnFocus };

  useEffect(() => {
    if (!open) return undefined;
    const isInside = (target: EventTarget | null) =>
      target instanceof Node && latest.current.inside.some((r) => r.current?.contains(target));
    const onKey = (e: KeyboardEvent) => {
      if (e.key !== 'Escape') return;
      latest.current.close();
      latest.current.returnFocus.current?.focus();
    };
    const onPress = (e: MouseEvent) => {
      if (!isInside(e.target)) latest.current.close();
    };
    const onFocus = (e: FocusEvent) => {
      if (!isInside(e.target)) latest.current.close();
    };
    document.addEventListener('keydown', onKey);
    document.addEventListener('mousedown', onPress);
    if (onFocusOut) document.addEventListener('focusin', onFocus);
    return () => {
      document.removeEventListener('keydown', onKey);
      document.removeEventListener('mousedown', onPress);
      document.removeEventListener('focusin', onFocus);
    };
  }, [open, onFocusOut]);
}
