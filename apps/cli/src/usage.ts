/** Help texts. Kept next to each other so `hdns --help` and the README stay in step. */
export const MAIN_USAGE = `hdns: command-line client for Hybrid DNS Server

Usage:
  hdns login --url URL --user NAME [--password-stdin]
  hdns login --url URL --token TOKEN|-
  hdns logout
  hdns events [--follow] [--type T,…] [--category C,…] [--limit N] [--json]
  hdns tail queries [--client IP] [--domain NAME] [--json]
  hdns zones export ZONE [--format bind|json] [-o FILE]
  hdns zones import ZONE (--file FILE | --axfr SERVER[:PORT] [--tsig NAME:ALG:SECRET]) [--create]
  hdns tokens list [--all] [--json]
  hdns tokens create NAME [--role R] [--zones Z,…] [--read-only] [--expires-in-days N] [--json]
  hdns tokens revoke ID [--json]
  hdns passwd [--password-stdin] [--json]
  hdns sessions list [--json]
  hdns sessions end (ID | --others) [--json]

Commands:
  login     Log in and store the session in $HDNS_CONFIG_DIR or ~/.config/hdns (mode 0600)
  logout    End the session on the server and forget it locally
  events    Recent events (history), or with --follow a live stream, one line per event
  tail      tail queries: the live DNS query log, filtered on this side
  zones     Export a zone (BIND zone file or JSON); import one from a zone file or by AXFR
  tokens    API tokens: list yours, create one (its secret is printed once), revoke one
  passwd    Change your password (your other sessions end; this login goes on)
  sessions  Your login sessions: list them (* marks this one), end one or all others

Options:
  -h, --help      Show help (also: hdns COMMAND --help)
  -V, --version   Show the version

Exit codes: 0 ok, 1 failure (unreachable, refused, not logged in, connection closed), 2 usage.`;

export const LOGIN_USAGE = `Usage:
  hdns login --url URL --user NAME [--password-stdin]
  hdns login --url URL --token TOKEN|-

Logs in with a password (prompted with echo off on a terminal; read from stdin otherwise, or
always with --password-stdin) and stores the access token and refresh cookie. The token is
refreshed automatically when it is close to expiry.
With --token, stores an API token (hdns_…, see \`hdns tokens create\`) instead, after checking
it with the server; \`--token -\` reads it from the first line of stdin. It is used until it is
revoked or expires; then log in again.

  --url URL           Server base URL, e.g. http://127.0.0.1:8080
  -u, --user NAME     Username
  --password-stdin    Read the password from the first line of stdin`;

export const LOGOUT_USAGE = `Usage: hdns logout

Revokes the stored session on the server (best effort) and deletes the local credentials.`;

export const EVENTS_USAGE = `Usage: hdns events [--follow] [--type T,…] [--category C,…] [--limit N] [--json]

Without --follow: prints the most recent events (oldest first) and exits.
With --follow: prints events as they happen until Ctrl-C; lost connections are resumed
without gaps (progress on stderr).

  -f, --follow          Stream live events
  -t, --type T,…        Only these event types (comma-separated)
  -c, --category C,…    Only these categories: dns, security, health, system, user, bulk, query
  -n, --limit N         History size without --follow (default 20, at most 500)
  --json                One JSON object per line (NDJSON) instead of text`;

export const TAIL_USAGE = `Usage: hdns tail queries [--client IP] [--domain NAME] [--json]

Follows the DNS query log (dns_query_log) live until Ctrl-C, one line per query:
  12:34:05 192.0.2.7 www.example.com A +E(0)K

  --client IP       Only queries from this client address (exact)
  --domain NAME     Only this name and the names below it
  --json            One JSON object per line (NDJSON) instead of text

Client addresses are shown as the server sends them: redacted ([redacted]) below operator.`;

export const TOKENS_USAGE = `Usage:
  hdns tokens list [--all] [--json]
  hdns tokens create NAME [--role R] [--zones Z,…] [--read-only] [--expires-in-days N] [--json]
  hdns tokens revoke ID [--json]

list: your API tokens (with --all, an admin sees everyone's): id, name, role, zones, read-only,
expiry and last use (time and address).
create: a token acting for you with at most your role and zones; its secret (hdns_…) is
printed once on stdout and cannot be shown again. Use it as \`Authorization: Bearer\` or with
\`hdns login --token\`.
revoke: the token stops working at once and its WebSocket connections close.

  --all                  Everyone's tokens (admins only)
  --role R               viewer, operator or admin (default: yours; never above it)
  --zones Z,…            Only these zones (default: every zone you may reach)
  --read-only            The token may only read (GET)
  --expires-in-days N    Expire after N days (default: never)
  --json                 The server's JSON answer instead of text

Exit codes: 0 ok, 1 refused or failed, 2 usage.`;

export const ZONES_USAGE = `Usage:
  hdns zones export ZONE [--format bind|json] [-o FILE]
  hdns zones import ZONE --file FILE [--create]
  hdns zones import ZONE --axfr SERVER[:PORT] [--tsig NAME:ALG:SECRET] [--remote-zone NAME] [--create]

export: the zone as the server renders it for BIND (default), or its zone and records as JSON;
to FILE, or stdout without -o.
import: records from a BIND zone file (read by named-compilezone on the server) or transferred by
AXFR from SERVER (default port 53), shown as the job progresses; every refused record is listed.

  -f, --format F        bind (default) or json
  -o, --output FILE     Write the export to FILE
  --file FILE           The zone file to import
  --axfr SERVER[:PORT]  Transfer the zone from this server ([v6]:port for IPv6 with a port)
  --tsig NAME:ALG:SECRET  TSIG key for the transfer (ALG e.g. hmac-sha256; SECRET base64)
  --remote-zone NAME    The zone's name on SERVER, when it differs from ZONE
  --create              Create ZONE from the file's SOA and $TTL first (it must not exist)

Exit codes: 0 all records imported, 1 some refused or the import failed, 2 usage.`;

export const PASSWD_USAGE = `Usage:
  hdns passwd [--password-stdin] [--json]

Changes your own password. Asks for the current one and the new one twice (no echo); with
--password-stdin, or when stdin is not a terminal, reads the current password and the new one
from the first two lines of stdin. Every other session of yours ends; this login goes on.
A wrong current password counts like a failed login.

  --password-stdin   Read the two passwords from stdin
  --json             Print {"changed":true,"username":…} on stdout

Exit codes: 0 changed, 1 refused (wrong current password, too many attempts, policy) or failed, 2 usage.`;

export const SESSIONS_USAGE = `Usage:
  hdns sessions list [--json]
  hdns sessions end ID [--json]
  hdns sessions end --others [--json]

list: your login sessions (one per login, kept across token refreshes): id, login time, last
use, address and client; * marks this CLI's own.
end: ends a session (it can no longer refresh, its tokens are refused, its live connections
close); --others ends every one but this CLI's.

  --others   End all your other sessions
  --json     The server's JSON answer (list) or {"ended":N} (end)

Exit codes: 0 ok, 1 refused or failed (an unknown ID is refused), 2 usage.`;
