/**
 * "More": the less-used pages behind one header button, so an admin's nav (ten pages) fits one
 * row at 1280 px. In narrow windows the hamburger menu lists these links inline (CSS), so the
 * button only exists on wide screens. The button shows as current while one of its pages is.
 * The menu closes on Escape, a click outside, or focus leaving it (Tab past the last link).
 */
import { useRef, useState, type ReactNode } from 'react';
import { NavLink, useLocation } from 'react-router';
import { useDismiss } from '../hooks/use-dismiss';

export interface MoreItem {
  to: string;
  label: string;
}

export function MoreMenu({
  items,
  onNavigate,
}: {
  items: readonly MoreItem[];
  onNavigate: () => void;
}): ReactNode {
  const [open, setOpen] = useState(false);
  const boxRef = useRef<HTMLDivElement>(null);
  const buttonRef = useRef<HTMLButtonElement>(null);
  const { pathname } = useLocation();
  const current = items.some((i) => pathname === i.to || pathname.startsWith(`${i.to}/`));

  useDismiss({
    open,
    close: () => setOpen(false),
    inside: [boxRef],
    returnFocus: buttonRef,
    onFocusOut: true,
  });

  if (items.length === 0) return null;
  return (
    <div className={`nav-more${open ? ' open' : ''}`} ref={boxRef}>
      <button
        ref={buttonRef}
        type="button"
        className={`nav-link nav-more-btn${current ? ' active' : ''}`}
        aria-expanded={open}
        aria-controls="nav-more-menu"
        onClick={() => setOpen((o) => !o)}
      >
        More ▾
      </button>
      <div id="nav-more-menu" className="nav-more-menu">
        {items.map((i) => (
          <NavLink
            key={i.to}
            to={i.to}
            className="nav-link"
            onClick={() => {
              setOpen(false);
              onNavigate();
            }}
          >
            {i.label}
          </NavLink>
        ))}
      </div>
    </div>
  );
}
