/**
 * The one time a TSIG key's secret is shown: after create or rotate. A modal dialog so it
 * cannot be missed; closing it forgets the secret (the server never sends it again).
 */
import { useEffect, useRef, type ReactNode } from 'react';
import type { TsigKeyWithSecret } from '@hdns/protocol/rest';
import { CopyButton } from './CopyButton';

export function SecretDialog({
  secretKey,
  verb,
  onClose,
}: {
  secretKey: TsigKeyWithSecret;
  verb: 'created' | 'rotated';
  onClose: () => void;
}): ReactNode {
  const ref = useRef<HTMLDialogElement>(null);
  useEffect(() => {
    const d = ref.current;
    if (d && !d.open) d.showModal();
    return () => d?.close();
  }, []);
  return (
    <dialog
      ref={ref}
      className="card secret-dialog"
      aria-labelledby="secret-title"
      data-testid="tsig-secret-dialog"
      onClose={onClose}
    >
      <h2 id="secret-title">
        TSIG key {secretKey.name} {verb}
      </h2>
      <p className="notice" role="alert">
        This secret is shown once. Copy it now: it cannot be shown again (rotate the key to get a
        new one).
      </p>
      <p className="small">
        Secret ({secretKey.algorithm}): <code data-testid="tsig-secret">{secretKey.secret}</code>
      </p>
      <p className="small">Paste this into the other server&apos;s named.conf:</p>
      <pre className="mono code-block" data-testid="tsig-config">
        {secretKey.config}
      </pre>
      <div className="form-actions">
        <CopyButton text={secretKey.config} label="Copy key block" />
        <button type="button" className="btn btn-primary" onClick={() => ref.current?.close()}>
          I have copied it
        </button>
      </div>
    </dialog>
  );
}
