#!/usr/bin/env bash
# Benchmarks of the charges' computations, on a release server and a fresh database, measured
# with wrk: POST /api/distribution-keys/{id}/calculate over a place of 10,000 estates
# (TANTIEMES and FORMULE_PERSONNALISEE keys), and POST /api/charges/reviews over a place of
# 1,000 lots with 1,000 leases, 12 categories (12,000 lease charges) and 12 expenses.
# Writes target/bench-split.md.
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

# shellcheck source=scripts/lib.sh
source "$ROOT/scripts/lib.sh"
start_bench_server

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

log "seeding a place of 1,000 lots, 1,000 leases, 12 categories, 12,000 charges"
REVIEW_PLACE="$(post /api/places '{"name":"Résidence","address":{"street":"2 avenue Y","postal_code":"69003","city":"Lyon"}}' | id_of)"
UNFURNISHED="$(curl -s "$BASE/api/lease-types?limit=100" -H "Authorization: Bearer $KEY" \
    | python3 -c 'import json,sys; print(next(t["id"] for t in json.load(sys.stdin)["data"] if t["code"] == "UNFURNISHED"))')"
psql "$ADMIN_URL/$DB" -qAtX -v ON_ERROR_STOP=1 <<SQL
INSERT INTO estates (tenant_id, id, place_id, owner_id, type_id, reference, surface_m2, rooms_count,
                     tantiemes, created_at, updated_at)
SELECT '$TENANT', gen_random_uuid(), '$REVIEW_PLACE', '$OWNER',
       (SELECT id FROM property_types WHERE tenant_id = '$TENANT' AND kind = 'ESTATE' AND code = 'FLAT'),
       'RES-' || lpad(n::text, 4, '0'), 20 + (n % 90), 1 + n % 5, 50 + n % 300, now(), now()
FROM generate_series(1, 1000) AS n;
INSERT INTO lessees (tenant_id, id, first_name, last_name, created_at, updated_at)
SELECT '$TENANT', gen_random_uuid(), 'Lessee', 'N' || n, now(), now() FROM generate_series(1, 1000) AS n;
INSERT INTO leases (tenant_id, id, estate_id, lease_type_id, start_date, end_date, rent_amount,
                    payment_day, has_revision_clause, status, created_at, updated_at)
SELECT '$TENANT', gen_random_uuid(), e.id, '$UNFURNISHED',
       CASE WHEN row_number() OVER (ORDER BY e.reference) % 4 = 0 THEN date '2025-07-01' ELSE date '2024-01-01' END,
       CASE WHEN row_number() OVER (ORDER BY e.reference) % 4 = 0 THEN date '2028-06-30' ELSE date '2026-12-31' END,
       700, 5, true, 'ACTIVE', now(), now()
FROM estates e WHERE e.tenant_id = '$TENANT' AND e.place_id = '$REVIEW_PLACE';
INSERT INTO lease_lessees (tenant_id, lease_id, lessee_id, position)
SELECT '$TENANT', l.id, p.id, 1
FROM (SELECT id, row_number() OVER (ORDER BY id) AS n FROM leases WHERE tenant_id = '$TENANT') l
JOIN (SELECT id, row_number() OVER (ORDER BY id) AS n FROM lessees WHERE tenant_id = '$TENANT') p USING (n);
INSERT INTO charge_categories (tenant_id, id, name, category_type, recovery_rate, created_at, updated_at)
SELECT '$TENANT', gen_random_uuid(), 'Catégorie ' || n, 'OTHER', 50 + n * 4, now(), now()
FROM generate_series(1, 12) AS n;
INSERT INTO distribution_keys (tenant_id, id, name, calculation_type, created_at, updated_at)
VALUES ('$TENANT', gen_random_uuid(), 'Tantièmes', 'TANTIEMES', now(), now()),
       ('$TENANT', gen_random_uuid(), 'Surface', 'SURFACE', now(), now());
INSERT INTO charge_expenses (tenant_id, id, place_id, category_id, amount, period_start, period_end,
                             distribution_key_id, created_at, updated_at)
SELECT '$TENANT', gen_random_uuid(), '$REVIEW_PLACE', c.id, 10000 + 1234.56 * row_number() OVER (ORDER BY c.name),
       date '2025-01-01', date '2025-12-31',
       (SELECT id FROM distribution_keys WHERE tenant_id = '$TENANT' ORDER BY name LIMIT 1), now(), now()
FROM charge_categories c WHERE c.tenant_id = '$TENANT';
INSERT INTO lease_charges (tenant_id, id, lease_id, category_id, billing_mode, monthly_amount, created_at, updated_at)
SELECT '$TENANT', gen_random_uuid(), l.id, c.id, 'PROVISION', 10, now(), now()
FROM leases l CROSS JOIN charge_categories c WHERE l.tenant_id = '$TENANT' AND c.tenant_id = '$TENANT';
VACUUM ANALYZE;
SQL
REVIEW_BODY="{\"place_id\":\"$REVIEW_PLACE\",\"period_start\":\"2025-01-01\",\"period_end\":\"2025-12-31\"}"
STATEMENTS="$(post /api/charges/reviews "$REVIEW_BODY" | python3 -c 'import json,sys; d=json.load(sys.stdin); print(len(d["statements"]), sum(len(s["lines"]) for s in d["statements"]))')"
[[ "$STATEMENTS" == "1000 12000" ]] || die "unexpected review: $STATEMENTS"

cat >"$WORK/review.lua" <<LUA
wrk.method = "POST"
wrk.body = '$REVIEW_BODY'
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Authorization"] = "Bearer $KEY"
LUA

cat >"$WORK/post.lua" <<LUA
wrk.method = "POST"
wrk.body = '$BODY'
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Authorization"] = "Bearer $KEY"
LUA
run() { # $1 = label, $2 = URL path, $3 = wrk script
    wrk -t1 -c"$CONNECTIONS" -d3s -s "$WORK/$3" "$BASE$2" >/dev/null
    wrk -t1 -c"$CONNECTIONS" -d"${DURATION}s" --latency -s "$WORK/$3" "$BASE$2" >"$WORK/$1.txt"
    grep -q 'Non-2xx' "$WORK/$1.txt" && { cat "$WORK/$1.txt" >&2; die "$1: non-2xx answers"; }
    local rps p50 p99
    rps="$(awk '/^Requests\/sec:/ {printf "%.1f", $2}' "$WORK/$1.txt")"
    p50="$(awk '$1 == "50%" {print $2; exit}' "$WORK/$1.txt")"
    p99="$(awk '$1 == "99%" {print $2; exit}' "$WORK/$1.txt")"
    echo "| $1 | $rps | $p50 | $p99 |"
}
{
    echo "## Charges benchmark"
    echo
    echo "| request | req/s | p50 | p99 |"
    echo "| --- | ---: | ---: | ---: |"
    run "calculate TANTIEMES, $ESTATES estates" "/api/distribution-keys/$TANT/calculate" post.lua
    run "calculate FORMULE_PERSONNALISEE, $ESTATES estates" "/api/distribution-keys/$FORM/calculate" post.lua
    run "review, 1,000 lots, 1,000 leases, 12 categories" "/api/charges/reviews" review.lua
    echo
    echo "- each split: $ESTATES lines summing exactly to 123456.78; the review: 1,000 statements of 12 lines (checked before measuring)"
    echo "- wrk -t1 -c$CONNECTIONS -d${DURATION}s --latency, POST with a JSON body, after a 3 s warm-up; release build"
    echo "- date (UTC): $(date -u '+%Y-%m-%d %H:%M'); nproc: $(nproc); commit: $(git rev-parse --short HEAD)"
} >"$OUT_MD"
cat "$OUT_MD"
