/**
 * Toasts for the live events that raise one (toast-rule.ts), of a category the user's
 * notification preferences leave at `toast` (Account page).
 */
import type { ReactNode } from 'react';
import type { EventFrameUnion } from '@hdns/client';
import { useRealtimeEvent } from '@hdns/react';
import { useSignedIn } from '../auth/auth-context';
import { actorOf, describeEvent } from '../realtime/describe-event';
import { notificationModeOf } from './notification-preferences';
import { raisesToast } from './toast-rule';
import { dismissToast, showToast, useToasts, type ToastLevel } from './toast-store';

function levelOf(e: EventFrameUnion): ToastLevel {
  if (e.event === 'admin_broadcast')
    return e.data.level === 'info' ? 'info' : e.data.level === 'warning' ? 'warning' : 'critical';
  if (e.event === 'bulk_operation_complete')
    return e.data.status === 'succeeded' ? 'success' : 'warning';
  if (e.priority === 'critical') return 'critical';
  if (e.priority === 'high') return 'warning';
  return 'info';
}

function titleOf(e: EventFrameUnion): string {
  if (e.event === 'admin_broadcast') return 'Message from an administrator';
  return e.event.replace(/_/g, ' ').replace(/^./, (c) => c.toUpperCase());
}

/** Repeats of one kind merge into one toast; broadcasts and job results stay separate. */
function groupOf(e: EventFrameUnion): { group?: string } {
  if (e.event === 'admin_broadcast') return {};
  if (e.event === 'bulk_operation_complete') return { group: `job:${e.data.jobId}` };
  return { group: `${e.event}:${e.meta.actor?.id ?? ''}` };
}

/** Listens for toast-worthy events; renders nothing. */
export function EventToasts(): null {
  const me = useSignedIn();
  useRealtimeEvent('*', (e: EventFrameUnion) => {
    if (!raisesToast(e, me.id) || notificationModeOf(e.category) !== 'toast') return;
    const byOther = e.meta.actor != null && e.meta.actor.id !== me.id;
    const actor = actorOf(e.meta);
    showToast({
      level: levelOf(e),
      title: titleOf(e),
      body: `${describeEvent(e)}${actor && byOther ? ` — by ${actor}` : ''}`,
      ...groupOf(e),
    });
  });
  return null;
}

export function ToastHost(): ReactNode {
  const toasts = useToasts();
  return (
    <div className="toasts" aria-live="polite" aria-relevant="additions">
      {toasts.map((t) => (
        <div
          key={t.id}
          className={`toast toast-${t.level}`}
          role={t.level === 'critical' ? 'alert' : 'status'}
        >
          <div className="toast-text">
            <strong>
              {t.title}
              {t.count > 1 && <span className="toast-count"> ×{t.count}</span>}
            </strong>
            {t.body && <span>{t.body}</span>}
          </div>
          <button
            type="button"
            className="icon-btn"
            aria-label="Dismiss notification"
            onClick={() => dismissToast(t.id)}
          >
            ×
          </button>
        </div>
      ))}
    </div>
  );
}
