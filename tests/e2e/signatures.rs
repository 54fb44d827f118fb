//! Electronic signature over HTTP: initiation on a fixed document for one credit, one-time
//! codes and their limits, the order of signers, completion putting the lease in force, the
//! signed document with its audit page, the lessee's side, the workers' side, and isolation.

use faireplace_tests::fixtures::call;
use faireplace_tests::fixtures::{id_of, row_of};
use faireplace_tests::{LeaseWorld, TestApp, assert_contains_all};
use serde_json::{Value, json};
use sha2::{Digest, Sha256};

const LEA: &str = "lea.bernard@example.org";
const HUGO: &str = "hugo.petit@example.org";
const PAUL: &str = "paul.bernard@example.org";
const AGNES: &str = "agnes.lefevre@example.org";

/// Both lessees first (any order between them), then the guarantor, then the owner.
fn signers(w: &LeaseWorld) -> Value {
    json!({"signers": [
        {"role": "LESSEE", "party_id": w.lessees[0], "email": LEA, "order": 1},
        {"role": "LESSEE", "party_id": w.lessees[1], "email": HUGO, "order": 1},
        {"role": "GUARANTOR", "party_id": w.guarantor, "email": PAUL, "order": 2},
        {"role": "OWNER", "party_id": w.owner, "email": AGNES, "order": 3},
    ]})
}

fn signer_id(sig: &Value, email: &str) -> String {
    id_of(&sig["signers"], |s| s["email"] == email)
}

async fn start(app: &TestApp, w: &LeaseWorld, lease: &str) -> Value {
    let res = app
        .post(
            &format!("/api/leases/{lease}/signatures"),
            w.key(),
            signers(w),
        )
        .await;
    res.assert_status(201);
    res.body.clone()
}

/// Sends a code to the signer and signs with it.
async fn sign(app: &TestApp, w: &LeaseWorld, sig: &Value, email: &str) -> Value {
    let id = sig["id"].as_str().expect("id");
    let signer = signer_id(sig, email);
    app.send_code(w.key(), id, &signer).await.assert_status(200);
    let res = app
        .verify_code(w.key(), id, &signer, &app.latest_code_to(email))
        .await;
    res.assert_status(200);
    res.body.clone()
}

#[tokio::test]
async fn a_lease_is_signed_in_order_and_comes_into_force_with_its_evidence() {
    let (app, w, lease) = TestApp::with_world_lease(3).await;

    // The contract, generated from the lease.
    let contract = app
        .get_raw(&format!("/api/leases/{lease}/document"), w.key())
        .await
        .pdf_text();
    assert_contains_all(
        &contract,
        &[
            "Contrat de location",
            "Agnès Lefèvre",
            "Léa Bernard",
            "Hugo Petit",
            "Paul Bernard",
            "12 rue de l'Église, 75011 Paris",
            "850,50 €",
            "50,00 €",
            "900,50 €",
            "Dépôt de garantie",
            "01/01/2026",
            "31/12/2028",
            "36 mois",
            "solidairement",
            "Notice d'information",
        ],
    );

    let annexes = app
        .post(
            &format!("/api/leases/{lease}/annexes/attach-mandatory"),
            w.key(),
            json!({}),
        )
        .await;
    annexes.assert_status(200);
    let annex = annexes.body["annexes"][0]["id"]
        .as_str()
        .expect("annex")
        .to_owned();

    let sig = start(&app, &w, &lease).await;
    let id = sig["id"].as_str().expect("id").to_owned();
    assert_eq!(sig["status"], "PENDING");
    assert_eq!(sig["lease_id"], lease.as_str());
    let sha = sig["document_sha256"].as_str().expect("sha").to_owned();
    assert!(sha.len() == 64 && sha.bytes().all(|b| b.is_ascii_hexdigit()));
    // The original, as fixed, hashes to what the signers sign.
    let original = app
        .get_raw(&format!("/api/signatures/{id}/original"), w.key())
        .await;
    assert!(original.pdf_text().contains("Contrat de location"));
    let digest: String = Sha256::digest(&original.bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    assert_eq!(digest, sha);
    // Its annexes are fixed with it.
    app.delete(&format!("/api/leases/{lease}/annexes/{annex}"), w.key())
        .await
        .assert_problem(409, "SIGNATURE_IN_PROGRESS");
    assert_eq!(sig["signers"].as_array().expect("signers").len(), 4);
    // One credit spent, in the ledger under the process's name.
    let balance = app.get("/api/credits/balance", w.key()).await;
    assert_eq!(balance.body["balance"], 2);
    let ledger = app.get("/api/credits/transactions", w.key()).await;
    assert_eq!(ledger.body["data"][0]["kind"], "CONSUMPTION");
    assert_eq!(ledger.body["data"][0]["amount"], -1);
    assert_eq!(
        ledger.body["data"][0]["reference"],
        format!("signature:{id}").as_str()
    );
    // The lease awaits signature and cannot change while the document is out.
    let l = app.get(&format!("/api/leases/{lease}"), w.key()).await;
    assert_eq!(l.body["status"], "PENDING_SIGNATURE");
    app.patch(
        &format!("/api/leases/{lease}"),
        w.key(),
        json!({"rent_amount": 900}),
    )
    .await
    .assert_problem(409, "SIGNATURE_IN_PROGRESS");
    let pending = app.get("/api/signatures?status=PENDING", w.key()).await;
    assert_eq!(pending.body["pagination"]["total"], 1);

    // The guarantor signs after the lessees: no code before their turn.
    let paul = signer_id(&sig, PAUL);
    app.send_code(w.key(), &id, &paul)
        .await
        .assert_problem(409, "SIGNER_OUT_OF_ORDER");
    assert!(app.latest_message_to(PAUL).is_none());

    // Léa: a wrong code, then the right one.
    let lea = signer_id(&sig, LEA);
    app.send_code(w.key(), &id, &lea).await.assert_status(200);
    let code = app.latest_code_to(LEA);
    // The development outbox shows each tenant only what was sent on its behalf.
    let outbox = format!("/api/dev/outbox?to={LEA}");
    let mine = app.get(&outbox, w.key()).await;
    assert_eq!(mine.body["data"].as_array().expect("data").len(), 1);
    let stranger = app.tenant("B").await;
    let theirs = app.get(&outbox, &stranger.owner_key).await;
    assert!(theirs.body["data"].as_array().expect("data").is_empty());
    let wrong = if code == "000000" { "000001" } else { "000000" };
    let res = app.verify_code(w.key(), &id, &lea, wrong).await;
    res.assert_problem(400, "VALIDATION_ERROR");
    assert_eq!(res.error_fields(), ["otp"]);
    let res = app.verify_code(w.key(), &id, &lea, &code).await;
    res.assert_status(200);
    assert_eq!(res.body["status"], "IN_PROGRESS");
    let signed = row_of(&res.body["signers"], |s| s["email"] == LEA).clone();
    assert_eq!(signed["status"], "SIGNED");
    assert_eq!(signed["evidence"]["method"], "OTP");
    assert_eq!(signed["evidence"]["ip"], "127.0.0.1");
    assert!(signed["evidence"]["signed_at"].is_string());
    // A code signs once.
    app.verify_code(w.key(), &id, &lea, &code)
        .await
        .assert_problem(409, "ALREADY_SIGNED");

    // Hugo signs from the lessee portal; he may not download before completion.
    let key = app
        .post(
            "/api/api-keys",
            w.key(),
            json!({"name": "hugo", "role": "LESSEE", "lessee_id": w.lessees[1],
                   "scopes": ["lessee:leases:read", "lessee:leases:sign", "lessee:leases:download"]}),
        )
        .await;
    let hugo_key = key.body["key"].as_str().expect("key").to_owned();
    app.post(
        &format!("/api/lessee/leases/{lease}/sign/otp"),
        &hugo_key,
        json!({}),
    )
    .await
    .assert_status(200);
    let res = app
        .post(
            &format!("/api/lessee/leases/{lease}/sign"),
            &hugo_key,
            json!({"otp": app.latest_code_to(HUGO)}),
        )
        .await;
    res.assert_status(200);
    let download = app
        .get_raw(&format!("/api/lessee/leases/{lease}/download"), &hugo_key)
        .await;
    assert_eq!(download.status.as_u16(), 409);

    // Then the guarantor and the owner: the last signature completes the process.
    sign(&app, &w, &sig, PAUL).await;
    let done = sign(&app, &w, &sig, AGNES).await;
    assert_eq!(done["status"], "COMPLETED");
    assert!(done["completed_at"].is_string());
    let l = app.get(&format!("/api/leases/{lease}"), w.key()).await;
    assert_eq!(l.body["status"], "ACTIVE");
    let e = app
        .get(&format!("/api/estates/{}", w.estate), w.key())
        .await;
    assert_eq!(e.body["status"], "OCCUPIED");

    // The signed document: the contract as fixed, then the audit page.
    let pages = app
        .get_raw(&format!("/api/signatures/{id}/document"), w.key())
        .await
        .pdf_pages();
    let all = pages.join(" ");
    assert!(all.contains("Contrat de location") && all.contains("Léa Bernard"));
    let audit: String = pages
        .iter()
        .skip_while(|p| !p.contains("Dossier de preuve"))
        .cloned()
        .collect::<Vec<_>>()
        .join(" ");
    assert!(!audit.is_empty(), "an audit page: {all}");
    assert!(!pages[0].contains("Dossier de preuve"));
    for expected in [sha.as_str(), LEA, HUGO, PAUL, AGNES, "127.0.0.1", "OTP"] {
        assert!(audit.contains(expected), "{expected} in {audit}");
    }
    // The lessee downloads the same signed document.
    let theirs = app
        .get_raw(&format!("/api/lessee/leases/{lease}/download"), &hugo_key)
        .await
        .pdf_text();
    assert!(theirs.contains(&sha));
    // Nothing more to sign.
    app.post(&format!("/api/signatures/{id}/cancel"), w.key(), json!({}))
        .await
        .assert_problem(409, "SIGNATURE_CLOSED");
}

#[tokio::test]
async fn one_time_codes_are_hashed_expire_lock_and_are_rationed() {
    let (app, w, lease) = TestApp::with_world_lease(1).await;
    let sig = start(&app, &w, &lease).await;
    let id = sig["id"].as_str().expect("id").to_owned();
    let lea = signer_id(&sig, LEA);
    let otp_path = format!("/api/signatures/{id}/signers/{lea}/otp");
    let verify_path = format!("/api/signatures/{id}/signers/{lea}/verify");

    // Malformed codes are refused before any try is counted.
    for bad in ["12345", "1234567", "12a456", ""] {
        app.post(&verify_path, w.key(), json!({"otp": bad}))
            .await
            .assert_problem(400, "VALIDATION_ERROR");
    }
    // No code yet.
    app.post(&verify_path, w.key(), json!({"otp": "123456"}))
        .await
        .assert_problem(409, "OTP_REQUIRED");

    // The code is stored hashed, never as sent.
    let sent = app.post(&otp_path, w.key(), json!({})).await;
    sent.assert_status(200);
    assert!(sent.body["expires_at"].is_string());
    let code = app.latest_code_to(LEA);
    let mut db = app.admin_connection().await;
    let stored: Vec<(String, String)> =
        sqlx::query_as("SELECT salt, code_hash FROM signature_otps")
            .fetch_all(&mut db)
            .await
            .expect("codes");
    assert_eq!(stored.len(), 1);
    assert!(!stored[0].0.contains(&code) && !stored[0].1.contains(&code));
    assert_eq!(stored[0].1.len(), 64);

    // Five wrong tries, then even the right code is refused: a new code is needed.
    let wrong = if code == "000000" { "000001" } else { "000000" };
    for left in (0..5).rev() {
        let res = app.post(&verify_path, w.key(), json!({"otp": wrong})).await;
        res.assert_problem(400, "VALIDATION_ERROR");
        assert!(
            res.text.contains(&format!("{left} tries left")) || left == 0,
            "{}",
            res.text
        );
    }
    app.post(&verify_path, w.key(), json!({"otp": code}))
        .await
        .assert_problem(409, "OTP_LOCKED");

    // A second code lifts the lock; once expired (10 minutes) it no longer signs.
    app.post(&otp_path, w.key(), json!({}))
        .await
        .assert_status(200);
    let second = app.latest_code_to(LEA);
    sqlx::query("UPDATE signature_otps SET expires_at = now() - interval '1 second' WHERE consumed_at IS NULL")
        .execute(&mut db)
        .await
        .expect("aged");
    let res = app
        .post(&verify_path, w.key(), json!({"otp": second}))
        .await;
    res.assert_problem(400, "VALIDATION_ERROR");
    assert!(res.text.contains("expired"), "{}", res.text);

    // A third code within 15 minutes is the last: a fourth is 429 with Retry-After.
    app.post(&otp_path, w.key(), json!({}))
        .await
        .assert_status(200);
    let third = app.latest_code_to(LEA);
    let res = app.post(&otp_path, w.key(), json!({})).await;
    res.assert_problem(429, "RATE_LIMITED");
    let wait = res.retry_after();
    assert!((1..=900).contains(&wait), "{wait}");
    // Fifteen minutes later the same signer may be sent a code again; it replaces the third.
    sqlx::query("UPDATE signature_otps SET created_at = created_at - interval '15 minutes'")
        .execute(&mut db)
        .await
        .expect("aged");
    app.post(&otp_path, w.key(), json!({}))
        .await
        .assert_status(200);
    let fourth = app.latest_code_to(LEA);
    if fourth != third {
        app.post(&verify_path, w.key(), json!({"otp": third}))
            .await
            .assert_problem(400, "VALIDATION_ERROR");
    }
    app.post(&verify_path, w.key(), json!({"otp": fourth}))
        .await
        .assert_status(200);
}

#[tokio::test]
async fn an_expired_process_frees_its_lease_and_a_retried_start_spends_once() {
    let (app, w, lease) = TestApp::with_world_lease(2).await;
    let path = format!("/api/leases/{lease}/signatures");
    let send = |key: &'static str, body: Value| {
        let req = app
            .client
            .post(app.url(&path))
            .bearer_auth(w.key())
            .header("idempotency-key", key)
            .json(&body);
        async move { TestApp::read(req.send().await.expect("sent")).await }
    };
    // A retried start with the same key answers the first process, and spends one credit.
    let first = send("start-1", signers(&w)).await;
    first.assert_status(201);
    let again = send("start-1", signers(&w)).await;
    again.assert_status(201);
    assert_eq!(again.header("idempotent-replayed"), Some("true"));
    assert_eq!(again.body["id"], first.body["id"]);
    assert_eq!(
        app.get("/api/credits/balance", w.key()).await.body["balance"],
        1
    );
    let mut other = signers(&w);
    other["signers"][0]["order"] = json!(2);
    send("start-1", other)
        .await
        .assert_problem(409, "IDEMPOTENCY_KEY_REUSED");
    let id = first.body["id"].as_str().expect("id").to_owned();

    // Thirty days on, the process is EXPIRED: no more signing, the lease is a draft again.
    let mut db = app.admin_connection().await;
    sqlx::query("UPDATE signatures SET expires_at = now() - interval '1 second'")
        .execute(&mut db)
        .await
        .expect("aged");
    let shown = app.get(&format!("/api/signatures/{id}"), w.key()).await;
    assert_eq!(shown.body["status"], "EXPIRED");
    let expired = app.get("/api/signatures?status=EXPIRED", w.key()).await;
    assert_eq!(expired.body["pagination"]["total"], 1);
    let lea = signer_id(&first.body, LEA);
    app.send_code(w.key(), &id, &lea)
        .await
        .assert_problem(409, "SIGNATURE_EXPIRED");
    app.post(&format!("/api/signatures/{id}/cancel"), w.key(), json!({}))
        .await
        .assert_problem(409, "SIGNATURE_EXPIRED");
    let l = app.get(&format!("/api/leases/{lease}"), w.key()).await;
    assert_eq!(l.body["status"], "DRAFT");
    // A new process may start (the second credit).
    let second = start(&app, &w, &lease).await;
    assert_eq!(second["status"], "PENDING");
    assert_eq!(
        app.get("/api/credits/balance", w.key()).await.body["balance"],
        0
    );
}

#[tokio::test]
async fn a_signature_needs_a_credit_a_signable_lease_and_its_parties() {
    let (app, w, lease) = TestApp::with_world_lease(0).await;
    let path = format!("/api/leases/{lease}/signatures");

    // Without a credit: 402, and nothing changed.
    app.post(&path, w.key(), signers(&w))
        .await
        .assert_problem(402, "INSUFFICIENT_CREDITS");
    let l = app.get(&format!("/api/leases/{lease}"), w.key()).await;
    assert_eq!(l.body["status"], "DRAFT");
    let list = app.get("/api/signatures", w.key()).await;
    assert_eq!(list.body["pagination"]["total"], 0);

    app.grant_credits(&w, 1).await;
    // Signers are checked field by field, and against the lease's parties.
    let res = app
        .post(
            &path,
            w.key(),
            json!({"signers": [{"role": "LANDLORD", "email": "x", "order": 0}]}),
        )
        .await;
    res.assert_problem(400, "VALIDATION_ERROR");
    let fields = res.error_fields();
    for f in [
        "signers[0].role",
        "signers[0].party_id",
        "signers[0].email",
        "signers[0].order",
    ] {
        assert!(fields.iter().any(|x| x == f), "{f} in {fields:?}");
    }
    let res = app
        .post(
            &path,
            w.key(),
            json!({"signers": [
                {"role": "LESSEE", "party_id": w.lessees[0], "email": LEA},
                {"role": "GUARANTOR", "party_id": w.lessees[1], "email": HUGO},
                {"role": "OWNER", "party_id": w.guarantor, "email": PAUL},
            ]}),
        )
        .await;
    res.assert_problem(400, "VALIDATION_ERROR");
    let fields = res.error_fields();
    assert!(
        fields.contains(&"signers[1].party_id".to_owned()),
        "{fields:?}"
    );
    assert!(
        fields.contains(&"signers[2].party_id".to_owned()),
        "{fields:?}"
    );
    assert!(
        fields.contains(&"signers".to_owned()),
        "every co-lessee: {fields:?}"
    );
    app.post(&path, w.key(), json!({"signers": []}))
        .await
        .assert_problem(400, "VALIDATION_ERROR");
    // None of that spent the credit.
    let balance = app.get("/api/credits/balance", w.key()).await;
    assert_eq!(balance.body["balance"], 1);

    // Two leases, one credit, both sent at once: exactly one starts.
    let other = app
        .world_lease(&w, json!({"start_date": "2030-01-01"}))
        .await;
    let other_path = format!("/api/leases/{other}/signatures");
    let (a, b) = tokio::join!(
        app.post(&path, w.key(), signers(&w)),
        app.post(&other_path, w.key(), signers(&w)),
    );
    let mut statuses = [a.status.as_u16(), b.status.as_u16()];
    statuses.sort();
    assert_eq!(statuses, [201, 402]);
    let balance = app.get("/api/credits/balance", w.key()).await;
    assert_eq!(balance.body["balance"], 0);
    let (sig, lease) = if a.status == 201 {
        (a.body.clone(), lease)
    } else {
        (b.body.clone(), other)
    };
    let id = sig["id"].as_str().expect("id");

    // One open process per lease.
    app.grant_credits(&w, 1).await;
    app.post(
        &format!("/api/leases/{lease}/signatures"),
        w.key(),
        signers(&w),
    )
    .await
    .assert_problem(409, "SIGNATURE_IN_PROGRESS");

    // Cancelled: the lease is a draft again and may be changed, then sent again.
    let res = app
        .post(&format!("/api/signatures/{id}/cancel"), w.key(), json!({}))
        .await;
    res.assert_status(200);
    assert_eq!(res.body["status"], "CANCELLED");
    let l = app.get(&format!("/api/leases/{lease}"), w.key()).await;
    assert_eq!(l.body["status"], "DRAFT");
    app.patch(
        &format!("/api/leases/{lease}"),
        w.key(),
        json!({"rent_amount": 860}),
    )
    .await
    .assert_status(200);
    let cancelled = app.get("/api/signatures?status=CANCELLED", w.key()).await;
    assert_eq!(cancelled.body["pagination"]["total"], 1);
    let again = start(&app, &w, &lease).await;
    assert_ne!(
        again["document_sha256"], sig["document_sha256"],
        "a new document"
    );

    // A lease in force is not sent for signature.
    let active = app
        .post(
            "/api/leases",
            w.key(),
            w.lease(json!({"start_date": "2040-01-01", "status": "ACTIVE"})),
        )
        .await;
    active.assert_status(201);
    app.grant_credits(&w, 1).await;
    app.post(
        &format!(
            "/api/leases/{}/signatures",
            active.body["id"].as_str().expect("id")
        ),
        w.key(),
        signers(&w),
    )
    .await
    .assert_problem(409, "LEASE_NOT_SIGNABLE");
}

#[tokio::test]
async fn workers_report_signers_and_finalize_idempotently() {
    let (app, w, lease) = TestApp::with_world_lease(2).await;
    let sig = start(&app, &w, &lease).await;
    let id = sig["id"].as_str().expect("id").to_owned();
    let worker = app.worker_key().await;
    let status = |email: &str| {
        format!(
            "/api/workers/signatures/{id}/signers/{}/status",
            signer_id(&sig, email)
        )
    };
    let put = |path: String, body: Value| {
        let client = app.client.clone();
        let url = app.url(&path);
        let worker = worker.clone();
        async move {
            TestApp::read(
                client
                    .put(url)
                    .header("x-api-key", worker)
                    .json(&body)
                    .send()
                    .await
                    .expect("sent"),
            )
            .await
        }
    };
    let post = |path: String, key: &str| {
        let req = app
            .client
            .post(app.url(&path))
            .header("x-api-key", key.to_owned());
        async move { TestApp::read(req.send().await.expect("sent")).await }
    };

    // Workers only, through X-API-Key only.
    post(format!("/api/workers/signatures/{id}/finalize"), w.key())
        .await
        .assert_problem(403, "FORBIDDEN");
    app.post(
        &format!("/api/workers/signatures/{id}/finalize"),
        &worker,
        json!({}),
    )
    .await
    .assert_problem(401, "UNAUTHENTICATED");

    // The provider's time is evidence, and never before the process started.
    put(
        status(LEA),
        json!({"status": "SIGNED", "event_at": "2020-01-02T10:00:00Z"}),
    )
    .await
    .assert_problem(400, "VALIDATION_ERROR");
    let event_at = chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Micros, true);
    let report = json!({"status": "SIGNED", "event_at": event_at,
                        "provider_reference": "yousign-123"});
    // Out of order: the guarantor before the lessees.
    put(status(PAUL), report.clone())
        .await
        .assert_problem(409, "SIGNER_OUT_OF_ORDER");
    let first = put(status(LEA), report.clone()).await;
    first.assert_status(200);
    assert_eq!(first.body["status"], "IN_PROGRESS");
    // The same report again changes nothing.
    let again = put(status(LEA), report.clone()).await;
    again.assert_status(200);
    assert_eq!(again.body, first.body);
    put(status(LEA), json!({"status": "MAYBE"}))
        .await
        .assert_problem(400, "VALIDATION_ERROR");

    post(format!("/api/workers/signatures/{id}/finalize"), &worker)
        .await
        .assert_problem(409, "SIGNERS_PENDING");
    for email in [HUGO, PAUL, AGNES] {
        put(status(email), report.clone()).await.assert_status(200);
    }
    let done = post(format!("/api/workers/signatures/{id}/finalize"), &worker).await;
    done.assert_status(200);
    assert_eq!(done.body["status"], "COMPLETED");
    let again = post(format!("/api/workers/signatures/{id}/finalize"), &worker).await;
    assert_eq!(again.body, done.body);
    let l = app.get(&format!("/api/leases/{lease}"), w.key()).await;
    assert_eq!(l.body["status"], "ACTIVE");
    let evidence = &done.body["signers"][0]["evidence"];
    assert_eq!(evidence["method"], "PROVIDER");
    assert_eq!(evidence["provider_reference"], "yousign-123");

    // Sync: what changed since, with its tenant.
    let since = "/api/workers/signatures?updated_since=2000-01-01T00:00:00Z";
    let sync = app.get_with_header(since, "x-api-key", &worker).await;
    sync.assert_status(200);
    let list = sync.body.as_array().expect("list");
    assert_eq!(list.len(), 1);
    assert_eq!(list[0]["id"], id.as_str());
    assert_eq!(list[0]["tenant_id"], w.t.id.as_str());
    assert_eq!(list[0]["status"], "COMPLETED");
    let later = list[0]["updated_at"].as_str().expect("updated_at");
    let res = app
        .client
        .get(app.url(&format!(
            "/api/workers/signatures?updated_since={}",
            later.replace('+', "%2B")
        )))
        .header("x-api-key", worker.clone())
        .send()
        .await
        .expect("sent");
    assert_eq!(TestApp::read(res).await.body, json!([]));

    // A decline cancels the process and the lease is a draft again.
    let other = app
        .world_lease(&w, json!({"start_date": "2030-01-01"}))
        .await;
    let sig = start(&app, &w, &other).await;
    let id = sig["id"].as_str().expect("id").to_owned();
    let declined = put(
        format!(
            "/api/workers/signatures/{id}/signers/{}/status",
            signer_id(&sig, HUGO)
        ),
        json!({"status": "DECLINED"}),
    )
    .await;
    declined.assert_status(200);
    assert_eq!(declined.body["status"], "CANCELLED");
    let l = app.get(&format!("/api/leases/{other}"), w.key()).await;
    assert_eq!(l.body["status"], "DRAFT");
    // Unknown processes are 404 to workers too.
    put(
        format!(
            "/api/workers/signatures/{}/signers/{}/status",
            uuid::Uuid::now_v7(),
            uuid::Uuid::now_v7()
        ),
        report,
    )
    .await
    .assert_problem(404, "NOT_FOUND");
}

#[tokio::test]
async fn another_tenant_s_lessees_and_credits_stay_out_of_a_signature() {
    // Every route naming A's process, signer or lease answers B's keys 404: the isolation
    // sweep checks them all.
    let (app, w, lease) = TestApp::with_world_lease(1).await;
    let sig = start(&app, &w, &lease).await;
    let id = sig["id"].as_str().expect("id");
    let b = app.lease_world("B").await;
    app.grant_credits(&b, 1).await;
    let (b_lessee, _) = app
        .lessee_key(&b.t, &["lessee:leases:sign", "lessee:leases:download"])
        .await;
    // B's own body on A's lease spends nothing of B's.
    app.post(
        &format!("/api/leases/{lease}/signatures"),
        b.key(),
        signers(&b),
    )
    .await
    .assert_problem(404, "NOT_FOUND");
    let calls = [
        call::post(&format!("/api/lessee/leases/{lease}/sign/otp"), json!({})),
        call::get(&format!("/api/lessee/leases/{lease}/download")),
    ];
    app.assert_each_problem(&b_lessee, 404, "NOT_FOUND", calls)
        .await;
    let list = app.get("/api/signatures", b.key()).await;
    assert_eq!(list.body["pagination"]["total"], 0);
    // B's credit was not spent, A's process untouched.
    assert_eq!(
        app.get("/api/credits/balance", b.key()).await.body["balance"],
        1
    );
    let mine = app.get(&format!("/api/signatures/{id}"), w.key()).await;
    assert_eq!(mine.body["status"], "PENDING");

    // A lessee of A who is not on this lease: 404; without the scope: 403.
    let (stranger, _) = app.lessee_key(&w.t, &["lessee:leases:sign"]).await;
    app.post(
        &format!("/api/lessee/leases/{lease}/sign/otp"),
        &stranger,
        json!({}),
    )
    .await
    .assert_problem(404, "NOT_FOUND");
    let (reader, _) = app.lessee_key(&w.t, &["lessee:leases:read"]).await;
    app.post(
        &format!("/api/lessee/leases/{lease}/sign/otp"),
        &reader,
        json!({}),
    )
    .await
    .assert_problem(403, "FORBIDDEN");
    // A lessee key on the management routes: 403.
    app.get(&format!("/api/signatures/{id}"), &reader)
        .await
        .assert_problem(403, "FORBIDDEN");
}

#[tokio::test]
async fn the_outbox_is_readable_in_development_only() {
    let (app, t) = TestApp::with_tenant("A").await;
    app.get("/api/dev/outbox?to=a@example.org", &t.owner_key)
        .await
        .assert_status(200);

    // Production: codes go by SMTP, and the documented route answers 404.
    let prod = TestApp::spawn_with(|c| {
        c.environment = faireplace_server::Environment::Production;
        c.smtp = Some(faireplace_notify::SmtpConfig {
            host: "127.0.0.1".into(),
            port: 9,
            username: None,
            password: None,
            from: "FairePlace <no-reply@example.org>".into(),
            security: faireplace_notify::SmtpSecurity::None,
        });
    })
    .await;
    assert!(prod.services.state.dev_outbox.is_none());
    let t = prod.tenant("A").await;
    prod.get("/api/dev/outbox?to=a@example.org", &t.owner_key)
        .await
        .assert_problem(404, "NOT_FOUND");
    let spec = prod.get("/api/openapi.json", "").await;
    assert!(spec.text.contains("404 in production"));
}
