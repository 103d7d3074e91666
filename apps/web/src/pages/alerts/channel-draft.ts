/**
 * The channel form's state and the REST config built from it: a URL (and a webhook signing
 * secret) for the HTTP kinds, the SMTP settings for email. Secrets are write-only: editing
 * shows them blank, and a blank one is left out of the body so the server keeps the stored one.
 */
import type { AlertChannel, AlertChannelConfig, AlertChannelKind } from '@hdns/protocol/rest';

export interface ChannelDraft {
  name: string;
  kind: AlertChannelKind;
  enabled: boolean;
  url: string;
  secret: string;
  smtpHost: string;
  smtpPort: string;
  smtpSecure: boolean;
  smtpUser: string;
  smtpPassword: string;
  from: string;
  /** Comma-separated addresses. */
  to: string;
}

export function emptyChannelDraft(): ChannelDraft {
  return {
    name: '',
    kind: 'webhook',
    enabled: true,
    url: '',
    secret: '',
    smtpHost: '',
    smtpPort: '587',
    smtpSecure: false,
    smtpUser: '',
    smtpPassword: '',
    from: '',
    to: '',
  };
}

export function draftFromChannel(c: AlertChannel): ChannelDraft {
  const cfg = c.config;
  return {
    ...emptyChannelDraft(),
    name: c.name,
    kind: c.kind,
    enabled: c.enabled,
    url: cfg.url ?? '',
    smtpHost: cfg.smtpHost ?? '',
    smtpPort: cfg.smtpPort === undefined ? '' : String(cfg.smtpPort),
    smtpSecure: cfg.smtpSecure ?? false,
    smtpUser: cfg.smtpUser ?? '',
    from: cfg.from ?? '',
    to: (cfg.to ?? []).join(', '),
  };
}

export function channelConfig(d: ChannelDraft): AlertChannelConfig {
  if (d.kind !== 'email') {
    return {
      url: d.url.trim(),
      ...(d.kind === 'webhook' && d.secret ? { secret: d.secret } : {}),
    };
  }
  return {
    smtpHost: d.smtpHost.trim(),
    ...(d.smtpPort.trim() ? { smtpPort: Number(d.smtpPort) } : {}),
    smtpSecure: d.smtpSecure,
    ...(d.smtpUser.trim() ? { smtpUser: d.smtpUser.trim() } : {}),
    ...(d.smtpPassword ? { smtpPassword: d.smtpPassword } : {}),
    from: d.from.trim(),
    to: d.to
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean),
  };
}
