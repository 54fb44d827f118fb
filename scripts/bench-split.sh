#!/usr/bin/env bash
# Benchmark of a split: POST /api/distribution-keys/{id}/calculate over a place of 10,000
# estates (TANTIEMES and FORMULE_PERSONNALISEE keys), on a release server and a fresh database,
# measured with wrk. Writes target/bench-split.md.
#
#   scripts/bench-split.sh                      # defaults below
#   ESTATES=10000 DURATION=15 CONNECTIONS=2 scripts/bench-split.sh
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
ESTATES="${ESTATES:-10000}"
DURATION="${DURATION:-15}"
CONNECTIONS="${CONNECTIONS:-2}"
PORT="${PORT:-18181}"
ADMIN_URL="${ADMIN_URL:-postgres://postgres@127.0.0.1:5432}"
DB="fp_bench_split"
OUT_MD="$ROOT/target/bench-split.md"
WORK="$(mktemp -d)"
SERVER_PID=""
log() { printf '[bench-split] %s\n' "$*" >&2; }
die() { printf '[bench-split] ERROR: %s\n' "$*" >&2; exit 1; }
cleanup() { [[ -n "$SERVER_PID" ]] && kill "$SERVER_PID" 2>/dev/null; wait 2>/dev/null; rm -rf "$WORK"; }
trap cleanup EXIT
for tool in cargo psql curl wrk python3; do command -v "$tool" >/dev/null || die "$tool is required"; done

log "building the release binary"
cargo build --release -p faireplace-server >&2
BIN="$ROOT/target/release/faireplace"
psql "$ADMIN_URL/postgres" -qAtX -v ON_ERROR_STOP=1 -c "DROP DATABASE IF EXISTS \"$DB\" WITH (FORCE)"
export DATABASE_URL="$ADMIN_URL/$DB" HOST=127.0.0.1 PORT RUST_LOG=warn LOG_FORMAT=text
OUT="$("$BIN" tenant create --name bench)"
KEY="$(sed -n 's/^owner_key=//p' <<<"$OUT")"
TENANT="$(sed -n 's/^tenant_id=//p' <<<"$OUT")"
[[ "$KEY" == fp_live_* && -n "$TENANT" ]] || die "tenant create said: $OUT"
"$BIN" serve >"$WORK/server.log" 2>&1 &
SERVER_PID=$!
BASE="http://127.0.0.1:$PORT"
for _ in $(seq 1 300); do
    [[ "$(curl -s -o /dev/null -w '%{http_code}' "$BASE/api/health/ready" || true)" == 200 ]] && break
    sleep 0.2
done
post() { curl -s -X POST "$BASE$1" -H "Authorization: Bearer $KEY" -H 'content-type: application/json' -d "$2"; }
id_of() { python3 -c 'import json,sys; print(json.load(sys.stdin)["id"])'; }

log "seeding a place of $ESTATES estates"
OWNER="$(post /api/owners '{"kind":"COMPANY","company_name":"Foncière"}' | id_of)"
PLACE="$(post /api/places '{"name":"Grand ensemble","address":{"street":"1 avenue X","postal_code":"93200","city":"Saint-Denis"}}' | id_of)"
# Straight into the table (as the database owner): ten thousand API calls would only time the seeding.
psql "$ADMIN_URL/$DB" -qAtX -v ON_ERROR_STOP=1 <<SQL
INSERT INTO estates (tenant_id, id, place_id, owner_id, type_id, reference, surface_m2, rooms_count,
                     tantiemes, created_at, updated_at)
SELECT '$TENANT', gen_random_uuid(), '$PLACE', '$OWNER',
       (SELECT id FROM property_types WHERE tenant_id = '$TENANT' AND kind = 'ESTATE' AND code = 'FLAT'),
       'LOT-' || lpad(n::text, 5, '0'), 20 + (n % 90) + (n % 7) * 0.25, 1 + n % 5, 50 + n % 300, now(), now()
FROM generate_series(1, $ESTATES) AS n;
VACUUM ANALYZE estates;
SQL
TANT="$(post /api/distribution-keys '{"name":"Générale","calculation_type":"TANTIEMES"}' | id_of)"
FORM="$(post /api/distribution-keys '{"name":"Formule","calculation_type":"FORMULE_PERSONNALISEE","formula":"surface * 2 + tantiemes / 100 + rooms"}' | id_of)"
BODY="{\"place_id\":\"$PLACE\",\"total_amount\":123456.78,\"calculation_date\":\"2026-06-01\"}"
COUNT="$(post "/api/distribution-keys/$TANT/calculate" "$BODY" | python3 -c 'import json,sys; d=json.load(sys.stdin); print(len(d["distributions"]), sum(round(x["amount"]*100) for x in d["distributions"]))')"
[[ "$COUNT" == "$ESTATES 12345678" ]] || die "unexpected split: $COUNT"

cat >"$WORK/post.lua" <<LUA
wrk.method = "POST"
wrk.body = '$BODY'
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Authorization"] = "Bearer $KEY"
LUA
run() { # $1 = label, $2 = key id
    wrk -t1 -c"$CONNECTIONS" -d3s -s "$WORK/post.lua" "$BASE/api/distribution-keys/$2/calculate" >/dev/null
    wrk -t1 -c"$CONNECTIONS" -d"${DURATION}s" --latency -s "$WORK/post.lua" \
        "$BASE/api/distribution-keys/$2/calculate" >"$WORK/$1.txt"
    grep -q 'Non-2xx' "$WORK/$1.txt" && { cat "$WORK/$1.txt" >&2; die "$1: non-2xx answers"; }
    local rps p50 p99
    rps="$(awk '/^Requests\/sec:/ {printf "%.1f", $2}' "$WORK/$1.txt")"
    p50="$(awk '$1 == "50%" {print $2; exit}' "$WORK/$1.txt")"
    p99="$(awk '$1 == "99%" {print $2; exit}' "$WORK/$1.txt")"
    echo "| $1 | $rps | $p50 | $p99 |"
}
{
    echo "## Split benchmark ($ESTATES estates)"
    echo
    echo "| key | req/s | p50 | p99 |"
    echo "| --- | ---: | ---: | ---: |"
    run TANTIEMES "$TANT"
    run FORMULE_PERSONNALISEE "$FORM"
    echo
    echo "- each answer: $ESTATES lines summing exactly to 123456.78 (checked before measuring)"
    echo "- wrk -t1 -c$CONNECTIONS -d${DURATION}s --latency, POST with a JSON body, after a 3 s warm-up; release build"
    echo "- date (UTC): $(date -u '+%Y-%m-%d %H:%M'); nproc: $(nproc); commit: $(git rev-parse --short HEAD)"
} >"$OUT_MD"
cat "$OUT_MD"
