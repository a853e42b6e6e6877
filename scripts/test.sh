#!/usr/bin/env bash
# The one test command: installs what the tests need when it is missing, starts a throwaway PostgreSQL
# cluster, runs every test project, prints "N passed, N failed, N skipped", and cleans up what it started.
#   scripts/test.sh                  everything
#   scripts/test.sh --project tests/ShipRoom.Core.Tests    one project (any dotnet test option passes through)
# SHIPROOM_TEST_POSTGRES=<Npgsql connection string> uses an existing server instead of starting one.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)

log() { printf '[test.sh] %s\n' "$*"; }

# --- what the tests need from Debian -------------------------------------------------------------
missing=()
pg_bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1 || true)
[ -n "$pg_bin" ] && [ -x "$pg_bin/initdb" ] || missing+=(postgresql)
[ -x /usr/bin/chromium ] || missing+=(chromium)
command -v prometheus >/dev/null 2>&1 && command -v promtool >/dev/null 2>&1 || missing+=(prometheus)
[ -x /usr/sbin/nginx ] || missing+=(nginx)   # runs deploy/nginx/shiproom.conf in front of two instances
if [ ${#missing[@]} -gt 0 ]; then
  if [ "$(id -u)" -ne 0 ]; then
    log "missing Debian packages: ${missing[*]} (run as root, or: sudo apt-get install -y ${missing[*]})"; exit 1
  fi
  log "installing ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  pg_bin=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)
fi
# The Debian packages may start a cluster or a web server of their own; the tests never use them.

work=$(mktemp -d /tmp/shiproom-test.XXXXXX)
pg_data=
cleanup() {
  local rc=$?
  if [ -n "$pg_data" ] && [ -f "$pg_data/postmaster.pid" ]; then
    runuser -u postgres -- "$pg_bin/pg_ctl" -D "$pg_data" -m immediate -w stop >/dev/null 2>&1 || true
  fi
  rm -rf "$work"
  exit $rc
}
trap cleanup EXIT INT TERM

# --- a throwaway PostgreSQL cluster -------------------------------------------------------------
if [ -z "${SHIPROOM_TEST_POSTGRES:-}" ]; then
  chown postgres "$work"
  pg_data="$work/pg"
  pg_port=$(python3 -c 'import socket;s=socket.socket();s.bind(("127.0.0.1",0));print(s.getsockname()[1])')
  runuser -u postgres -- "$pg_bin/initdb" -D "$pg_data" -A trust -U postgres --no-sync -E UTF8 >/dev/null
  runuser -u postgres -- "$pg_bin/pg_ctl" -D "$pg_data" -l "$work/pg.log" -w -t 30 \
    -o "-F -k $work -p $pg_port -c listen_addresses=127.0.0.1 -c max_connections=200 -c fsync=off" start >/dev/null
  export SHIPROOM_TEST_POSTGRES="Host=127.0.0.1;Port=$pg_port;Username=postgres;Database=postgres"
  log "PostgreSQL $("$pg_bin/postgres" --version | awk '{print $3}') on 127.0.0.1:$pg_port"
fi
export SHIPROOM_TEST_ARTIFACTS="${SHIPROOM_TEST_ARTIFACTS:-$root/artifacts/test}"
mkdir -p "$SHIPROOM_TEST_ARTIFACTS"

# --- build once, then run every test project ------------------------------------------------------
start=$(date +%s)
log "building"
dotnet build ShipRoom.sln -c Debug --nologo -v quiet -clp:ErrorsOnly
log "build took $(( $(date +%s) - start )) s"

args=("$@")
# Two test projects at a time on this 2-core machine: five at once starved SQLite writers in the app tests
# ("database is locked" after the 30-second busy wait) without making the run shorter than its longest project.
[ ${#args[@]} -gt 0 ] || args=(--solution ShipRoom.sln --max-parallel-test-modules 2)
set +e
dotnet test "${args[@]}" --no-build -c Debug 2>&1 | tee "$work/test.log"
rc=${PIPESTATUS[0]}
set -e

total=$(grep -E '^\s*total: [0-9]+' "$work/test.log" | tail -1 | grep -oE '[0-9]+' || echo 0)
failed=$(grep -E '^\s*failed: [0-9]+' "$work/test.log" | tail -1 | grep -oE '[0-9]+' || echo 0)
passed=$(grep -E '^\s*succeeded: [0-9]+' "$work/test.log" | tail -1 | grep -oE '[0-9]+' || echo 0)
skipped=$(grep -E '^\s*skipped: [0-9]+' "$work/test.log" | tail -1 | grep -oE '[0-9]+' || echo 0)
log "tests took $(( $(date +%s) - start )) s in all ($total tests)"
if [ "$rc" -ne 0 ] && [ "$failed" -eq 0 ]; then
  # A crash or a project that ran no test fails the run even though no single test failed.
  failed=1
fi
if [ "$failed" -gt 0 ]; then
  # Each failure's message: the live output scrolls it far above the closing lines CI shows.
  log "why they failed (the first 25 lines of each, at most five):"
  awk '
    /^[[:space:]]*failed [^:]/ { if (shown < 5) { inside = 1; lines = 0; shown++; print "  " $0; next } }
    inside && (/^[[:space:]]*(passed|failed|skipped) / || /^Running tests from/ || /^Test run summary/) { inside = 0 }
    inside && lines < 25 { print "    " $0; lines++ }
  ' "$work/test.log" || true
  # The names last, right above the closing line: a reader (or a check) that keeps only a log's tail still sees them.
  log "failed tests:"
  grep -E '^\s*failed [^:]' "$work/test.log" | sed -E 's/^\s*/  /' | head -17 || true
fi
echo "$passed passed, $failed failed, $skipped skipped"
exit "$rc"
