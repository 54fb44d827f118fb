#!/usr/bin/env bash
# Schema-driven fuzzing with schemathesis (from PyPI) over every operation of
# /api/openapi.json: a server on a fresh database, two tenants whose OWNER keys are the two
# identities of object_level_authorization (A's reads replayed as B), a WORKER key, Stripe stood
# in for by scripts/stripe-mock.py. Exits non-zero on any failure.
#
#   scripts/fuzz.sh                 # a bounded run (EXAMPLES=3 per operation), as .ci/run does
#   EXAMPLES=50 DETERMINISTIC=0 scripts/fuzz.sh     # a full run (random, seeded by SEED)
#   PROFILE=release scripts/fuzz.sh
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
EXAMPLES="${EXAMPLES:-3}"
PROFILE="${PROFILE:-debug}"
PORT="${PORT:-18190}"
MOCK_PORT="${MOCK_PORT:-18191}"
ADMIN_URL="${ADMIN_URL:-postgres://postgres@127.0.0.1:5432}"
DB="fp_fuzz_$$"
SCHEMATHESIS_VERSION="4.32.5"
WORK="$(mktemp -d)"
PIDS=()
log() { printf '[fuzz] %s\n' "$*" >&2; }
die() { printf '[fuzz] ERROR: %s\n' "$*" >&2; exit 1; }
cleanup() {
    for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
    wait 2>/dev/null || true
    psql "$ADMIN_URL/postgres" -qAtX -c "DROP DATABASE IF EXISTS \"$DB\" WITH (FORCE)" >/dev/null 2>&1 || true
    rm -rf "$WORK"
}
trap cleanup EXIT

if ! command -v schemathesis >/dev/null; then
    log "installing schemathesis $SCHEMATHESIS_VERSION from PyPI"
    python3 -m pip install -q "schemathesis==$SCHEMATHESIS_VERSION" >&2
fi
if [[ "$PROFILE" == release ]]; then
    cargo build -q --release -p faireplace-server >&2
else
    cargo build -q -p faireplace-server >&2
fi
BIN="$ROOT/target/$PROFILE/faireplace"

python3 scripts/stripe-mock.py "$MOCK_PORT" &
PIDS+=($!)
export DATABASE_URL="$ADMIN_URL/$DB" HOST=127.0.0.1 PORT RUST_LOG=warn LOG_FORMAT=text
export RATE_LIMIT_PER_MINUTE=0 STRIPE_SECRET_KEY=sk_test_fuzz STRIPE_WEBHOOK_SECRET=whsec_fuzz
export STRIPE_API_BASE="http://127.0.0.1:$MOCK_PORT" MEDIA_DIR="$WORK/media"
OUT="$("$BIN" tenant create --name fuzz)"
KEY="$(sed -n 's/^owner_key=//p' <<<"$OUT")"
[[ "$KEY" == fp_live_* ]] || die "tenant create said: $OUT"
# A second tenant: object_level_authorization replays A's reads of its own objects as B.
KEY_B="$("$BIN" tenant create --name fuzz-b | sed -n 's/^owner_key=//p')"
[[ "$KEY_B" == fp_live_* ]] || die "second tenant not created"
cat >"$WORK/identities.json" <<JSON
{"auth": [
  {"name": "tenant_a", "fixedHeaders": [{"name": "Authorization", "value": "Bearer $KEY"}]},
  {"name": "tenant_b", "fixedHeaders": [{"name": "Authorization", "value": "Bearer $KEY_B"}]}
]}
JSON
cat >"$WORK/schemathesis.toml" <<TOML
[auth.wfc]
path = "$WORK/identities.json"
user = "tenant_a"
peers = ["tenant_a", "tenant_b"]
TOML
WORKER="$("$BIN" worker-key create --name fuzz | sed -n 's/^worker_key=//p')"
"$BIN" serve >"$WORK/server.log" 2>&1 &
SERVER_PID=$!
PIDS+=("$SERVER_PID")
BASE="http://127.0.0.1:$PORT"
for _ in $(seq 1 300); do
    # Another process on the port would answer too: the server must still be running.
    kill -0 "$SERVER_PID" 2>/dev/null || { cat "$WORK/server.log" >&2; die "the server stopped (is port $PORT taken?)"; }
    [[ "$(curl -s -o /dev/null -w '%{http_code}' "$BASE/api/health/ready" || true)" == 200 ]] && break
    sleep 0.2
done
kill -0 "$SERVER_PID" 2>/dev/null || { cat "$WORK/server.log" >&2; die "the server stopped (is port $PORT taken?)"; }

log "seeding tenant A with a little of everything"
post() { curl -s -X POST "$BASE$1" -H "Authorization: Bearer $KEY" -H 'content-type: application/json' -d "$2"; }
id_of() { python3 -c 'import json,sys; print(json.load(sys.stdin)["id"])'; }
OWNER="$(post /api/owners '{"kind":"PERSON","first_name":"Jeanne","last_name":"Martin","email":"jeanne@example.org"}' | id_of)"
post /api/contacts '{"kind":"GUARANTOR","first_name":"Paul","last_name":"Durand"}' >/dev/null
LESSEE="$(post /api/lessees '{"first_name":"Léa","last_name":"Bernard","email":"lea@example.org"}' | id_of)"
PLACE="$(post /api/places '{"name":"Résidence","construction_year":1930,"is_coownership":true,"address":{"street":"1 rue X","postal_code":"75001","city":"Paris"}}' | id_of)"
FLAT="$(curl -s "$BASE/api/types/estate?limit=100" -H "Authorization: Bearer $KEY" | python3 -c 'import json,sys; print(next(t["id"] for t in json.load(sys.stdin)["data"] if t["code"] == "FLAT"))')"
ESTATE="$(post /api/estates "{\"place_id\":\"$PLACE\",\"owner_id\":\"$OWNER\",\"type_id\":\"$FLAT\",\"surface_m2\":42,\"tantiemes\":100}" | id_of)"
TYPE="$(curl -s "$BASE/api/lease-types?limit=100" -H "Authorization: Bearer $KEY" | python3 -c 'import json,sys; print(next(t["id"] for t in json.load(sys.stdin)["data"] if t["code"] == "UNFURNISHED"))')"
post /api/leases "{\"estate_id\":\"$ESTATE\",\"lease_type_id\":\"$TYPE\",\"lessees\":[{\"lessee_id\":\"$LESSEE\"}],\"start_date\":\"2026-01-01\",\"rent_amount\":850.5,\"charges_amount\":50,\"deposit_amount\":850.5}" >/dev/null
post /api/charge-categories '{"name":"Eau","category_type":"WATER_HEATING"}' >/dev/null
post /api/distribution-keys '{"name":"Tantièmes","calculation_type":"TANTIEMES"}' >/dev/null
post /api/meters "{\"estate_id\":\"$ESTATE\",\"meter_type\":\"GAS\"}" >/dev/null
post "/api/estates/$ESTATE/inventory" '{"label":"Lit","category":"BEDDING"}' >/dev/null

log "the README's quick tour (scripts/tour.sh), on a third tenant with test credits"
command -v jq >/dev/null || die "the quick tour needs jq (apt install jq)"
TOUR_KEY="$("$BIN" tenant create --name tour --credits 5 | sed -n 's/^owner_key=//p')"
(cd "$WORK" && KEY="$TOUR_KEY" BASE="$BASE" "$ROOT/scripts/tour.sh" >&2) || die "the quick tour failed"

log "running schemathesis, $EXAMPLES examples per operation"
status=0
REPORT="${REPORT_DIR:-$ROOT/target/fuzz}"
mkdir -p "$REPORT"
# From the temporary folder: schemathesis keeps its example database in the working directory.
cd "$WORK"
schemathesis --config-file "$WORK/schemathesis.toml" run "$BASE/api/openapi.json" \
    -H "X-API-Key: $WORKER" \
    --checks not_a_server_error,status_code_conformance,content_type_conformance,response_schema_conformance,negative_data_rejection,ignored_auth,object_level_authorization \
    --max-examples "$EXAMPLES" --seed "${SEED:-20261121}" \
    $([[ "${DETERMINISTIC:-1}" == 1 ]] && echo --generation-deterministic) \
    --report ndjson --report-dir "$REPORT" || status=$?
cd "$ROOT"
if grep -q 'panicked' "$WORK/server.log"; then
    grep -B2 -A10 'panicked' "$WORK/server.log" >&2
    die "the server panicked"
fi
exit "$status"
