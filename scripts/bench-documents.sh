#!/usr/bin/env bash
# Benchmark of the lease contract PDF, on a release server and a fresh database, measured with
# wrk: GET /api/leases/{id}/document for a lease with two co-lessees, a guarantor, twelve
# charges and its annexes attached (the contract lists them, and those still missing).
# The whole request is measured: reading the lease and its parties, laying out the text,
# embedding the font subset and compressing. Writes target/bench-documents.md.
#
#   scripts/bench-documents.sh
#   DURATION=15 CONNECTIONS=2 scripts/bench-documents.sh
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
DURATION="${DURATION:-10}"
CONNECTIONS="${CONNECTIONS:-1}"
PORT="${PORT:-18182}"
ADMIN_URL="${ADMIN_URL:-postgres://postgres@127.0.0.1:5432}"
DB="fp_bench_documents"
OUT_MD="$ROOT/target/bench-documents.md"
WORK="$(mktemp -d)"
SERVER_PID=""
log() { printf '[bench-documents] %s\n' "$*" >&2; }
die() { printf '[bench-documents] ERROR: %s\n' "$*" >&2; exit 1; }
cleanup() { [[ -n "$SERVER_PID" ]] && kill "$SERVER_PID" 2>/dev/null; wait 2>/dev/null; rm -rf "$WORK"; }
trap cleanup EXIT
for tool in cargo psql curl wrk python3; do command -v "$tool" >/dev/null || die "$tool is required"; done

# shellcheck source=scripts/lib.sh
source "$ROOT/scripts/lib.sh"
start_bench_server

log "seeding a lease"
OWNER="$(post /api/owners '{"kind":"PERSON","first_name":"Agnès","last_name":"Lefèvre","address":{"street":"4 quai de la Tournelle","postal_code":"75005","city":"Paris"}}' | id_of)"
PLACE="$(post /api/places '{"name":"Résidence des Tilleuls","construction_year":1930,"is_coownership":true,"address":{"street":"12 rue de l'"'"'Église","postal_code":"75011","city":"Paris"}}' | id_of)"
FLAT="$(curl -s "$BASE/api/types/estate?limit=100" -H "Authorization: Bearer $KEY" \
    | python3 -c 'import json,sys; print(next(t["id"] for t in json.load(sys.stdin)["data"] if t["code"] == "FLAT"))')"
ESTATE="$(post /api/estates "{\"place_id\":\"$PLACE\",\"owner_id\":\"$OWNER\",\"type_id\":\"$FLAT\",\"surface_m2\":42.5,\"rooms_count\":2,\"floor\":3,\"door\":\"B\"}" | id_of)"
L1="$(post /api/lessees '{"first_name":"Léa","last_name":"Bernard","email":"lea@example.org"}' | id_of)"
L2="$(post /api/lessees '{"first_name":"Hugo","last_name":"Petit","email":"hugo@example.org"}' | id_of)"
G="$(post /api/contacts '{"kind":"GUARANTOR","first_name":"Paul","last_name":"Bernard"}' | id_of)"
TYPE="$(curl -s "$BASE/api/lease-types?limit=100" -H "Authorization: Bearer $KEY" \
    | python3 -c 'import json,sys; print(next(t["id"] for t in json.load(sys.stdin)["data"] if t["code"] == "UNFURNISHED"))')"
LEASE="$(post /api/leases "{\"estate_id\":\"$ESTATE\",\"lease_type_id\":\"$TYPE\",\"lessees\":[{\"lessee_id\":\"$L1\"},{\"lessee_id\":\"$L2\"}],\"guarantor_ids\":[\"$G\"],\"start_date\":\"2026-01-01\",\"rent_amount\":850.5,\"charges_amount\":120,\"deposit_amount\":850.5,\"special_clauses\":\"Animaux de compagnie acceptés.\"}" | id_of)"
psql "$ADMIN_URL/$DB" -qAtX -v ON_ERROR_STOP=1 <<SQL
INSERT INTO charge_categories (tenant_id, id, name, category_type, recovery_rate, created_at, updated_at)
SELECT '$TENANT', gen_random_uuid(), 'Catégorie ' || n, 'OTHER', 100, now(), now()
FROM generate_series(1, 12) AS n;
INSERT INTO lease_charges (tenant_id, id, lease_id, category_id, billing_mode, monthly_amount, created_at, updated_at)
SELECT '$TENANT', gen_random_uuid(), '$LEASE', c.id, 'PROVISION', 10, now(), now()
FROM charge_categories c WHERE c.tenant_id = '$TENANT';
SQL
ATTACHED="$(post "/api/leases/$LEASE/annexes/attach-mandatory" '{}' | python3 -c 'import json,sys; d=json.load(sys.stdin); print(len(d["annexes"]), len(d["missing"]))')"
log "annexes attached, missing: $ATTACHED"
SIZE="$(curl -s -o "$WORK/lease.pdf" -w '%{http_code} %{size_download}' "$BASE/api/leases/$LEASE/document" -H "Authorization: Bearer $KEY")"
[[ "$SIZE" == 200* ]] || die "document: $SIZE"
python3 - "$WORK/lease.pdf" <<'PY' || die "not a PDF"
import sys; b = open(sys.argv[1], "rb").read(); assert b.startswith(b"%PDF-"), b[:20]
PY

cat >"$WORK/get.lua" <<LUA
wrk.headers["Authorization"] = "Bearer $KEY"
LUA
run() { # $1 = label, $2 = URL path, $3 = connections
    wrk -t1 -c"$3" -d3s -s "$WORK/get.lua" "$BASE$2" >/dev/null
    wrk -t1 -c"$3" -d"${DURATION}s" --latency -s "$WORK/get.lua" "$BASE$2" >"$WORK/run.txt"
    grep -q 'Non-2xx' "$WORK/run.txt" && { cat "$WORK/run.txt" >&2; die "$1: non-2xx answers"; }
    local rps p50 p99
    rps="$(awk '/^Requests\/sec:/ {printf "%.1f", $2}' "$WORK/run.txt")"
    p50="$(awk '$1 == "50%" {print $2; exit}' "$WORK/run.txt")"
    p99="$(awk '$1 == "99%" {print $2; exit}' "$WORK/run.txt")"
    echo "| $1 | $3 | $rps | $p50 | $p99 |"
}
{
    echo "## Lease contract PDF benchmark"
    echo
    echo "| request | connections | req/s | p50 | p99 |"
    echo "| --- | ---: | ---: | ---: | ---: |"
    run "GET /api/leases/{id}/document" "/api/leases/$LEASE/document" "$CONNECTIONS"
    run "GET /api/leases/{id}/document" "/api/leases/$LEASE/document" 2
    echo
    echo "- the lease: two co-lessees, a guarantor, 12 charges, annexes (attached, missing): $ATTACHED; PDF of $(cut -d' ' -f2 <<<"$SIZE") bytes"
    echo "- wrk -t1 -d${DURATION}s --latency after a 3 s warm-up; release build; the whole request is timed"
    echo "- date (UTC): $(date -u '+%Y-%m-%d %H:%M'); nproc: $(nproc); commit: $(git rev-parse --short HEAD)"
} >"$OUT_MD"
cat "$OUT_MD"
