/** Copies a text to the clipboard; says "Copied" after, or asks to select the text by hand. */
import { useState, type ReactNode } from 'react';
import { showToast } from '../../shell/toast-store';

export function CopyButton({ text, label = 'Copy' }: { text: string; label?: string }): ReactNode {
  const [copied, setCopied] = useState(false);
  const copy = () => {
    navigator.clipboard.writeText(text).then(
      () => setCopied(true),
      () => showToast({ level: 'warning', title: 'Could not copy: select the text instead' }),
    );
  };
  return (
    <button type="button" className="btn btn-small" onClick={copy}>
      {copied ? 'Copied' : label}
    </button>
  );
}
