/**
 * Progress of a bulk job, driven by its events: bulk_operation_progress (latest per job id, so a
 * flood of progress events renders once per frame) and bulk_operation_complete (passed in by the
 * owner, who listens from before the job starts so a fast job cannot finish unseen). If no event
 * came for a while (e.g. the socket was down), the job is polled over REST instead.
 */
import { useEffect, useState, type ReactNode } from 'react';
import type { EventDataOf } from '@hdns/protocol';
import { useLatest } from '@hdns/react';
import type { Job } from '@hdns/protocol/rest';
import { useApi } from '../auth/auth-context';

export type JobCompletion = EventDataOf<'bulk_operation_complete'>;

const POLL_AFTER_MS = 5_000;

export function JobProgress({
  job,
  complete,
}: {
  job: Job;
  complete: JobCompletion | undefined;
}): ReactNode {
  const api = useApi();
  const progress = useLatest('bulk_operation_progress', job.id)?.data;
  const [polled, setPolled] = useState<Job>(job);

  useEffect(() => {
    if (complete) return undefined;
    const id = setTimeout(() => {
      api.getJob({ params: { id: job.id } }).then(setPolled, () => undefined);
    }, POLL_AFTER_MS);
    return () => clearTimeout(id);
  }, [api, job.id, complete, progress, polled]);

  // A cancelled job left lines unprocessed: show them as part of the total.
  const total = complete
    ? complete.status === 'cancelled'
      ? complete.total
      : complete.succeeded + complete.failed
    : (progress?.total ?? polled.total);
  const polledDone = polled.status !== 'running';
  const percent =
    complete || polledDone
      ? 100
      : Math.max(
          progress?.percent ?? 0,
          polled.total ? (polled.processed / polled.total) * 100 : 0,
        );
  const status = complete?.status ?? (polledDone ? polled.status : 'running');
  const succeeded = complete?.succeeded ?? progress?.succeeded ?? polled.succeeded;
  const failed = complete?.failed ?? progress?.failed ?? polled.failed;
  const errors = complete?.errors ?? (polledDone ? polled.errors : []);
  const stopReason = complete?.reason ?? polled.stopReason;

  return (
    <div className="job" data-testid="job-progress" data-status={status}>
      <div className="job-head">
        <strong>{job.kind.replace(/_/g, ' ')}</strong>
        <span
          className={`pill ${status === 'succeeded' ? 'pill-ok' : status === 'running' ? '' : 'pill-warn'}`}
        >
          {status}
        </span>
      </div>
      <div
        className="progress"
        role="progressbar"
        aria-label="Import progress"
        aria-valuemin={0}
        aria-valuemax={100}
        aria-valuenow={Math.round(percent)}
      >
        <div className="progress-bar" style={{ width: `${percent}%` }} />
      </div>
      <div className="small muted" aria-live="polite">
        {Math.round(percent)}% · {succeeded} imported{failed > 0 && `, ${failed} failed`} of {total}
      </div>
      {status === 'cancelled' && stopReason && (
        <div className="small" role="status">
          Stopped: {stopReason}
        </div>
      )}
      {errors.length > 0 && (
        <details className="small">
          <summary>{complete?.errorCount ?? errors.length} line errors</summary>
          <ul>
            {errors.slice(0, 50).map((e) => (
              <li key={e.line}>
                line {e.line}: {e.message}
              </li>
            ))}
          </ul>
        </details>
      )}
    </div>
  );
}
