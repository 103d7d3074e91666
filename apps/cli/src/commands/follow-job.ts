/**
 * Follows a bulk job (zone import, record or RPZ import) until it ends, polling GET /api/jobs/:id
 * and printing its progress on stderr whenever it moves.
 */
import type { Job } from '@hdns/protocol/rest';
import { CliError } from '../cli-error.js';
import { describeFailure } from '../http-client.js';
import type { Output } from '../output.js';
import { callRoute } from '../rest-call.js';
import type { Session } from '../session.js';

const POLL_MS = 300;

/** Polls the job until it ends, printing its progress on stderr whenever it moves. */
export async function followJob(session: Session, started: Job, out: Output): Promise<Job> {
  let job = started;
  let shown = -1;
  while (job.status === 'running') {
    if (job.processed !== shown) {
      out.notice(`importing: ${job.processed}/${job.total} records`);
      shown = job.processed;
    }
    await new Promise((r) => setTimeout(r, POLL_MS));
    const { result, body } = await callRoute(
      session.url,
      'getJob',
      { token: await session.getToken() },
      { params: { id: job.id } },
    );
    if (!body) throw new CliError(`cannot follow job ${job.id}: ${describeFailure(result)}`);
    job = body;
  }
  return job;
}
