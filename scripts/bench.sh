#!/usr/bin/env bash
# Measures ShipRoom against issue 21's budgets from outside, the way people and automation meet it: builds the web app
# (published, Release) and the driver, starts ShipRoom on the embedded default (SQLite in a temporary data directory)
# on 127.0.0.1 with a free port, drives it from separate processes (tests/ShipRoom.Benchmarks `live`: a SignalR client
# swarm, dashboard tabs in headless Chromium through Playwright; `deploysystem`: the deploy webhook's receiver, where the
# rollback row runs; `barehub`: the bare SignalR hub baseline; `barepage`: the bare Blazor page baseline), prints one
# line per row
#   bench <row>: measured <figure>, budget <figure>, baseline <figure>: PASS|FAIL
# and writes the table, the command, the machine and the date into docs/benchmarks.md. Cleans up what it started.
#   scripts/bench.sh              1,000 subscribers (then 2,000), 100 rollbacks, 100 rollouts polling, 20 dashboard tabs
#   scripts/bench.sh --quick      200 subscribers (then 400), 20 rollbacks, 50 rollouts, 5 tabs (under five minutes)
#   scripts/bench.sh --postgres   the same again on PostgreSQL (SHIPROOM_TEST_POSTGRES, or a throwaway cluster)
# Exit code 0 when every measured row passes, 1 when one fails, 2 when the run itself broke.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)

quick=0
postgres=0
for arg in "$@"; do
  case "$arg" in
    --quick) quick=1 ;;
    --postgres) postgres=1 ;;
    *) echo "usage: scripts/bench.sh [--quick] [--postgres]" >&2; exit 2 ;;
  esac
done

if [ "$quick" -eq 1 ]; then
  subscribers=200; rollbacks=20; rollouts=50; listen_seconds=30; doubled_listen_seconds=20; cpu_seconds=60; backfill_wait=90
  tabs=5; tab_updates=3
else
  subscribers=1000; rollbacks=100; rollouts=100; listen_seconds=90; doubled_listen_seconds=60; cpu_seconds=120; backfill_wait=600
  tabs=20; tab_updates=6
fi

log() { printf '[bench.sh %s] %s\n' "$(date -u +%H:%M:%S)" "$*" >&2; }
free_port() { python3 -c 'import socket;s=socket.socket();s.bind(("127.0.0.1",0));print(s.getsockname()[1])'; }
loadavg() { cut -d' ' -f1-3 /proc/loadavg; }

work=$(mktemp -d /tmp/shiproom-bench.XXXXXX)
chmod 755 "$work"
pids=()
pg_bin=
pg_data=
pg_server=
pg_db=
# The throwaway PostgreSQL's postmaster, once started: the driver reads its processes' time on the cores around each
# rollback (0: not ours to read, or SQLite).
database_pid=0
bench_exe="$root/tests/ShipRoom.Benchmarks/bin/Release/net10.0/ShipRoom.Benchmarks"

cleanup() {
  local rc=$?
  for pid in "${pids[@]}"; do
    kill "$pid" 2>/dev/null || true
  done
  for pid in "${pids[@]}"; do
    wait "$pid" 2>/dev/null || true
  done
  if [ -n "$pg_db" ] && [ -n "$pg_server" ]; then
    "$bench_exe" pgdb drop --cs "$pg_server" --name "$pg_db" >/dev/null 2>&1 || true
  fi
  if [ -n "$pg_data" ] && [ -f "$pg_data/postmaster.pid" ]; then
    runuser -u postgres -- "$pg_bin/pg_ctl" -D "$pg_data" -m immediate -w stop >/dev/null 2>&1 || true
  fi
  rm -rf "$work"
  exit $rc
}
trap cleanup EXIT INT TERM

# Stops one process this script started (by its id) and forgets it.
stop() {
  local pid=$1 kept=()
  kill "$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
  for p in "${pids[@]}"; do [ "$p" = "$pid" ] || kept+=("$p"); done
  pids=("${kept[@]}")
}

# --- build ----------------------------------------------------------------------------------------------------------
# Published, not just built: a Release build outside Development serves _content/ (MudBlazor, Plotly) only from
# publish output (docs/../shared STACK notes), and the first-load row must see what production serves.
start=$(date +%s)
# What was built, read before the build: the tree may change while the run goes on, and this script's own output file
# (docs/benchmarks.md) is no change to the code measured.
commit=$(git rev-parse --short HEAD 2>/dev/null || echo unknown)
dirty=$(git status --porcelain -- . ':!docs/benchmarks.md' 2>/dev/null | grep -qv '^??' && echo " (with uncommitted changes)" || true)
log "publishing src/ShipRoom.Web (Release) and building tests/ShipRoom.Benchmarks (Release)"
nice -n 10 dotnet publish src/ShipRoom.Web -c Release -o "$work/web" --nologo -v q -clp:ErrorsOnly >&2
nice -n 10 dotnet build tests/ShipRoom.Benchmarks -c Release --nologo -v q -clp:ErrorsOnly >&2
log "build took $(( $(date +%s) - start )) s"

# Modules the dashboard imports at run time (named in .NET or JS code, not in the HTML): the charts' module and the
# plotly-basic bundle they draw with, the live cells, theme and viewer-time modules, and Blazor's JS initializer (named
# in a comment of the HTML by its fingerprinted name: the rows' custom events).
runtime_assets=$(cd "$work/web/wwwroot" && ls js/metric-chart.js _content/Plotly.Blazor/plotly-basic-*.min.js js/live-cells.js js/theme.js js/viewer-time.js ShipRoom.Web.*.lib.module.js | paste -sd, -)

# The processes' logs of the last run stay in artifacts/ (ignored by git) for whoever reads a FAIL.
logs="$root/artifacts/bench/last-run"
rm -rf "$logs"; mkdir -p "$logs"
lines="$work/lines.txt"
table="$work/table.md"
: > "$lines"
: > "$table"
load_before=$(loadavg)

# run_pass PROVIDER CONNECTION_STRING LABEL
run_pass() {
  local provider=$1 connection=$2 label=$3
  local port hook_port bare_port page_port password server_pid bare_pid page_pid hook_pid
  port=$(free_port); hook_port=$(free_port); bare_port=$(free_port); page_port=$(free_port)
  password="bench-$(head -c 18 /dev/urandom | base64 | tr -d '/+=')"
  log "starting the deploy system on 127.0.0.1:$hook_port and ShipRoom ($provider) on 127.0.0.1:$port"
  # The deploy system first (ShipRoom calls it for the demo's start), in a process of its own: the rollback row runs
  # there, away from the driver's subscriber swarm (tests/ShipRoom.Benchmarks/Live/RollbackTiming.cs). Without tiered
  # compilation: its code is compiled once, optimised, at first use. Tiered, it compiled its hot methods again through
  # the row's first 15 rollbacks (54-94 ms of CPU in each ~300 ms window on average, up to 174 ms; 8-13 ms later), on
  # the cores ShipRoom's answers needed, and it serves the webhook and reads the answers (docs/benchmarks.md,
  # twenty-sixth round).
  DOTNET_TieredCompilation=0 nice -n 10 "$bench_exe" deploysystem --port "$hook_port" > "$work/deploysystem-$provider.log" 2>&1 &
  hook_pid=$!
  pids+=("$hook_pid")
  for _ in $(seq 100); do
    (exec 3<>"/dev/tcp/127.0.0.1/$hook_port") 2>/dev/null && break
    kill -0 "$hook_pid" 2>/dev/null || { log "the deploy system did not start:"; cat "$work/deploysystem-$provider.log" >&2; exit 2; }
    sleep 0.1
  done
  (
    cd "$work/web"
    exec env ASPNETCORE_ENVIRONMENT=Production \
      Urls="http://127.0.0.1:$port" \
      ShipRoom__Storage__Provider="$provider" \
      ConnectionStrings__ShipRoom="$connection" \
      SHIPROOM_ADMIN_PASSWORD="$password" \
      ShipRoom__Deploy__WebhookUrl="http://127.0.0.1:$hook_port/deploy" \
      ShipRoom__Deploy__WebhookSecret="bench-secret-$(head -c 12 /dev/urandom | base64 | tr -d '/+=')" \
      ShipRoom__Security__ApiRequestsPerMinute=100000 \
      ShipRoom__Storage__CountStatements=true \
      nice -n 10 dotnet ShipRoom.Web.dll
  ) > "$work/shiproom-$provider.log" 2>&1 &
  server_pid=$!
  pids+=("$server_pid")
  nice -n 10 "$bench_exe" barehub --port "$bare_port" > "$work/barehub-$provider.log" 2>&1 &
  bare_pid=$!
  pids+=("$bare_pid")
  # The bare Blazor page serves blazor.web.js from the published ShipRoom (the driver is not a Web SDK project).
  nice -n 10 "$bench_exe" barepage --port "$page_port" --framework-dir "$work/web/wwwroot/_framework" > "$work/barepage-$provider.log" 2>&1 &
  page_pid=$!
  pids+=("$page_pid")

  # The server's own process (nice execs dotnet in place, so the id is the dotnet process) for its CPU time.
  set +e
  nice -n 10 "$bench_exe" live --url "http://127.0.0.1:$port" --password "$password" \
    --subscribers "$subscribers" --rollbacks "$rollbacks" --rollouts "$rollouts" \
    --listen-seconds "$listen_seconds" --doubled-listen-seconds "$doubled_listen_seconds" --cpu-seconds "$cpu_seconds" --backfill-wait-seconds "$backfill_wait" \
    --server-pid "$server_pid" --database-pid "$database_pid" --clk-tck "$(getconf CLK_TCK)" --deploy-system-url "http://127.0.0.1:$hook_port" \
    --barehub-url "http://127.0.0.1:$bare_port/hub" --runtime-assets "$runtime_assets" \
    --tabs "$tabs" --tab-updates "$tab_updates" --barepage-url "http://127.0.0.1:$page_port/" --barepage-pid "$page_pid" \
    --plan "$root/plans/directive-004-ramp-1-10-25-50-100.yaml" --label "$label" --markdown "$table" 2> >(tee "$logs/driver-$provider.log" >&2) | tee -a "$lines"
  local rc=${PIPESTATUS[0]}
  set -e
  if ! kill -0 "$server_pid" 2>/dev/null; then
    log "ShipRoom ($provider) is no longer running; its log:"; tail -40 "$work/shiproom-$provider.log" >&2
  fi
  grep -E '(fail|Exception|error)' "$work/shiproom-$provider.log" | grep -v 'Failed to determine the https port' | head -20 > "$work/server-problems-$provider.txt" || true
  if [ -s "$work/server-problems-$provider.txt" ]; then
    log "ShipRoom ($provider) logged problems (first 20 lines):"; cat "$work/server-problems-$provider.txt" >&2
  fi
  stop "$page_pid"
  stop "$hook_pid"
  stop "$bare_pid"
  stop "$server_pid"
  cp "$work/shiproom-$provider.log" "$work/barehub-$provider.log" "$work/barepage-$provider.log" "$work/deploysystem-$provider.log" "$logs/" 2>/dev/null || true
  if [ "$rc" -ne 0 ]; then
    log "the driver failed (exit $rc)"; exit 2
  fi
}

mkdir -p "$work/data"
run_pass Sqlite "Data Source=$work/data/shiproom.db" ""

if [ "$postgres" -eq 1 ]; then
  pg_server=${SHIPROOM_TEST_POSTGRES:-}
  if [ -z "$pg_server" ]; then
    pg_bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1 || true)
    [ -n "$pg_bin" ] || { log "PostgreSQL is not installed (apt-get install -y postgresql) and SHIPROOM_TEST_POSTGRES is not set"; exit 2; }
    mkdir -p "$work/pg-sock"; chown postgres "$work/pg-sock"
    pg_data="$work/pg"; mkdir -p "$pg_data"; chown postgres "$pg_data"
    pg_port=$(free_port)
    runuser -u postgres -- "$pg_bin/initdb" -D "$pg_data" -A trust -U postgres --no-sync -E UTF8 >/dev/null
    # At the niceness of everything else the script starts: at 0 beside a server at 10, its back-fill writes took
    # ten times ShipRoom's share of the 2 cores, and a rollback given meanwhile waited for a core, not for storage
    # (docs/benchmarks.md, twenty-second round). In production the two are not ranked either.
    runuser -u postgres -- nice -n 10 "$pg_bin/pg_ctl" -D "$pg_data" -l "$work/pg-sock/pg.log" -w -t 30 \
      -o "-F -k $work/pg-sock -p $pg_port -c listen_addresses=127.0.0.1 -c max_connections=200 -c fsync=off" start >/dev/null
    pg_server="Host=127.0.0.1;Port=$pg_port;Username=postgres;Database=postgres"
    database_pid=$(head -1 "$pg_data/postmaster.pid")
    log "throwaway PostgreSQL on 127.0.0.1:$pg_port"
  fi
  pg_db="shiproom_bench_$(date +%s)_$$"
  pg_connection=$("$bench_exe" pgdb create --cs "$pg_server" --name "$pg_db")
  run_pass Postgres "$pg_connection" " (postgres)"
fi

load_after=$(loadavg)
log "done in $(( $(date +%s) - start )) s"

# --- docs/benchmarks.md -----------------------------------------------------------------------------------------------
command=$(echo "scripts/bench.sh $*" | sed 's/ *$//')
# One section per kind of run (quick or full, with or without PostgreSQL), each replaced by the next run of its kind.
mode=$([ "$quick" -eq 1 ] && echo quick || echo full)$([ "$postgres" -eq 1 ] && echo "+postgres" || true)
cpu_model=$(lscpu | sed -n 's/^Model name:[[:space:]]*//p' | head -1)
{
  echo "<!-- scripts/bench.sh writes this section; edit the script, not the figures. -->"
  echo "### The latest \`$command\` run"
  echo
  echo "Date: $(date -u +'%Y-%m-%d %H:%M UTC'). Commit: $commit$dirty. Took $(( $(date +%s) - start )) s, build included. Command:"
  echo
  echo '```bash'
  echo "$command"
  echo '```'
  echo
  echo "Machine: $cpu_model, $(nproc) cores (\`nproc\`), $(awk '/MemTotal/ {printf "%.1f GB", $2/1048576}' /proc/meminfo) memory, .NET $(dotnet --version) SDK; load average (1/5/15 min) $load_before at the start and $load_after at the end (the machine is shared: figures under load are inflated)."
  echo "Counts: $subscribers hub subscribers, $rollbacks rollbacks, $rollouts rollouts polling on the simulator beside the demo, $listen_seconds s of hub updates, then $((2 * subscribers)) subscribers for $doubled_listen_seconds s, $cpu_seconds s of server CPU with every rollout polling (cut at each burst of their polls; the time between is the baseline), $tabs dashboard tabs in headless Chromium and $tab_updates demo updates per tab window. ShipRoom published (Release), \`ASPNETCORE_ENVIRONMENT=Production\`, on 127.0.0.1; the API rate limit raised to 100,000 a minute for the run."
  echo
  echo "| row | measured | budget (issue 21) | baseline, same run | verdict |"
  echo "| --- | --- | --- | --- | --- |"
  cat "$table"
} > "$work/section.md"
python3 - "$root/docs/benchmarks.md" "$work/section.md" "$mode" <<'PY'
import sys, re
doc_path, section_path, mode = sys.argv[1], sys.argv[2], sys.argv[3]
doc = open(doc_path, encoding="utf-8").read()
begin, end = f"<!-- bench.sh:begin {mode} -->", f"<!-- bench.sh:end {mode} -->"
section = begin + "\n" + open(section_path, encoding="utf-8").read().rstrip() + "\n" + end
pattern = re.compile(re.escape(begin) + ".*?" + re.escape(end), re.S)
doc = pattern.sub(lambda _: section, doc) if pattern.search(doc) else doc.rstrip() + "\n\n" + section + "\n"
open(doc_path, "w", encoding="utf-8").write(doc)
PY
log "wrote the table to docs/benchmarks.md"

if grep -q ': FAIL$' "$lines"; then exit 1; fi
exit 0
