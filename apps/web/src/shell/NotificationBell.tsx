/**
 * The bell: unread notifications since this page loaded (everything but low-priority streams),
 * and a panel of the most recent ones to acknowledge one by one or all at once. Acknowledgement
 * goes to the server over the socket, so other tabs and the history agree.
 */
import { useRef, useState, type ReactNode } from 'react';
import { Link } from 'react-router';
import { useEventFeed } from '@hdns/react';
import { errorMessage } from '../api/api-error';
import { useDismiss } from '../hooks/use-dismiss';
import { formatTime } from '../format';
import { actorOf, describeEvent } from '../realtime/describe-event';
import { showToast } from './toast-store';

const PANEL_LIMIT = 20;

export function NotificationBell(): ReactNode {
  const feed = useEventFeed({ limit: PANEL_LIMIT });
  const [open, setOpen] = useState(false);
  const panelRef = useRef<HTMLDivElement>(null);
  const buttonRef = useRef<HTMLButtonElement>(null);

  useDismiss({
    open,
    close: () => setOpen(false),
    inside: [panelRef, buttonRef],
    returnFocus: buttonRef,
  });

  const fail = (err: unknown) =>
    showToast({ level: 'warning', title: 'Could not acknowledge', body: errorMessage(err) });
  const unread = feed.unreadTotal;

  return (
    <div className="bell">
      <button
        ref={buttonRef}
        type="button"
        className="icon-btn bell-btn"
        aria-expanded={open}
        aria-controls="notification-panel"
        aria-label={`Notifications, ${unread} unread`}
        onClick={() => setOpen((o) => !o)}
      >
        <svg viewBox="0 0 24 24" width="20" height="20" aria-hidden="true">
          <path
            fill="currentColor"
            d="M12 22a2 2 0 0 0 2-2h-4a2 2 0 0 0 2 2Zm6-6V11a6 6 0 0 0-5-5.9V4a1 1 0 1 0-2 0v1.1A6 6 0 0 0 6 11v5l-2 2v1h16v-1l-2-2Z"
          />
        </svg>
        {unread > 0 && (
          <span className="bell-count" data-testid="unread-count">
            {unread > 99 ? '99+' : unread}
          </span>
        )}
      </button>
      {open && (
        <div
          ref={panelRef}
          id="notification-panel"
          className="bell-panel"
          role="dialog"
          aria-label="Notifications"
        >
          <div className="bell-head">
            <strong>Notifications</strong>
            <button
              type="button"
              className="btn btn-small"
              disabled={unread === 0}
              onClick={() => void feed.acknowledgeAll().catch(fail)}
            >
              Acknowledge all
            </button>
          </div>
          {feed.events.length === 0 ? (
            <p className="state state-empty">No notifications since you opened the dashboard.</p>
          ) : (
            <ul className="bell-list">
              {feed.events.map((e) => {
                const isUnread = feed.isUnread(e.id);
                const actor = actorOf(e.meta);
                return (
                  <li
                    key={e.id}
                    className={`bell-item prio-${e.priority}${isUnread ? ' unread' : ''}`}
                  >
                    <div>
                      <div className="bell-text">{describeEvent(e)}</div>
                      <div className="muted small">
                        {formatTime(e.ts)} · {e.category}
                        {actor && ` · by ${actor}`}
                      </div>
                    </div>
                    {isUnread && (
                      <button
                        type="button"
                        className="btn btn-small"
                        aria-label={`Acknowledge: ${describeEvent(e)}`}
                        onClick={() => void feed.acknowledge(e.id).catch(fail)}
                      >
                        Ack
                      </button>
                    )}
                  </li>
                );
              })}
            </ul>
          )}
          <Link className="bell-more" to="/events" onClick={() => setOpen(false)}>
            Full event history
          </Link>
        </div>
      )}
    </div>
  );
}
