/**
 * Import into a zone from a BIND zone file or by AXFR from another server. Like the CSV/JSON
 * ImportPanel it starts a job (202) and shows its progress live; a file the server's BIND cannot
 * read is refused whole (ZONE_FILE_INVALID), its lines listed here. Completion events are
 * collected from before the request is sent, so a fast job cannot finish unseen.
 */
import { useState, type ChangeEvent, type FormEvent, type ReactNode } from 'react';
import { useRealtimeEvent } from '@hdns/react';
import { AXFR_TSIG_ALGORITHMS, type Job } from '@hdns/protocol/rest';
import { useApi } from '../../auth/auth-context';
import { Field } from '../../components/Field';
import { JobProgress, type JobCompletion } from '../../components/JobProgress';
import { zoneFileRefusal, type ZoneFileLineError } from './zone-file-refusal';

export type ZoneImportSource = 'zonefile' | 'axfr';

export function ZoneFileImportPanel({
  zone,
  source,
  onDone,
  onClose,
}: {
  zone: string;
  source: ZoneImportSource;
  onDone: () => void;
  onClose: () => void;
}): ReactNode {
  const api = useApi();
  const [text, setText] = useState('');
  const [fileName, setFileName] = useState<string | undefined>(undefined);
  const [server, setServer] = useState('');
  const [port, setPort] = useState('');
  const [remoteZone, setRemoteZone] = useState('');
  const [keyName, setKeyName] = useState('');
  const [algorithm, setAlgorithm] = useState<(typeof AXFR_TSIG_ALGORITHMS)[number]>('hmac-sha256');
  const [secret, setSecret] = useState('');
  const [job, setJob] = useState<Job | undefined>(undefined);
  const [completions, setCompletions] = useState<ReadonlyMap<string, JobCompletion>>(new Map());
  const [error, setError] = useState<string | undefined>(undefined);
  const [lines, setLines] = useState<ZoneFileLineError[]>([]);
  const [busy, setBusy] = useState(false);

  useRealtimeEvent('bulk_operation_complete', (e) => {
    setCompletions((m) => new Map(m).set(e.data.jobId, e.data));
    onDone();
  });

  const readFile = async (e: ChangeEvent<HTMLInputElement>) => {
    const chosen = e.target.files?.[0];
    setFileName(chosen?.name);
    setText(chosen ? await chosen.text() : '');
  };

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(undefined);
    setLines([]);
    // A new attempt replaces the last one's card: a refused file must not sit above the
    // "Succeeded" of the import before it.
    setJob(undefined);
    try {
      if (source === 'zonefile') {
        setJob(await api.importZoneFile({ params: { zone }, body: { text } }));
      } else {
        setJob(
          await api.importZoneAxfr({
            params: { zone },
            body: {
              server: server.trim(),
              ...(port.trim() ? { port: Number(port) } : {}),
              ...(remoteZone.trim() ? { zone: remoteZone.trim() } : {}),
              ...(keyName.trim() && secret.trim()
                ? { tsig: { name: keyName.trim(), algorithm, secret: secret.trim() } }
                : {}),
            },
          }),
        );
      }
    } catch (err) {
      const refusal = zoneFileRefusal(err, 'nothing was imported');
      setError(refusal.message);
      setLines(refusal.lines);
    } finally {
      setBusy(false);
    }
  };

  const ready = source === 'zonefile' ? text.trim() !== '' : server.trim() !== '';
  return (
    <form
      className="card form"
      onSubmit={(e) => void submit(e)}
      aria-label={source === 'zonefile' ? 'Zone file import' : 'AXFR import'}
    >
      <h2>
        {source === 'zonefile' ? 'Import a BIND zone file' : 'Import by zone transfer (AXFR)'}
      </h2>
      <p className="muted small">
        Read by BIND's named-compilezone on the server; every record is checked as the API checks
        it. The SOA and serial stay this zone's own; apex NS records are imported.
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
      {source === 'zonefile' ? (
        <>
          <Field label="Zone file">
            <input
              type="file"
              accept=".zone,.db,.txt,text/plain"
              onChange={(e) => void readFile(e)}
            />
          </Field>
          {fileName ? (
            <p className="small" data-testid="import-file">
              Importing <strong>{fileName}</strong>: {text.split('\n').length} lines
            </p>
          ) : (
            <Field label="Or paste the zone file">
              <textarea
                name="zone-file"
                rows={8}
                value={text}
                placeholder={`$ORIGIN ${zone}.\n$TTL 3600\n@ IN SOA ns1 hostmaster 1 3600 900 1209600 300\nwww IN A 192.0.2.10`}
                onChange={(e) => setText(e.target.value)}
                className="mono"
              />
            </Field>
          )}
        </>
      ) : (
        <>
          <div className="form-row">
            <Field label="Server address" className="grow">
              <input
                name="axfr-server"
                value={server}
                placeholder="192.0.2.53"
                onChange={(e) => setServer(e.target.value)}
              />
            </Field>
            <Field label="Port">
              <input
                name="axfr-port"
                inputMode="numeric"
                value={port}
                placeholder="53"
                onChange={(e) => setPort(e.target.value)}
              />
            </Field>
            <Field label="Zone on that server">
              <input
                name="axfr-zone"
                value={remoteZone}
                placeholder={zone}
                onChange={(e) => setRemoteZone(e.target.value)}
              />
            </Field>
          </div>
          <div className="form-row">
            <Field label="TSIG key name (optional)" className="grow">
              <input
                name="tsig-name"
                value={keyName}
                onChange={(e) => setKeyName(e.target.value)}
              />
            </Field>
            <Field label="Algorithm">
              <select
                value={algorithm}
                onChange={(e) =>
                  setAlgorithm(e.target.value as (typeof AXFR_TSIG_ALGORITHMS)[number])
                }
              >
                {AXFR_TSIG_ALGORITHMS.map((a) => (
                  <option key={a}>{a}</option>
                ))}
              </select>
            </Field>
            <Field label="Secret (base64)" className="grow">
              <input
                name="tsig-secret"
                type="password"
                autoComplete="off"
                value={secret}
                onChange={(e) => setSecret(e.target.value)}
              />
            </Field>
          </div>
        </>
      )}
      <div className="form-actions">
        <button type="submit" className="btn btn-primary" disabled={busy || !ready}>
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
