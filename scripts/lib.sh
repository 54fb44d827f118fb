# Shared by the benchmark scripts (sourced, not run). The caller sets ROOT, ADMIN_URL, DB, PORT
# and WORK, defines log and die, and kills SERVER_PID on exit.

# Builds the release binary, makes a fresh database $DB with one tenant (KEY, TENANT), starts the
# server on $PORT (BIN, SERVER_PID, BASE) and waits until it is ready. Rate limits are off.
start_bench_server() {
    log "building the release binary"
    cargo build --release -p faireplace-server >&2
    BIN="$ROOT/target/release/faireplace"
    psql "$ADMIN_URL/postgres" -qAtX -v ON_ERROR_STOP=1 -c "DROP DATABASE IF EXISTS \"$DB\" WITH (FORCE)"
    export DATABASE_URL="$ADMIN_URL/$DB" HOST=127.0.0.1 PORT RUST_LOG=warn LOG_FORMAT=text
    export RATE_LIMIT_PER_MINUTE=0
    local out
    out="$("$BIN" tenant create --name bench)"
    KEY="$(sed -n 's/^owner_key=//p' <<<"$out")"
    TENANT="$(sed -n 's/^tenant_id=//p' <<<"$out")"
    [[ "$KEY" == fp_live_* && -n "$TENANT" ]] || die "tenant create said: $out"
    "$BIN" serve >"$WORK/server.log" 2>&1 &
    SERVER_PID=$!
    BASE="http://127.0.0.1:$PORT"
    for _ in $(seq 1 300); do
        # Another process on the port would answer too: the server must still be running.
        kill -0 "$SERVER_PID" 2>/dev/null || { cat "$WORK/server.log" >&2; die "the server stopped (is port $PORT taken?)"; }
        [[ "$(curl -s -o /dev/null -w '%{http_code}' "$BASE/api/health/ready" || true)" == 200 ]] && return 0
        sleep 0.2
    done
    die "the server did not become ready"
}

post() { curl -s -X POST "$BASE$1" -H "Authorization: Bearer $KEY" -H 'content-type: application/json' -d "$2"; }
get() { curl -s "$BASE$1" -H "Authorization: Bearer $KEY"; }
id_of() { python3 -c 'import json,sys; print(json.load(sys.stdin)["id"])'; }
