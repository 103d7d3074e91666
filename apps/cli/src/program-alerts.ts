/**
 * `hdns alerts rules|channels|deliveries|resend …`: alerting, part of the command tree
 * (program.ts). Rules and channels are built from options or a JSON spec file holding the REST
 * body; secrets are read only from that file or stdin.
 */
import type { Command } from 'commander';
import type { DeliveriesOptions } from './commands/alerts.js';
import type { RuleSpecOptions } from './commands/alerts-rules.js';
import type { ChannelSpecOptions } from './commands/alerts-channels.js';
import { collect, group, type CommandContext, type Json } from './program-group.js';

const ALERT_RULE_SPEC_HELP = `
A spec file holds the REST body (fields: name, enabled, match, threshold, channelIds, escalation);
it is checked before sending and a bad field is named (exit 2). Example, "SERVFAIL rate above
5 % for 2 minutes, per node":
  {"name": "SERVFAIL rate", "channelIds": ["<channel id>"],
   "match": {"types": ["dns_query_log"]},
   "threshold": {"kind": "ratio", "when": {"rcode": ["SERVFAIL"]}, "abovePercent": 5,
                 "windowSec": 60, "forSec": 120, "minEvents": 10, "groupBy": "node"},
   "escalation": {"afterMinutes": 15, "channelId": "<channel id>"}}
threshold kinds: {"count": N, "windowSec": S} (kind "count" may be left out),
{"kind": "ratio", "when", "abovePercent", "windowSec", "forSec", "minEvents"},
{"kind": "held", "when", "forSec"}; each may have "groupBy". match may also hold categories,
minPriority, minSeverity, zones, sources, nodes and where ({"blocked": ["true"]}).`;

const ALERT_CHANNEL_SPEC_HELP = `
A spec file holds the REST body ({"name", "kind", "enabled", "config": {…}}); config fields:
url, secret (webhook HMAC key, 16+ characters), smtpHost, smtpPort, smtpSecure, smtpUser,
smtpPassword, from, to. Secrets are write-only and accepted only in the file or on stdin:
  echo '{"config": {"smtpPassword": "…"}}' | hdns alerts channels update ID --file -
Slack and Teams webhook URLs hold their token, so --url refuses them (exit 2), as it refuses any
URL with user:password@ or a query string; give such a URL as config.url in the file or stdin.`;

export function registerAlertCommands(program: Command, { out, run }: CommandContext): void {
  const alerts = group(program, 'alerts', 'Alert rules, channels and deliveries');
  const alertRules = group(alerts, 'rules', 'Alert rules');
  alertRules
    .command('list')
    .description('Every alert rule')
    .option('--json', "The server's JSON answer instead of a table")
    .action(async (opts: Json) => run((await import('./commands/alerts.js')).listRules(opts, out)));
  alertRules
    .command('add')
    .description('Create a rule from options and/or a JSON spec file; prints its id')
    .option('--file <file>', 'The REST body as JSON (- for stdin); options override its fields')
    .option('--name <name>', 'Rule name')
    .option('--channel <id,…>', 'Send to these channel ids (repeatable)', collect, [])
    .option('--type <type,…>', 'Only these event types (repeatable)', collect, [])
    .option('--disabled', 'Create it switched off')
    .option('--json', "The server's JSON answer instead of text")
    .addHelpText('after', ALERT_RULE_SPEC_HELP)
    .action(async (opts: RuleSpecOptions) =>
      run((await import('./commands/alerts-rules.js')).addRule(opts, out)),
    );
  alertRules
    .command('update')
    .description('Change rule ID: the fields given (options or --file) replace the stored ones')
    .argument('<id>', 'Rule id')
    .option('--file <file>', 'A partial REST body as JSON (- for stdin)')
    .option('--name <name>', 'New name')
    .option('--channel <id,…>', 'Send to these channel ids instead (repeatable)', collect, [])
    .option('--type <type,…>', 'Only these event types (the other filters stay)', collect, [])
    .option('--enable', 'Switch it on')
    .option('--disable', 'Switch it off')
    .option('--json', "The server's JSON answer instead of text")
    .addHelpText('after', ALERT_RULE_SPEC_HELP)
    .action(async (id: string, opts: RuleSpecOptions) =>
      run((await import('./commands/alerts-rules.js')).updateRule(id, opts, out)),
    );
  alertRules
    .command('delete')
    .description('Delete rule ID')
    .argument('<id>', 'Rule id')
    .option('--json', 'Print {"deleted":ID}')
    .action(async (id: string, opts: Json) =>
      run((await import('./commands/alerts-rules.js')).deleteRule(id, opts, out)),
    );
  const channels = group(alerts, 'channels', 'Notification channels');
  channels
    .command('list')
    .description('Every channel (secrets are never shown)')
    .option('--json', "The server's JSON answer instead of a table")
    .action(async (opts: Json) =>
      run((await import('./commands/alerts.js')).listChannels(opts, out)),
    );
  channels
    .command('test')
    .description('Send a test notification through channel ID')
    .argument('<id>', 'Channel id')
    .option('--json', "The server's JSON answer instead of text")
    .action(async (id: string, opts: Json) =>
      run((await import('./commands/alerts.js')).testChannel(id, opts, out)),
    );
  const channelOptions = (cmd: Command): Command =>
    cmd
      .option('--file <file>', 'The REST body as JSON (- for stdin); secrets go only here')
      .option('--name <name>', 'Channel name')
      .option('--url <url>', 'Webhook and alertmanager target (slack and teams: only in --file)')
      .option('--smtp-host <host>', 'Email: SMTP server')
      .option('--smtp-port <port>', 'Email: SMTP port')
      .option('--smtp-secure', 'Email: TLS from the start (port 465)')
      .option('--smtp-user <user>', 'Email: SMTP user (the password only in --file)')
      .option('--from <address>', 'Email: sender')
      .option('--to <address,…>', 'Email: recipients (repeatable)', collect, [])
      .option('--json', "The server's JSON answer instead of text")
      .addHelpText('after', ALERT_CHANNEL_SPEC_HELP);
  channelOptions(
    channels
      .command('add')
      .description('Create a channel; prints its id')
      .option('--kind <kind>', 'webhook, slack, teams, alertmanager or email')
      .option('--disabled', 'Create it switched off'),
  ).action(async (opts: ChannelSpecOptions) =>
    run((await import('./commands/alerts-channels.js')).addChannel(opts, out)),
  );
  channelOptions(
    channels
      .command('update')
      .description('Change channel ID: config fields given change, the others (and secrets) stay')
      .argument('<id>', 'Channel id')
      .option('--enable', 'Switch it on')
      .option('--disable', 'Switch it off'),
  ).action(async (id: string, opts: ChannelSpecOptions) =>
    run((await import('./commands/alerts-channels.js')).updateChannel(id, opts, out)),
  );
  channels
    .command('delete')
    .description('Delete channel ID')
    .argument('<id>', 'Channel id')
    .option('--json', 'Print {"deleted":ID}')
    .action(async (id: string, opts: Json) =>
      run((await import('./commands/alerts-channels.js')).deleteChannel(id, opts, out)),
    );
  alerts
    .command('deliveries')
    .description('The delivery log, newest first')
    .option('--status <status>', 'pending, sending, delivered, failed or dead')
    .option('--channel <id>', 'Only this channel')
    .option('-n, --limit <n>', 'At most N rows (1-500, default 50)')
    .option('--json', "The server's JSON answer instead of a table")
    .action(async (opts: DeliveriesOptions) =>
      run((await import('./commands/alerts.js')).listDeliveries(opts, out)),
    );
  alerts
    .command('resend')
    .description('Send delivery ID again (a new delivery)')
    .argument('<id>', 'Delivery id')
    .option('--json', "The server's JSON answer instead of text")
    .action(async (id: string, opts: Json) =>
      run((await import('./commands/alerts.js')).resendDelivery(id, opts, out)),
    );
}
