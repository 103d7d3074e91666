/**
 * The DNS service settings: loads the view, keeps the admin's draft against the version it was
 * read at (`base`), saves the whole object with that version, and keeps up with others. Every
 * config_change of scope `dns` reloads the view; when the version moved and the draft is
 * untouched the form simply shows the new values, when it has unsaved edits the conflict panel
 * opens (derived: draft dirty and base version ≠ current version), as a 409 on save does.
 * The DNSSEC policies of the same settings are DnssecPoliciesPanel's: this form's saves leave
 * them out, so the server keeps them.
 */
import { useCallback, useEffect, useState, type ReactNode } from 'react';
import type { EventFrame } from '@hdns/client';
import { dnsSettingsViewSchema, type DnsSettingsView } from '@hdns/protocol/rest';
import { useRealtimeEvent } from '@hdns/react';
import { useApi, useSignedIn } from '../../auth/auth-context';
import { ErrorState, Loading } from '../../components/StateViews';
import { useResource } from '../../hooks/use-resource';
import { actorOf } from '../../realtime/describe-event';
import { useOnResync } from '../../realtime/use-resync';
import { DnsSettingsForm } from './DnsSettingsForm';
import {
  draftOf,
  isDirty,
  lanPreset,
  settingsOfDraft,
  type DnsSettingsDraft,
} from './dns-settings-draft';
import { saveFailureOf } from './settings-errors';
import { lockedBy, type FieldErrors, type SettingsField } from './settings-fields';
import type { SettingsFormState } from './SettingsField';
import { SettingsConflict } from './SettingsConflict';

/** The view a STALE_VERSION answer carries in `details.current`, when it is one. */
function currentOf(details: unknown): DnsSettingsView | undefined {
  if (typeof details !== 'object' || details === null) return undefined;
  const parsed = dnsSettingsViewSchema.safeParse((details as { current?: unknown }).current);
  return parsed.success ? parsed.data : undefined;
}

export function DnsSettingsPanel(): ReactNode {
  const api = useApi();
  const me = useSignedIn();
  const view = useResource((signal) => api.getDnsSettings({ signal }), 'dns-settings');
  const [base, setBase] = useState<DnsSettingsView | undefined>(undefined);
  const [draft, setDraft] = useState<DnsSettingsDraft | undefined>(undefined);
  const [touched, setTouched] = useState<ReadonlySet<SettingsField>>(new Set());
  const [submitted, setSubmitted] = useState(false);
  const [serverErrors, setServerErrors] = useState<FieldErrors>({});
  const [saved, setSaved] = useState<{ version: number; applies: boolean } | undefined>();
  const [busy, setBusy] = useState(false);
  const [changedBy, setChangedBy] = useState<string | undefined>(undefined);

  const reset = useCallback((v: DnsSettingsView) => {
    setBase(v);
    setDraft(draftOf(v.settings));
    setTouched(new Set());
    setSubmitted(false);
    setServerErrors({});
  }, []);

  useOnResync(view.reload);
  useRealtimeEvent('config_change', (e: EventFrame<'config_change'>) => {
    if (e.data.scope !== 'dns') return;
    if (e.meta.actor?.id !== me.id) setChangedBy(actorOf(e.meta) || undefined);
    view.reload();
  });

  const current = view.data;
  const dirty = draft !== undefined && base !== undefined && isDirty(draft, base.settings);
  // A newer version while the draft is untouched: just show it. One that changed only what this
  // form does not edit (a DNSSEC policy, saved by the panel below) becomes the base silently:
  // the unsaved edits stay and are saved against it, with no conflict to resolve.
  useEffect(() => {
    if (!current) return;
    if (base === undefined || (current.version !== base.version && !dirty)) {
      reset(current);
    } else if (
      current.version !== base.version &&
      !isDirty(draftOf(current.settings), base.settings)
    ) {
      setBase(current);
    }
  }, [current, base, dirty, reset]);

  if (current === undefined || base === undefined || draft === undefined) {
    return view.error !== undefined ? (
      <ErrorState error={view.error} onRetry={view.reload} />
    ) : (
      <Loading />
    );
  }

  const checked = settingsOfDraft(draft);
  const clientErrors: FieldErrors = checked.ok ? {} : checked.errors;
  const lockOf = (field: SettingsField) => lockedBy(current.locked, field);
  const form: SettingsFormState = {
    draft,
    update: (change) => {
      setDraft((d) => (d === undefined ? d : change(d)));
      setSaved(undefined);
    },
    errorOf: (field) =>
      serverErrors[field] ?? (submitted || touched.has(field) ? clientErrors[field] : undefined),
    lockOf,
    touch: (field) => {
      setTouched((t) => (t.has(field) ? t : new Set(t).add(field)));
      // A refusal stays on its field until that field is edited again.
      setServerErrors((e) => {
        if (e[field] === undefined) return e;
        const rest = { ...e };
        delete rest[field];
        return rest;
      });
    },
    readOnly: !current.applies,
  };

  const save = async (version: number) => {
    setSubmitted(true);
    if (!checked.ok) return;
    setBusy(true);
    setServerErrors({});
    try {
      const next = await api.updateDnsSettings({ body: { ...checked.settings, version } });
      view.setData(() => next);
      reset(next);
      setChangedBy(undefined);
      setSaved({ version: next.version, applies: next.applies });
    } catch (err) {
      const failure = saveFailureOf(err);
      if (failure.kind === 'stale') {
        // The conflict panel opens by itself: dirty draft, newer current version.
        const fresh = currentOf((err as { details?: unknown }).details);
        if (fresh) view.setData(() => fresh);
        else view.reload();
      } else {
        setServerErrors(failure.errors);
      }
    } finally {
      setBusy(false);
    }
  };

  const conflict = dirty && current.version !== base.version;
  const topError = serverErrors.form ?? (submitted ? clientErrors.form : undefined);
  return (
    <>
      {conflict && (
        <SettingsConflict
          mine={checked.ok ? checked.settings : undefined}
          current={current}
          changedBy={changedBy}
          onKeepCurrent={() => reset(current)}
          onEditAgain={() => setBase(current)}
          onOverwrite={() => void save(current.version)}
        />
      )}
      {!conflict && changedBy && current.version === base.version && !dirty && (
        <p className="small muted" role="status" data-testid="settings-updated-by">
          Updated by {changedBy} (version {current.version}).
        </p>
      )}
      <DnsSettingsForm
        form={form}
        view={current}
        topError={topError}
        saved={saved}
        busy={busy}
        dirty={dirty}
        onSave={() => void save(base.version)}
        onDiscard={() => reset(current)}
        onServeLan={() => form.update((d) => lanPreset(d, (f) => lockOf(f) !== undefined))}
      />
    </>
  );
}
