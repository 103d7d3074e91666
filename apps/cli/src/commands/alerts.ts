/**
 * `hdns alerts rules list`, `alerts channels list|test ID`, `alerts deliveries` and
 * `alerts resend ID`: the alerting setup and its delivery log (admins).
 *
 * Contract: channel secrets are never shown (the server sends only whether one is set). test and
 * resend queue a delivery and print its id on stdout; the delivery itself happens on the server
 * (see `alerts deliveries`). --json prints the REST body.
 */
import {
  DELIVERY_STATUSES,
  describeAlertRule,
  type AlertChannel,
  type AlertRule,
} from '@hdns/protocol/rest';
import { EXIT_OK } from '../cli-error.js';
import type { Output } from '../output.js';
import { cell } from '../table.js';
import { oneOf, wholeNumber } from './parse.js';
import { call, printTable, type JsonOption } from './rest-command.js';

export interface DeliveriesOptions extends JsonOption {
  status?: string;
  channel?: string;
  limit?: string;
}

/** What a rule matches, in a few words (the dashboard says the same). */
export function ruleSummary(r: AlertRule): string {
  return describeAlertRule(r);
}

function channelTarget(c: AlertChannel): string {
  if (c.kind === 'email') return (c.config.to ?? []).join(',');
  return cell(c.config.url);
}

export async function listRules(opts: JsonOption, out: Output): Promise<number> {
  const body = await call('cannot list alert rules', 'listAlertRules');
  if (opts.json) out.line(JSON.stringify(body));
  else {
    printTable(
      out,
      ['ID', 'NAME', 'ENABLED', 'CHANNELS', 'ESCALATION', 'MATCH'],
      body.rules.map((r) => [
        r.id,
        r.name,
        r.enabled ? 'yes' : 'no',
        String(r.channelIds.length),
        r.escalation ? `after ${r.escalation.afterMinutes} min` : '-',
        ruleSummary(r),
      ]),
      'no alert rules',
    );
  }
  return EXIT_OK;
}

export async function listChannels(opts: JsonOption, out: Output): Promise<number> {
  const body = await call('cannot list alert channels', 'listAlertChannels');
  if (opts.json) out.line(JSON.stringify(body));
  else {
    printTable(
      out,
      ['ID', 'NAME', 'KIND', 'ENABLED', 'TARGET'],
      body.channels.map((c) => [c.id, c.name, c.kind, c.enabled ? 'yes' : 'no', channelTarget(c)]),
      'no alert channels',
    );
  }
  return EXIT_OK;
}

export async function testChannel(id: string, opts: JsonOption, out: Output): Promise<number> {
  const delivery = await call(`cannot test channel ${id}`, 'testAlertChannel', { params: { id } });
  if (opts.json) out.line(JSON.stringify(delivery));
  else {
    out.line(delivery.id);
    out.notice(`test delivery queued (${delivery.status}); see \`hdns alerts deliveries\``);
  }
  return EXIT_OK;
}

export async function listDeliveries(opts: DeliveriesOptions, out: Output): Promise<number> {
  const status =
    opts.status === undefined ? undefined : oneOf('--status', opts.status, DELIVERY_STATUSES);
  const limit = wholeNumber('--limit', opts.limit, 1, 500);
  const body = await call('cannot list deliveries', 'listAlertDeliveries', {
    query: {
      ...(status !== undefined ? { status } : {}),
      ...(opts.channel !== undefined ? { channelId: opts.channel } : {}),
      ...(limit !== undefined ? { limit } : {}),
    },
  });
  if (opts.json) out.line(JSON.stringify(body));
  else {
    printTable(
      out,
      ['ID', 'CREATED', 'CHANNEL', 'REASON', 'STATUS', 'ATTEMPTS', 'HTTP', 'ERROR'],
      body.deliveries.map((d) => [
        d.id,
        d.createdAt,
        d.channelId,
        d.reason,
        d.status,
        String(d.attempts),
        cell(d.lastStatusCode),
        cell(d.lastError),
      ]),
      'no deliveries',
    );
  }
  return EXIT_OK;
}

export async function resendDelivery(id: string, opts: JsonOption, out: Output): Promise<number> {
  const delivery = await call(`cannot resend delivery ${id}`, 'resendAlertDelivery', {
    params: { id },
  });
  if (opts.json) out.line(JSON.stringify(delivery));
  else {
    out.line(delivery.id);
    out.notice(`queued again as ${delivery.id} (${delivery.status})`);
  }
  return EXIT_OK;
}
