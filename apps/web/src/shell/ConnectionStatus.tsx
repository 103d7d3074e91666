/**
 * The header's connection badge: connected; reconnecting with the attempt number and a
 * countdown; offline with a button to try now; and a "resynced" hint after a resume the server
 * could not honour (events may have been missed, so the pages reloaded their data).
 */
import { useEffect, useState, type ReactNode } from 'react';
import { useConnectionState } from '@hdns/react';
import { useNow } from '../hooks/use-now';
import { useDashboardClient } from '../realtime/client-context';

const RESYNC_HINT_MS = 15_000;

const REASONS: Record<string, string> = {
  superseded: 'replaced by a newer connection',
  kicked: 'disconnected by an administrator',
  auth_failed: 'sign-in expired',
  credentials_revoked: 'signed out, or the session was ended elsewhere; sign in again',
  forbidden: 'not allowed',
  max_attempts: 'gave up retrying',
  client_disconnect: 'disconnected',
  offline: 'no network',
};

export function ConnectionStatus(): ReactNode {
  const client = useDashboardClient();
  const state = useConnectionState();
  const [resyncedAt, setResyncedAt] = useState<number | undefined>(undefined);
  const reconnecting = state.state === 'reconnecting' && state.nextRetryAt !== undefined;
  const now = useNow(250, reconnecting || resyncedAt !== undefined);

  // What the last welcome said about the resume: exposed as data attributes so support (and
  // the end-to-end tests) can tell a resumed stream from a fresh or resynced one.
  const [resume, setResume] = useState<{ outcome: string; replayed: number }>({
    outcome: 'none',
    replayed: 0,
  });

  useEffect(() => client.onSignal('resync', () => setResyncedAt(Date.now())), [client]);
  useEffect(
    () =>
      client.onSignal('welcome', (w) =>
        setResume({
          outcome: !w.resume.requested ? 'none' : w.resume.ok ? 'ok' : 'failed',
          replayed: w.resume.replayed,
        }),
      ),
    [client],
  );
  useEffect(() => {
    if (resyncedAt !== undefined && now - resyncedAt > RESYNC_HINT_MS) setResyncedAt(undefined);
  }, [now, resyncedAt]);

  let tone: 'ok' | 'warn' | 'bad';
  let label: string;
  let detail: string | undefined;
  switch (state.state) {
    case 'open':
      tone = 'ok';
      label = 'Connected';
      break;
    case 'idle':
    case 'connecting':
      tone = 'warn';
      label = state.attempt > 0 ? `Connecting (attempt ${state.attempt})` : 'Connecting…';
      break;
    case 'reconnecting': {
      tone = 'warn';
      label = state.reason === 'offline' ? 'Offline' : `Reconnecting (attempt ${state.attempt})`;
      if (state.nextRetryAt !== undefined) {
        const sec = Math.max(0, Math.ceil((state.nextRetryAt - now) / 1000));
        detail = sec > 0 ? `retry in ${sec}s` : 'retrying…';
      } else if (state.reason === 'offline') {
        detail = 'waiting for the network';
      }
      break;
    }
    case 'closed':
      tone = 'bad';
      label = 'Offline';
      detail = REASONS[state.reason] ?? state.reason.replace(/_/g, ' ');
      break;
  }

  return (
    <div
      className="conn"
      data-state={state.state}
      data-resume={resume.outcome}
      data-replayed={resume.replayed}
      data-testid="connection-state"
    >
      <span className={`conn-badge conn-${tone}`} role="status" aria-live="polite">
        <span className="conn-dot" aria-hidden="true" />
        <span className="conn-label">{label}</span>
        {detail && <span className="conn-detail">{detail}</span>}
      </span>
      {(state.state === 'closed' || state.state === 'reconnecting') && (
        <button type="button" className="btn btn-small" onClick={() => client.reconnect()}>
          Reconnect now
        </button>
      )}
      {resyncedAt !== undefined && state.state === 'open' && (
        <span
          className="conn-hint"
          title="The server could not resume the stream; data was reloaded"
        >
          resynced
        </span>
      )}
    </div>
  );
}
