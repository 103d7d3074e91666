/**
 * Blocklist feeds: state of each (names served, last refresh, error), admins add, enable or
 * disable and refresh them; a refresh in progress shows its bar (bulk_operation_progress with
 * the feed's id). rpz_update and bulk_operation_complete reload the list.
 */
import { useState, type ReactNode } from 'react';
import type { Feed } from '@hdns/protocol/rest';
import { useLatest, useRealtimeEvent } from '@hdns/react';
import { errorMessage } from '../../api/api-error';
import { useApi, useSignedIn } from '../../auth/auth-context';
import { canEditPolicy } from '../../auth/permissions';
import { ResourceView } from '../../components/StateViews';
import { useResource } from '../../hooks/use-resource';
import { useOnResync } from '../../realtime/use-resync';
import { showToast } from '../../shell/toast-store';
import { FeedAllowlist } from './FeedAllowlist';
import { FeedForm } from './FeedForm';

function FeedProgress({ feed }: { feed: Feed }): ReactNode {
  const progress = useLatest('bulk_operation_progress', feed.id)?.data;
  // A finished download is 100 %: the bar shows only while one runs.
  if (!progress || progress.percent >= 100) return null;
  const percent = Math.round(progress.percent);
  return (
    <div
      className="progress"
      role="progressbar"
      aria-label={`Refresh of ${feed.name}`}
      aria-valuemin={0}
      aria-valuemax={100}
      aria-valuenow={percent}
    >
      <div className="progress-bar" style={{ width: `${percent}%` }} />
    </div>
  );
}

function when(iso: string | null): string {
  return iso ? new Date(iso).toLocaleString() : 'never';
}

export function Feeds(): ReactNode {
  const api = useApi();
  const user = useSignedIn();
  const editable = canEditPolicy(user);
  const feeds = useResource((signal) => api.listFeeds({ signal }), 'feeds');
  const [adding, setAdding] = useState(false);

  useOnResync(feeds.reload);
  useRealtimeEvent('rpz_update', () => feeds.reload());
  useRealtimeEvent('bulk_operation_complete', () => feeds.reload());

  const act = async (f: Feed, work: () => Promise<unknown>, what: string) => {
    try {
      await work();
      feeds.reload();
    } catch (err) {
      showToast({ level: 'warning', title: `${what} ${f.name} failed`, body: errorMessage(err) });
    }
  };

  return (
    <article className="card span-2" aria-labelledby="feeds-title">
      <header className="card-head">
        <h2 id="feeds-title">Blocklist feeds</h2>
        {editable && !adding && (
          <button
            type="button"
            className="btn btn-primary btn-small"
            onClick={() => setAdding(true)}
          >
            Add feed
          </button>
        )}
      </header>
      {adding && (
        <FeedForm
          onCancel={() => setAdding(false)}
          onCreated={(f) => {
            setAdding(false);
            feeds.reload();
            showToast({ level: 'success', title: `Feed ${f.name} added; downloading` });
          }}
        />
      )}
      <ResourceView
        resource={feeds}
        isEmpty={(d) => d.feeds.length === 0}
        empty={editable ? 'No feeds yet. Add a list by its URL.' : 'No feeds.'}
      >
        {(d) => (
          <div className="table-wrap">
            <table className="table compact" data-testid="feeds-table">
              <thead>
                <tr>
                  <th scope="col">Feed</th>
                  <th scope="col">Action</th>
                  <th scope="col">Names</th>
                  <th scope="col">Last refresh</th>
                  <th scope="col">State</th>
                  {editable && (
                    <th scope="col">
                      <span className="sr-only">Actions</span>
                    </th>
                  )}
                </tr>
              </thead>
              <tbody>
                {d.feeds.map((f) => (
                  <tr key={f.id} className={f.enabled ? undefined : 'muted'}>
                    <td data-label="Feed">
                      <strong>{f.name}</strong>
                      <div className="small muted mono break">{f.url}</div>
                      <FeedProgress feed={f} />
                    </td>
                    <td data-label="Action">
                      {f.action}
                      {f.redirectTo && <span className="muted"> → {f.redirectTo}</span>}
                      <div className="small muted">
                        {f.category} · {f.format}
                      </div>
                    </td>
                    <td data-label="Names">
                      {f.domainCount.toLocaleString()}
                      {f.skippedCount > 0 && (
                        <div className="small muted">{f.skippedCount} lines skipped</div>
                      )}
                    </td>
                    <td data-label="Last refresh" className="small">
                      {when(f.lastSuccessAt)}
                    </td>
                    <td data-label="State">
                      {f.lastError ? (
                        <>
                          <span className="pill pill-warn" title={f.lastError}>
                            {f.lastError}
                          </span>
                          {f.nextRefreshAt && (
                            <div className="small muted" data-testid="feed-retry">
                              {f.failures > 1 ? `${f.failures} failures; ` : ''}next try{' '}
                              {when(f.nextRefreshAt)}
                            </div>
                          )}
                        </>
                      ) : (
                        <span className={`pill ${f.enabled ? 'pill-ok' : ''}`}>
                          {f.enabled ? 'enabled' : 'disabled'}
                        </span>
                      )}
                    </td>
                    {editable && (
                      <td className="actions">
                        <button
                          type="button"
                          className="btn btn-small"
                          onClick={() =>
                            void act(f, () => api.refreshFeed({ params: { id: f.id } }), 'Refresh')
                          }
                        >
                          Refresh now
                        </button>
                        <button
                          type="button"
                          className="btn btn-small"
                          onClick={() =>
                            void act(
                              f,
                              () =>
                                api.updateFeed({
                                  params: { id: f.id },
                                  body: { version: f.version, enabled: !f.enabled },
                                }),
                              f.enabled ? 'Disable' : 'Enable',
                            )
                          }
                        >
                          {f.enabled ? 'Disable' : 'Enable'}
                        </button>
                      </td>
                    )}
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </ResourceView>
      <FeedAllowlist editable={editable} />
    </article>
  );
}
