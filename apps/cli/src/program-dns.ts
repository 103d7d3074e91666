/**
 * `hdns zones|records|rpz|feeds …`: the DNS data commands of the command tree (program.ts).
 */
import type { Command } from 'commander';
import type { ExportZoneOptions, ImportZoneOptions } from './commands/zones.js';
import type { RecordOptions } from './commands/records.js';
import type { RpzAddOptions, RpzExportOptions, RpzImportOptions } from './commands/rpz.js';
import type { FeedAddOptions } from './commands/feeds.js';
import { group, type CommandContext, type Json } from './program-group.js';

export function registerDnsCommands(program: Command, { out, run }: CommandContext): void {
  const zones = group(program, 'zones', 'Export a zone; import one from a zone file or by AXFR');
  zones
    .command('export')
    .description('The zone as a BIND zone file (default) or JSON, to FILE or stdout')
    .argument('<zone>', 'Zone name')
    .option('-f, --format <format>', 'bind or json', 'bind')
    .option('-o, --output <file>', 'Write the export to FILE')
    .action(async (zone: string, opts: ExportZoneOptions) =>
      run((await import('./commands/zones.js')).exportZone(zone, opts, out)),
    );
  zones
    .command('import')
    .description('Records from a BIND zone file or by AXFR; every refused record is listed')
    .argument('<zone>', 'Zone name')
    .option('--file <file>', 'The zone file to import')
    .option('--axfr <server[:port]>', 'Transfer the zone from this server ([v6]:port for IPv6)')
    .option('--tsig <name:alg:secret>', 'TSIG key for the transfer (e.g. hmac-sha256, base64)')
    .option('--remote-zone <name>', "The zone's name on SERVER, when it differs from ZONE")
    .option('--create', "Create ZONE from the file's SOA and $TTL first (it must not exist)")
    .action(async (zone: string, opts: ImportZoneOptions) =>
      run((await import('./commands/zones.js')).importZone(zone, opts, out)),
    );

  const records = group(program, 'records', "A zone's records: list, add, update, delete");
  records
    .command('list')
    .description('The records of ZONE')
    .argument('<zone>', 'Zone name')
    .option('--json', "The server's JSON answer instead of a table")
    .action(async (zone: string, opts: Json) =>
      run((await import('./commands/records.js')).listRecords(zone, opts, out)),
    );
  const recordOptions = (cmd: Command): Command =>
    cmd
      .option('--ttl <seconds>', 'TTL (default: the zone TTL)')
      .option('--priority <n>', 'MX and SRV priority')
      .option('--weight <n>', 'SRV weight')
      .option('--port <n>', 'SRV port')
      .option('--flags <n>', 'CAA flags')
      .option('--tag <tag>', 'CAA tag (issue, issuewild, iodef)')
      .option('--json', "The server's JSON answer instead of text");
  recordOptions(
    records
      .command('add')
      .description('Add a record: NAME is @, a relative name or an absolute one ending in a dot')
      .argument('<zone>', 'Zone name')
      .argument('<name>', 'Owner name')
      .argument('<type>', 'A, AAAA, CNAME, MX, TXT, …')
      .argument('<value>', 'The record data'),
  ).action(async (zone: string, name: string, type: string, value: string, opts: RecordOptions) =>
    run((await import('./commands/records.js')).addRecord(zone, { name, type, value }, opts, out)),
  );
  recordOptions(
    records
      .command('update')
      .description('Replace record ID (the fields not given keep their values)')
      .argument('<zone>', 'Zone name')
      .argument('<id>', 'Record id (see records list)')
      .option('--name <name>', 'New owner name')
      .option('--type <type>', 'New type')
      .option('--value <value>', 'New data'),
  ).action(async (zone: string, id: string, opts: RecordOptions) =>
    run((await import('./commands/records.js')).updateRecord(zone, id, opts, out)),
  );
  records
    .command('delete')
    .description('Delete record ID')
    .argument('<zone>', 'Zone name')
    .argument('<id>', 'Record id')
    .option('--json', 'Print {"deleted":ID}')
    .action(async (zone: string, id: string, opts: Json) =>
      run((await import('./commands/records.js')).deleteRecord(zone, id, opts, out)),
    );

  const rpz = group(program, 'rpz', 'RPZ rules (local blocking policy): list, add, delete, import');
  rpz
    .command('list')
    .description('Every RPZ rule')
    .option('--json', "The server's JSON answer instead of a table")
    .action(async (opts: Json) => run((await import('./commands/rpz.js')).listRules(opts, out)));
  rpz
    .command('add')
    .description('Add a rule for DOMAIN (*.example.com for the names below it)')
    .argument('<domain>', 'Domain')
    .option('--action <action>', 'nxdomain, nodata, passthru or redirect', 'nxdomain')
    .option('--redirect-to <ip>', 'redirect: answer with this address')
    .option('--category <category>', 'Rule category', 'custom')
    .option('--comment <text>', 'A note')
    .option('--disabled', 'Store it disabled')
    .option('--json', "The server's JSON answer instead of text")
    .action(async (domain: string, opts: RpzAddOptions) =>
      run((await import('./commands/rpz.js')).addRule(domain, opts, out)),
    );
  rpz
    .command('delete')
    .description('Delete rule ID')
    .argument('<id>', 'Rule id')
    .option('--json', 'Print {"deleted":ID}')
    .action(async (id: string, opts: Json) =>
      run((await import('./commands/rpz.js')).deleteRule(id, opts, out)),
    );
  rpz
    .command('import')
    .description('Import rules from a CSV file (header row) or a JSON array, as a job')
    .argument('<file>', 'The file (.csv or .json)')
    .option('--format <format>', 'csv or json (default: from the file name)')
    .option('--json', 'The finished job as JSON')
    .action(async (file: string, opts: RpzImportOptions) =>
      run((await import('./commands/rpz.js')).importRules(file, opts, out)),
    );
  rpz
    .command('export')
    .description('Every rule in the import formats (the REST API has no export route)')
    .option('--format <format>', 'csv or json', 'json')
    .option('-o, --output <file>', 'Write to FILE instead of stdout')
    .action(async (opts: RpzExportOptions) =>
      run((await import('./commands/rpz.js')).exportRules(opts, out)),
    );

  const feeds = group(program, 'feeds', 'Blocklist feeds: list, add, refresh, enable, delete');
  feeds
    .command('list')
    .description('Every feed with its last fetch and size')
    .option('--json', "The server's JSON answer instead of a table")
    .action(async (opts: Json) => run((await import('./commands/feeds.js')).listFeeds(opts, out)));
  feeds
    .command('add')
    .description('Subscribe to the list at URL')
    .argument('<name>', 'Feed name')
    .argument('<url>', 'http(s) URL of the list')
    .option('--format <format>', 'auto, hosts, adblock, domains or rpz', 'auto')
    .option('--category <category>', 'Rule category', 'custom')
    .option('--action <action>', 'nxdomain, nodata or redirect', 'nxdomain')
    .option('--redirect-to <ip>', 'redirect: answer with this address')
    .option('--refresh-minutes <n>', 'Fetch interval in minutes (5-10080)', '1440')
    .option('--disabled', 'Store it disabled')
    .option('--json', "The server's JSON answer instead of text")
    .action(async (name: string, url: string, opts: FeedAddOptions) =>
      run((await import('./commands/feeds.js')).addFeed(name, url, opts, out)),
    );
  for (const [sub, description] of [
    ['refresh', 'Fetch feed ID now and print what changed'],
    ['enable', 'Enable feed ID'],
    ['disable', 'Disable feed ID'],
    ['delete', 'Delete feed ID and its rules'],
  ] as const) {
    feeds
      .command(sub)
      .description(description)
      .argument('<id>', 'Feed id')
      .option('--json', "The server's JSON answer instead of text")
      .action(async (id: string, opts: Json) =>
        run((await import('./commands/feeds.js')).feedAction(sub, id, opts, out)),
      );
  }
  const allow = group(feeds, 'allow', 'Domains the feeds never block');
  allow
    .command('list')
    .description('The allowlist')
    .option('--json', "The server's JSON answer instead of text")
    .action(async (opts: Json) => run((await import('./commands/feeds.js')).listAllow(opts, out)));
  for (const [sub, description] of [
    ['add', 'Add DOMAIN… (*.example.com for the names below it)'],
    ['delete', 'Remove DOMAIN… from the allowlist'],
  ] as const) {
    allow
      .command(sub)
      .description(description)
      .argument('<domains...>', 'Domains')
      .option('--json', "The server's JSON answer instead of text")
      .action(async (domains: string[], opts: Json) =>
        run((await import('./commands/feeds.js')).changeAllow(sub, domains, opts, out)),
      );
  }
}
