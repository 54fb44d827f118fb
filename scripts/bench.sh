#!/usr/bin/env bash
# The benchmark suite: a release server on a fresh database, seeded, measured with wrk, and
# `pgbench -S -M prepared` over TCP as the reference, on the same machine in the same run.
# Prints a markdown report (throughput, p50, p99, targets) and writes it to target/bench.md.
#
# Scenarios and their targets (from the issues):
#   owner      GET /api/owners/{id}, 50 connections: >= 30 % of pgbench's tps, p99 < 25 ms
#   estates    GET /api/places/{id}/estates?limit=100 on a place of 1,000 estates,
#              20 connections: >= 1,500 pages/s
# Exits non-zero only on errors (build, setup, non-2xx answers...), never because a target
# is missed: PASS/FAIL is printed instead.
#
# Usage: scripts/bench.sh            (variables below may be overridden from the environment)
#        DURATION=60 scripts/bench.sh
set -Eeuo pipefail

# ---------------------------------------------------------------- settings --
PORT="${PORT:-18181}"                        # first port tried; the next free one is used
DURATION="${DURATION:-20}"                   # seconds, for wrk and for pgbench
WARMUP="${WARMUP:-5}"                        # seconds of wrk warm-up (not measured)
CONNECTIONS="${CONNECTIONS:-50}"             # wrk connections = pgbench clients
THREADS="${THREADS:-2}"                      # wrk -t and pgbench -j
ADMIN_URL="${ADMIN_URL:-postgres://postgres@127.0.0.1:5432}"
HTTP_WORKERS="${HTTP_WORKERS:-2}"
DATABASE_MAX_CONNECTIONS="${DATABASE_MAX_CONNECTIONS:-10}"
OWNERS="${OWNERS:-1000}"                     # owners created before the run
ESTATES="${ESTATES:-1000}"                   # estates in the benchmarked place
ESTATE_CONNECTIONS="${ESTATE_CONNECTIONS:-20}"
TARGET_PAGES_PER_S=1500
BENCH_DB="${BENCH_DB:-faireplace_bench}"
PGBENCH_DB="${PGBENCH_DB:-faireplace_pgbench}"
PGBENCH_SCALE="${PGBENCH_SCALE:-10}"
PGBENCH_SAMPLING="${PGBENCH_SAMPLING:-0.1}"  # fraction of pgbench transactions logged for p50/p99
TARGET_RATIO_PCT=30
TARGET_P99_MS=25
# ----------------------------------------------------------------------------

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
INVOCATION="$(printf '%q ' "$0" "$@")"
INVOCATION="PORT=$PORT DURATION=$DURATION CONNECTIONS=$CONNECTIONS HTTP_WORKERS=$HTTP_WORKERS DATABASE_MAX_CONNECTIONS=$DATABASE_MAX_CONNECTIONS ADMIN_URL=$ADMIN_URL ${INVOCATION% }"
OUT_MD="$ROOT/target/bench.md"
SERVER_LOG="$ROOT/target/bench-server.log"
WORK="$(mktemp -d "${TMPDIR:-/tmp}/bench.XXXXXX")"
SERVER_PID=""

log() { printf '[bench] %s\n' "$*" >&2; }
die() { printf '[bench] ERROR: %s\n' "$*" >&2; exit 1; }

cleanup() {
    local rc=$?
    if [[ -n "$SERVER_PID" ]] && kill -0 "$SERVER_PID" 2>/dev/null; then
        log "stopping the server (pid $SERVER_PID)"
        kill "$SERVER_PID" 2>/dev/null || true
        for _ in $(seq 1 50); do
            kill -0 "$SERVER_PID" 2>/dev/null || break
            sleep 0.2
        done
        kill -9 "$SERVER_PID" 2>/dev/null || true
        wait "$SERVER_PID" 2>/dev/null || true
    fi
    rm -rf "$WORK"
    if [[ $rc -ne 0 ]]; then
        log "failed (exit $rc)"
        [[ -s "$SERVER_LOG" ]] && { log "last server log lines:"; tail -n 20 "$SERVER_LOG" >&2; }
    fi
    exit $rc
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# ------------------------------------------------------------ prerequisites --
for tool in cargo psql pgbench curl awk sort; do
    command -v "$tool" >/dev/null || die "'$tool' is required but not found"
done

if ! command -v wrk >/dev/null; then
    log "wrk not found: installing it (apt-get install -y wrk)"
    SUDO=""
    [[ $(id -u) -ne 0 ]] && command -v sudo >/dev/null && SUDO="sudo"
    if ! { $SUDO apt-get update -qq >/dev/null && DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq wrk >/dev/null; } \
        || ! command -v wrk >/dev/null; then
        cat >&2 <<'EOF'
[bench] ERROR: wrk is required and could not be installed.
  Debian/Ubuntu:  sudo apt-get update && sudo apt-get install -y wrk
  macOS:          brew install wrk
EOF
        exit 1
    fi
fi

# Host, port and user for pgbench/psql, from ADMIN_URL (postgres://user[:pw]@host[:port]).
if [[ "$ADMIN_URL" =~ ^postgres(ql)?://([^:@/]+)(:[^@/]*)?@([^:/]+)(:([0-9]+))?/?$ ]]; then
    PG_USER="${BASH_REMATCH[2]}"
    PG_HOST="${BASH_REMATCH[4]}"
    PG_PORT="${BASH_REMATCH[6]:-5432}"
    if [[ -n "${BASH_REMATCH[3]}" ]]; then export PGPASSWORD="${BASH_REMATCH[3]#:}"; fi
else
    die "ADMIN_URL='$ADMIN_URL' must look like postgres://user@host:port (no database)"
fi
ADMIN_URL="${ADMIN_URL%/}"
PSQL=(psql "$ADMIN_URL/postgres" -v ON_ERROR_STOP=1 -qAtX)
"${PSQL[@]}" -c 'select 1' >/dev/null || die "cannot connect to PostgreSQL at $ADMIN_URL"

port_in_use() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
for _ in $(seq 1 100); do
    port_in_use "$PORT" || break
    PORT=$((PORT + 1))
done
port_in_use "$PORT" && die "no free port found"
BASE="http://127.0.0.1:$PORT"

# -------------------------------------------------------------------- build --
log "building the release binary (cargo build --release -p faireplace-server)"
cargo build --release -p faireplace-server >&2 || die "release build failed"
BIN="$ROOT/target/release/faireplace"
[[ -x "$BIN" ]] || die "$BIN not found after the build"

# ---------------------------------------------------------------- databases --
log "recreating databases $BENCH_DB and $PGBENCH_DB"
"${PSQL[@]}" -c "DROP DATABASE IF EXISTS \"$BENCH_DB\" WITH (FORCE)"
"${PSQL[@]}" -c "DROP DATABASE IF EXISTS \"$PGBENCH_DB\" WITH (FORCE)"
"${PSQL[@]}" -c "CREATE DATABASE \"$PGBENCH_DB\""
log "initialising pgbench (scale $PGBENCH_SCALE)"
pgbench -h "$PG_HOST" -p "$PG_PORT" -U "$PG_USER" -i -s "$PGBENCH_SCALE" -q "$PGBENCH_DB" \
    >"$WORK/pgbench-init.log" 2>&1 || { cat "$WORK/pgbench-init.log" >&2; die "pgbench -i failed"; }
# Flush what the load wrote, so that no checkpoint lands in the middle of a measurement.
"${PSQL[@]}" -c "CHECKPOINT" || log "CHECKPOINT needs a superuser; skipped"

export DATABASE_URL="$ADMIN_URL/$BENCH_DB"
export HOST=127.0.0.1 PORT HTTP_WORKERS DATABASE_MAX_CONNECTIONS
export LOG_FORMAT=text RUST_LOG=warn SHUTDOWN_TIMEOUT_SECONDS="${SHUTDOWN_TIMEOUT_SECONDS:-5}" RATE_LIMIT_PER_MINUTE=0

log "creating a tenant"
TENANT_OUT="$("$BIN" tenant create --name "bench" 2>"$WORK/tenant.err")" \
    || { cat "$WORK/tenant.err" >&2; die "tenant create failed"; }
KEY="$(sed -n 's/^owner_key=//p' <<<"$TENANT_OUT")"
[[ "$KEY" == fp_live_* ]] || die "no owner_key in: $TENANT_OUT"

# ------------------------------------------------------------------- server --
log "starting the server on $BASE (HTTP_WORKERS=$HTTP_WORKERS, DATABASE_MAX_CONNECTIONS=$DATABASE_MAX_CONNECTIONS)"
: >"$SERVER_LOG"
"$BIN" serve >>"$SERVER_LOG" 2>&1 &
SERVER_PID=$!
for i in $(seq 1 600); do
    kill -0 "$SERVER_PID" 2>/dev/null || die "the server exited before it was ready"
    [[ "$(curl -s -o /dev/null -w '%{http_code}' "$BASE/api/health/ready" || true)" == 200 ]] && break
    [[ $i -eq 600 ]] && die "the server was not ready after 60 s"
    sleep 0.1
done

log "creating $OWNERS owners"
create_owner() {
    curl -s -w '\n%{http_code}\n' -X POST "$BASE/api/owners" \
        -H "Authorization: Bearer $KEY" -H 'content-type: application/json' \
        -d "{\"kind\":\"PERSON\",\"first_name\":\"Jeanne$1\",\"last_name\":\"Martin\"}"
}
export -f create_owner
export BASE KEY
seq 1 "$OWNERS" | xargs -P 4 -I{} bash -c 'create_owner {}' >"$WORK/owners.out"
CREATED="$(grep -cx '201' "$WORK/owners.out" || true)"
[[ "$CREATED" -eq "$OWNERS" ]] || {
    grep -vx '201' "$WORK/owners.out" | head -n 5 >&2
    die "only $CREATED of $OWNERS owners created (201)"
}
# First "id" of each answer (the owner's own, not a nested one).
mapfile -t IDS < <(awk 'match($0, /"id" *: *"[^"]*"/) { v = substr($0, RSTART, RLENGTH); sub(/^"id" *: *"/, "", v); sub(/"$/, "", v); print v }' "$WORK/owners.out")
[[ ${#IDS[@]} -ge 1 ]] || die "no owner id found in the answers"
ID="${IDS[$(( ${#IDS[@]} / 2 ))]}"
URL="$BASE/api/owners/$ID"
CODE="$(curl -s -o "$WORK/get.json" -w '%{http_code}' -H "Authorization: Bearer $KEY" "$URL")"
[[ "$CODE" == 200 ]] || { cat "$WORK/get.json" >&2; die "GET $URL answered $CODE, not 200"; }
log "owner $ID answers 200 ($(wc -c <"$WORK/get.json") bytes)"

# ------------------------------------------------------------------ estates --
json_field() { python3 -c 'import json,sys; print(json.load(sys.stdin)'"$1"')'; }
log "seeding a place with $ESTATES estates"
FLAT="$(curl -s -H "Authorization: Bearer $KEY" "$BASE/api/types/estate?limit=100" \
    | python3 -c 'import json,sys; print(next(t["id"] for t in json.load(sys.stdin)["data"] if t["code"] == "FLAT"))')"
PLACE="$(curl -s -X POST "$BASE/api/places" -H "Authorization: Bearer $KEY" -H 'content-type: application/json' \
    -d '{"name":"Grand ensemble","address":{"street":"1 avenue du Bench","postal_code":"93200","city":"Saint-Denis"}}' \
    | json_field '["id"]')"
[[ -n "$PLACE" && -n "$FLAT" ]] || die "could not create the place or find the FLAT type"
create_estate() {
    curl -s -o /dev/null -w '%{http_code}\n' -X POST "$BASE/api/estates" \
        -H "Authorization: Bearer $KEY" -H 'content-type: application/json' \
        -d "{\"place_id\":\"$PLACE\",\"owner_id\":\"$ID\",\"type_id\":\"$FLAT\",\"floor\":$(( $1 % 12 )),\"surface_m2\":45.5}"
}
export -f create_estate
export PLACE FLAT ID
seq 1 "$ESTATES" | xargs -P 4 -I{} bash -c 'create_estate {}' >"$WORK/estates.out"
CREATED="$(grep -cx '201' "$WORK/estates.out" || true)"
[[ "$CREATED" -eq "$ESTATES" ]] || die "only $CREATED of $ESTATES estates created (201)"
ESTATES_URL="$BASE/api/places/$PLACE/estates?limit=100"
CODE="$(curl -s -o "$WORK/estates.json" -w '%{http_code}' -H "Authorization: Bearer $KEY" "$ESTATES_URL")"
[[ "$CODE" == 200 ]] || { cat "$WORK/estates.json" >&2; die "GET $ESTATES_URL answered $CODE"; }
ROWS="$(json_field '["data"].__len__()' <"$WORK/estates.json")"
[[ "$ROWS" == 100 ]] || die "the page holds $ROWS estates, not 100"

# Measure a steady state: statistics current, dead tuples gone, no checkpoint pending.
log "VACUUM ANALYZE and CHECKPOINT"
psql "$ADMIN_URL/$BENCH_DB" -v ON_ERROR_STOP=1 -qAtX -c "VACUUM ANALYZE" >/dev/null || log "VACUUM ANALYZE failed; continuing"
"${PSQL[@]}" -c "CHECKPOINT" >/dev/null 2>&1 || true

# ---------------------------------------------------------------------- wrk --
# wrk latency value (e.g. 812.00us, 1.23ms, 1.01s) -> milliseconds.
to_ms() {
    awk -v v="$1" 'BEGIN {
        n = v + 0; u = v; sub(/^[0-9.]+/, "", u)
        if (u == "us") n /= 1000; else if (u == "s") n *= 1000; else if (u == "m") n *= 60000
        else if (u != "ms") { print "NaN"; exit }
        printf "%.2f", n }'
}
check_wrk() { # $1 = output file, $2 = label
    if grep -q 'Non-2xx or 3xx responses' "$1"; then
        cat "$1" >&2
        die "$2: wrk reports non-2xx/3xx responses"
    fi
    grep -q '^Requests/sec:' "$1" || { cat "$1" >&2; die "$2: no Requests/sec in wrk's output"; }
}

WRK_CMD=(wrk -t"$THREADS" -c"$CONNECTIONS" -d"${DURATION}s" --latency -H "Authorization: Bearer $KEY" "$URL")
WRK_CMD_SHOWN="wrk -t$THREADS -c$CONNECTIONS -d${DURATION}s --latency -H \"Authorization: Bearer \$KEY\" $BASE/api/owners/\$ID"

log "wrk warm-up: ${WARMUP}s"
wrk -t"$THREADS" -c"$CONNECTIONS" -d"${WARMUP}s" -H "Authorization: Bearer $KEY" "$URL" >"$WORK/wrk-warmup.txt" 2>&1 \
    || { cat "$WORK/wrk-warmup.txt" >&2; die "wrk warm-up failed"; }
check_wrk "$WORK/wrk-warmup.txt" "warm-up"

log "wrk: ${DURATION}s, $CONNECTIONS connections"
"${WRK_CMD[@]}" >"$WORK/wrk.txt" 2>&1 || { cat "$WORK/wrk.txt" >&2; die "wrk failed"; }
cat "$WORK/wrk.txt" >&2
check_wrk "$WORK/wrk.txt" "benchmark"
API_RPS="$(awk '/^Requests\/sec:/ {print $2}' "$WORK/wrk.txt")"
API_P50="$(to_ms "$(awk '$1 == "50%" {print $2; exit}' "$WORK/wrk.txt")")"
API_P99="$(to_ms "$(awk '$1 == "99%" {print $2; exit}' "$WORK/wrk.txt")")"
API_REQS="$(awk '/requests in/ {print $1; exit}' "$WORK/wrk.txt")"
SOCKET_ERRORS="$(grep -m1 'Socket errors' "$WORK/wrk.txt" | sed 's/^ *//' || true)"
[[ "$API_P50" != NaN && "$API_P99" != NaN && -n "$API_RPS" ]] || die "could not parse wrk's output"

log "wrk warm-up (estates): ${WARMUP}s"
wrk -t"$THREADS" -c"$ESTATE_CONNECTIONS" -d"${WARMUP}s" -H "Authorization: Bearer $KEY" "$ESTATES_URL" >"$WORK/wrk-estates-warmup.txt" 2>&1 \
    || die "wrk warm-up failed"
log "wrk (estates): ${DURATION}s, $ESTATE_CONNECTIONS connections"
wrk -t"$THREADS" -c"$ESTATE_CONNECTIONS" -d"${DURATION}s" --latency -H "Authorization: Bearer $KEY" "$ESTATES_URL" \
    >"$WORK/wrk-estates.txt" 2>&1 || { cat "$WORK/wrk-estates.txt" >&2; die "wrk failed"; }
cat "$WORK/wrk-estates.txt" >&2
check_wrk "$WORK/wrk-estates.txt" "estates"
EST_RPS="$(awk '/^Requests\/sec:/ {print $2}' "$WORK/wrk-estates.txt")"
EST_P50="$(to_ms "$(awk '$1 == "50%" {print $2; exit}' "$WORK/wrk-estates.txt")")"
EST_P99="$(to_ms "$(awk '$1 == "99%" {print $2; exit}' "$WORK/wrk-estates.txt")")"
EST_CMD_SHOWN="wrk -t$THREADS -c$ESTATE_CONNECTIONS -d${DURATION}s --latency -H \"Authorization: Bearer \$KEY\" '$BASE/api/places/\$PLACE/estates?limit=100'"

# ------------------------------------------------------------------ pgbench --
# Run while the API server is idle. Percentiles come from a sampled
# per-transaction log (--sampling-rate), pgbench 15 printing only the average.
PGB_CMD=(pgbench -h "$PG_HOST" -p "$PG_PORT" -U "$PG_USER" -S -M prepared -c "$CONNECTIONS" -j "$THREADS"
    -T "$DURATION" --log --sampling-rate="$PGBENCH_SAMPLING" --log-prefix="$WORK/pgbench_log" "$PGBENCH_DB")
PGB_CMD_SHOWN="pgbench -h $PG_HOST -p $PG_PORT -U $PG_USER -S -M prepared -c $CONNECTIONS -j $THREADS -T $DURATION --log --sampling-rate=$PGBENCH_SAMPLING $PGBENCH_DB"
log "pgbench: ${DURATION}s, $CONNECTIONS clients (API server idle)"
"${PGB_CMD[@]}" >"$WORK/pgbench.txt" 2>&1 || { cat "$WORK/pgbench.txt" >&2; die "pgbench failed"; }
cat "$WORK/pgbench.txt" >&2
PG_TPS="$(awk '/^tps = / && /without initial connection time|excluding connections establishing/ {print $3; exit}' "$WORK/pgbench.txt")"
[[ -n "$PG_TPS" ]] || PG_TPS="$(awk '/^tps = / {print $3; exit}' "$WORK/pgbench.txt")"
PG_AVG="$(awk '/^latency average = / {print $4; exit}' "$WORK/pgbench.txt")"
PG_FAILED="$(awk '/^number of failed transactions:/ {print $5; exit}' "$WORK/pgbench.txt")"
[[ -n "$PG_TPS" ]] || die "could not parse pgbench's tps"
[[ "${PG_FAILED:-0}" == 0 ]] || die "pgbench reports $PG_FAILED failed transactions"
# Log lines: client_id transaction_no latency_us script_no epoch epoch_us
cat "$WORK"/pgbench_log* 2>/dev/null | awk '{print $3}' | sort -n >"$WORK/pg-latencies.txt" || true
PG_SAMPLES="$(wc -l <"$WORK/pg-latencies.txt")"
pct() { awk -v p="$1" -v n="$PG_SAMPLES" 'NR == int((n - 1) * p / 100) + 1 {printf "%.2f", $1 / 1000; exit}' "$WORK/pg-latencies.txt"; }
if [[ "$PG_SAMPLES" -gt 0 ]]; then
    PG_P50="$(pct 50)"; PG_P99="$(pct 99)"
else
    PG_P50="n/a"; PG_P99="n/a"
fi

# ------------------------------------------------------------------- report --
RATIO="$(awk -v a="$API_RPS" -v b="$PG_TPS" 'BEGIN {printf "%.1f", 100 * a / b}')"
ratio_ok="$(awk -v r="$RATIO" -v t="$TARGET_RATIO_PCT" 'BEGIN {print (r >= t) ? "PASS" : "FAIL"}')"
p99_ok="$(awk -v p="$API_P99" -v t="$TARGET_P99_MS" 'BEGIN {print (p < t) ? "PASS" : "FAIL"}')"
pages_ok="$(awk -v r="$EST_RPS" -v t="$TARGET_PAGES_PER_S" 'BEGIN {print (r >= t) ? "PASS" : "FAIL"}')"
overall="PASS"; [[ "$ratio_ok" == PASS && "$p99_ok" == PASS && "$pages_ok" == PASS ]] || overall="FAIL"

fmt() { awk -v v="$1" 'BEGIN {printf "%.0f", v}'; }
{
    echo "## Benchmark"
    echo
    echo "| workload | throughput (req/s or tps) | p50 | p99 |"
    echo "| --- | ---: | ---: | ---: |"
    echo "| API \`GET /api/owners/{id}\` (wrk, $CONNECTIONS conns) | $(fmt "$API_RPS") req/s | $API_P50 ms | $API_P99 ms |"
    echo "| API \`GET /api/places/{id}/estates?limit=100\`, place of $ESTATES estates (wrk, $ESTATE_CONNECTIONS conns) | $(fmt "$EST_RPS") pages/s | $EST_P50 ms | $EST_P99 ms |"
    echo "| \`pgbench -S -M prepared\` (TCP, $CONNECTIONS clients) | $(fmt "$PG_TPS") tps | $PG_P50 ms | $PG_P99 ms |"
    echo
    echo "- ratio API / pgbench: **$RATIO %** (target >= $TARGET_RATIO_PCT %): **$ratio_ok**"
    echo "- API p99: **$API_P99 ms** (target < $TARGET_P99_MS ms): **$p99_ok**"
    echo "- estates pages: **$(fmt "$EST_RPS")/s** (target >= $TARGET_PAGES_PER_S/s): **$pages_ok**"
    echo "- overall: **$overall**"
    echo "- pgbench latency average: $PG_AVG ms; its p50/p99 come from $PG_SAMPLES logged transactions (--sampling-rate=$PGBENCH_SAMPLING)"
    echo "- API requests: $API_REQS in ${DURATION}s, all 2xx${SOCKET_ERRORS:+; wrk: $SOCKET_ERRORS}"
    echo "- date (UTC): $(date -u '+%Y-%m-%d %H:%M:%S')"
    echo "- nproc: $(nproc); commit: $(git rev-parse --short HEAD 2>/dev/null || echo unknown)$(git diff --quiet HEAD 2>/dev/null || echo ' (dirty tree)')"
    echo "- server: release build, HTTP_WORKERS=$HTTP_WORKERS, DATABASE_MAX_CONNECTIONS=$DATABASE_MAX_CONNECTIONS, RUST_LOG=warn; $OWNERS owners in the tenant"
    echo "- command: \`$INVOCATION\`"
    echo "- wrk (owner): \`$WRK_CMD_SHOWN\` (after a ${WARMUP}s warm-up)"
    echo "- wrk (estates): \`$EST_CMD_SHOWN\` (after a ${WARMUP}s warm-up)"
    echo "- pgbench: \`$PGB_CMD_SHOWN\` (database initialised with \`pgbench -i -s $PGBENCH_SCALE\`, run with the API server idle)"
} >"$WORK/report.md"
mkdir -p "$(dirname "$OUT_MD")"
cp "$WORK/report.md" "$OUT_MD"
echo
cat "$OUT_MD"
echo
echo "$overall (written to ${OUT_MD#"$ROOT"/})"
