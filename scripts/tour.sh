#!/usr/bin/env bash
# The README's quick tour, step by step, against a running server in development (the one-time
# codes are read from its development outbox): a tenant's first day, from the owner to the
# signed lease. Needs curl and jq.
#
#   KEY=fp_live_… scripts/tour.sh            # BASE defaults to http://127.0.0.1:8080
set -euo pipefail
BASE="${BASE:-http://127.0.0.1:8080}"
: "${KEY:?the OWNER key of a tenant with credits (faireplace tenant create --credits 5)}"
command -v jq >/dev/null || { echo "the tour needs jq (apt install jq, brew install jq)" >&2; exit 1; }

api() { # METHOD PATH [BODY]: the answer's JSON; a 4xx or 5xx stops the tour with its problem
    local out
    out="$(curl -sS -X "$1" "$BASE$2" -H "Authorization: Bearer $KEY" \
        -H 'content-type: application/json' ${3:+-d "$3"} -w '\n%{http_code}')"
    local status="${out##*$'\n'}"
    if [[ "$status" -ge 400 ]]; then
        printf '%s %s answered %s: %s\n' "$1" "$2" "$status" "${out%$'\n'*}" >&2
        exit 1
    fi
    printf '%s\n' "${out%$'\n'*}"
}

# 1. The owner, the building and its lot (types by code: FLAT, HOUSE, PARKING…).
OWNER="$(api POST /api/owners '{"kind":"PERSON","first_name":"Agnès","last_name":"Lefèvre",
  "email":"agnes.lefevre@example.org"}' | jq -r .id)"
PLACE="$(api POST /api/places '{"name":"Résidence des Tilleuls","construction_year":1930,
  "is_coownership":true,"address":{"street":"12 rue de l'"'"'Église","postal_code":"75011",
  "city":"Paris"}}' | jq -r .id)"
ESTATE="$(api POST /api/estates "{\"place_id\":\"$PLACE\",\"owner_id\":\"$OWNER\",
  \"type_code\":\"FLAT\",\"surface_m2\":42,\"rooms_count\":2,\"floor\":3}" | jq -r .id)"

# 2. The lessee and the lease (an unfurnished lease of three years, rent + charges provision).
LESSEE="$(api POST /api/lessees '{"first_name":"Léa","last_name":"Bernard",
  "email":"lea.bernard@example.org","phone":"06 12 34 56 78"}' | jq -r .id)"
LEASE="$(api POST /api/leases "{\"estate_id\":\"$ESTATE\",\"lease_type_code\":\"UNFURNISHED\",
  \"lessees\":[{\"lessee_id\":\"$LESSEE\"}],\"start_date\":\"2027-01-01\",
  \"rent_amount\":\"850.50\",\"charges_amount\":\"50.00\",\"deposit_amount\":\"850.50\"}" \
  | jq -r .id)"
echo "lease $LEASE: $(api GET "/api/leases/$LEASE" | jq -r .status)"

# 3. Its mandatory annexes, and the contract as a PDF.
api POST "/api/leases/$LEASE/annexes/attach-mandatory" '{}' | jq -r '.annexes[] | "annex: \(.code) \(.title)"'
curl -fsS "$BASE/api/leases/$LEASE/document" -H "Authorization: Bearer $KEY" -o bail.pdf
echo "contract: bail.pdf ($(wc -c <bail.pdf) bytes)"

# 4. The signature (one credit): the lessee first, then the owner, each with the one-time code
#    sent to the address on record (read here from the development outbox).
SIGNATURE="$(api POST "/api/leases/$LEASE/signatures" "{\"signers\":[
  {\"role\":\"LESSEE\",\"party_id\":\"$LESSEE\",\"email\":\"lea.bernard@example.org\",\"order\":1},
  {\"role\":\"OWNER\",\"party_id\":\"$OWNER\",\"email\":\"agnes.lefevre@example.org\",\"order\":2}
]}")"
SIG_ID="$(jq -r .id <<<"$SIGNATURE")"
for email in lea.bernard@example.org agnes.lefevre@example.org; do
    SIGNER="$(jq -r --arg e "$email" '.signers[] | select(.email == $e) | .id' <<<"$SIGNATURE")"
    api POST "/api/signatures/$SIG_ID/signers/$SIGNER/otp" '{}' >/dev/null
    CODE="$(api GET "/api/dev/outbox?to=$email" | jq -r '.data[-1].body' | grep -oE '[0-9]{6}')"
    api POST "/api/signatures/$SIG_ID/signers/$SIGNER/verify" "{\"otp\":\"$CODE\"}" \
        | jq -r '"signed by \(.signers[] | select(.email == "'"$email"'") | .email): \(.status)"'
done

# 5. The lease is in force; the signed document carries its evidence page.
echo "lease $LEASE: $(api GET "/api/leases/$LEASE" | jq -r .status)"
curl -fsS "$BASE/api/signatures/$SIG_ID/document" -H "Authorization: Bearer $KEY" -o bail-signe.pdf
echo "signed: bail-signe.pdf ($(wc -c <bail-signe.pdf) bytes)"
