//! The fixes of a black-box review: signature codes only reach the party's own record, key
//! guessing is throttled and costs the same for every id, worker keys expire and are revoked,
//! slow bodies are cut, control characters refused, deleted lessees' keys forgotten, what a
//! lease's document states locked while it is out for signature, and no answer cached.

use std::io::{Read, Write};
use std::net::TcpStream;
use std::time::{Duration, Instant};

use faireplace_kernel::access::ApiToken;
use faireplace_tests::TestApp;
use faireplace_tests::fixtures::call;
use faireplace_tests::fixtures::id_of;
use serde_json::{Value, json};

const LEA: &str = "lea.bernard@example.org";
const HUGO: &str = "hugo.petit@example.org";

fn signer_id(sig: &Value, party: &str) -> String {
    id_of(&sig["signers"], |s| s["party_id"] == party)
}

/// The same key id as `key`, with another secret (its checksum valid).
fn same_id_other_secret(key: &str, secret: u8) -> String {
    let real = ApiToken::parse(key).expect("parse");
    let alphabet = "0123456789abcdefghijklmnopqrstuvwxyz";
    let mut id_entropy = [0u8; 12];
    for (slot, c) in id_entropy.iter_mut().zip(real.key_id().chars()) {
        *slot = alphabet.find(c).expect("key id alphabet") as u8;
    }
    let forged = ApiToken::from_entropy(id_entropy, [secret; 32]);
    assert_eq!(forged.key_id(), real.key_id());
    forged.expose()
}

#[tokio::test]
async fn signature_codes_go_only_to_the_parties_own_records() {
    let (app, w, lease) = TestApp::with_world_lease(2).await;
    let path = format!("/api/leases/{lease}/signatures");

    // An OWNER key sending a lessee's codes to itself: refused, naming the fields.
    let res = app
        .post(
            &path,
            w.key(),
            json!({"signers": [
                {"role": "LESSEE", "party_id": w.lessees[0], "email": "attacker@example.net",
                 "phone": "+33700000000"},
                {"role": "LESSEE", "party_id": w.lessees[1]},
            ]}),
        )
        .await;
    res.assert_problem(400, "VALIDATION_ERROR");
    assert_eq!(res.error_fields(), ["signers[0].email", "signers[0].phone"]);
    // Nothing spent.
    let balance = app.get("/api/credits/balance", w.key()).await;
    assert_eq!(balance.body["balance"], 2);

    // Left out (or the same, in another case), the e-mail is the record's.
    let res = app
        .post(
            &path,
            w.key(),
            json!({"signers": [
                {"role": "LESSEE", "party_id": w.lessees[0], "email": "LEA.Bernard@example.org"},
                {"role": "LESSEE", "party_id": w.lessees[1]},
            ]}),
        )
        .await;
    res.assert_status(201);
    let sig = res.body.clone();
    let id = sig["id"].as_str().expect("id").to_owned();
    let lea = signer_id(&sig, &w.lessees[0]);
    let hugo = signer_id(&sig, &w.lessees[1]);
    assert_eq!(sig["signers"][1]["email"], HUGO);

    // The lessee's e-mail changes (an audited change of the party): the next code goes there.
    app.patch(
        &format!("/api/lessees/{}", w.lessees[0]),
        w.key(),
        json!({"email": "lea.new@example.org"}),
    )
    .await
    .assert_status(200);
    let audit = app
        .get(
            &format!(
                "/api/audit-logs?entity_type=lessee&entity_id={}",
                w.lessees[0]
            ),
            w.key(),
        )
        .await;
    audit.assert_status(200);
    let entries = audit.body["data"].as_array().expect("entries");
    let update = entries
        .iter()
        .find(|e| e["action"] == "UPDATE")
        .expect("the change is on record");
    assert_eq!(update["before"]["email"], LEA);
    assert_eq!(update["after"]["email"], "lea.new@example.org");
    // The charges' own log keeps to the charge entities.
    let charges_log = app.get("/api/charges/audit-logs", w.key()).await;
    assert_eq!(charges_log.body["pagination"]["total"], 0);
    app.get("/api/charges/audit-logs?entity_type=lessee", w.key())
        .await
        .assert_problem(400, "VALIDATION_ERROR");

    app.send_code(w.key(), &id, &lea).await.assert_status(200);
    assert!(app.latest_message_to(LEA).is_none(), "the old address");
    let code = app.latest_code_to("lea.new@example.org");
    app.verify_code(w.key(), &id, &lea, &code)
        .await
        .assert_status(200);
    app.send_code(w.key(), &id, &hugo).await.assert_status(200);
    let res = app
        .verify_code(w.key(), &id, &hugo, &app.latest_code_to(HUGO))
        .await;
    res.assert_status(200);
    assert_eq!(res.body["status"], "COMPLETED");
    // The signer shows, and the evidence page names, where the codes went.
    assert_eq!(res.body["signers"][0]["email"], "lea.new@example.org");
    let pdf = app
        .get_raw(&format!("/api/signatures/{id}/document"), w.key())
        .await;
    let text = pdf.pdf_text();
    assert!(
        text.contains("Codes envoyés à (courriel) lea.new@example.org"),
        "{text}"
    );

    // A party without an e-mail cannot be sent codes: refused before anything is spent.
    let lease2 = app
        .world_lease(&w, json!({"start_date": "2031-01-01"}))
        .await;
    app.patch(
        &format!("/api/lessees/{}", w.lessees[1]),
        w.key(),
        json!({"email": null}),
    )
    .await
    .assert_status(200);
    let res = app
        .post(
            &format!("/api/leases/{lease2}/signatures"),
            w.key(),
            json!({"signers": [
                {"role": "LESSEE", "party_id": w.lessees[0]},
                {"role": "LESSEE", "party_id": w.lessees[1]},
            ]}),
        )
        .await;
    res.assert_problem(400, "VALIDATION_ERROR");
    assert_eq!(res.error_fields(), ["signers[1].party_id"]);
    let balance = app.get("/api/credits/balance", w.key()).await;
    assert_eq!(balance.body["balance"], 1);
}

#[tokio::test]
async fn guessing_a_keys_secret_is_throttled_and_every_id_costs_the_same() {
    let app = TestApp::spawn_with(|c| {
        c.auth.failures_per_key = 3;
        c.auth.failures_per_address = 1_000;
    })
    .await;
    let t = app.tenant("A").await;
    let auth = app.services.state.auth.clone();

    // An unknown id, a known id with a wrong secret, a revoked key: one argon2 each, as a
    // genuine key costs: timing does not tell them apart.
    let unknown = ApiToken::from_entropy([1; 12], [2; 32]).expose();
    let before = auth.argon2_runs();
    app.get("/api/owners", &unknown)
        .await
        .assert_problem(401, "UNAUTHENTICATED");
    assert_eq!(
        auth.argon2_runs(),
        before + 1,
        "an unknown id is verified too"
    );
    let manager = app.key(&t, "MANAGER").await;
    let manager_id = app
        .find_id("/api/api-keys", &t.owner_key, |k| k["role"] == "MANAGER")
        .await;
    app.delete(&format!("/api/api-keys/{manager_id}"), &t.owner_key)
        .await
        .assert_status(204);
    let before = auth.argon2_runs();
    app.get("/api/owners", &manager)
        .await
        .assert_problem(401, "UNAUTHENTICATED");
    assert_eq!(
        auth.argon2_runs(),
        before + 1,
        "a revoked key is verified too"
    );

    // Wrong secrets for the owner's id: three are answered 401, then 429 without argon2.
    for secret in 10..13 {
        app.get("/api/owners", &same_id_other_secret(&t.owner_key, secret))
            .await
            .assert_problem(401, "UNAUTHENTICATED");
    }
    let before = auth.argon2_runs();
    let res = app
        .get("/api/owners", &same_id_other_secret(&t.owner_key, 13))
        .await;
    res.assert_problem(429, "RATE_LIMITED");
    let retry = res.retry_after();
    assert!(retry > 0 && retry <= 301, "{retry}");
    assert_eq!(
        auth.argon2_runs(),
        before,
        "a throttled guess costs no argon2"
    );
    // The owner's key, verified before the guessing, keeps working from the cache.
    app.get("/api/owners", &t.owner_key)
        .await
        .assert_status(200);
    // The guessing locks that key id from this address only: its holder, elsewhere, is
    // verified (a key not cached yet, presented from another address).
    let holder = app.key(&t, "MANAGER").await;
    for secret in 20..23 {
        app.get("/api/owners", &same_id_other_secret(&holder, secret))
            .await
            .assert_problem(401, "UNAUTHENTICATED");
    }
    app.get("/api/owners", &holder)
        .await
        .assert_problem(429, "RATE_LIMITED");
    let elsewhere: std::net::IpAddr = "203.0.113.7".parse().expect("address");
    auth.authenticate(&holder, Some(elsewhere))
        .await
        .expect("the holder, from its own address");
}

#[tokio::test]
async fn failures_from_one_address_are_throttled_across_key_ids() {
    let app = TestApp::spawn_with(|c| {
        c.auth.failures_per_key = 100;
        c.auth.failures_per_address = 4;
    })
    .await;
    let t = app.tenant("A").await;
    // Verified (and cached) before the guessing; the MANAGER key is made but never used.
    let manager = app.key(&t, "MANAGER").await;
    for i in 0..4u8 {
        let unknown = ApiToken::from_entropy([i; 12], [i; 32]).expose();
        app.get("/api/owners", &unknown)
            .await
            .assert_problem(401, "UNAUTHENTICATED");
    }
    let unknown = ApiToken::from_entropy([9; 12], [9; 32]).expose();
    app.get("/api/owners", &unknown)
        .await
        .assert_problem(429, "RATE_LIMITED");
    // From this address, a key verified already is served; one never verified waits.
    app.get("/api/owners", &t.owner_key)
        .await
        .assert_status(200);
    app.get("/api/owners", &manager)
        .await
        .assert_problem(429, "RATE_LIMITED");
}

#[tokio::test]
async fn worker_keys_expire_and_are_revoked_at_once() {
    let app = TestApp::spawn().await;
    let keys = &app.services.state.keys;
    let in_the_past = chrono::Utc::now() - chrono::Duration::hours(1);
    let err = keys
        .create_worker_key("late", Some(in_the_past))
        .await
        .expect_err("an expiry in the past");
    assert!(err.to_string().contains("expires_at"), "{err}");

    let soon = chrono::Utc::now() + chrono::Duration::milliseconds(1500);
    let (_, expiring) = keys
        .create_worker_key("short-lived", Some(soon))
        .await
        .expect("worker key");
    let (record, key) = keys
        .create_worker_key("orchestrator", None)
        .await
        .expect("worker key");
    let me = |key: String| {
        let app = &app;
        async move {
            TestApp::read(
                app.client
                    .get(app.url("/api/workers/me"))
                    .header("x-api-key", key)
                    .send()
                    .await
                    .expect("sent"),
            )
            .await
        }
    };
    me(expiring.clone()).await.assert_status(200);
    me(key.clone()).await.assert_status(200);
    let listed = keys.list_worker_keys().await.expect("list");
    assert_eq!(listed.len(), 2);
    assert!(listed.iter().any(|k| k.expires_at.is_some()));

    // Revoked: refused at once, though verified and cached a moment ago.
    let revoked = keys.revoke_worker_key(record.id).await.expect("revoke");
    assert!(revoked.revoked_at.is_some());
    me(key.clone()).await.assert_problem(401, "UNAUTHENTICATED");

    // Expired: refused once its time has come, cache or not.
    tokio::time::sleep(Duration::from_millis(1600)).await;
    me(expiring).await.assert_problem(401, "UNAUTHENTICATED");
}

#[tokio::test]
async fn a_key_changed_by_another_process_is_refused_within_two_seconds() {
    let (app, t) = TestApp::with_tenant("A").await;
    let manager = app.key(&t, "MANAGER").await;
    let worker = app.worker_key().await;
    app.get("/api/owners", &manager).await.assert_status(200);
    let me = || async {
        TestApp::read(
            app.client
                .get(app.url("/api/workers/me"))
                .header("x-api-key", &worker)
                .send()
                .await
                .expect("sent"),
        )
        .await
    };
    me().await.assert_status(200);

    // Another instance, or the command line, revokes them straight in the database.
    let mut db = app.admin_connection().await;
    sqlx::query("UPDATE api_keys SET revoked_at = now() WHERE role = 'MANAGER'")
        .execute(&mut db)
        .await
        .expect("revoke");
    sqlx::query("UPDATE worker_keys SET revoked_at = now()")
        .execute(&mut db)
        .await
        .expect("revoke");
    let started = Instant::now();
    loop {
        let a = app.get("/api/owners", &manager).await;
        let b = me().await;
        if a.status == 401 && b.status == 401 {
            break;
        }
        assert!(
            started.elapsed() < Duration::from_secs(2),
            "still accepted after 2 s: {} {}",
            a.status,
            b.status
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

#[tokio::test]
async fn a_deleted_lessees_keys_stop_at_once_and_keys_are_capped_per_tenant() {
    let app = TestApp::spawn_with(|c| {
        c.auth.max_keys_per_tenant = 4;
        c.auth.cache_per_tenant = 2;
    })
    .await;
    let t = app.tenant("A").await;
    let (lessee_key, lessee) = app.lessee_key(&t, &["lessee:leases:read"]).await;
    app.get("/api/lessee/leases", &lessee_key)
        .await
        .assert_status(200);
    app.delete(&format!("/api/lessees/{lessee}"), &t.owner_key)
        .await
        .assert_status(204);
    app.get("/api/lessee/leases", &lessee_key)
        .await
        .assert_problem(401, "UNAUTHENTICATED");

    // Tenant A churns its keys through the cache: past its share it evicts its own oldest.
    let auth = app.services.state.auth.clone();
    let mut made = Vec::new();
    for _ in 0..3 {
        made.push(app.key(&t, "MANAGER").await);
    }
    for k in &made {
        app.get("/api/owners", k).await.assert_status(200);
    }
    let before = auth.argon2_runs();
    app.get("/api/owners", &made[2]).await.assert_status(200);
    app.get("/api/owners", &made[1]).await.assert_status(200);
    assert_eq!(auth.argon2_runs(), before, "A's two latest are cached");
    app.get("/api/owners", &made[0]).await.assert_status(200);
    assert_eq!(auth.argon2_runs(), before + 1, "A's oldest was evicted");

    // Four keys in force (the owner's and three): the fifth is refused until one is revoked.
    let res = app
        .post(
            "/api/api-keys",
            &t.owner_key,
            json!({"name": "one too many", "role": "MANAGER"}),
        )
        .await;
    res.assert_problem(409, "KEY_LIMIT_REACHED");
    let readonly = app
        .find_id("/api/api-keys", &t.owner_key, |k| {
            k["role"] == "MANAGER" && k["revoked_at"].is_null()
        })
        .await;
    app.delete(&format!("/api/api-keys/{readonly}"), &t.owner_key)
        .await
        .assert_status(204);
    app.create(
        "/api/api-keys",
        &t.owner_key,
        json!({"name": "now it fits", "role": "MANAGER"}),
    )
    .await;
}

#[tokio::test]
async fn a_full_cache_is_freed_by_the_tenant_holding_the_most_keys() {
    let app = TestApp::spawn_with(|c| {
        c.auth.cache_capacity = 3;
        c.auth.cache_per_tenant = 3;
    })
    .await;
    let a = app.tenant("A").await;
    let b = app.tenant("B").await;
    let auth = app.services.state.auth.clone();
    // B's key first: the oldest in the cache.
    app.get("/api/owners", &b.owner_key)
        .await
        .assert_status(200);
    let mut made = Vec::new();
    for _ in 0..3 {
        made.push(app.key(&a, "MANAGER").await);
    }
    for k in &made {
        app.get("/api/owners", k).await.assert_status(200);
    }
    let before = auth.argon2_runs();
    app.get("/api/owners", &b.owner_key)
        .await
        .assert_status(200);
    assert_eq!(auth.argon2_runs(), before, "B's key was not evicted by A's");
}

/// Sends `head`, then each part after its delay, then waits (up to 10 s) for the server to
/// answer and close; answers the answer, whether the server closed the connection, and when.
fn exchange(base: &str, head: &str, parts: &[(u64, Vec<u8>)]) -> (String, bool, Duration) {
    let address = base.trim_start_matches("http://");
    let mut c = TcpStream::connect(address).expect("connect");
    c.set_read_timeout(Some(Duration::from_secs(10)))
        .expect("timeout");
    let started = Instant::now();
    c.write_all(head.as_bytes()).expect("head");
    for (delay, bytes) in parts {
        std::thread::sleep(Duration::from_millis(*delay));
        c.write_all(bytes).expect("part");
    }
    let mut answer = Vec::new();
    let closed = c.read_to_end(&mut answer).is_ok();
    (
        String::from_utf8_lossy(&answer).into_owned(),
        closed,
        started.elapsed(),
    )
}

fn post_head(path: &str, key: Option<&str>, framing: &str) -> String {
    let auth = key
        .map(|k| format!("Authorization: Bearer {k}\r\n"))
        .unwrap_or_default();
    format!(
        "POST {path} HTTP/1.1\r\nHost: x\r\n{auth}Content-Type: application/json\r\n\
         {framing}\r\n\r\n"
    )
}

#[tokio::test]
async fn a_body_that_takes_too_long_is_cut_with_408_and_its_connection_closed() {
    let app = TestApp::spawn_with(|c| {
        c.http.body_timeout = Duration::from_millis(800);
        c.http.body_min_rate = 500;
    })
    .await;
    let t = app.tenant("A").await;
    let run = |head: String, parts: Vec<(u64, Vec<u8>)>| {
        let base = app.base_url.clone();
        async move {
            tokio::task::spawn_blocking(move || exchange(&base, &head, &parts))
                .await
                .expect("joined")
        }
    };
    let key = t.owner_key.clone();
    let cases = [
        // A length announced and never sent.
        (
            post_head("/api/owners", Some(&key), "Content-Length: 200"),
            b"{\"kind\": ".to_vec(),
        ),
        // The unauthenticated webhook too (read whole before its signature is checked).
        (
            post_head("/api/webhooks/stripe", None, "Content-Length: 500"),
            b"{\"id\"".to_vec(),
        ),
        // A chunked body whose end never comes.
        (
            post_head("/api/owners", Some(&key), "Transfer-Encoding: chunked"),
            b"5\r\n{\"kin\r\n".to_vec(),
        ),
        (
            post_head("/api/webhooks/stripe", None, "Transfer-Encoding: chunked"),
            b"5\r\n{\"id\"\r\n".to_vec(),
        ),
    ];
    for (head, part) in cases {
        let (answer, closed, took) = run(head.clone(), vec![(0, part)]).await;
        assert!(answer.starts_with("HTTP/1.1 408"), "{head}: {answer}");
        assert!(answer.contains("REQUEST_TIMEOUT"), "{answer}");
        assert!(closed, "{head}: the connection stayed open");
        assert!(took < Duration::from_secs(5), "{head}: {took:?}");
    }
    // An answer given before the body was read (no key) closes the connection too, rather
    // than draining a trickling chunked body with no timer running.
    let (answer, closed, took) = run(
        post_head("/api/owners", None, "Transfer-Encoding: chunked"),
        vec![(0, b"5\r\n{\"kin\r\n".to_vec())],
    )
    .await;
    assert!(answer.starts_with("HTTP/1.1 401"), "{answer}");
    assert!(closed && took < Duration::from_secs(5), "{took:?}");
    // Nothing was written.
    let owners = app.get("/api/owners", &t.owner_key).await;
    assert_eq!(owners.body["pagination"]["total"], 0);

    // A body arriving steadily, past the base time but above the minimum rate, goes through.
    let body = format!(
        "{{\"kind\": \"PERSON\", \"first_name\": \"Jeanne\", \"last_name\": \"Martin\", \
         \"notes\": \"{}\"}}",
        "x".repeat(2_300)
    );
    let parts: Vec<(u64, Vec<u8>)> = body
        .as_bytes()
        .chunks(100)
        .map(|c| (100, c.to_vec()))
        .collect();
    let (answer, _, took) = run(
        post_head(
            "/api/owners",
            Some(&key),
            &format!("Content-Length: {}\r\nConnection: close", body.len()),
        ),
        parts,
    )
    .await;
    assert!(took > Duration::from_secs(2), "{took:?}");
    assert!(answer.starts_with("HTTP/1.1 201"), "{answer}");
}

#[tokio::test]
async fn control_characters_are_refused_in_queries_and_bodies() {
    let (app, t) = TestApp::with_tenant("A").await;
    let k = &t.owner_key;
    for path in [
        "/api/owners?search=%00",
        "/api/lessees?search=a%01b",
        "/api/estates?search=%1b%5b31m",
    ] {
        let res = app.get(path, k).await;
        res.assert_problem(400, "VALIDATION_ERROR");
        assert_eq!(res.error_fields(), ["search"], "{path}");
    }
    // Tab, line feed and carriage return are text.
    app.get("/api/owners?search=a%09b", k)
        .await
        .assert_status(200);
    let res = app
        .post(
            "/api/owners",
            k,
            json!({"kind": "PERSON", "first_name": "Je\u{0}anne", "last_name": "Martin"}),
        )
        .await;
    res.assert_problem(400, "VALIDATION_ERROR");
    assert_eq!(res.error_fields(), ["first_name"]);
    let res = app
        .post(
            "/api/owners",
            k,
            json!({"kind": "PERSON", "first_name": "Jeanne", "last_name": "Martin",
                   "address": {"street": "1 rue\u{7f}", "postal_code": "75001", "city": "Paris"}}),
        )
        .await;
    res.assert_problem(400, "VALIDATION_ERROR");
    assert_eq!(res.error_fields(), ["address.street"]);
    let res = app
        .post(
            "/api/owners",
            k,
            json!({"kind": "PERSON", "first_name": "Jeanne", "last_name": "Martin",
                   "notes": "line 1\nline 2\tend"}),
        )
        .await;
    res.assert_status(201);
}

#[tokio::test]
async fn what_a_document_states_is_locked_while_its_lease_is_out_for_signature() {
    let (app, w, lease) = TestApp::with_world_lease(1).await;
    let k = w.key();
    let category = app
        .post(
            "/api/charge-categories",
            k,
            json!({"name": "Eau froide", "category_type": "WATER_HEATING"}),
        )
        .await;
    category.assert_status(201);
    let category = category.body["id"].clone();
    let charges = format!("/api/leases/{lease}/charges");
    let charge = app
        .post(
            &charges,
            k,
            json!({"category_id": category, "billing_mode": "PROVISION", "monthly_amount": 20}),
        )
        .await;
    charge.assert_status(201);
    let charge = charge.body["id"].as_str().expect("id").to_owned();
    let sig = app
        .post(
            &format!("/api/leases/{lease}/signatures"),
            k,
            json!({"signers": [
                {"role": "LESSEE", "party_id": w.lessees[0]},
                {"role": "LESSEE", "party_id": w.lessees[1]},
            ]}),
        )
        .await;
    sig.assert_status(201);
    let sig = sig.body["id"].as_str().expect("id").to_owned();

    let estate = format!("/api/estates/{}", w.estate);
    let item = format!("{charges}/{}", charge);
    let calls = [
        call::patch(&estate, json!({"surface_m2": 60})),
        call::put(&format!("{estate}/owner"), json!({"owner_id": w.owner})),
        call::delete(&estate),
        call::patch(&item, json!({"monthly_amount": 35})),
        call::delete(&item),
        call::post(
            &charges,
            json!({"category_id": category, "billing_mode": "FORFAIT", "monthly_amount": 5}),
        ),
    ];
    app.assert_each_problem(k, 409, "SIGNATURE_IN_PROGRESS", calls)
        .await;
    // Unchanged.
    let read = app.get(&estate, k).await;
    assert_eq!(read.body["surface_m2"], 42);
    let read = app.get(&item, k).await;
    assert_eq!(read.body["monthly_amount"], 20);

    // Cancelled, they change again.
    app.post(&format!("/api/signatures/{sig}/cancel"), k, json!({}))
        .await
        .assert_status(200);
    app.patch(&estate, k, json!({"surface_m2": 60}))
        .await
        .assert_status(200);
    app.patch(&item, k, json!({"monthly_amount": 35}))
        .await
        .assert_status(200);
}

#[tokio::test]
async fn a_start_made_from_a_stale_estate_or_charges_is_refused() {
    use faireplace_ports::signatures::{NewSignature, SignatureStore, SourcesRead};
    let (app, w, lease) = TestApp::with_world_lease(1).await;
    let read = app.get(&format!("/api/leases/{lease}"), w.key()).await;
    let lease_updated: chrono::DateTime<chrono::Utc> =
        serde_json::from_value(read.body["updated_at"].clone()).expect("updated_at");
    let estate = app
        .get(&format!("/api/estates/{}", w.estate), w.key())
        .await;
    let estate_updated: chrono::DateTime<chrono::Utc> =
        serde_json::from_value(estate.body["updated_at"].clone()).expect("updated_at");
    let store = faireplace_postgres::PgSignatures(app.services.db.clone());
    let now = chrono::Utc::now();
    let new = |estate_updated_at| NewSignature {
        id: faireplace_signatures::SignatureId(uuid::Uuid::now_v7()),
        lease_id: faireplace_leases::LeaseId(uuid::Uuid::parse_str(&lease).expect("uuid")),
        lease_read_at: lease_updated,
        sources_read: SourcesRead {
            estate_updated_at,
            charges: Vec::new(),
        },
        document_pdf: b"%PDF-".to_vec(),
        document_sha256: "0".repeat(64),
        document_content: faireplace_ports::pdf::PdfDocument::default(),
        signers: Vec::new(),
        expires_at: now + chrono::Duration::days(1),
        at: now,
    };
    let stale = store
        .initiate(
            w.tenant_id(),
            &new(estate_updated - chrono::Duration::seconds(1)),
        )
        .await
        .expect_err("stale");
    assert!(
        matches!(
            stale,
            faireplace_ports::RepoError::Conflict {
                code: faireplace_kernel::ErrorCode::Conflict,
                ..
            }
        ),
        "{stale:?}"
    );
    let balance = app.get("/api/credits/balance", w.key()).await;
    assert_eq!(balance.body["balance"], 1, "nothing spent");
    store
        .initiate(w.tenant_id(), &new(estate_updated))
        .await
        .expect("current")
        .expect("started");
}

#[tokio::test]
async fn answers_are_never_cached() {
    let (app, t) = TestApp::with_tenant("A").await;
    let res = app
        .post(
            "/api/api-keys",
            &t.owner_key,
            json!({"name": "Back office", "role": "MANAGER"}),
        )
        .await;
    res.assert_status(201);
    assert_eq!(res.header("cache-control"), Some("no-store"));
    let res = app.get("/api/owners", &t.owner_key).await;
    assert_eq!(res.header("cache-control"), Some("no-store"));
    let res = app.get("/api/owners", "").await;
    assert_eq!(res.header("cache-control"), Some("no-store"));
}
