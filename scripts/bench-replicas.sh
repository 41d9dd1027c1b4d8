#!/usr/bin/env bash
# Measures replicas on PostgreSQL (issue 13) and prints a Markdown section for BENCHMARKS.md:
# a write through one replica until another's search finds it (median, p99), writes per second
# on PostgreSQL and on SQLite, and /api/search throughput with each backend (wrk, 16
# connections) over the seeded playbook.
#
#   scripts/bench-replicas.sh > target/bench-replicas.md
#
# Needs: cargo, curl, python3, wrk, psql and a PostgreSQL server (BENCH_PG, default
# postgres://root@127.0.0.1:5432/postgres); it makes and drops its own database. Servers listen
# on 127.0.0.1 only and are stopped by PID.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
ADMIN=${BENCH_PG:-postgres://root@127.0.0.1:5432/postgres}
DB=playbook_bench_replicas
URL=${ADMIN%/*}/$DB
WRITES=${BENCH_VISIBILITY_WRITES:-200}
SECONDS_EACH=${BENCH_DURATION:-10}
TARGET=${CARGO_TARGET_DIR:-$ROOT/target}
BIN=$TARGET/release/playbook
WORK=$TARGET/bench-replicas
PIDS=()

log() { printf '== %s\n' "$*" >&2; }
cleanup() {
    for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
    psql -q "$ADMIN" -c "DROP DATABASE IF EXISTS $DB WITH (FORCE)" >/dev/null 2>&1 || true
}
trap cleanup EXIT

# start NAME PORT [serve flags…]: a server on 127.0.0.1:PORT with a data dir of its own.
start() {
    local name=$1 port=$2
    shift 2
    mkdir -p "$WORK/$name"
    RUST_LOG=warn "$BIN" serve --addr "127.0.0.1:$port" --data-dir "$WORK/$name" \
        --writes-per-minute 1000000 "$@" >"$WORK/$name.log" 2>&1 &
    PIDS+=($!)
    for _ in $(seq 600); do
        curl -sf -o /dev/null "http://127.0.0.1:$port/healthz" && return 0
        sleep 0.1
    done
    echo "$name did not start; see $WORK/$name.log" >&2
    exit 1
}

token_for() { # token_for DATA_DIR [--database-url URL]
    local data=$1
    shift
    "$BIN" user add --email bench@minneapolis.example --jurisdiction minneapolis-mn \
        --data-dir "$data" "$@" >/dev/null
    "$BIN" token create --email bench@minneapolis.example --data-dir "$data" "$@" | tail -n 1
}

wrk_rps() { # wrk_rps URL: requests per second at 16 connections
    wrk -t2 -c16 -d"${SECONDS_EACH}s" "$1" | awk '/Requests\/sec/ {print $2}'
}

if [[ "${BENCH_SKIP_BUILD:-}" != 1 ]]; then
    log "build"
    cargo build --release --locked --bin playbook >&2
fi
command -v wrk >/dev/null || apt-get install -y wrk >/dev/null
rm -rf "$WORK" && mkdir -p "$WORK"
psql -q "$ADMIN" -c "DROP DATABASE IF EXISTS $DB WITH (FORCE)" -c "CREATE DATABASE $DB" >/dev/null

log "PostgreSQL: two replicas"
"$BIN" migrate --database-url "$URL" >/dev/null
PG_TOKEN=$(token_for "$WORK/cli" --database-url "$URL")
start a 18791 --database-url "$URL"
start b 18792 --database-url "$URL"
VIS=$(python3 scripts/bench_replicas.py visibility http://127.0.0.1:18791 http://127.0.0.1:18792 "$PG_TOKEN" "$WRITES")
PG_W1=$(python3 scripts/bench_replicas.py writes http://127.0.0.1:18791 "$PG_TOKEN" "$SECONDS_EACH" 1)
PG_W4=$(python3 scripts/bench_replicas.py writes http://127.0.0.1:18791 "$PG_TOKEN" "$SECONDS_EACH" 4)

log "SQLite: one server"
SQ_TOKEN=$(token_for "$WORK/sqlite")
start sqlite 18793
SQ_W1=$(python3 scripts/bench_replicas.py writes http://127.0.0.1:18793 "$SQ_TOKEN" "$SECONDS_EACH" 1)
SQ_W4=$(python3 scripts/bench_replicas.py writes http://127.0.0.1:18793 "$SQ_TOKEN" "$SECONDS_EACH" 4)

log "search throughput on fresh servers over the seeded playbook"
for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
PIDS=()
psql -q "$ADMIN" -c "DROP DATABASE IF EXISTS $DB WITH (FORCE)" -c "CREATE DATABASE $DB" >/dev/null
rm -rf "$WORK/pg-search" "$WORK/sqlite-search"
start pg-search 18794 --database-url "$URL"
PG_RPS=$(wrk_rps "http://127.0.0.1:18794/api/search?q=national+guard")
kill "${PIDS[-1]}"
start sqlite-search 18795
SQ_RPS=$(wrk_rps "http://127.0.0.1:18795/api/search?q=national+guard")

field() { python3 -c "import json,sys; print(json.loads(sys.argv[1])[sys.argv[2]])" "$1" "$2"; }
cat <<MD
## Replicas on PostgreSQL (issue 13)

\`scripts/bench-replicas.sh\`, $(date -u +%Y-%m-%d), release build, PostgreSQL $(psql -tA "$ADMIN" -c 'SHOW server_version'), everything on one $(nproc)-core machine (the replicas, the database and the load generator share the cores).

| measure | PostgreSQL | SQLite |
| --- | ---: | ---: |
| write → searchable on another replica, median ($(field "$VIS" writes) writes) | $(field "$VIS" median_ms) ms | — |
| write → searchable on another replica, p99 | $(field "$VIS" p99_ms) ms | — |
| write → searchable on another replica, slowest | $(field "$VIS" max_ms) ms | — |
| writes/s through one server, 1 client | $(field "$PG_W1" per_second) | $(field "$SQ_W1" per_second) |
| writes/s through one server, 4 clients | $(field "$PG_W4" per_second) | $(field "$SQ_W4" per_second) |
| \`/api/search?q=national+guard\`, 16 connections, requests/s | $PG_RPS | $SQ_RPS |
MD
