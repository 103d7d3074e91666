#!/usr/bin/env bash
# Idempotent setup for a Debian 12 machine with Node 20.19+.
#   scripts/setup.sh          what `npm start` needs (npm packages; bind9 if it can be installed)
#   scripts/setup.sh --test   also what the tests need (bind9 tools, dnsutils, chromium,
#                             redis-server, postgresql, nginx, openssl, systemd-analyze)
# Fast when everything is in place: it only compares a stamp and looks up a few commands.
set -euo pipefail
cd "$(dirname "$0")/.."

mode=start
[[ "${1:-}" == "--test" ]] && mode=test

say() { printf '\033[1msetup:\033[0m %s\n' "$*" >&2; }

# --- Node -------------------------------------------------------------------------------------
node_ok=$(node -e 'const [a,b]=process.versions.node.split(".").map(Number);console.log(a>20||(a===20&&b>=19)?1:0)')
if [[ "$node_ok" != 1 ]]; then
  say "Node $(node --version) is too old: Node 20.19 or newer is required."
  exit 1
fi

# --- Debian packages --------------------------------------------------------------------------
# command → Debian package that provides it
declare -A need=([named]=bind9 [rndc]=bind9-utils [named-checkzone]=bind9-utils [dig]=dnsutils)
if [[ "$mode" == test ]]; then
  need[chromium]=chromium
  need[redis-server]=redis-server
  need[nginx]=nginx
  need[openssl]=openssl
  need[systemd-analyze]=systemd
  need[dnsperf]=dnsperf
fi
missing=()
for cmd in "${!need[@]}"; do
  command -v "$cmd" >/dev/null 2>&1 || [[ -x "/usr/sbin/$cmd" ]] || missing+=("${need[$cmd]}")
done
# PostgreSQL's server binaries are not on PATH in Debian (/usr/lib/postgresql/<n>/bin); the
# tests start their own clusters with them.
if [[ "$mode" == test ]] && ! compgen -G '/usr/lib/postgresql/*/bin/initdb' >/dev/null; then
  missing+=(postgresql)
fi
if ((${#missing[@]})); then
  readarray -t missing < <(printf '%s\n' "${missing[@]}" | sort -u)
  if [[ $(id -u) == 0 ]] && command -v apt-get >/dev/null; then
    say "installing Debian packages: ${missing[*]}"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  elif [[ "$mode" == test ]]; then
    say "missing system packages needed by the tests: ${missing[*]}"
    say "install them with: sudo apt-get install -y ${missing[*]}"
    exit 1
  else
    say "BIND9 is not installed (${missing[*]}); the server will start with BIND management off."
    say "to manage BIND: sudo apt-get install -y ${missing[*]}"
  fi
fi
# Debian's bind9 package starts a system named on port 53; ours runs on its own ports, so the
# system service is left alone.

# --- npm packages -----------------------------------------------------------------------------
stamp=node_modules/.hdns-setup-stamp
want=$(cat package.json package-lock.json */*/package.json bench/package.json 2>/dev/null | sha256sum | cut -d' ' -f1)
if [[ ! -f "$stamp" || "$(cat "$stamp")" != "$want" ]]; then
  say "installing npm packages"
  npm ci --no-audit --no-fund --loglevel=error
  echo "$want" >"$stamp"
fi
