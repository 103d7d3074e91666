/**
 * Bulk import (CSV or JSON) for records or RPZ rules: posts the data, gets a job (202), and shows
 * its progress live. Completion events are collected from before the request is sent.
 */
import { useState, type ChangeEvent, type FormEvent, type ReactNode } from 'react';
import { useRealtimeEvent } from '@hdns/react';
import { errorMessage } from '../api/api-error';
import type { BodyOf, Job } from '@hdns/protocol/rest';
import { JobProgress, type JobCompletion } from './JobProgress';
import { Field } from './Field';

export function ImportPanel({
  start,
  csvHeader,
  example,
  onDone,
  onClose,
}: {
  /** Starts the import job (POST …/import). */
  start: (body: BodyOf<'importRecords'>) => Promise<Job>;
  csvHeader: string;
  example: string;
  /** Called when the job finished (reload the list). */
  onDone: () => void;
  onClose: () => void;
}): ReactNode {
  const [format, setFormat] = useState<'csv' | 'json'>('csv');
  const [data, setData] = useState('');
  // A chosen file is kept aside, not echoed into the textarea: block lists run to megabytes.
  const [file, setFile] = useState<{ name: string; text: string } | undefined>(undefined);
  const [job, setJob] = useState<Job | undefined>(undefined);
  const [completions, setCompletions] = useState<ReadonlyMap<string, JobCompletion>>(new Map());
  const [error, setError] = useState<string | undefined>(undefined);
  const [busy, setBusy] = useState(false);

  useRealtimeEvent('bulk_operation_complete', (e) => {
    setCompletions((m) => new Map(m).set(e.data.jobId, e.data));
    onDone();
  });

  const readFile = async (e: ChangeEvent<HTMLInputElement>) => {
    const chosen = e.target.files?.[0];
    if (!chosen) {
      setFile(undefined);
      return;
    }
    setFile({ name: chosen.name, text: await chosen.text() });
    setFormat(chosen.name.endsWith('.json') ? 'json' : 'csv');
  };

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(undefined);
    try {
      const text = file?.text ?? data;
      const body = format === 'json' ? { format, data: jsonArray(text) } : { format, data: text };
      setJob(await start(body));
    } catch (err) {
      setError(err instanceof SyntaxError ? `Not valid JSON: ${err.message}` : errorMessage(err));
    } finally {
      setBusy(false);
    }
  };

  return (
    <form className="card form" onSubmit={(e) => void submit(e)} aria-label="Bulk import">
      <h2>Bulk import</h2>
      <p className="muted small">
        CSV with the header <code>{csvHeader}</code>, or a JSON array. Bad lines are reported and do
        not stop the good ones.
      </p>
      {error && (
        <p className="form-error" role="alert">
          {error}
        </p>
      )}
      <div className="form-row">
        <Field label="Format">
          <select value={format} onChange={(e) => setFormat(e.target.value as 'csv' | 'json')}>
            <option value="csv">CSV</option>
            <option value="json">JSON</option>
          </select>
        </Field>
        <Field label="File" className="grow">
          <input
            type="file"
            accept=".csv,.json,text/csv,application/json"
            onChange={(e) => void readFile(e)}
          />
        </Field>
      </div>
      {file ? (
        <p className="small" data-testid="import-file">
          Importing <strong>{file.name}</strong>: {lineCount(file.text, format)} lines
        </p>
      ) : (
        <Field label="Or paste the data">
          <textarea
            name="import-data"
            rows={6}
            value={data}
            placeholder={example}
            onChange={(e) => setData(e.target.value)}
            className="mono"
          />
        </Field>
      )}
      <div className="form-actions">
        <button
          type="submit"
          className="btn btn-primary"
          disabled={busy || !(file?.text ?? data).trim()}
        >
          {busy ? 'Starting…' : 'Import'}
        </button>
        <button type="button" className="btn" onClick={onClose}>
          Close
        </button>
      </div>
      {job && <JobProgress job={job} complete={completions.get(job.id)} />}
    </form>
  );
}

/** The rows of a JSON import; anything but an array is refused here, as the server would. */
function jsonArray(text: string): unknown[] {
  const parsed = JSON.parse(text) as unknown;
  if (!Array.isArray(parsed)) throw new SyntaxError('expected an array of rows');
  return parsed;
}

/** Data lines of an import (without the CSV header), for the summary before sending. */
function lineCount(text: string, format: 'csv' | 'json'): number {
  if (format === 'json') {
    try {
      const parsed = JSON.parse(text) as unknown;
      return Array.isArray(parsed) ? parsed.length : 0;
    } catch {
      return 0;
    }
  }
  return Math.max(0, text.split('\n').filter((l) => l.trim()).length - 1);
}
