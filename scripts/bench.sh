#!/usr/bin/env bash
# Regenerates BENCHMARKS.md: indexing, start-up, the search engine, HTTP under load and writes,
# on synthetic corpora of 10,000 and 100,000 entries (see issue 7 for the targets).
#
#   scripts/bench.sh                       # the full run (about 25 minutes on 2 cores)
#   BENCH_ENTRIES=20000 BENCH_DURATION=5 scripts/bench.sh   # a quick rehearsal
#
# Every server it starts listens on 127.0.0.1 only and is stopped by its PID; every load run is
# bounded in time (wrk -d, under `timeout`) and every write loop in count and time.
# Needs: cargo, curl, jq, python3 and wrk (installed with apt-get when missing and run as root).
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD

ENTRIES=${BENCH_ENTRIES:-100000}
SMALL=${BENCH_SMALL_ENTRIES:-10000}
SEED=${BENCH_SEED:-42}
PORT=${BENCH_PORT:-18780}
DURATION=${BENCH_DURATION:-10}
WRITES=${BENCH_WRITES:-30}
OUT=${BENCH_OUT:-$ROOT/BENCHMARKS.md}
TARGET=${CARGO_TARGET_DIR:-$ROOT/target}
WORK=$TARGET/bench-run
RES=$WORK/results
BIN=$TARGET/release/playbook
GEN=$TARGET/release/examples/gen_corpus
ADDR=127.0.0.1:$PORT
BASE=http://$ADDR
SERVER_PID=

log() { printf '== %s\n' "$*" >&2; }
if curl -s -o /dev/null "http://127.0.0.1:${BENCH_PORT:-18780}/healthz"; then
    echo "something already listens on 127.0.0.1:${BENCH_PORT:-18780}; set BENCH_PORT" >&2
    exit 1
fi
now() { date +%s.%N; }
elapsed() { python3 -c "import sys; print(f'{float(sys.argv[2]) - float(sys.argv[1]):.3f}')" "$1" "$2"; }

stop_server() {
    if [[ -n "$SERVER_PID" ]] && kill -0 "$SERVER_PID" 2>/dev/null; then
        kill "$SERVER_PID" 2>/dev/null || true
        for _ in $(seq 100); do kill -0 "$SERVER_PID" 2>/dev/null || break; sleep 0.1; done
        kill -9 "$SERVER_PID" 2>/dev/null || true
    fi
    SERVER_PID=
}
trap stop_server EXIT

# Starts `playbook serve` on $1 (playbook) and $2 (data) and sets SERVER_PID; writes the seconds
# until /healthz answered 200 to $WORK/startup-seconds. (Not for $(...): SERVER_PID must be ours.)
start_server() {
    local started
    started=$(now)
    RUST_LOG=warn "$BIN" serve --addr "$ADDR" --playbook-dir "$1" --data-dir "$2" \
        >>"$WORK/server.log" 2>&1 &
    SERVER_PID=$!
    for _ in $(seq 6000); do
        if curl -sf -o /dev/null "$BASE/healthz"; then
            elapsed "$started" "$(now)" >"$WORK/startup-seconds"
            return 0
        fi
        kill -0 "$SERVER_PID" 2>/dev/null || { echo "server died; see $WORK/server.log" >&2; return 1; }
        sleep 0.005
    done
    echo "server did not answer within 30 s" >&2
    return 1
}

load_avg() { cut -d' ' -f1-3 /proc/loadavg; }

mkdir -p "$WORK" "$RES"
if [[ "${BENCH_REPORT_ONLY:-}" != 1 ]]; then
rm -f "$RES"/*.json "$WORK/server.log"

log "tools"
if ! command -v wrk >/dev/null; then
    apt-get install -y wrk >/dev/null 2>&1 || { apt-get update >/dev/null && apt-get install -y wrk >/dev/null; }
fi
for tool in curl jq python3 wrk; do command -v "$tool" >/dev/null || { echo "missing $tool" >&2; exit 1; }; done

log "build"
cargo build --release --locked --bin playbook --example gen_corpus 2>&1 | tail -1 >&2

log "machine"
jq -n --arg nproc "$(nproc)" \
    --arg cpu "$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//')" \
    --arg mem "$(awk '/MemTotal/ {printf "%.1f GiB", $2/1048576}' /proc/meminfo)" \
    --arg rustc "$(rustc --version)" --arg kernel "$(uname -sr)" \
    --arg wrk "$(wrk -v 2>&1 | head -1 | cut -d' ' -f1-2)" \
    --arg date "$(date -u +%Y-%m-%dT%H:%MZ)" --arg load "$(load_avg)" \
    --arg commit "$(git rev-parse --short HEAD 2>/dev/null || echo unknown)$(git diff --quiet HEAD -- . ':!BENCHMARKS.md' 2>/dev/null || echo ' + uncommitted changes')" \
    '{nproc: $nproc, cpu: $cpu, memory: $mem, rustc: $rustc, kernel: $kernel, wrk: $wrk,
      date: $date, load_start: $load, commit: $commit}' >"$RES/machine.json"

# Corpora: the large one goes where the engine benchmark looks for it, so it is built once.
corpus_root() { echo "$TARGET/bench-corpus/$1-seed$SEED"; }
for n in "$SMALL" "$ENTRIES"; do
    log "corpus of $n entries"
    root=$(corpus_root "$n")
    mkdir -p "$root"
    t0=$(now)
    "$GEN" --entries "$n" --seed "$SEED" --out "$root/playbook" --queries "$WORK/queries.tsv" >&2
    t1=$(now)
    echo "$n $SEED" >"$root/corpus-complete"
    jq -n --argjson n "$n" --arg s "$(elapsed "$t0" "$t1")" \
        --arg size "$(du -sh "$root/playbook" | cut -f1)" \
        --argjson files "$(find "$root/playbook" -name '*.md' | wc -l)" \
        '{entries: $n, seconds: ($s|tonumber), size: $size, files: $files}' >"$RES/corpus-$n.json"
done

for n in "$SMALL" "$ENTRIES"; do
    log "reindex $n (load $(load_avg))"
    root=$(corpus_root "$n")
    rm -rf "$root/data"
    t0=$(now)
    /usr/bin/env time -f '%M' -o "$WORK/reindex-rss" "$BIN" reindex --playbook-dir "$root/playbook" \
        --data-dir "$root/data" >"$WORK/reindex-$n.log" 2>&1
    t1=$(now)
    index_dir=$(sed -n 's/^indexed .* into //p' "$WORK/reindex-$n.log" | tail -1)
    jq -n --argjson n "$n" --arg s "$(elapsed "$t0" "$t1")" --arg out "$(tail -1 "$WORK/reindex-$n.log")" \
        --argjson bytes "$(du -sb "$index_dir" | cut -f1)" --argjson rss_kb "$(tail -1 "$WORK/reindex-rss")" \
        --arg load "$(load_avg)" \
        '{entries: $n, seconds: ($s|tonumber), output: $out, index_bytes: $bytes, peak_rss_kb: $rss_kb, load: $load}' \
        >"$RES/reindex-$n.json"
done

log "start-up with an existing index ($ENTRIES entries)"
big=$(corpus_root "$ENTRIES")
startups=()
for _ in 1 2 3; do
    start_server "$big/playbook" "$big/data"
    startups+=("$(cat "$WORK/startup-seconds")")
    stop_server
done
printf '%s\n' "${startups[@]}" | jq -s --arg load "$(load_avg)" \
    '{runs: ., median: (sort | .[1]), load: $load}' >"$RES/startup.json"

if [[ "${BENCH_SKIP_ENGINE:-}" == 1 && -f "$TARGET/bench-results/engine-$ENTRIES.json" ]]; then
    log "engine benchmark skipped (BENCH_SKIP_ENGINE=1): reusing its last results"
else
    log "engine benchmark (cargo bench; load $(load_avg))"
    PLAYBOOK_BENCH_ENTRIES=$ENTRIES PLAYBOOK_BENCH_SEED=$SEED \
        cargo bench --locked --bench search >"$WORK/engine.log" 2>&1 || { tail -20 "$WORK/engine.log" >&2; exit 1; }
fi
cp "$TARGET/bench-results/engine-$ENTRIES.json" "$RES/engine.json"
python3 - "$TARGET/criterion" "$ENTRIES" >"$RES/criterion.json" <<'EOF'
import json, pathlib, sys
root, entries = pathlib.Path(sys.argv[1]), sys.argv[2]
out = {}
for group in (f"search_{entries}", f"suggest_{entries}"):
    for est in sorted((root / group).glob("*/new/estimates.json")):
        bench = json.loads((est.parent / "benchmark.json").read_text())
        e = json.loads(est.read_text())
        out.setdefault(group, {})[bench.get("function_id") or est.parent.parent.name] = {
            "mean_ms": e["mean"]["point_estimate"] / 1e6,
            "median_ms": e["median"]["point_estimate"] / 1e6,
        }
json.dump(out, sys.stdout)
EOF

log "HTTP load ($ENTRIES entries)"
cat >"$WORK/rotate.lua" <<'EOF'
-- Rotates through the request paths of a file, one per line; prints the figures as JSON.
local threads = 0
function setup(thread)
  thread:set("id", threads)
  threads = threads + 1
end
function init(args)
  paths = {}
  for line in io.lines(args[1]) do
    if #line > 0 then paths[#paths + 1] = line end
  end
  i = (id or 0) * 7
end
function request()
  i = i + 1
  return wrk.format("GET", paths[(i % #paths) + 1])
end
function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    '{"requests": %d, "seconds": %.3f, "rps": %.1f, "p50_ms": %.3f, "p90_ms": %.3f, "p99_ms": %.3f, "max_ms": %.3f, "errors": %d, "non_2xx": %d, "timeouts": %d}\n',
    summary.requests, summary.duration / 1e6, summary.requests / (summary.duration / 1e6),
    latency:percentile(50) / 1000, latency:percentile(90) / 1000, latency:percentile(99) / 1000,
    latency.max / 1000, e.connect + e.read + e.write + e.status + e.timeout, e.status, e.timeout))
end
EOF
cut -f2 "$WORK/queries.tsv" | sed 's|^|/api/search?|' >"$WORK/urls-api-search.txt"
cut -f2 "$WORK/queries.tsv" | sed 's|^|/search?|' >"$WORK/urls-search.txt"
printf '/api/suggest?q=%s\n' n na nat nati national+g sep separ parking mayo gov ch zz >"$WORK/urls-suggest.txt"
echo /healthz >"$WORK/urls-healthz.txt"

rm -f "$WORK/server.log"
start_server "$big/playbook" "$big/data"
suggest_status=$(curl -s -o /dev/null -w '%{http_code}' "$BASE/api/suggest?q=nat")
endpoints=(api-search search healthz)
if [[ "$suggest_status" == 200 ]]; then endpoints=(api-search search suggest healthz); fi
jq -n --arg s "$suggest_status" '{suggest_status: ($s|tonumber)}' >"$RES/suggest-status.json"
rss_kb() { awk -v f="$1" '$1 == f":" {print $2}' "/proc/$SERVER_PID/status"; }
jq -n --argjson kb "$(rss_kb VmRSS)" '{rss_kb_idle: $kb}' >"$RES/rss-idle.json"

for endpoint in "${endpoints[@]}"; do
    urls=$WORK/urls-$endpoint.txt
    # Every path once, then a short warm-up, so the figures are of a warm server.
    while read -r path; do curl -s -o /dev/null "$BASE$path"; done <"$urls"
    timeout 30 wrk -t1 -c4 -d2s -s "$WORK/rotate.lua" "$BASE" -- "$urls" >/dev/null 2>&1 || true
    for c in 1 16 64; do
        log "wrk $endpoint at $c connections for ${DURATION}s (load $(load_avg))"
        threads=$(( c < 2 ? 1 : 2 ))
        timeout $((DURATION + 30)) wrk -t"$threads" -c"$c" -d"${DURATION}s" --timeout 5s \
            -s "$WORK/rotate.lua" "$BASE" -- "$urls" >"$WORK/wrk-$endpoint-$c.log" 2>&1 || true
        tail -1 "$WORK/wrk-$endpoint-$c.log" | jq --arg e "$endpoint" --argjson c "$c" --arg load "$(load_avg)" \
            '. + {endpoint: $e, connections: $c, load: $load}' >"$RES/http-$endpoint-$c.json"
    done
done
jq -n --argjson kb "$(rss_kb VmHWM)" '{peak_rss_kb: $kb}' >"$RES/rss-peak-reads.json"

log "writes"
bench_jurisdiction=benchmark-writes
"$BIN" jurisdiction add "$bench_jurisdiction" --name "Benchmark writes (synthetic)" --state MN --level city \
    --playbook-dir "$big/playbook" --data-dir "$big/data" >/dev/null 2>&1 || true
email="bench-$(date +%s)@example.invalid"
"$BIN" user add --email "$email" --jurisdiction "$bench_jurisdiction" --role editor \
    --playbook-dir "$big/playbook" --data-dir "$big/data" >/dev/null
token=$("$BIN" token create --email "$email" --name bench --playbook-dir "$big/playbook" \
    --data-dir "$big/data" | tail -1)

cat >"$WORK/writes.py" <<'EOF'
"""Writes through the API: time from each 201 to the entry appearing in /api/search, or writes/s."""
import http.client, json, statistics, sys, time, urllib.parse

addr, token, mode, limit, seconds = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4]), float(sys.argv[5])
host, port = addr.split(":")
run = str(int(time.time()))
conn = http.client.HTTPConnection(host, int(port), timeout=10)

def request(method, path, body=None):
    headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}
    conn.request(method, path, body=json.dumps(body) if body else None, headers=headers)
    response = conn.getresponse()
    return response.status, response.read()

def entry(i):
    word = f"benchprobe{run}x{i}"
    return word, {
        "slug": f"bench-probe-{run}-{i}",
        "title": f"Synthetic benchmark probe {word}",
        "summary": "A synthetic entry written by the benchmark script; not a real policy.",
        "kind": "guidance",
        "topics": ["policing"],
        "body_markdown": "Synthetic benchmark text. " * 60 + word,
        "message": "benchmark write",
    }

if mode == "latency":
    to_201, to_searchable, polls, errors = [], [], [], 0
    for i in range(limit):
        word, body = entry(i)
        t0 = time.perf_counter()
        status, _ = request("POST", "/api/entries", body)
        t1 = time.perf_counter()
        if status != 201:
            errors += 1
            continue
        to_201.append((t1 - t0) * 1e3)
        q = "/api/search?" + urllib.parse.urlencode({"q": word, "limit": 1})
        n = 0
        while time.perf_counter() - t1 < 5:
            n += 1
            status, data = request("GET", q)
            if status == 200 and json.loads(data)["total"] >= 1:
                to_searchable.append((time.perf_counter() - t1) * 1e3)
                break
        polls.append(n)
    def pct(xs, q):
        xs = sorted(xs)
        return xs[max(0, min(len(xs) - 1, int(round(q * len(xs) + 0.5)) - 1))] if xs else None
    print(json.dumps({
        "writes": limit, "errors": errors,
        "post_ms_median": statistics.median(to_201) if to_201 else None, "post_ms_p99": pct(to_201, 0.99),
        "searchable_ms_median": statistics.median(to_searchable) if to_searchable else None,
        "searchable_ms_max": max(to_searchable) if to_searchable else None,
        "found": len(to_searchable), "polls_max": max(polls) if polls else None,
    }))
else:
    done, errors, t0 = 0, 0, time.perf_counter()
    while done + errors < limit and time.perf_counter() - t0 < seconds:
        _, body = entry(100000 + done + errors)
        status, _ = request("POST", "/api/entries", body)
        if status == 201:
            done += 1
        else:
            errors += 1
    took = time.perf_counter() - t0
    print(json.dumps({"writes": done, "errors": errors, "seconds": took, "writes_per_s": done / took}))
EOF
python3 "$WORK/writes.py" "$ADDR" "$token" latency "$WRITES" 60 >"$RES/writes-latency.json"
log "writes while searching (load $(load_avg))"
timeout $((DURATION + 30)) wrk -t2 -c16 -d"${DURATION}s" --timeout 5s -s "$WORK/rotate.lua" "$BASE" -- \
    "$WORK/urls-api-search.txt" >"$WORK/wrk-during-writes.log" 2>&1 &
wrk_pid=$!
sleep 1
python3 "$WORK/writes.py" "$ADDR" "$token" sustained 5000 "$((DURATION - 2))" >"$RES/writes-sustained.json"
wait "$wrk_pid" || true
tail -1 "$WORK/wrk-during-writes.log" >"$RES/http-during-writes.json"
jq -n --argjson kb "$(rss_kb VmHWM)" --arg load "$(load_avg)" '{peak_rss_kb: $kb, load_end: $load}' >"$RES/rss-peak.json"
stop_server
fi  # BENCH_REPORT_ONLY

log "report"
python3 - "$RES" "$OUT" "$ENTRIES" "$SMALL" "$SEED" "$DURATION" "$ROOT/scripts/bench-notes.md" <<'EOF'
import json, pathlib, sys
res, out, entries, small, seed, duration = pathlib.Path(sys.argv[1]), sys.argv[2], int(sys.argv[3]), int(sys.argv[4]), sys.argv[5], sys.argv[6]
notes = pathlib.Path(sys.argv[7])
def load(name):
    p = res / f"{name}.json"
    return json.loads(p.read_text()) if p.exists() and p.read_text().strip() else {}
m, eng, crit = load("machine"), load("engine"), load("criterion")
ri_small, ri_big = load(f"reindex-{small}"), load(f"reindex-{entries}")
start, peak = load("startup"), load("rss-peak")
wl, ws, dw = load("writes-latency"), load("writes-sustained"), load("http-during-writes")
suggest_ok = load("suggest-status").get("suggest_status") == 200
http = {}
for p in res.glob("http-*-*.json"):
    d = json.loads(p.read_text() or "{}")
    if "endpoint" in d:
        http[(d["endpoint"], d["connections"])] = d
def f(x, digits=1):
    return "—" if x is None else f"{x:,.{digits}f}"
def verdict(ok):
    return "—" if ok is None else ("met" if ok else "**missed**")
whole = eng.get("whole_mix", {})
two = eng.get("two_threads_searches_per_s")
api16, html16, sug16 = http.get(("api-search", 16), {}), http.get(("search", 16), {}), http.get(("suggest", 16), {})
rows = [
    (f"Reindex, {entries:,} entries", "≤ 60 s", f"{f(ri_big.get('seconds'))} s", ri_big and ri_big["seconds"] <= 60),
    ("Start-up with an existing index (first 200 on /healthz)", "≤ 1 s", f"{f(start.get('median'), 2)} s", start and start["median"] <= 1),
    ("Peak RSS while serving (VmHWM)", "≤ 300 MB", f"{f(peak.get('peak_rss_kb', 0) / 1024, 0)} MB", peak and peak["peak_rss_kb"] / 1024 <= 300),
    ("Engine, whole mix, one thread: median", "≤ 2 ms", f"{f(whole.get('median_ms'), 2)} ms", whole and whole["median_ms"] <= 2),
    ("Engine, whole mix, one thread: p99", "≤ 15 ms", f"{f(whole.get('p99_ms'), 2)} ms", whole and whole["p99_ms"] <= 15),
    ("/api/search at 16 connections: p99", "≤ 25 ms", f"{f(api16.get('p99_ms'), 1)} ms", api16 and api16["p99_ms"] <= 25),
    ("/api/search at 16 connections: errors", "0", f"{api16.get('errors', '—')}", api16 and api16["errors"] == 0),
    ("/api/search at 16 connections vs engine on two threads", "≥ 70 %",
     f"{f(api16.get('rps'))} vs {f(two)} req/s = {f(100 * api16['rps'] / two, 0) if api16 and two else '—'} %",
     api16 and two and api16["rps"] >= 0.7 * two),
    ("/search (HTML) vs /api/search throughput, 16 connections", "≥ 80 %",
     f"{f(html16.get('rps'))} vs {f(api16.get('rps'))} req/s = {f(100 * html16['rps'] / api16['rps'], 0) if html16 and api16 else '—'} %",
     html16 and api16 and html16["rps"] >= 0.8 * api16["rps"]),
    ("/api/suggest at 16 connections: p99", "≤ 5 ms",
     f"{f(sug16.get('p99_ms'), 2)} ms" if suggest_ok else "not available (no /api/suggest)",
     (sug16 and sug16["p99_ms"] <= 5) if suggest_ok else None),
    ("Contributed entry searchable after its 201 (max of probes)", "≤ 100 ms",
     f"{f(wl.get('searchable_ms_max'), 1)} ms (median {f(wl.get('searchable_ms_median'), 1)} ms)",
     wl.get("searchable_ms_max") is not None and wl["searchable_ms_max"] <= 100 and wl.get("found") == wl.get("writes")),
    ("Errors under load (all runs)", "0", str(sum(d.get("errors", 0) for d in http.values())),
     sum(d.get("errors", 0) for d in http.values()) == 0),
]
L = []
w = L.append
w("# Benchmarks")
w("")
w("Regenerated by `scripts/bench.sh` (issue 7); do not edit by hand. Every figure below comes from one run of")
w(f"that script on the machine described here, against synthetic corpora of {small:,} and {entries:,} entries")
w(f"written by `gen_corpus` (seed {seed}). The corpus is synthetic: invented jurisdictions and text drawn at")
w("random (Zipf) from the real playbook's vocabulary; it says so in every file.")
w("")
w("## Machine")
w("")
w("| | |")
w("| --- | --- |")
for k, label in [("cpu", "CPU"), ("nproc", "cores (nproc)"), ("memory", "memory"), ("kernel", "kernel"), ("rustc", "rustc"),
                 ("wrk", "load generator"), ("date", "run at"), ("commit", "commit"), ("load_start", "load average at start")]:
    w(f"| {label} | {m.get(k, '—')} |")
w(f"| load average at end | {peak.get('load_end', '—')} |")
w("")
w("The load generator (wrk) runs on the same two cores as the server, so HTTP figures include its cost.")
w("The load averages printed beside figures count runnable threads, the benchmark's own included: during")
w("HTTP runs the server's blocking-pool threads (one per request in flight) and wrk raise them well above 2.")
w("")
w("## Targets")
w("")
w("| what | target | measured | |")
w("| --- | --- | --- | --- |")
for name, target, measured, ok in rows:
    w(f"| {name} | {target} | {measured} | {verdict(bool(ok) if ok is not None else None)} |")
w("")
w("There is no result cache: every figure is a cache miss as far as the app is concerned (the OS page")
w("cache is warm, as it would be on a serving machine).")
w("")
w("## Indexing")
w("")
w("| entries | corpus on disk | `playbook reindex` | index size | reindex peak RSS | load |")
w("| ---: | ---: | ---: | ---: | ---: | --- |")
for n, ri in [(small, ri_small), (entries, ri_big)]:
    c = load(f"corpus-{n}")
    w(f"| {n:,} | {c.get('size', '—')} | {f(ri.get('seconds'))} s | {f(ri.get('index_bytes', 0) / 1e6, 0)} MB | "
      f"{f(ri.get('peak_rss_kb', 0) / 1024, 0)} MB | {ri.get('load', '—')} |")
w("")
w(f"Start-up of `playbook serve` on the {entries:,}-entry corpus with its index already built, from spawn to the")
w(f"first 200 on `/healthz`: runs {', '.join(f'{float(x):.2f} s' for x in start.get('runs', []))} (median {f(start.get('median'), 2)} s).")
w("")
w("## Search engine (`cargo bench --bench search`)")
w("")
w(f"`SearchIndex::search` on {entries:,} entries, top 10 with snippets and facets, one thread, the whole mix")
w(f"({whole.get('count', '—')} searches): mean {f(whole.get('mean_ms'), 2)} ms, median {f(whole.get('median_ms'), 2)} ms,")
w(f"p90 {f(whole.get('p90_ms'), 2)} ms, p99 {f(whole.get('p99_ms'), 2)} ms, max {f(whole.get('max_ms'), 2)} ms.")
w(f"Two threads sustain {f(two, 0)} searches/s. `SearchIndex::suggest`: median {f(eng.get('suggest', {}).get('median_ms'), 3)} ms,")
w(f"p99 {f(eng.get('suggest', {}).get('p99_ms'), 3)} ms.")
w("")
w("| query | text | filter | matches | median | p99 | criterion mean |")
w("| --- | --- | --- | ---: | ---: | ---: | ---: |")
cs = crit.get(f"search_{entries}", {})
for q in eng.get("queries", []):
    flt = ", ".join(f"{k}={q[k]}" for k in ("kind", "topic", "jurisdiction") if q.get(k))
    c = cs.get(q["label"], {})
    text = q["q"].replace("|", "\\|")
    w(f"| {q['label']} | `{text}` | {flt} | {q['matches']:,} | {f(q['latency']['median_ms'], 2)} ms | "
      f"{f(q['latency']['p99_ms'], 2)} ms | {f(c.get('mean_ms'), 2)} ms |")
floor = eng.get("floor", {})
if floor:
    w("")
    w("The floor: tantivy alone on the same index, parsing the same text with its `QueryParser` over the same")
    w("four fields (no typo matching, synonyms, filters or snippets), one thread, the whole mix:")
    w("")
    w("| tantivy alone | median | p99 | mean |")
    w("| --- | ---: | ---: | ---: |")
    for name, label in [("top10_count", "top 10 + count"), ("top10_count_facets", "+ facets (`FacetCollector`)"),
                        ("top10_count_facets_docs", "+ the 10 stored documents")]:
        v = floor.get(name, {}).get("whole_mix", {})
        w(f"| {label} | {f(v.get('median_ms'), 2)} ms | {f(v.get('p99_ms'), 2)} ms | {f(v.get('mean_ms'), 2)} ms |")
if crit.get(f"suggest_{entries}"):
    w("")
    w("| suggest prefix | criterion mean |")
    w("| --- | ---: |")
    for k, v in crit[f"suggest_{entries}"].items():
        w(f"| `{k}` | {f(v['mean_ms'], 3)} ms |")
w("")
w(f"## HTTP (`wrk`, {duration} s per run, loopback, rotating through the query mix)")
w("")
w("| endpoint | connections | requests/s | p50 | p90 | p99 | max | errors | load |")
w("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |")
names = {"api-search": "/api/search", "search": "/search (HTML)", "suggest": "/api/suggest", "healthz": "/healthz"}
for e in ["api-search", "search", "suggest", "healthz"]:
    for c in (1, 16, 64):
        d = http.get((e, c))
        if d:
            w(f"| {names[e]} | {c} | {f(d['rps'])} | {f(d['p50_ms'], 2)} ms | {f(d['p90_ms'], 2)} ms | {f(d['p99_ms'], 2)} ms | "
              f"{f(d['max_ms'], 1)} ms | {d['errors']} | {d['load']} |")
if not suggest_ok:
    w("")
    w("`/api/suggest` did not answer 200 on this build, so it was not loaded.")
w("")
w(f"Server RSS: {f(load('rss-idle').get('rss_kb_idle', 0) / 1024, 0)} MB after start-up, peak (VmHWM) "
  f"{f(load('rss-peak-reads').get('peak_rss_kb', 0) / 1024, 0)} MB after the read runs and {f(peak.get('peak_rss_kb', 0) / 1024, 0)} MB after the writes.")
w("")
w("## Writes")
w("")
w(f"{wl.get('writes', '—')} entries created one after another with `POST /api/entries` (token auth), each followed by")
w(f"polls of `/api/search` for a word only it contains: the 201 took {f(wl.get('post_ms_median'), 1)} ms (median),")
w(f"p99 {f(wl.get('post_ms_p99'), 1)} ms; the entry was found {f(wl.get('searchable_ms_median'), 1)} ms (median),")
w(f"{f(wl.get('searchable_ms_max'), 1)} ms (max) after its 201, on poll {wl.get('polls_max', '—')} at most; "
  f"{wl.get('found', '—')} of {wl.get('writes', '—')} found, {wl.get('errors', '—')} errors.")
w("")
w(f"Writes sustained while wrk searched `/api/search` at 16 connections: {f(ws.get('writes_per_s'))} writes/s "
  f"({ws.get('writes', '—')} writes, {ws.get('errors', '—')} errors, one client writing sequentially); searches meanwhile "
  f"{f(dw.get('rps'))} req/s, p99 {f(dw.get('p99_ms'), 1)} ms, {dw.get('errors', '—')} errors.")
w("")
w("## Commands")
w("")
w("```sh")
w(f"cargo run --release --example gen_corpus -- --entries {entries} --seed {seed} --out target/bench-corpus/{entries}-seed{seed}/playbook")
w(f"playbook reindex --playbook-dir target/bench-corpus/{entries}-seed{seed}/playbook --data-dir target/bench-corpus/{entries}-seed{seed}/data")
w(f"PLAYBOOK_BENCH_ENTRIES={entries} cargo bench --bench search")
w(f"playbook serve --addr 127.0.0.1:PORT --playbook-dir ... --data-dir ...")
w(f"wrk -t2 -c16 -d{duration}s --timeout 5s -s rotate.lua http://127.0.0.1:PORT -- urls.txt   # 1 connection: -t1")
w("scripts/bench.sh   # all of the above, and this file")
w("BENCH_REPORT_ONLY=1 scripts/bench.sh   # this file again from the last run's results")
w("```")
if notes.exists():
    w("")
    w(notes.read_text().rstrip())
pathlib.Path(out).write_text("\n".join(L) + "\n")
EOF
log "wrote $OUT"
