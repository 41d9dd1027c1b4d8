#!/usr/bin/env bash
# Question search (issue 17) on a synthetic corpus: vector build time and size, what a restart
# and a reindex re-embed, the cost of embedding a question (cold and cached) and of finding
# its nearest passages, and /api/search under load with question search on and off.
#
#   scripts/bench-question.sh                          # 10,000 entries
#   BENCH_ENTRIES=1000 scripts/bench-question.sh       # a quick rehearsal
#   BENCH_VECTORS=sample scripts/bench-question.sh     # embed a sample only (see below)
#   BENCH_RECALL=0 ...                                 # skip the graph's recall (no server;
#                                                      # at 100,000 entries it builds a second graph)
#
# A first build embeds every passage, which on a 2-core machine takes hours at 10,000 entries.
# With BENCH_VECTORS=sample, `examples/sample_vectors` embeds $BENCH_SAMPLE passages (an even
# spread of the corpus, as a build batches them), reports their rate and the full build's
# time at that rate, and fills the vector file with the sample's vectors repeated; every other
# figure is then measured as it is (the search cost depends on how many vectors there are).
#
# Needs a release build (`cargo build --release --bin playbook --example gen_corpus`), the
# model in $BENCH_MODEL_DIR (default target/model/all-MiniLM-L6-v2, see .ci/run), curl, jq,
# python3 and wrk. Every server it starts listens on 127.0.0.1 and is stopped by its PID.
# Prints its figures as Markdown on standard output; the run's files stay in $WORK.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
ENTRIES=${BENCH_ENTRIES:-10000}
PORT=${BENCH_PORT:-18790}
DURATION=${BENCH_DURATION:-10}
BUILD_TIMEOUT=${BENCH_BUILD_TIMEOUT:-3600}
VECTORS=${BENCH_VECTORS:-all}
SAMPLE=${BENCH_SAMPLE:-2000}
RECALL_RUN=${BENCH_RECALL:-1}
TARGET=${CARGO_TARGET_DIR:-$ROOT/target}
MODEL=${BENCH_MODEL_DIR:-$TARGET/model/all-MiniLM-L6-v2}
WORK=$TARGET/bench-question-$ENTRIES
BIN=$TARGET/release/playbook
GEN=$TARGET/release/examples/gen_corpus
SAMPLER=$TARGET/release/examples/sample_vectors
RECALL=$TARGET/release/examples/graph_recall
BASE=http://127.0.0.1:$PORT
SERVER_PID=

log() { printf '== %s\n' "$*" >&2; }
stop_server() {
    if [[ -n "$SERVER_PID" ]] && kill -0 "$SERVER_PID" 2>/dev/null; then
        kill "$SERVER_PID" 2>/dev/null || true
        for _ in $(seq 100); do kill -0 "$SERVER_PID" 2>/dev/null || break; sleep 0.1; done
        kill -9 "$SERVER_PID" 2>/dev/null || true
    fi
    SERVER_PID=
}
trap stop_server EXIT

# Starts serve with question search and waits until its vectors are ready (or the timeout);
# the log line with the build's figures goes to $WORK/ready-$1.log.
start_and_wait_for_vectors() {
    local name=$1
    : >"$WORK/server-$name.log"
    RUST_LOG=info,tantivy=warn "$BIN" serve --addr "127.0.0.1:$PORT" --playbook-dir "$WORK/corpus" \
        --data-dir "$WORK/data" --model-dir "$MODEL" >>"$WORK/server-$name.log" 2>&1 &
    SERVER_PID=$!
    local waited=0
    until grep -q "passage vectors ready" "$WORK/server-$name.log"; do
        kill -0 "$SERVER_PID" 2>/dev/null || { echo "server died; see $WORK/server-$name.log" >&2; exit 1; }
        sleep 1
        waited=$((waited + 1))
        if (( waited > BUILD_TIMEOUT )); then echo "vectors not ready in ${BUILD_TIMEOUT}s" >&2; exit 1; fi
    done
    grep "passage vectors ready" "$WORK/server-$name.log" | tail -1 | sed 's/\x1b\[[0-9;]*m//g' >"$WORK/ready-$name.log"
}
field() { grep -o "$2=[0-9]*" "$WORK/ready-$1.log" | head -1 | cut -d= -f2; }

mkdir -p "$WORK"
[[ -x "$BIN" && -x "$GEN" && -x "$SAMPLER" && -x "$RECALL" ]] || { echo "build first: cargo build --release --bin playbook --example gen_corpus --example sample_vectors --example graph_recall" >&2; exit 1; }
[[ -f "$MODEL/model.safetensors" ]] || { echo "no model in $MODEL (see .ci/run)" >&2; exit 1; }

log "corpus of $ENTRIES entries"
rm -rf "$WORK/corpus" "$WORK/data"
"$GEN" --entries "$ENTRIES" --out "$WORK/corpus" --seed 42 --queries "$WORK/queries.tsv" >/dev/null
"$BIN" reindex --playbook-dir "$WORK/corpus" --data-dir "$WORK/data" >/dev/null

: >"$WORK/sample.json"
if [[ "$VECTORS" == sample ]]; then
    log "embedding a sample of $SAMPLE passages; the vector file filled with their vectors"
    "$SAMPLER" --playbook-dir "$WORK/corpus" --data-dir "$WORK/data" --model-dir "$MODEL" \
        --sample "$SAMPLE" >"$WORK/sample.json"
    log "first start: vectors read"
else
    log "first start: every passage embedded"
fi
start_and_wait_for_vectors first
stop_server
log "restart: nothing to embed"
start_and_wait_for_vectors restart
stop_server
log "reindex of the unchanged corpus, then start"
"$BIN" reindex --playbook-dir "$WORK/corpus" --data-dir "$WORK/data" >/dev/null
start_and_wait_for_vectors reindex
vector_bytes=$(du -sb "$WORK/data/vectors" | cut -f1)
rss_kb=$(awk '$1 == "VmHWM:" {print $2}' "/proc/$SERVER_PID/status")

log "a question's cost: lexical, hybrid cold (embedded), hybrid again (vector cached)"
questions=(
  "can+we+bar+agents+from+the+city%27s+car+parks" "who+do+we+call+to+get+the+guard+out"
  "people+are+spreading+lies+about+our+policy" "how+big+was+the+deployment"
  "practice+for+riots+before+they+happen" "stay+calm+when+the+president+phones"
  "should+residents+film+the+agents" "top+tips+from+the+mayor+for+his+colleagues"
  "scandals+that+make+the+governor+vulnerable" "do+our+cops+have+to+help+with+deportations"
  "nobody+is+returning+our+calls" "raise+the+alarm+before+someone+gets+hurt"
  "talk+to+places+that+went+through+this+before+us" "left-wing+critics+want+an+emergency+declaration"
  "what+paperwork+do+we+need+to+bring+in+troops" "new+person+in+charge+of+the+operation"
  "tell+people+to+record+what+they+witness" "don%27t+let+them+bully+us+into+a+deal"
  "the+governor+and+the+mayor+blamed+each+other" "what+should+troops+wear"
)
: >"$WORK/took.tsv"
for q in "${questions[@]}"; do
    lexical=$(curl -sf "$BASE/api/search?q=$q&mode=lexical" | jq .took_ms)
    cold=$(curl -sf "$BASE/api/search?q=$q" | jq .took_ms)
    cached=$(curl -sf "$BASE/api/search?q=$q" | jq .took_ms)
    printf '%s\t%s\t%s\n' "$lexical" "$cold" "$cached" >>"$WORK/took.tsv"
done

log "HTTP load at 16 connections, ${DURATION}s each"
cat >"$WORK/rotate.lua" <<'EOF'
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
  io.write(string.format('{"rps": %.1f, "p50_ms": %.3f, "p99_ms": %.3f, "errors": %d}\n',
    summary.requests / (summary.duration / 1e6), latency:percentile(50) / 1000,
    latency:percentile(99) / 1000, e.connect + e.read + e.write + e.status + e.timeout))
end
EOF
cut -f2 "$WORK/queries.tsv" | sed 's|^|/api/search?|' >"$WORK/urls-hybrid.txt"
sed 's|$|\&mode=lexical|' "$WORK/urls-hybrid.txt" >"$WORK/urls-lexical.txt"
for mode in lexical hybrid; do
    # Warm-up: the first pass embeds each question of the mix once (then cached).
    timeout 120 wrk -t1 -c4 -d5s -s "$WORK/rotate.lua" "$BASE" -- "$WORK/urls-$mode.txt" >/dev/null 2>&1 || true
    timeout $((DURATION + 30)) wrk -t2 -c16 -d"${DURATION}s" --timeout 5s -s "$WORK/rotate.lua" "$BASE" \
        -- "$WORK/urls-$mode.txt" 2>&1 | tail -1 >"$WORK/wrk-$mode.json"
done
stop_server

log "the graph of passages against the exact scan: recall@10 and time (no server)"
printf '%s\n' "${questions[@]}" | python3 -c 'import sys, urllib.parse; [print(urllib.parse.unquote_plus(l.strip())) for l in sys.stdin]' >"$WORK/questions.txt"
if [[ "$RECALL_RUN" == 1 ]]; then
    "$RECALL" --playbook-dir "$WORK/corpus" --data-dir "$WORK/data" --model-dir "$MODEL" \
        --questions "$WORK/questions.txt" >"$WORK/recall.json" 2>"$WORK/recall.err" || echo '{}' >"$WORK/recall.json"
else
    echo '{"skipped": true}' >"$WORK/recall.json"
fi

python3 - "$WORK" "$ENTRIES" "$vector_bytes" "$rss_kb" \
    "$(field first entries)" "$(field first passages)" "$(field first embedded)" "$(field first took_ms)" \
    "$(field restart embedded)" "$(field restart took_ms)" "$(field reindex embedded)" "$(field reindex took_ms)" \
    "$(wc -l <"$WORK/urls-hybrid.txt")" "$VECTORS" "$(field first graph_ms)" \
    "$(grep -o 'graph_read=[a-z]*' "$WORK/ready-restart.log" | cut -d= -f2)" <<'PY'
import json, statistics, sys
work, entries, vbytes, rss, e, p, emb, took, r_emb, r_took, x_emb, x_took, mix, vectors, g_ms, g_read = sys.argv[1:]
rows = [list(map(float, l.split())) for l in open(f"{work}/took.tsv") if l.strip()]
med = lambda i: statistics.median(r[i] for r in rows)
w = {m: json.loads(open(f"{work}/wrk-{m}.json").read()) for m in ("lexical", "hybrid")}
n = int(entries)
print(f"| | {n:,} entries |")
print("| --- | ---: |")
if vectors == "sample":
    s = json.loads(open(f"{work}/sample.json").read())
    print(f"| passages ({int(e):,} entries) | {int(p):,} |")
    print(f"| embedding rate, sample of {s['sampled']:,} passages (measured) | {s['passages_per_s']:.1f} passages/s ({s['sample_seconds']:.0f} s) |")
    print(f"| first build of every passage at that rate (**projected**, not run) | {s['projected_build_s']/3600:.1f} h |")
    print(f"| first start with the vector file present: embedded, time to ready | {emb}, {int(took)/1000:.2f} s |")
else:
    print(f"| passages embedded on first start | {int(p):,} ({int(e):,} entries) |")
    print(f"| vector build on first start | {int(took)/1000:.1f} s ({int(p)/(int(took)/1000):.0f} passages/s) |")
print(f"| vectors and their graph on disk | {int(vbytes)/1e6:.1f} MB |")
print(f"| restart: passages re-embedded, time | {r_emb}, {int(r_took)/1000:.2f} s |")
print(f"| reindex of the unchanged corpus, then start: re-embedded, time | {x_emb}, {int(x_took)/1000:.2f} s |")
print(f"| peak RSS while serving (VmHWM) | {int(rss)/1024:.0f} MB |")
print(f"| `took_ms`, median of {len(rows)} questions: lexical | {med(0):.2f} ms |")
print(f"| `took_ms`: hybrid, question embedded (cold) | {med(1):.2f} ms |")
print(f"| `took_ms`: hybrid, question vector cached | {med(2):.2f} ms |")
print(f"| so: embedding a question (cold − cached) | {med(1)-med(2):.2f} ms |")
print(f"| so: nearest passages and fusion (cached − lexical) | {med(2)-med(0):.2f} ms |")
for m in ("lexical", "hybrid"):
    print(f"| /api/search, 16 connections, {m} ({int(mix)} queries rotating): req/s, p50, p99, errors | "
          f"{w[m]['rps']:.1f}, {w[m]['p50_ms']:.1f} ms, {w[m]['p99_ms']:.1f} ms, {w[m]['errors']} |")
print(f"| hybrid throughput / lexical | {100*w['hybrid']['rps']/w['lexical']['rps']:.0f} % |")
g = json.loads(open(f"{work}/recall.json").read())
if g.get("skipped"):
    print(f"| graph of passages: built on first start (and after compaction) | {int(g_ms or 0)/1000:.1f} s |")
    print(f"| restart: graph read from its file, not built | {g_read or 'no'} |")
elif g:
    print(f"| graph of passages: built on first start (and after compaction) | {int(g_ms or 0)/1000:.1f} s |")
    print(f"| restart: graph read from its file, not built | {g_read or 'no'} |")
    print(f"| graph vs exact scan, {g['questions']} questions: recall@10 of entries | {g['recall_at_10']:.3f} |")
    print(f"| nearest 50 entries, median: graph, exact scan | {g['graph_median_ms']:.2f} ms, {g['exact_median_ms']:.2f} ms |")
else:
    print("| graph of passages | none (too few passages; see recall.err) |")
PY
