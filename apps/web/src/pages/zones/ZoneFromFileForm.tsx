/**
 * "New zone from file": a BIND zone file (picked or pasted) and the zone's name, sent as a
 * zone-file import with `createZone` (the server creates the primary zone from the file's SOA and
 * $TTL, then imports the records as a job). A file BIND cannot read is refused whole with its
 * lines listed and no zone created; otherwise the job's progress shows live and, when every
 * record went in, the page moves on to the new zone (with line errors it stays, listing them,
 * with a link to the zone). Completion events are collected from before the request is sent.
 */
import { useEffect, useState, type ChangeEvent, type FormEvent, type ReactNode } from 'react';
import { Link, useNavigate } from 'react-router';
import { useRealtimeEvent } from '@hdns/react';
import type { Job } from '@hdns/protocol/rest';
import { useApi } from '../../auth/auth-context';
import { Field } from '../../components/Field';
import { JobProgress, type JobCompletion } from '../../components/JobProgress';
import { zoneFileRefusal, type ZoneFileLineError } from './zone-file-refusal';

/** The zone a file names in its first `$ORIGIN`, to prefill the name. */
export function originOf(text: string): string | undefined {
  const m = /^\$ORIGIN\s+(\S+)/im.exec(text);
  return m?.[1]?.replace(/\.$/, '');
}

export function ZoneFromFileForm({
  onCreated,
  onCancel,
}: {
  onCreated: (zone: string) => void;
  onCancel: () => void;
}): ReactNode {
  const api = useApi();
  const navigate = useNavigate();
  const [name, setName] = useState('');
  const [text, setText] = useState('');
  const [fileName, setFileName] = useState<string | undefined>(undefined);
  const [job, setJob] = useState<{ job: Job; zone: string } | undefined>(undefined);
  const [completions, setCompletions] = useState<ReadonlyMap<string, JobCompletion>>(new Map());
  const [error, setError] = useState<string | undefined>(undefined);
  const [lines, setLines] = useState<ZoneFileLineError[]>([]);
  const [busy, setBusy] = useState(false);

  useRealtimeEvent('bulk_operation_complete', (e) => {
    setCompletions((m) => new Map(m).set(e.data.jobId, e.data));
  });
  const complete = job ? completions.get(job.job.id) : undefined;
  const clean = complete?.status === 'succeeded' && complete.failed === 0;
  useEffect(() => {
    if (job && clean) void navigate(`/zones/${encodeURIComponent(job.zone)}`);
  }, [job, clean, navigate]);

  const adopt = (t: string) => {
    setText(t);
    // A new text: the refusal of the previous one no longer applies.
    setError(undefined);
    setLines([]);
    const origin = originOf(t);
    if (origin && name.trim() === '') setName(origin);
  };

  const readFile = async (e: ChangeEvent<HTMLInputElement>) => {
    const chosen = e.target.files?.[0];
    setFileName(chosen?.name);
    adopt(chosen ? await chosen.text() : '');
  };

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const zone = name.trim().toLowerCase().replace(/\.$/, '');
    setBusy(true);
    setError(undefined);
    setLines([]);
    try {
      const started = await api.importZoneFile({
        params: { zone },
        body: { text, createZone: true },
      });
      setJob({ job: started, zone });
      onCreated(zone);
    } catch (err) {
      const refusal = zoneFileRefusal(err, 'no zone was created');
      setError(refusal.message);
      setLines(refusal.lines);
    } finally {
      setBusy(false);
    }
  };

  const ready = text.trim() !== '' && name.trim() !== '' && !job;
  return (
    <form className="card form" onSubmit={(e) => void submit(e)} aria-label="New zone from file">
      <h2>New zone from a BIND zone file</h2>
      <p className="muted small">
        The zone is created as a primary with the file&apos;s SOA and $TTL; the records are read by
        BIND&apos;s named-compilezone and checked as the API checks them.
      </p>
      {error && (
        <div className="form-error" role="alert">
          <p>{error}</p>
          {lines.length > 0 && (
            <ul data-testid="zone-file-errors">
              {lines.map((l, i) => (
                <li key={`${l.line}:${i}`}>
                  {l.line > 0 ? `line ${l.line}` : 'file'}: {l.message}
                </li>
              ))}
            </ul>
          )}
        </div>
      )}
      <div className="form-row">
        <Field label="Zone file">
          <input
            type="file"
            accept=".zone,.db,.txt,text/plain"
            disabled={job !== undefined}
            onChange={(e) => void readFile(e)}
          />
        </Field>
        <Field label="New zone name" className="grow">
          <input
            name="new-zone-name"
            required
            placeholder="example.com"
            value={name}
            disabled={job !== undefined}
            onChange={(e) => setName(e.target.value)}
          />
        </Field>
      </div>
      {fileName ? (
        <p className="small" data-testid="import-file">
          <strong>{fileName}</strong>: {text.split('\n').length} lines
        </p>
      ) : (
        <Field label="Or paste the zone file">
          <textarea
            name="new-zone-file"
            rows={8}
            value={text}
            disabled={job !== undefined}
            placeholder={`$ORIGIN example.com.\n$TTL 3600\n@ IN SOA ns1 hostmaster 1 3600 900 1209600 300\nwww IN A 192.0.2.10`}
            onChange={(e) => adopt(e.target.value)}
            className="mono"
          />
        </Field>
      )}
      <div className="form-actions">
        <button type="submit" className="btn btn-primary" disabled={busy || !ready}>
          {busy ? 'Creating…' : 'Create zone and import'}
        </button>
        {job && (
          <Link className="btn" to={`/zones/${encodeURIComponent(job.zone)}`}>
            Open {job.zone}
          </Link>
        )}
        <button type="button" className="btn" onClick={onCancel}>
          {job ? 'Close' : 'Cancel'}
        </button>
      </div>
      {job && <JobProgress job={job.job} complete={complete} />}
    </form>
  );
}
