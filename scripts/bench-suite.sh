#!/usr/bin/env bash
# The benchmark suite: a realistic portfolio (10 places, 10,000 estates, 10,000 leases with their
# lessees, a year of monthly meter readings for every estate, 12 charge categories with 12,000
# lease charges on one place of 1,000 lots), then wrk at 50 connections on six requests, and in
# the same run `pgbench -S -M prepared` over TCP as the reference. Prints throughput, p50 and
# p99 per request and its ratio to pgbench, and the server's peak resident memory.
# Writes target/bench-suite.md.
#
#   scripts/bench-suite.sh
#   DURATION=20 CONNECTIONS=50 scripts/bench-suite.sh
#   ONLY='estates|calculate' scripts/bench-suite.sh   # only the requests whose label matches
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
DURATION="${DURATION:-10}"
CONNECTIONS="${CONNECTIONS:-50}"
# The long computations run in as many slots as cores (HEAVY_WORK_SLOTS) and queue for them:
# measured with as many connections as cores (their targets are the time of one request), then
# at 50 connections (throughput, waiting included, and memory).
HEAVY_CONNECTIONS="${HEAVY_CONNECTIONS:-$(nproc)}"
THREADS="${THREADS:-2}"
PORT="${PORT:-18183}"
ONLY="${ONLY:-}"
ADMIN_URL="${ADMIN_URL:-postgres://postgres@127.0.0.1:5432}"
DB="fp_bench_suite"
PGBENCH_DB="fp_bench_pgbench"
OUT_MD="$ROOT/target/bench-suite.md"
WORK="$(mktemp -d)"
SERVER_PID=""
log() { printf '[bench-suite] %s\n' "$*" >&2; }
die() { printf '[bench-suite] ERROR: %s\n' "$*" >&2; exit 1; }
cleanup() { [[ -n "$SERVER_PID" ]] && kill "$SERVER_PID" 2>/dev/null; wait 2>/dev/null; rm -rf "$WORK"; }
trap cleanup EXIT
for tool in cargo psql pgbench curl wrk python3; do command -v "$tool" >/dev/null || die "$tool is required"; done

export DATABASE_MAX_CONNECTIONS="${DATABASE_MAX_CONNECTIONS:-10}"
# shellcheck source=scripts/lib.sh
source "$ROOT/scripts/lib.sh"
start_bench_server

log "seeding the portfolio"
OWNER="$(post /api/owners '{"kind":"COMPANY","company_name":"Foncière du Centre"}' | id_of)"
UNFURNISHED="$(get "/api/lease-types?limit=100" | python3 -c 'import json,sys; print(next(t["id"] for t in json.load(sys.stdin)["data"] if t["code"] == "UNFURNISHED"))')"
psql "$ADMIN_URL/$DB" -qAtX -v ON_ERROR_STOP=1 <<SQL
INSERT INTO places (tenant_id, id, name, address_street, address_postal_code, address_city, address_country, construction_year,
                    is_coownership, created_at, updated_at)
SELECT '$TENANT', gen_random_uuid(), 'Résidence ' || n, n || ' rue de la Paix', '75002', 'Paris',
       'FR', 1960 + n, true, now(), now()
FROM generate_series(1, 10) AS n;
INSERT INTO estates (tenant_id, id, place_id, owner_id, type_id, reference, surface_m2, rooms_count,
                     tantiemes, created_at, updated_at)
SELECT '$TENANT', gen_random_uuid(), p.id, '$OWNER',
       (SELECT id FROM property_types WHERE tenant_id = '$TENANT' AND kind = 'ESTATE' AND code = 'FLAT'),
       'LOT-' || lpad((p.k * 1000 + n)::text, 6, '0'), 20 + (n % 90), 1 + n % 5, 1 + n % 9, now(), now()
FROM (SELECT id, row_number() OVER (ORDER BY name) AS k FROM places WHERE tenant_id = '$TENANT') p
CROSS JOIN generate_series(1, 1000) AS n;
INSERT INTO lessees (tenant_id, id, first_name, last_name, created_at, updated_at)
SELECT '$TENANT', gen_random_uuid(), 'Locataire', 'N' || n, now(), now() FROM generate_series(1, 10000) AS n;
INSERT INTO leases (tenant_id, id, estate_id, lease_type_id, start_date, end_date, rent_amount,
                    charges_amount, payment_day, deposit_amount, has_revision_clause, status,
                    created_at, updated_at)
SELECT '$TENANT', gen_random_uuid(), e.id, '$UNFURNISHED', date '2025-01-01', date '2030-12-31',
       600 + (row_number() OVER (ORDER BY e.reference)) % 900, 50, 5, 600, true, 'ACTIVE', now(), now()
FROM estates e WHERE e.tenant_id = '$TENANT';
INSERT INTO lease_lessees (tenant_id, lease_id, lessee_id, position)
SELECT '$TENANT', l.id, p.id, 1
FROM (SELECT id, row_number() OVER (ORDER BY id) AS n FROM leases WHERE tenant_id = '$TENANT') l
JOIN (SELECT id, row_number() OVER (ORDER BY id) AS n FROM lessees WHERE tenant_id = '$TENANT') p USING (n);
UPDATE estates SET status = 'OCCUPIED' WHERE tenant_id = '$TENANT';
INSERT INTO meters (tenant_id, id, estate_id, meter_type, billing_type, unit, max_value, active,
                    created_at, updated_at)
SELECT '$TENANT', gen_random_uuid(), e.id, 'WATER_COLD', 'INDIVIDUAL', 'm3', 99999, true, now(), now()
FROM estates e WHERE e.tenant_id = '$TENANT';
INSERT INTO meter_readings (tenant_id, id, meter_id, value, read_at, source, consumption, created_at)
SELECT '$TENANT', gen_random_uuid(), m.id, 100 + k * 8, timestamptz '2025-01-01' + (k || ' months')::interval,
       'AUTOMATIC', CASE WHEN k = 0 THEN NULL ELSE 8 END, now()
FROM meters m CROSS JOIN generate_series(0, 11) AS k WHERE m.tenant_id = '$TENANT';
INSERT INTO charge_categories (tenant_id, id, name, category_type, recovery_rate, created_at, updated_at)
SELECT '$TENANT', gen_random_uuid(), 'Catégorie ' || n, 'OTHER', 50 + n * 4, now(), now()
FROM generate_series(1, 12) AS n;
INSERT INTO distribution_keys (tenant_id, id, name, calculation_type, created_at, updated_at)
VALUES ('$TENANT', gen_random_uuid(), 'Tantièmes', 'TANTIEMES', now(), now());
INSERT INTO charge_expenses (tenant_id, id, place_id, category_id, amount, period_start, period_end,
                             distribution_key_id, created_at, updated_at)
SELECT '$TENANT', gen_random_uuid(), (SELECT id FROM places WHERE tenant_id = '$TENANT' ORDER BY name LIMIT 1),
       c.id, 10000 + 1234.56 * row_number() OVER (ORDER BY c.name), date '2025-01-01', date '2025-12-31',
       (SELECT id FROM distribution_keys WHERE tenant_id = '$TENANT' LIMIT 1), now(), now()
FROM charge_categories c WHERE c.tenant_id = '$TENANT';
INSERT INTO lease_charges (tenant_id, id, lease_id, category_id, billing_mode, monthly_amount, created_at, updated_at)
SELECT '$TENANT', gen_random_uuid(), l.id, c.id, 'PROVISION', 10, now(), now()
FROM leases l JOIN estates e ON e.tenant_id = l.tenant_id AND e.id = l.estate_id
CROSS JOIN charge_categories c
WHERE l.tenant_id = '$TENANT' AND c.tenant_id = '$TENANT'
  AND e.place_id = (SELECT id FROM places WHERE tenant_id = '$TENANT' ORDER BY name LIMIT 1);
VACUUM ANALYZE;
SQL
COUNTS="$(psql "$ADMIN_URL/$DB" -qAtX -c "SELECT (SELECT count(*) FROM places), (SELECT count(*) FROM estates), (SELECT count(*) FROM leases), (SELECT count(*) FROM meter_readings), (SELECT count(*) FROM lease_charges)")"
log "seeded (places|estates|leases|readings|charges): $COUNTS"
PLACE="$(psql "$ADMIN_URL/$DB" -qAtX -c "SELECT id FROM places ORDER BY name LIMIT 1")"
LEASE="$(psql "$ADMIN_URL/$DB" -qAtX -c "SELECT l.id FROM leases l JOIN estates e ON e.id = l.estate_id WHERE e.place_id = '$PLACE' ORDER BY l.id LIMIT 1")"
KEYID="$(psql "$ADMIN_URL/$DB" -qAtX -c "SELECT id FROM distribution_keys LIMIT 1")"
# Calculate over 10,000 estates: explicit weights of every estate of the portfolio are not a
# place; the key splits one place's estates, so a TANTIEMES key over a place of 10,000 is made.
psql "$ADMIN_URL/$DB" -qAtX -v ON_ERROR_STOP=1 <<SQL
INSERT INTO places (tenant_id, id, name, address_street, address_postal_code, address_city, address_country, is_coownership, created_at, updated_at)
VALUES ('$TENANT', gen_random_uuid(), 'Grand ensemble', '1 avenue X', '93200', 'Saint-Denis', 'FR', true, now(), now());
INSERT INTO estates (tenant_id, id, place_id, owner_id, type_id, reference, surface_m2, rooms_count, tantiemes, created_at, updated_at)
SELECT '$TENANT', gen_random_uuid(), (SELECT id FROM places WHERE name = 'Grand ensemble'), '$OWNER',
       (SELECT id FROM property_types WHERE tenant_id = '$TENANT' AND kind = 'ESTATE' AND code = 'FLAT'),
       'GE-' || lpad(n::text, 5, '0'), 20 + (n % 90), 1 + n % 5, 50 + n % 300, now(), now()
FROM generate_series(1, 10000) AS n;
VACUUM ANALYZE estates;
SQL
GRAND="$(psql "$ADMIN_URL/$DB" -qAtX -c "SELECT id FROM places WHERE name = 'Grand ensemble'")"
CALC_BODY="{\"place_id\":\"$GRAND\",\"total_amount\":123456.78,\"calculation_date\":\"2026-06-01\"}"
REVIEW_BODY="{\"place_id\":\"$PLACE\",\"period_start\":\"2025-01-01\",\"period_end\":\"2025-12-31\"}"
CHECK="$(post "/api/distribution-keys/$KEYID/calculate" "$CALC_BODY" | python3 -c 'import json,sys; d=json.load(sys.stdin); print(len(d["distributions"]))')"
[[ "$CHECK" == 10000 ]] || die "calculate: $CHECK lines"
CHECK="$(post /api/charges/reviews "$REVIEW_BODY" | python3 -c 'import json,sys; d=json.load(sys.stdin); print(len(d["statements"]))')"
[[ "$CHECK" == 1000 ]] || die "review: $CHECK statements"
[[ "$(curl -s -o /dev/null -w '%{http_code}' "$BASE/api/leases/$LEASE/document" -H "Authorization: Bearer $KEY")" == 200 ]] || die "document"

script() { # $1 = file, $2 = method, $3 = body (optional)
    {
        echo "wrk.method = \"$2\""
        echo "wrk.headers[\"Authorization\"] = \"Bearer $KEY\""
        if [[ -n "${3:-}" ]]; then
            echo "wrk.headers[\"Content-Type\"] = \"application/json\""
            echo "wrk.body = '$3'"
        fi
    } >"$WORK/$1"
}
script get.lua GET
script owner.lua POST '{"kind":"PERSON","first_name":"Jeanne","last_name":"Martin"}'
script calc.lua POST "$CALC_BODY"
script review.lua POST "$REVIEW_BODY"

PEAK_KB=0
sample_rss() {
    local kb
    kb="$(awk '/^VmHWM:/ {print $2}' "/proc/$SERVER_PID/status" 2>/dev/null || echo 0)"
    [[ "$kb" -gt "$PEAK_KB" ]] && PEAK_KB="$kb"
    return 0
}
# wrk's connections close when it stops, but what the server had accepted still runs (queued
# long computations included): the next request waits for it to finish.
wait_idle() {
    local a b
    while :; do
        a="$(awk '{print $14 + $15}' "/proc/$SERVER_PID/stat")"
        sleep 0.5
        b="$(awk '{print $14 + $15}' "/proc/$SERVER_PID/stat")"
        [[ $((b - a)) -lt 5 ]] && return 0
    done
}
ROWS=()
run() { # $1 = label, $2 = path, $3 = script, $4 = target, $5 = connections
    local c="${5:-$CONNECTIONS}"
    if [[ -n "$ONLY" ]] && ! grep -Eq "$ONLY" <<<"$1"; then return 0; fi
    wrk -t"$THREADS" -c"$c" -d3s --timeout 30s -s "$WORK/$3" "$BASE$2" >/dev/null
    wait_idle
    wrk -t"$THREADS" -c"$c" -d"${DURATION}s" --timeout 30s --latency -s "$WORK/$3" "$BASE$2" >"$WORK/run.txt"
    sample_rss
    wait_idle
    grep -q 'Non-2xx' "$WORK/run.txt" && { cat "$WORK/run.txt" >&2; die "$1: non-2xx answers"; }
    local rps p50 p99
    rps="$(awk '/^Requests\/sec:/ {printf "%.1f", $2}' "$WORK/run.txt")"
    p50="$(awk '$1 == "50%" {print $2; exit}' "$WORK/run.txt")"
    p99="$(awk '$1 == "99%" {print $2; exit}' "$WORK/run.txt")"
    ROWS+=("$1|$c|$rps|$p50|$p99|$4")
    log "$1 at $c: $rps req/s, p50 $p50, p99 $p99 (peak RSS so far $((PEAK_KB / 1024)) MiB)"
}
run "GET /api/owners/{id}" "/api/owners/$OWNER" get.lua "≥ 30 % of pgbench, p99 < 25 ms"
run "GET /api/leases/{id}" "/api/leases/$LEASE" get.lua "≥ 30 % of pgbench, p99 < 25 ms"
run "GET /api/leases?limit=100" "/api/leases?limit=100" get.lua ""
run "GET /api/places/{id}/estates?limit=100 (1,000 estates)" "/api/places/$PLACE/estates?limit=100" get.lua "≥ 1,500 pages/s" 20
run "calculate, 10,000 estates" "/api/distribution-keys/$KEYID/calculate" calc.lua "< 100 ms" "$HEAVY_CONNECTIONS"
run "calculate, 10,000 estates" "/api/distribution-keys/$KEYID/calculate" calc.lua "none: they queue" "$CONNECTIONS"
run "charge review, 1,000 leases" "/api/charges/reviews" review.lua "< 1 s" "$HEAVY_CONNECTIONS"
run "charge review, 1,000 leases" "/api/charges/reviews" review.lua "none: they queue" "$CONNECTIONS"
run "GET /api/leases/{id}/document" "/api/leases/$LEASE/document" get.lua "< 50 ms" "$HEAVY_CONNECTIONS"
run "GET /api/leases/{id}/document" "/api/leases/$LEASE/document" get.lua "none: they queue" "$CONNECTIONS"
# Last: it adds tens of thousands of owners, and the statistics the planner reads are refreshed
# by autovacuum, which may be off (it is on the machines this was written on): a read measured
# after it would measure a plan made for a table of one row.
run "POST /api/owners" "/api/owners" owner.lua ""

log "pgbench -S -M prepared, $CONNECTIONS clients (API idle)"
if [[ "$ADMIN_URL" =~ ^postgres(ql)?://([^:@/]+)(:[^@/]*)?@([^:/]+)(:([0-9]+))?/?$ ]]; then
    PG_USER="${BASH_REMATCH[2]}"; PG_HOST="${BASH_REMATCH[4]}"; PG_PORT="${BASH_REMATCH[6]:-5432}"
else
    die "ADMIN_URL must look like postgres://user@host:port"
fi
psql "$ADMIN_URL/postgres" -qAtX -c "DROP DATABASE IF EXISTS \"$PGBENCH_DB\" WITH (FORCE)" -c "CREATE DATABASE \"$PGBENCH_DB\""
pgbench -h "$PG_HOST" -p "$PG_PORT" -U "$PG_USER" -i -s 10 -q "$PGBENCH_DB" >/dev/null 2>&1
pgbench -h "$PG_HOST" -p "$PG_PORT" -U "$PG_USER" -S -M prepared -c "$CONNECTIONS" -j "$THREADS" \
    -T "$DURATION" --log --sampling-rate=0.1 --log-prefix="$WORK/pgb" "$PGBENCH_DB" >"$WORK/pgbench.txt" 2>&1
PG_TPS="$(awk '/^tps = / {print $3; exit}' "$WORK/pgbench.txt")"
cat "$WORK"/pgb* | awk '{print $3}' | sort -n >"$WORK/pglat.txt"
N="$(wc -l <"$WORK/pglat.txt")"
pct() { awk -v p="$1" -v n="$N" 'NR == int((n - 1) * p / 100) + 1 {printf "%.2fms", $1 / 1000; exit}' "$WORK/pglat.txt"; }
PG_P50="$(pct 50)"; PG_P99="$(pct 99)"

{
    echo "## Benchmark suite"
    echo
    echo "| request | connections | req/s | p50 | p99 | of pgbench | target |"
    echo "| --- | ---: | ---: | ---: | ---: | ---: | --- |"
    for row in "${ROWS[@]}"; do
        IFS='|' read -r label conns rps p50 p99 target <<<"$row"
        ratio="$(awk -v a="$rps" -v b="$PG_TPS" 'BEGIN {printf "%.1f %%", 100 * a / b}')"
        echo "| $label | $conns | $rps | $p50 | $p99 | $ratio | $target |"
    done
    echo "| \`pgbench -S -M prepared\` (TCP) | $CONNECTIONS | $(printf '%.0f' "$PG_TPS") | $PG_P50 | $PG_P99 | 100 % | reference |"
    echo
    echo "- portfolio (places, estates, leases, meter readings, lease charges): $COUNTS, plus a place of 10,000 estates for the split"
    echo "- server peak resident memory (VmHWM) over the run: $((PEAK_KB / 1024)) MiB (target < 200 MiB)"
    echo "- wrk -t$THREADS -c$CONNECTIONS -d${DURATION}s --latency after a 3 s warm-up; release build; DATABASE_MAX_CONNECTIONS=$DATABASE_MAX_CONNECTIONS"
    echo "- date (UTC): $(date -u '+%Y-%m-%d %H:%M'); nproc: $(nproc); commit: $(git rev-parse --short HEAD)"
} >"$OUT_MD"
cat "$OUT_MD"
