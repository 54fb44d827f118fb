//! The HTTP platform: health, problem+json for every kind of error, request ids, docs.

use faireplace_tests::fixtures::call;
use faireplace_tests::{TestApp, person_owner};
use reqwest::Method;
use serde_json::json;

#[tokio::test]
async fn health_and_readiness_need_no_key() {
    let app = TestApp::spawn().await;
    let res = app.get("/api/health", "").await;
    res.assert_status(200);
    assert_eq!(res.body["status"], "ok");
    assert!(res.body["version"].is_string());
    let res = app.get("/api/health/ready", "").await;
    res.assert_status(200);
    assert_eq!(res.body["database"], "ok");
}

#[tokio::test]
async fn readiness_answers_503_when_the_database_is_gone() {
    let app = TestApp::spawn().await;
    // Close the pool: from the server's point of view the database is unreachable.
    app.services.db.pool().close().await;
    let res = app.get("/api/health/ready", "").await;
    res.assert_problem(503, "SERVICE_UNAVAILABLE");
    assert_eq!(res.header("retry-after"), Some("5"));
    // Liveness does not depend on the database.
    app.get("/api/health", "").await.assert_status(200);
}

#[tokio::test]
async fn unknown_routes_and_wrong_methods_are_problems() {
    let (app, t) = TestApp::with_tenant("A").await;
    app.get("/api/nothing-here", &t.owner_key)
        .await
        .assert_problem(404, "NOT_FOUND");
    app.get("/nothing", "")
        .await
        .assert_problem(404, "NOT_FOUND");
    let res = app
        .send(Method::PUT, "/api/health", "", Some(json!({})))
        .await;
    res.assert_problem(405, "METHOD_NOT_ALLOWED");
    assert_eq!(res.header("allow"), Some("GET"));
    let res = app
        .send(
            Method::POST,
            "/api/owners/0190c3a0-0000-7000-8000-000000000000",
            &t.owner_key,
            Some(json!({})),
        )
        .await;
    res.assert_problem(405, "METHOD_NOT_ALLOWED");
    let allow = res.header("allow").expect("allow");
    for m in ["GET", "PUT", "PATCH", "DELETE"] {
        assert!(allow.contains(m), "{allow}");
    }
    // Routes are grouped by their first segment (see `routes::Routes`): a segment written with
    // escapes is the same segment, a path under a known segment but matching none of its routes
    // is a 404, and a route of one segment is not reached under another.
    let owner = app
        .post(
            "/api/owners",
            &t.owner_key,
            json!({"kind": "PERSON", "first_name": "Jeanne", "last_name": "Martin"}),
        )
        .await;
    owner.assert_status(201);
    let id = owner.body["id"].as_str().expect("id").to_owned();
    app.get(&format!("/api/%6Fwners/{id}"), &t.owner_key)
        .await
        .assert_status(200);
    let calls = [
        call::get(&format!("/api/owners/{id}/nothing")),
        call::get(&format!("/api/contacts/{id}/owners")),
    ];
    app.assert_each_problem(&t.owner_key, 404, "NOT_FOUND", calls)
        .await;
}

#[tokio::test]
async fn bad_bodies_are_problems() {
    let (app, t) = TestApp::with_tenant("A").await;
    let url = "/api/owners";

    // Malformed JSON
    let res = app
        .post_raw(url, &t.owner_key, "application/json", "{\"kind\": ")
        .await;
    res.assert_problem(400, "MALFORMED_JSON");

    // Well-formed JSON of the wrong type
    let res = app
        .post("/api/owners", &t.owner_key, json!({"kind": 5}))
        .await;
    res.assert_problem(400, "VALIDATION_ERROR");

    // Not JSON at all
    let res = app.post_raw(url, &t.owner_key, "text/plain", "hello").await;
    res.assert_problem(415, "UNSUPPORTED_MEDIA_TYPE");

    // Over the size limit
    let big = json!({"kind": "PERSON", "first_name": "A", "last_name": "B", "notes": "x".repeat(300 * 1024)});
    let res = app.post("/api/owners", &t.owner_key, big).await;
    res.assert_problem(413, "PAYLOAD_TOO_LARGE");

    // A malformed id in the path
    app.get("/api/owners/not-a-uuid", &t.owner_key)
        .await
        .assert_problem(400, "VALIDATION_ERROR");

    // A malformed query value
    let res = app
        .get("/api/owners?page=abc&limit=500", &t.owner_key)
        .await;
    res.assert_problem(400, "VALIDATION_ERROR");
    assert_eq!(res.error_fields(), ["page", "limit"]);
    let res = app.get("/api/owners?sort=password", &t.owner_key).await;
    res.assert_problem(400, "VALIDATION_ERROR");
    assert_eq!(res.error_fields(), ["sort"]);

    // A field of the wrong type is named, nested or not; a member no route knows is refused.
    let res = app
        .post(
            "/api/leases",
            &t.owner_key,
            json!({"estate_id": 5, "lessees": [{"lessee_id": "x"}]}),
        )
        .await;
    res.assert_problem(400, "VALIDATION_ERROR");
    assert_eq!(res.error_fields(), ["estate_id"]);
    assert!(res.text.contains("invalid type: number"), "{}", res.text);
    let res = app
        .post(
            "/api/leases",
            &t.owner_key,
            json!({"lessees": [{"lessee_id": "not-a-uuid"}]}),
        )
        .await;
    assert_eq!(res.error_fields(), ["lessees[0].lessee_id"]);
    let res = app
        .post(
            "/api/api-keys",
            &t.owner_key,
            json!({"name": "x", "role": "MANAGER", "colour": "red", "scopes": []}),
        )
        .await;
    res.assert_problem(400, "VALIDATION_ERROR");
    assert_eq!(res.error_fields(), ["colour"]);
}

#[tokio::test]
async fn request_ids_are_echoed_or_made() {
    let app = TestApp::spawn().await;
    let res = app
        .get_with_header("/api/health", "x-request-id", "trace-abc-123")
        .await;
    assert_eq!(res.headers["x-request-id"], "trace-abc-123");

    let res = app.get("/api/health", "").await;
    let made = res.header("x-request-id").expect("generated");
    assert!(uuid::Uuid::parse_str(made).is_ok());

    // An unusable id (too long) is replaced, never reflected.
    let res = app
        .client
        .get(app.url("/api/health"))
        .header("x-request-id", "x".repeat(300))
        .send()
        .await
        .expect("sent");
    assert_ne!(res.headers()["x-request-id"].len(), 300);

    // Errors carry it in the body too.
    let res = app.get("/api/owners", "").await;
    res.assert_problem(401, "UNAUTHENTICATED");
}

#[tokio::test]
async fn the_reference_is_served_from_the_binary() {
    let app = TestApp::spawn().await;
    let res = app.get("/api/openapi.json", "").await;
    res.assert_status(200);
    assert_eq!(res.body["openapi"], "3.1.0");
    assert!(res.body["paths"]["/api/owners/{id}"]["get"].is_object());

    let res = app.get("/api/docs", "").await;
    assert_eq!(res.status.as_u16(), 308);
    assert_eq!(res.header("location"), Some("/api/docs/"));
    let page = app.get("/api/docs/", "").await;
    page.assert_status(200);
    // Every script and stylesheet is local: nothing is fetched from a CDN.
    assert!(
        !page.text.contains("https://"),
        "external asset in the docs page"
    );
    for asset in [
        "swagger-ui-bundle.js",
        "swagger-ui.css",
        "swagger-initializer.js",
    ] {
        assert!(page.text.contains(asset), "{asset}");
        app.get(&format!("/api/docs/{asset}"), "")
            .await
            .assert_status(200);
    }
}

#[tokio::test]
async fn the_committed_openapi_document_is_current() {
    let committed = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../openapi/openapi.json"
    ))
    .expect("openapi/openapi.json is committed");
    let current = faireplace_http::openapi_json();
    assert!(
        committed.trim_end() == current.trim_end(),
        "openapi/openapi.json is stale: run `cargo run -p faireplace-server -- openapi > openapi/openapi.json`"
    );
}

#[tokio::test]
async fn every_route_documents_its_errors_and_security() {
    let api: serde_json::Value =
        serde_json::from_str(&faireplace_http::openapi_json()).expect("json");
    let paths = api["paths"].as_object().expect("paths");
    assert!(paths.len() >= 8);
    for (path, item) in paths {
        for (method, op) in item.as_object().expect("item") {
            let public = path.starts_with("/api/health");
            // Stripe signs its webhook: no key, so no 401, but a security entry saying so.
            let signed = path.starts_with("/api/webhooks/");
            let responses = op["responses"].as_object().expect("responses");
            if !public && !signed {
                assert!(responses.contains_key("401"), "{method} {path} lacks 401");
            }
            if !public {
                assert!(op["security"].is_array(), "{method} {path} lacks security");
            }
            assert!(op["tags"].is_array(), "{method} {path} lacks a tag");
            assert!(
                op["description"].is_string() || op["summary"].is_string(),
                "{method} {path} lacks a description"
            );
        }
    }
    let _ = person_owner("a", "b");
}

#[tokio::test]
async fn operation_ids_are_unique() {
    let api: serde_json::Value =
        serde_json::from_str(&faireplace_http::openapi_json()).expect("json");
    let mut seen = std::collections::HashSet::new();
    for (path, item) in api["paths"].as_object().expect("paths") {
        for (method, op) in item.as_object().expect("item") {
            let id = op["operationId"].as_str().expect("operationId");
            assert!(
                seen.insert(id.to_owned()),
                "{method} {path}: operationId {id} is used twice"
            );
        }
    }
}

#[tokio::test]
async fn each_key_has_its_quota_with_headers_and_a_429_past_it() {
    let app = TestApp::spawn_with(|c| {
        c.rate_limit = Some(faireplace_http::rate_limit::RateLimitSettings {
            per_minute: std::num::NonZeroU32::new(6).expect("6"),
            burst: std::num::NonZeroU32::new(3).expect("3"),
        });
    })
    .await;
    let a = app.tenant("A").await;
    let b = app.tenant("B").await;
    for remaining in ["2", "1", "0"] {
        let res = app.get("/api/owners", &a.owner_key).await;
        res.assert_status(200);
        assert_eq!(res.header("x-ratelimit-limit"), Some("3"));
        assert_eq!(res.header("x-ratelimit-remaining"), Some(remaining));
        let reset: u64 = res
            .header("x-ratelimit-reset")
            .expect("reset")
            .parse()
            .expect("seconds");
        assert!(reset <= 30, "{reset}");
    }
    let res = app.get("/api/owners", &a.owner_key).await;
    res.assert_problem(429, "RATE_LIMITED");
    let wait = res.retry_after();
    assert!((1..=10).contains(&wait), "{wait}");
    assert_eq!(res.header("x-ratelimit-remaining"), Some("0"));
    // Another key is not affected; an unknown key spends nothing (401 before any quota).
    let other = app.get("/api/owners", &b.owner_key).await;
    other.assert_status(200);
    assert_eq!(other.header("x-ratelimit-remaining"), Some("2"));
    let bad = app.get("/api/owners", "fp_live_nope_nope").await;
    bad.assert_problem(401, "UNAUTHENTICATED");
    assert!(bad.header("x-ratelimit-remaining").is_none());
    // Health needs no key and has no quota.
    let health = app.get("/api/health", "").await;
    health.assert_status(200);
    assert!(health.header("x-ratelimit-limit").is_none());
}
