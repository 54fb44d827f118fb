//! Keys, roles and scopes: 401 for what is not a valid key, 403 for a valid key out of its role.

use faireplace_kernel::access::ApiToken;
use faireplace_tests::fixtures::call;
use faireplace_tests::fixtures::row_of;
use faireplace_tests::{TestApp, person_owner, statuses_at_once};
use serde_json::json;

#[tokio::test]
async fn missing_malformed_unknown_and_wrong_secret_keys_are_401() {
    let (app, t) = TestApp::with_tenant("A").await;

    app.get("/api/owners", "")
        .await
        .assert_problem(401, "UNAUTHENTICATED");
    let res = app.get("/api/owners", "not-a-key").await;
    res.assert_problem(401, "UNAUTHENTICATED");
    assert_eq!(res.header("www-authenticate"), Some("Bearer"));

    // Well-formed, valid checksum, but no such key id.
    let unknown = ApiToken::from_entropy([1; 12], [2; 32]).expose();
    app.get("/api/owners", &unknown)
        .await
        .assert_problem(401, "UNAUTHENTICATED");

    // The right key id with another secret, checksum valid: the secret is what counts.
    let real = ApiToken::parse(&t.owner_key).expect("parse");
    let alphabet = "0123456789abcdefghijklmnopqrstuvwxyz";
    let mut id_entropy = [0u8; 12];
    for (slot, c) in id_entropy.iter_mut().zip(real.key_id().chars()) {
        *slot = alphabet.find(c).expect("key id alphabet") as u8;
    }
    let forged = ApiToken::from_entropy(id_entropy, [9; 32]);
    assert_eq!(forged.key_id(), real.key_id());
    app.get("/api/owners", &forged.expose())
        .await
        .assert_problem(401, "UNAUTHENTICATED");

    // A typo in a real key fails its checksum.
    let mut typo = t.owner_key.clone();
    typo.pop();
    typo.push(if t.owner_key.ends_with('a') { 'b' } else { 'a' });
    app.get("/api/owners", &typo)
        .await
        .assert_problem(401, "UNAUTHENTICATED");

    // A non-Bearer scheme is no key.
    let res = app
        .get_with_header(
            "/api/owners",
            "authorization",
            &format!("Basic {}", t.owner_key),
        )
        .await;
    res.assert_problem(401, "UNAUTHENTICATED");

    app.get("/api/owners", &t.owner_key)
        .await
        .assert_status(200);
}

#[tokio::test]
async fn revoked_keys_are_401_at_once() {
    let (app, t) = TestApp::with_tenant("A").await;
    let manager = app.key(&t, "MANAGER").await;
    app.get("/api/owners", &manager).await.assert_status(200);

    let list = app.get("/api/api-keys", &t.owner_key).await;
    list.assert_status(200);
    let keys = list.body["data"].as_array().expect("data");
    assert_eq!(keys.len(), 2);
    let manager_id = keys
        .iter()
        .find(|k| k["role"] == "MANAGER")
        .and_then(|k| k["id"].as_str())
        .expect("manager key listed")
        .to_owned();
    // Listings never show secrets.
    assert!(!list.text.contains(&manager));
    assert!(keys.iter().all(|k| {
        k.get("key").is_none()
            && k["prefix"]
                .as_str()
                .is_some_and(|p| p.starts_with("fp_live_"))
    }));

    app.delete(&format!("/api/api-keys/{manager_id}"), &t.owner_key)
        .await
        .assert_status(204);
    // Verified and cached a moment ago, refused now.
    app.get("/api/owners", &manager)
        .await
        .assert_problem(401, "UNAUTHENTICATED");
    // Revoking again is harmless; the listing shows when.
    app.delete(&format!("/api/api-keys/{manager_id}"), &t.owner_key)
        .await
        .assert_status(204);
    let list = app.get("/api/api-keys", &t.owner_key).await;
    let revoked = row_of(&list.body["data"], |k| k["id"] == manager_id.as_str()).clone();
    assert!(revoked["revoked_at"].is_string());
}

#[tokio::test]
async fn expired_keys_are_401() {
    let (app, t) = TestApp::with_tenant("A").await;
    let soon = chrono_like_in(2);
    let res = app
        .post(
            "/api/api-keys",
            &t.owner_key,
            json!({"name": "short-lived", "role": "MANAGER", "expires_at": soon}),
        )
        .await;
    res.assert_status(201);
    let key = res.body["key"].as_str().expect("key").to_owned();
    app.get("/api/owners", &key).await.assert_status(200);
    tokio::time::sleep(std::time::Duration::from_millis(2500)).await;
    // Even though it is cached, an expired key is refused.
    app.get("/api/owners", &key)
        .await
        .assert_problem(401, "UNAUTHENTICATED");

    let res = app
        .post(
            "/api/api-keys",
            &t.owner_key,
            json!({"name": "past", "role": "MANAGER", "expires_at": "2020-01-01T00:00:00Z"}),
        )
        .await;
    res.assert_problem(400, "VALIDATION_ERROR");
    assert_eq!(res.error_fields(), ["expires_at"]);
}

/// RFC 3339 time `seconds` from now.
fn chrono_like_in(seconds: u64) -> String {
    let at = std::time::SystemTime::now() + std::time::Duration::from_secs(seconds);
    let secs = at
        .duration_since(std::time::UNIX_EPOCH)
        .expect("clock")
        .as_secs() as i64;
    // Days and time of day by hand to avoid a date dependency in the tests.
    let days = secs.div_euclid(86_400);
    let rem = secs.rem_euclid(86_400);
    let (y, m, d) = civil_from_days(days);
    format!(
        "{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}Z",
        rem / 3600,
        (rem % 3600) / 60,
        rem % 60
    )
}

/// Howard Hinnant's days-to-civil algorithm.
fn civil_from_days(z: i64) -> (i64, i64, i64) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let y = yoe + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    (if m <= 2 { y + 1 } else { y }, m, d)
}

#[tokio::test]
async fn only_owner_keys_manage_keys() {
    let (app, t) = TestApp::with_tenant("A").await;
    let manager = app.key(&t, "MANAGER").await;
    let res = app
        .post(
            "/api/api-keys",
            &manager,
            json!({"name": "x", "role": "MANAGER"}),
        )
        .await;
    res.assert_problem(403, "FORBIDDEN");
    app.get("/api/api-keys", &manager)
        .await
        .assert_problem(403, "FORBIDDEN");
    let some_id = "0190c3a0-0000-7000-8000-000000000000";
    app.delete(&format!("/api/api-keys/{some_id}"), &manager)
        .await
        .assert_problem(403, "FORBIDDEN");
    // MANAGER keys do manage the portfolio.
    app.owner(&manager).named("Jeanne", "Martin").create().await;
}

#[tokio::test]
async fn key_creation_is_validated() {
    let (app, t) = TestApp::with_tenant("A").await;
    let bad = [
        (json!({}), vec!["name", "role"]),
        (json!({"name": "x", "role": "ADMIN"}), vec!["role"]),
        (json!({"name": "x", "role": "WORKER"}), vec!["role"]),
        (json!({"name": "x", "role": "LESSEE"}), vec!["lessee_id"]),
        (
            json!({"name": "x", "role": "MANAGER", "scopes": ["lessee:leases:read"]}),
            vec!["scopes"],
        ),
        (
            json!({"name": "x", "role": "LESSEE", "lessee_id": "0190c3a0-0000-7000-8000-000000000000"}),
            vec!["lessee_id"],
        ),
    ];
    for (body, fields) in bad {
        let res = app.post("/api/api-keys", &t.owner_key, body.clone()).await;
        res.assert_problem(400, "VALIDATION_ERROR");
        assert_eq!(res.error_fields(), fields, "{body}");
    }

    let (lessee_key, lessee_id) = app
        .lessee_key(&t, &["lessee:leases:read", "lessee:leases:sign"])
        .await;
    assert!(lessee_key.starts_with("fp_live_"));
    let list = app.get("/api/api-keys", &t.owner_key).await;
    let key = row_of(&list.body["data"], |k| k["role"] == "LESSEE").clone();
    assert_eq!(key["lessee_id"], lessee_id.as_str());
    assert_eq!(
        key["scopes"],
        json!(["lessee:leases:read", "lessee:leases:sign"])
    );

    let res = app
        .post(
            "/api/api-keys",
            &t.owner_key,
            json!({"name": "x", "role": "LESSEE", "lessee_id": lessee_id, "scopes": ["leases:everything"]}),
        )
        .await;
    res.assert_problem(400, "VALIDATION_ERROR");
    assert_eq!(res.error_fields(), ["scopes[0]"]);
}

#[tokio::test]
async fn lessee_keys_cannot_use_the_management_api() {
    let (app, t) = TestApp::with_tenant("A").await;
    let (lessee_key, lessee_id) = app.lessee_key(&t, &["lessee:leases:read"]).await;
    let calls = [
        call::get("/api/owners"),
        call::get(&format!("/api/lessees/{lessee_id}")),
        call::post("/api/owners", person_owner("A", "B")),
        call::get("/api/api-keys"),
    ];
    app.assert_each_problem(&lessee_key, 403, "FORBIDDEN", calls)
        .await;

    // Deleting the lessee takes their keys with them.
    app.delete(&format!("/api/lessees/{lessee_id}"), &t.owner_key)
        .await
        .assert_status(204);
    let list = app.get("/api/api-keys", &t.owner_key).await;
    assert_eq!(list.body["pagination"]["total"], 1);
}

#[tokio::test]
async fn worker_keys_work_only_under_workers_with_x_api_key() {
    let (app, t) = TestApp::with_tenant("A").await;
    let worker = app.worker_key().await;

    let me = app
        .get_with_header("/api/workers/me", "x-api-key", &worker)
        .await;
    me.assert_status(200);
    assert_eq!(me.body["role"], "WORKER");

    // A worker key is not a management key (and its 401 says where it belongs)…
    let res = app.get("/api/owners", &worker).await;
    res.assert_problem(401, "UNAUTHENTICATED");
    assert_eq!(res.body["reason"], "WORKER_KEY_AS_BEARER");
    // …X-API-Key is not read outside /api/workers…
    let res = app
        .get_with_header("/api/owners", "x-api-key", &t.owner_key)
        .await;
    res.assert_problem(401, "UNAUTHENTICATED");
    // …and the workers API takes worker keys only, in X-API-Key only.
    let res = app
        .get_with_header("/api/workers/me", "x-api-key", &t.owner_key)
        .await;
    res.assert_problem(403, "FORBIDDEN");
    app.get("/api/workers/me", &worker)
        .await
        .assert_problem(401, "UNAUTHENTICATED");
}

#[tokio::test]
async fn a_known_key_costs_no_argon2() {
    let (app, t) = TestApp::with_tenant("A").await;
    let before = app.services.state.auth.argon2_runs();
    let owners = app.url("/api/owners");
    let requests = (0..20).map(|_| app.client.get(&owners).bearer_auth(&t.owner_key));
    for status in statuses_at_once(requests).await {
        assert_eq!(status, 200);
    }
    for _ in 0..20 {
        app.get("/api/owners", &t.owner_key)
            .await
            .assert_status(200);
    }
    // 40 requests, 20 of them concurrent on a cold cache: one verification.
    assert_eq!(app.services.state.auth.argon2_runs() - before, 1);
}

#[tokio::test]
async fn a_401_says_what_is_wrong_with_the_key_without_telling_ids_apart() {
    let (app, t) = TestApp::with_tenant("A").await;
    let reason = |res: &faireplace_tests::Answer| {
        res.assert_problem(401, "UNAUTHENTICATED");
        res.body["reason"].as_str().unwrap_or_default().to_owned()
    };
    assert_eq!(reason(&app.get("/api/owners", "").await), "MISSING");
    assert_eq!(
        reason(&app.get("/api/owners", "fp_live_nope").await),
        "MALFORMED"
    );
    let basic = app
        .get_with_header(
            "/api/owners",
            "authorization",
            &format!("Basic {}", t.owner_key),
        )
        .await;
    assert_eq!(reason(&basic), "NOT_BEARER");
    // An unknown id and a wrong secret read the same: ids cannot be probed.
    let unknown = ApiToken::from_entropy([3; 12], [4; 32]).expose();
    let res = app.get("/api/owners", &unknown).await;
    assert_eq!(reason(&res), "UNKNOWN");
    let detail = res.body["detail"].clone();
    let real = ApiToken::parse(&t.owner_key).expect("parse");
    let alphabet = "0123456789abcdefghijklmnopqrstuvwxyz";
    let mut id_entropy = [0u8; 12];
    for (slot, c) in id_entropy.iter_mut().zip(real.key_id().chars()) {
        *slot = alphabet.find(c).expect("key id alphabet") as u8;
    }
    let wrong = ApiToken::from_entropy(id_entropy, [7; 32]).expose();
    let res = app.get("/api/owners", &wrong).await;
    assert_eq!(reason(&res), "UNKNOWN");
    assert_eq!(res.body["detail"], detail);
    // A revoked key, with its own secret, is told so.
    let manager = app.key(&t, "MANAGER").await;
    let id = app
        .find_id("/api/api-keys", &t.owner_key, |k| k["role"] == "MANAGER")
        .await;
    app.delete(&format!("/api/api-keys/{id}"), &t.owner_key)
        .await
        .assert_status(204);
    assert_eq!(reason(&app.get("/api/owners", &manager).await), "REVOKED");
    // A worker key belongs in X-API-Key.
    let worker = app.worker_key().await;
    assert_eq!(
        reason(&app.get("/api/owners", &worker).await),
        "WORKER_KEY_AS_BEARER"
    );
}
