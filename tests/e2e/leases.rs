//! Leases over HTTP: parties, the type's rules, overlaps, statuses, the estate's status, rent
//! history, the lessee portal and the yearly revision by the IRL.

use faireplace_tests::fixtures::call;
use faireplace_tests::fixtures::merged;
use faireplace_tests::{Answer, TestApp, TestTenant, statuses_at_once};
use serde_json::{Value, json};

/// A tenant with an owner, an estate, two lessees and a guarantor, and the lease types by code.
struct World {
    t: TestTenant,
    estate: String,
    lessees: [String; 2],
    guarantor: String,
    types: Value,
}

impl World {
    fn key(&self) -> &str {
        &self.t.owner_key
    }

    fn kind(&self, code: &str) -> String {
        self.types[code].as_str().expect("type").to_owned()
    }

    /// An UNFURNISHED lease body on the world's estate, from 2026-01-01, 850.50 + 50.
    fn lease(&self, extra: Value) -> Value {
        let body = json!({
            "estate_id": self.estate,
            "lease_type_id": self.kind("UNFURNISHED"),
            "lessees": [{"lessee_id": self.lessees[0]}],
            "start_date": "2026-01-01",
            "rent_amount": 850.5,
            "charges_amount": 50,
            "deposit_amount": 850.5,
        });
        merged(body, extra)
    }
}

/// An estate with an address of its own, 42 m².
async fn estate(app: &TestApp, key: &str) -> String {
    let address = json!({"street": "3 rue des Lilas", "postal_code": "69003", "city": "Lyon"});
    app.estate(key).surface(42).address(address).id().await
}

async fn world(app: &TestApp, name: &str) -> World {
    let t = app.tenant(name).await;
    let k = t.owner_key.clone();
    let estate = estate(app, &k).await;
    let lessees = [
        app.lessee(&k).named("Léa", "Bernard").id().await,
        app.lessee(&k).named("Hugo", "Petit").id().await,
    ];
    World {
        estate,
        lessees,
        guarantor: app.contact(&k).id().await,
        types: app.ids_by_code("/api/lease-types?limit=100", &k).await,
        t,
    }
}

async fn create(app: &TestApp, w: &World, extra: Value) -> Answer {
    app.post("/api/leases", w.key(), w.lease(extra)).await
}

fn id(res: &Answer) -> String {
    res.body["id"].as_str().expect("id").to_owned()
}

async fn estate_status(app: &TestApp, w: &World) -> String {
    let res = app
        .get(&format!("/api/estates/{}", w.estate), w.key())
        .await;
    res.body["status"].as_str().expect("status").to_owned()
}

#[tokio::test]
async fn a_lease_is_created_with_its_parties_and_the_type_s_defaults() {
    let app = TestApp::spawn().await;
    let w = world(&app, "A").await;
    let res = create(
        &app,
        &w,
        json!({
            "lessees": [{"lessee_id": w.lessees[1]}, {"lessee_id": w.lessees[0]}],
            "guarantor_ids": [w.guarantor],
            "irl_reference_quarter": "2025-Q2",
            "payment_day": 5,
            "special_clauses": "Pets allowed.\nNo smoking.",
        }),
    )
    .await;
    res.assert_status(201);
    let lease = id(&res);
    assert_eq!(
        res.header("location"),
        Some(format!("/api/leases/{lease}").as_str())
    );
    let b = &res.body;
    assert_eq!(
        b["end_date"], "2028-12-31",
        "3 years, the day before the anniversary"
    );
    assert_eq!(b["status"], "DRAFT");
    assert_eq!(b["charges_mode"], "PROVISION");
    assert_eq!(b["has_revision_clause"], true);
    assert_eq!(b["rent_amount"], 850.5);
    assert_eq!(b["payment_day"], 5);
    assert_eq!(
        b["lessees"],
        json!([{"lessee_id": w.lessees[1]}, {"lessee_id": w.lessees[0]}]),
        "co-lessees in the order given"
    );
    assert_eq!(b["guarantor_ids"], json!([w.guarantor]));
    assert!(b.get("change_comment").is_none(), "write-only");
    let read = app.get(&format!("/api/leases/{lease}"), w.key()).await;
    read.assert_status(200);
    assert_eq!(&read.body, b);

    // A second lease, a FURNISHED one, to filter.
    let other_estate = estate(&app, w.key()).await;
    let res = create(
        &app,
        &w,
        json!({"estate_id": other_estate, "lease_type_id": w.kind("FURNISHED"),
               "start_date": "2026-02-01", "deposit_amount": 1701, "status": "ACTIVE"}),
    )
    .await;
    res.assert_status(201);
    assert_eq!(res.body["end_date"], "2027-01-31");
    let furnished = id(&res);

    let list = |q: String| {
        let app = &app;
        let key = w.key().to_owned();
        async move {
            let res = app.get(&format!("/api/leases{q}"), &key).await;
            res.assert_status(200);
            res.body["data"]
                .as_array()
                .expect("data")
                .iter()
                .map(|l| l["id"].as_str().expect("id").to_owned())
                .collect::<Vec<_>>()
        }
    };
    assert_eq!(
        list(String::new()).await,
        [furnished.clone(), lease.clone()],
        "newest start first"
    );
    assert_eq!(
        list(format!("?estate_id={}", w.estate)).await,
        vec![lease.clone()]
    );
    assert_eq!(
        list(format!("?lessee_id={}", w.lessees[1])).await,
        vec![lease.clone()]
    );
    assert_eq!(list("?status=ACTIVE".into()).await, vec![furnished.clone()]);
    assert_eq!(
        list(format!("?lease_type_id={}", w.kind("FURNISHED"))).await,
        vec![furnished.clone()]
    );
    assert_eq!(list("?search=peti".into()).await, vec![lease.clone()]);
    assert_eq!(list("?sort=rent_amount&limit=1".into()).await.len(), 1);
    let calls = [
        call::get("/api/leases?status=SIGNED"),
        call::get("/api/leases?lessee_id=nope"),
    ];
    app.assert_each_problem(w.key(), 400, "VALIDATION_ERROR", calls)
        .await;
}

#[tokio::test]
async fn a_lease_s_type_is_named_by_id_or_by_code() {
    let app = TestApp::spawn().await;
    let w = world(&app, "A").await;
    let by_code = |code: &str| {
        let mut body = w.lease(json!({"lease_type_code": code}));
        body.as_object_mut()
            .expect("object")
            .remove("lease_type_id");
        body
    };
    let res = app
        .post("/api/leases", w.key(), by_code("UNFURNISHED"))
        .await;
    res.assert_status(201);
    assert_eq!(res.body["lease_type_id"], w.kind("UNFURNISHED"));
    let both = w.lease(json!({"lease_type_code": "UNFURNISHED"}));
    let err = app.post("/api/leases", w.key(), both).await;
    err.assert_problem(400, "VALIDATION_ERROR");
    assert_eq!(err.error_fields(), ["lease_type_id", "lease_type_code"]);
    let err = app.post("/api/leases", w.key(), by_code("CASTLE")).await;
    assert_eq!(err.error_fields(), ["lease_type_code"]);
    // A code is read as types are stored: trimmed, upper-cased.
    let seasonal = app
        .post("/api/leases", w.key(), by_code(" unfurnished"))
        .await;
    seasonal.assert_status(201);
    assert_eq!(seasonal.body["lease_type_id"], w.kind("UNFURNISHED"));
    // Every invalid field at once, the code's among them.
    let mut bad = by_code("castle");
    bad["rent_amount"] = json!(-1);
    let err = app.post("/api/leases", w.key(), bad).await;
    assert_eq!(err.error_fields(), ["lease_type_code", "rent_amount"]);
    let mut neither = by_code("UNFURNISHED");
    neither
        .as_object_mut()
        .expect("object")
        .remove("lease_type_code");
    let err = app.post("/api/leases", w.key(), neither).await;
    assert_eq!(err.error_fields(), ["lease_type_id"]);
    assert_eq!(
        err.body["errors"][0]["message"],
        "is required (or lease_type_code)"
    );
    // A merge patch naming the code replaces the type.
    let url = format!("/api/leases/{}", id(&res));
    let patch = json!({"lease_type_code": "FURNISHED", "deposit_amount": 1701});
    let furnished = app.patch(&url, w.key(), patch).await;
    furnished.assert_status(200);
    assert_eq!(furnished.body["lease_type_id"], w.kind("FURNISHED"));
}

#[tokio::test]
async fn the_type_s_caps_and_bounds_are_enforced() {
    let app = TestApp::spawn().await;
    let w = world(&app, "A").await;
    // Unfurnished: one month of rent excluding charges, the cap in the message.
    let res = create(&app, &w, json!({"deposit_amount": 850.51})).await;
    res.assert_problem(400, "VALIDATION_ERROR");
    assert_eq!(res.error_fields(), ["deposit_amount"]);
    assert!(res.text.contains("850.5"), "{}", res.text);
    // Furnished: two months.
    create(
        &app,
        &w,
        json!({"lease_type_id": w.kind("FURNISHED"), "deposit_amount": 1701.01}),
    )
    .await
    .assert_problem(400, "VALIDATION_ERROR");
    // Mobility: none, and 1 to 10 months.
    let res = create(
        &app,
        &w,
        json!({"lease_type_id": w.kind("MOBILITY"), "deposit_amount": 1, "end_date": "2026-12-31"}),
    )
    .await;
    res.assert_problem(400, "VALIDATION_ERROR");
    assert_eq!(res.error_fields(), ["end_date", "deposit_amount"]);
    // Student: nine months exactly.
    let res = create(
        &app,
        &w,
        json!({"lease_type_id": w.kind("STUDENT"), "deposit_amount": 0, "start_date": "2026-09-01", "end_date": "2027-08-31"}),
    )
    .await;
    assert_eq!(res.error_fields(), ["end_date"]);
    create(
        &app,
        &w,
        json!({"lease_type_id": w.kind("STUDENT"), "deposit_amount": 0, "start_date": "2026-09-01"}),
    )
    .await
    .assert_status(201);
    // Unfurnished: at least three years.
    let res = create(&app, &w, json!({"end_date": "2027-12-31"})).await;
    assert_eq!(res.error_fields(), ["end_date"]);
    assert!(res.text.contains("at least 36 months"), "{}", res.text);
    // Mobility allows no revision clause.
    let res = create(
        &app,
        &w,
        json!({"lease_type_id": w.kind("MOBILITY"), "deposit_amount": 0, "has_revision_clause": true}),
    )
    .await;
    assert_eq!(res.error_fields(), ["has_revision_clause"]);
    // Shapes.
    let res = create(
        &app,
        &w,
        json!({"rent_amount": 850.555, "payment_day": 29, "charges_mode": "MONTHLY",
               "irl_reference_quarter": "2025-Q5", "lessees": []}),
    )
    .await;
    res.assert_problem(400, "VALIDATION_ERROR");
    let mut fields = res.error_fields();
    fields.sort();
    assert_eq!(
        fields,
        [
            "charges_mode",
            "irl_reference_quarter",
            "lessees",
            "payment_day",
            "rent_amount"
        ]
    );
    // References.
    let nobody = uuid::Uuid::now_v7().to_string();
    let res = create(&app, &w, json!({"lessees": [{"lessee_id": nobody}]})).await;
    assert_eq!(res.error_fields(), ["lessees"]);
    let agent = app
        .contact(w.key())
        .kind("AGENT")
        .company("Agence du Parc")
        .post()
        .await;
    let res = create(&app, &w, json!({"guarantor_ids": [agent.body["id"]]})).await;
    assert_eq!(res.error_fields(), ["guarantor_ids"]);
    let res = create(&app, &w, json!({"estate_id": nobody})).await;
    assert_eq!(res.error_fields(), ["estate_id"]);
    let res = create(&app, &w, json!({"lease_type_id": nobody})).await;
    assert_eq!(res.error_fields(), ["lease_type_id"]);
    let res = create(&app, &w, json!({"status": "TERMINATED"})).await;
    assert_eq!(res.error_fields(), ["status"]);
}

#[tokio::test]
async fn leases_holding_an_estate_never_overlap_even_when_created_together() {
    let app = TestApp::spawn().await;
    let w = world(&app, "A").await;
    create(&app, &w, json!({"status": "PENDING_SIGNATURE"}))
        .await
        .assert_status(201);
    // Overlapping dates: a draft may be prepared, but not a second lease held for signature.
    create(&app, &w, json!({"start_date": "2027-06-01"}))
        .await
        .assert_status(201);
    let res = create(
        &app,
        &w,
        json!({"start_date": "2027-06-01", "status": "ACTIVE"}),
    )
    .await;
    res.assert_problem(409, "CONFLICT");
    // The day after the end is free.
    create(
        &app,
        &w,
        json!({"start_date": "2029-01-01", "status": "PENDING_SIGNATURE"}),
    )
    .await
    .assert_status(201);

    // A draft that would overlap cannot be sent for signature.
    let draft = id(&create(&app, &w, json!({"start_date": "2028-01-01"})).await);
    app.patch(
        &format!("/api/leases/{draft}"),
        w.key(),
        json!({"status": "PENDING_SIGNATURE"}),
    )
    .await
    .assert_problem(409, "CONFLICT");
    // A lease moved to another estate frees the first one.
    let active = id(&create(
        &app,
        &w,
        json!({"start_date": "2040-01-01", "status": "ACTIVE"}),
    )
    .await);
    assert_eq!(estate_status(&app, &w).await, "OCCUPIED");
    let elsewhere = estate(&app, w.key()).await;
    app.patch(
        &format!("/api/leases/{active}"),
        w.key(),
        json!({"estate_id": elsewhere}),
    )
    .await
    .assert_status(200);
    assert_eq!(estate_status(&app, &w).await, "VACANT");
    let moved = app.get(&format!("/api/estates/{elsewhere}"), w.key()).await;
    assert_eq!(moved.body["status"], "OCCUPIED");

    // Sixteen creations at once on a fresh estate: exactly one wins.
    let other = estate(&app, w.key()).await;
    let body = w.lease(json!({"estate_id": other, "status": "ACTIVE"}));
    let url = app.url("/api/leases");
    let requests = (0..16).map(|_| app.client.post(&url).bearer_auth(w.key()).json(&body));
    let statuses = statuses_at_once(requests).await;
    let created = statuses.iter().filter(|s| **s == 201).count();
    let conflicts = statuses.iter().filter(|s| **s == 409).count();
    assert_eq!((created, conflicts), (1, 15), "{statuses:?}");
    let res = app
        .get(&format!("/api/leases?estate_id={other}"), w.key())
        .await;
    assert_eq!(res.body["pagination"]["total"], 1);
}

#[tokio::test]
async fn statuses_move_one_step_at_a_time_and_the_estate_follows() {
    let app = TestApp::spawn().await;
    let w = world(&app, "A").await;
    let lease = id(&create(&app, &w, json!({})).await);
    let url = format!("/api/leases/{lease}");
    let to = |status: &'static str| json!({"status": status});
    app.patch(&url, w.key(), to("ACTIVE"))
        .await
        .assert_problem(409, "CONFLICT");
    assert_eq!(estate_status(&app, &w).await, "VACANT");
    app.patch(&url, w.key(), to("PENDING_SIGNATURE"))
        .await
        .assert_status(200);
    assert_eq!(estate_status(&app, &w).await, "VACANT");
    app.patch(&url, w.key(), to("DRAFT"))
        .await
        .assert_problem(409, "CONFLICT");
    app.patch(&url, w.key(), to("ACTIVE"))
        .await
        .assert_status(200);
    assert_eq!(estate_status(&app, &w).await, "OCCUPIED");
    // A client's PUT of the estate keeps what the leases say.
    let estate_url = format!("/api/estates/{}", w.estate);
    app.patch(&estate_url, w.key(), json!({"surface_m2": 43}))
        .await
        .assert_status(200);
    assert_eq!(estate_status(&app, &w).await, "OCCUPIED");
    app.patch(&url, w.key(), to("NOTICE_GIVEN"))
        .await
        .assert_status(200);
    assert_eq!(estate_status(&app, &w).await, "OCCUPIED");
    app.delete(&url, w.key())
        .await
        .assert_problem(409, "CONFLICT");
    // Under notice the end date moves earlier only, to the notice's end; until then the lease
    // holds the estate, and the next lessee may sign for the days after.
    app.patch(&url, w.key(), json!({"end_date": "2029-01-31"}))
        .await
        .assert_problem(409, "CONFLICT");
    let parking = |start: &str, end: &str| {
        json!({"lease_type_id": w.kind("PARKING"), "start_date": start, "end_date": end,
               "deposit_amount": 0, "status": "PENDING_SIGNATURE"})
    };
    create(&app, &w, parking("2027-07-01", "2027-07-31"))
        .await
        .assert_problem(409, "CONFLICT");
    app.patch(&url, w.key(), json!({"end_date": "2027-06-14"}))
        .await
        .assert_status(200);
    create(&app, &w, parking("2027-06-01", "2027-06-30"))
        .await
        .assert_problem(409, "CONFLICT");
    create(&app, &w, parking("2027-06-15", "2027-07-14"))
        .await
        .assert_status(201);
    app.patch(&url, w.key(), to("TERMINATED"))
        .await
        .assert_status(200);
    assert_eq!(estate_status(&app, &w).await, "VACANT");
    let res = app.patch(&url, w.key(), json!({"payment_day": 3})).await;
    res.assert_problem(409, "CONFLICT");
    assert!(res.text.contains("TERMINATED"), "{}", res.text);

    // A draft is deleted; nothing else is.
    let draft = id(&create(&app, &w, json!({"start_date": "2030-01-01"})).await);
    app.delete(&format!("/api/leases/{draft}"), w.key())
        .await
        .assert_status(204);
    app.get(&format!("/api/leases/{draft}"), w.key())
        .await
        .assert_problem(404, "NOT_FOUND");
}

#[tokio::test]
async fn lessees_estates_and_types_on_a_lease_cannot_be_deleted() {
    let app = TestApp::spawn().await;
    let w = world(&app, "A").await;
    let own = app
        .post(
            "/api/lease-types",
            w.key(),
            json!({"code": "GARAGE_BOX", "name": "Box", "default_duration_months": 12,
                   "min_duration_months": 1, "lessee_notice_months": 1, "owner_notice_months": 1}),
        )
        .await;
    own.assert_status(201);
    create(
        &app,
        &w,
        json!({"lease_type_id": own.body["id"], "deposit_amount": 2000,
               "guarantor_ids": [w.guarantor]}),
    )
    .await
    .assert_status(201);
    for url in [
        format!("/api/lessees/{}", w.lessees[0]),
        format!("/api/estates/{}", w.estate),
        format!("/api/lease-types/{}", own.body["id"].as_str().expect("id")),
        format!("/api/contacts/{}", w.guarantor),
    ] {
        app.delete(&url, w.key())
            .await
            .assert_problem(409, "CONFLICT");
    }
    // A lessee on no lease still goes.
    app.delete(&format!("/api/lessees/{}", w.lessees[1]), w.key())
        .await
        .assert_status(204);
}

#[tokio::test]
async fn every_change_of_rent_or_charges_is_in_the_rent_history() {
    let app = TestApp::spawn().await;
    let w = world(&app, "A").await;
    let lease = id(&create(&app, &w, json!({"status": "ACTIVE"})).await);
    let url = format!("/api/leases/{lease}");
    app.patch(
        &url,
        w.key(),
        json!({"rent_amount": 870, "change_comment": "works done in the kitchen",
               "change_effective_date": "2026-04-01"}),
    )
    .await
    .assert_status(200);
    app.patch(&url, w.key(), json!({"special_clauses": "No pets."}))
        .await
        .assert_status(200);
    app.patch(&url, w.key(), json!({"charges_amount": 65.2}))
        .await
        .assert_status(200);
    let res = app
        .get(&format!("/api/leases/{lease}/rent-history"), w.key())
        .await;
    res.assert_status(200);
    let h = res.body["data"].as_array().expect("history");
    assert_eq!(h.len(), 3, "{}", res.text);
    assert_eq!(
        (
            &h[0]["reason"],
            &h[0]["rent_amount"],
            &h[0]["charges_amount"],
            &h[0]["effective_date"]
        ),
        (
            &json!("INITIAL"),
            &json!(850.5),
            &json!(50),
            &json!("2026-01-01")
        )
    );
    assert_eq!(h[0]["previous_rent_amount"], Value::Null);
    assert_eq!(
        (
            &h[1]["reason"],
            &h[1]["rent_amount"],
            &h[1]["previous_rent_amount"],
            &h[1]["effective_date"]
        ),
        (
            &json!("CHANGE"),
            &json!(870),
            &json!(850.5),
            &json!("2026-04-01")
        )
    );
    assert_eq!(h[1]["comment"], "works done in the kitchen");
    assert_eq!(
        (
            &h[2]["charges_amount"],
            &h[2]["previous_charges_amount"],
            &h[2]["rent_amount"]
        ),
        (&json!(65.2), &json!(50), &json!(870))
    );
}

#[tokio::test]
async fn a_lessee_sees_only_the_leases_they_are_party_to() {
    let app = TestApp::spawn().await;
    let w = world(&app, "A").await;
    let (key, me) = app.lessee_key(&w.t, &["lessee:leases:read"]).await;
    let mine = id(&create(
        &app,
        &w,
        json!({"lessees": [{"lessee_id": w.lessees[0]}, {"lessee_id": me}]}),
    )
    .await);
    let theirs = id(&create(&app, &w, json!({"start_date": "2030-01-01"})).await);
    let res = app.get("/api/lessee/leases", &key).await;
    res.assert_status(200);
    assert_eq!(res.body["pagination"]["total"], 1);
    assert_eq!(res.body["data"][0]["id"], mine.as_str());
    app.get(&format!("/api/lessee/leases/{mine}"), &key)
        .await
        .assert_status(200);
    app.get(&format!("/api/lessee/leases/{theirs}"), &key)
        .await
        .assert_problem(404, "NOT_FOUND");
    // Without the scope, with another role, or on the management routes: 403.
    let (unscoped, _) = app.lessee_key(&w.t, &["lessee:leases:sign"]).await;
    app.get("/api/lessee/leases", &unscoped)
        .await
        .assert_problem(403, "FORBIDDEN");
    app.get("/api/lessee/leases", w.key())
        .await
        .assert_problem(403, "FORBIDDEN");
    app.get(&format!("/api/leases/{mine}"), &key)
        .await
        .assert_problem(403, "FORBIDDEN");
    // Another tenant's lessee: 404 for every lease here.
    let other = app.tenant("B").await;
    let (foreign, _) = app.lessee_key(&other, &["lessee:leases:read"]).await;
    app.get(&format!("/api/lessee/leases/{mine}"), &foreign)
        .await
        .assert_problem(404, "NOT_FOUND");
    assert_eq!(
        app.get("/api/lessee/leases", &foreign).await.body["pagination"]["total"],
        0
    );
}

/// The worked example of DOMAIN.md: 600.00 × 145.17 / 140.59 = 619.55, with 2024-Q2 over
/// 2023-Q2 for a lease whose anniversary is 1 August (a preview may simulate any claim date).
#[tokio::test]
async fn the_worked_example_is_previewed() {
    let app = TestApp::spawn().await;
    let w = world(&app, "A").await;
    let lease = id(&create(
        &app,
        &w,
        json!({"start_date": "2023-08-01", "rent_amount": 600, "deposit_amount": 600,
               "irl_reference_quarter": "2023-Q2", "status": "ACTIVE"}),
    )
    .await);
    let preview = format!("/api/leases/{lease}/rent-revision/preview");
    let res = app
        .post(&preview, w.key(), json!({"as_of": "2024-08-10"}))
        .await;
    res.assert_status(200);
    assert_eq!(
        res.body,
        json!({"current_rent": 600, "reference": {"quarter": "2023-Q2", "value": 140.59},
               "new_index": {"quarter": "2024-Q2", "value": 145.17}, "new_rent": 619.55,
               "revision_date": "2024-08-01", "effective_date": "2024-08-10",
               "allowed": true, "blocked_reason": null, "applied": false})
    );
    // The next year's revision compares 2025-Q2 with 2024-Q2.
    let res = app
        .post(&preview, w.key(), json!({"as_of": "2025-08-01"}))
        .await;
    assert_eq!(res.body["reference"]["quarter"], "2024-Q2");
    assert_eq!(res.body["new_index"]["quarter"], "2025-Q2");
    // Applying is today's claim: a back-dated one cannot revive a lost year.
    app.post(
        &format!("/api/leases/{lease}/rent-revision"),
        w.key(),
        json!({"as_of": "2024-08-10"}),
    )
    .await
    .assert_problem(400, "VALIDATION_ERROR");
}

/// Makes sure the IRL has `quarter` (adding `value` when the shipped series lacks it).
async fn ensure_index(app: &TestApp, quarter: &str, value: &str) {
    let _ = app
        .services
        .state
        .rent_regulation
        .add_index("IRL", quarter, value, None)
        .await;
}

/// A revision applied today: the lease's revision date fell ten days ago or so, relative to
/// the real clock, and the quarters it needs are made present.
#[tokio::test]
async fn the_rent_is_revised_by_the_irl_once_a_year() {
    use chrono::{Datelike, Months};
    let app = TestApp::spawn().await;
    let w = world(&app, "A").await;
    let today = chrono::Utc::now().date_naive();
    let mut due = today - chrono::Days::new(10);
    if due.day() > 28 {
        due = due.with_day(28).expect("day");
    }
    let start = due.checked_sub_months(Months::new(12)).expect("start");
    // Q1 of the latest year whose first quarter ended before the revision date.
    let q1_end = chrono::NaiveDate::from_ymd_opt(due.year(), 3, 31).expect("date");
    let year = if q1_end < due {
        due.year()
    } else {
        due.year() - 1
    };
    ensure_index(&app, &format!("{year}-Q1"), "150.00").await;
    ensure_index(&app, &format!("{}-Q1", year - 1), "140.00").await;
    let lease = id(&create(
        &app,
        &w,
        json!({"start_date": start, "rent_amount": 700, "deposit_amount": 700,
               "irl_reference_quarter": "2020-Q1", "status": "ACTIVE"}),
    )
    .await);
    let preview = format!("/api/leases/{lease}/rent-revision/preview");
    let apply = format!("/api/leases/{lease}/rent-revision");
    let res = app.post(&preview, w.key(), json!({})).await;
    res.assert_status(200);
    assert_eq!(res.body["revision_date"], json!(due));
    assert_eq!(res.body["new_index"]["quarter"], format!("{year}-Q1"));
    assert_eq!(res.body["allowed"], true, "{}", res.text);
    let new_rent = res.body["new_rent"].clone();
    let res = app.post(&apply, w.key(), json!({})).await;
    res.assert_status(200);
    assert_eq!(res.body["applied"], true);
    assert_eq!(res.body["effective_date"], json!(today), "from the claim");
    let read = app.get(&format!("/api/leases/{lease}"), w.key()).await;
    assert_eq!(read.body["rent_amount"], new_rent);
    let history = app
        .get(&format!("/api/leases/{lease}/rent-history"), w.key())
        .await;
    let last = &history.body["data"][1];
    assert_eq!(
        (
            &last["reason"],
            &last["rent_amount"],
            &last["previous_rent_amount"],
            &last["effective_date"]
        ),
        (
            &json!("INDEX_REVISION"),
            &new_rent,
            &json!(700),
            &json!(today)
        )
    );
    // Once a year.
    let res = app.post(&preview, w.key(), json!({})).await;
    assert_eq!(res.body["blocked_reason"], "ALREADY_REVISED");
    assert_eq!(res.body["allowed"], false);
    app.post(&apply, w.key(), json!({}))
        .await
        .assert_problem(409, "ALREADY_REVISED");

    // A lease three years old claims its first revision, two years late: lost.
    let old_start = start.checked_sub_months(Months::new(24)).expect("start");
    let first = old_start
        .checked_add_months(Months::new(12))
        .expect("first");
    let other = estate(&app, w.key()).await;
    let old = id(&create(
        &app,
        &w,
        json!({"estate_id": other, "start_date": old_start, "rent_amount": 700,
               "deposit_amount": 700, "irl_reference_quarter": "2020-Q1", "status": "ACTIVE"}),
    )
    .await);
    app.post(
        &format!("/api/leases/{old}/rent-revision"),
        w.key(),
        json!({"revision_date": first}),
    )
    .await
    .assert_problem(409, "TOO_LATE");
}

/// An ACTIVE lease from 2023-08-01 at 600.00, on an estate of its own: (lease, estate).
async fn revisable(app: &TestApp, w: &World, extra: Value) -> (String, String) {
    let estate = estate(app, w.key()).await;
    let mut body = json!({"estate_id": estate, "start_date": "2023-08-01", "rent_amount": 600,
                          "deposit_amount": 600, "status": "ACTIVE"});
    for (k, v) in extra.as_object().expect("object") {
        body[k] = v.clone();
    }
    let res = create(app, w, body).await;
    res.assert_status(201);
    (id(&res), estate)
}

#[tokio::test]
async fn every_blocked_reason_is_reported() {
    let app = TestApp::spawn().await;
    let w = world(&app, "A").await;
    let preview = |lease: &str, body: Value| {
        let url = format!("/api/leases/{lease}/rent-revision/preview");
        let app = &app;
        let key = w.key().to_owned();
        async move { app.post(&url, &key, body).await }
    };

    let (no_clause, _) = revisable(&app, &w, json!({"has_revision_clause": false})).await;
    let res = preview(&no_clause, json!({"as_of": "2024-08-10"})).await;
    assert_eq!(res.body["blocked_reason"], "NO_REVISION_CLAUSE");
    assert_eq!(res.body["new_rent"], 619.55, "the figures are still shown");
    app.post(
        &format!("/api/leases/{no_clause}/rent-revision"),
        w.key(),
        json!({}),
    )
    .await
    .assert_problem(409, "NO_REVISION_CLAUSE");

    let (rated_f, estate_f) = revisable(&app, &w, json!({})).await;
    app.post(
        &format!("/api/estates/{estate_f}/energy-diagnoses"),
        w.key(),
        json!({"energy_class": "F", "ghg_class": "F", "energy_kwh_m2_year": 400,
               "ghg_kg_m2_year": 80, "performed_on": "2023-01-10"}),
    )
    .await
    .assert_status(201);
    let res = preview(&rated_f, json!({"as_of": "2024-08-10"})).await;
    assert_eq!(res.body["blocked_reason"], "ENERGY_CLASS_F_G");

    // No reference quarter named: the last published on 2023-08-01 is 2023-Q2 (13 July).
    let (plain, _) = revisable(&app, &w, json!({})).await;
    let res = preview(&plain, json!({"as_of": "2024-08-10"})).await;
    assert_eq!(res.body["reference"]["quarter"], "2023-Q2");
    assert_eq!(res.body["new_rent"], 619.55);
    // 2026-Q2 is not in the series yet.
    let res = preview(&plain, json!({"as_of": "2026-08-10"})).await;
    assert_eq!(res.body["blocked_reason"], "INDEX_NOT_PUBLISHED");
    assert_eq!(res.body["new_index"], Value::Null);
    // The 2024 revision claimed in September 2025: lost.
    let res = preview(
        &plain,
        json!({"as_of": "2025-09-01", "revision_date": "2024-08-01"}),
    )
    .await;
    assert_eq!(res.body["blocked_reason"], "TOO_LATE");
    preview(
        &plain,
        json!({"as_of": "2025-09-01", "revision_date": "2024-08-02"}),
    )
    .await
    .assert_problem(400, "VALIDATION_ERROR");
    // Before the first anniversary, nothing is due.
    preview(&plain, json!({"as_of": "2024-07-31"}))
        .await
        .assert_problem(409, "REVISION_NOT_DUE");
    // An empty body is today's claim; a malformed one is refused.
    let res = app
        .send(
            reqwest::Method::POST,
            &format!("/api/leases/{plain}/rent-revision/preview"),
            w.key(),
            None,
        )
        .await;
    res.assert_status(200);
    preview(&plain, json!({"as_of": "yesterday"}))
        .await
        .assert_problem(400, "MALFORMED_JSON");
    let res = app
        .post_raw(
            &format!("/api/leases/{plain}/rent-revision/preview"),
            w.key(),
            "text/plain",
            "as_of=2024-08-10",
        )
        .await;
    res.assert_problem(415, "UNSUPPORTED_MEDIA_TYPE");
    // The caller is checked before the body: an unknown key is 401, a lessee's key 403.
    let (lessee, _) = app.lessee_key(&w.t, &["lessee:leases:read"]).await;
    let callers = [
        ("fp_unknown", 401, "UNAUTHENTICATED"),
        (lessee.as_str(), 403, "FORBIDDEN"),
    ];
    for route in ["rent-revision/preview", "rent-revision"] {
        let url = format!("/api/leases/{plain}/{route}");
        for (key, status, code) in callers {
            for (content_type, body) in [("text/plain", "as_of=x"), ("application/json", "{")] {
                app.post_raw(&url, key, content_type, body)
                    .await
                    .assert_problem(status, code);
            }
        }
    }
    // Only an active lease (or one under notice) is revised.
    let (draft, _) = revisable(&app, &w, json!({"status": "DRAFT"})).await;
    preview(&draft, json!({"as_of": "2024-08-10"}))
        .await
        .assert_problem(409, "CONFLICT");
    // A claim is never dated ahead.
    app.post(
        &format!("/api/leases/{plain}/rent-revision"),
        w.key(),
        json!({"as_of": "2999-01-01"}),
    )
    .await
    .assert_problem(400, "VALIDATION_ERROR");
}

#[tokio::test]
async fn another_tenant_s_leases_and_parties_are_out_of_reach() {
    // Every route naming one of A's leases answers B 404: the isolation sweep checks them all.
    let app = TestApp::spawn().await;
    let a = world(&app, "A").await;
    let lease = id(&create(&app, &a, json!({"status": "ACTIVE"})).await);
    let b = world(&app, "B").await;
    let k = b.key();
    let item = format!("/api/leases/{lease}");
    assert_eq!(
        app.get("/api/leases", k).await.body["pagination"]["total"],
        0
    );
    // Tenant A's estate, lessees and guarantor are not B's to use.
    let res = app
        .post("/api/leases", k, b.lease(json!({"estate_id": a.estate})))
        .await;
    assert_eq!(res.error_fields(), ["estate_id"]);
    let res = app
        .post(
            "/api/leases",
            k,
            b.lease(
                json!({"lessees": [{"lessee_id": a.lessees[0]}], "guarantor_ids": [a.guarantor]}),
            ),
        )
        .await;
    assert_eq!(res.error_fields(), ["lessees"]);
    let res = app
        .post(
            "/api/leases",
            k,
            b.lease(json!({"guarantor_ids": [a.guarantor]})),
        )
        .await;
    assert_eq!(res.error_fields(), ["guarantor_ids"]);
    // A's lease is untouched.
    let res = app.get(&item, a.key()).await;
    assert_eq!(res.body["rent_amount"], 850.5);
}

#[tokio::test]
async fn a_company_owner_lets_unfurnished_for_six_years() {
    let app = TestApp::spawn().await;
    let w = world(&app, "A").await;
    let company = app.owner(w.key()).company("Foncière du Parc").post().await;
    app.put(
        &format!("/api/estates/{}/owner", w.estate),
        w.key(),
        json!({"owner_id": company.body["id"]}),
    )
    .await
    .assert_status(200);
    let res = create(&app, &w, json!({})).await;
    res.assert_status(201);
    assert_eq!(res.body["end_date"], "2031-12-31");
    let res = create(
        &app,
        &w,
        json!({"start_date": "2040-01-01", "end_date": "2042-12-31"}),
    )
    .await;
    assert_eq!(res.error_fields(), ["end_date"]);
    assert!(res.text.contains("at least 72 months"), "{}", res.text);
}

#[tokio::test]
async fn a_draft_s_amounts_stay_its_initial_ones_and_dates_are_bounded() {
    let app = TestApp::spawn().await;
    let w = world(&app, "A").await;
    let lease = id(&create(&app, &w, json!({})).await);
    let url = format!("/api/leases/{lease}");
    app.patch(
        &url,
        w.key(),
        json!({"rent_amount": 800, "deposit_amount": 800, "start_date": "2026-02-01", "end_date": null}),
    )
    .await
    .assert_status(200);
    let history = app.get(&format!("{url}/rent-history"), w.key()).await;
    let h = history.body["data"].as_array().expect("history");
    assert_eq!(h.len(), 1, "{}", history.text);
    assert_eq!(
        (
            &h[0]["reason"],
            &h[0]["rent_amount"],
            &h[0]["effective_date"]
        ),
        (&json!("INITIAL"), &json!(800), &json!("2026-02-01"))
    );
    app.patch(&url, w.key(), json!({"status": "PENDING_SIGNATURE"}))
        .await
        .assert_status(200);
    app.patch(&url, w.key(), json!({"status": "ACTIVE"}))
        .await
        .assert_status(200);
    let res = app
        .patch(
            &url,
            w.key(),
            json!({"rent_amount": 810, "change_effective_date": "2026-01-15"}),
        )
        .await;
    assert_eq!(res.error_fields(), ["change_effective_date"]);
    for (field, date) in [
        ("start_date", "1800-01-01"),
        ("end_date", "2999-12-31"),
        ("revision_date", "2026-06-01"),
    ] {
        let res = create(&app, &w, json!({"start_date": "2030-01-01", field: date})).await;
        assert!(
            res.error_fields().contains(&field.to_owned()),
            "{field}: {}",
            res.text
        );
    }
}

#[test]
fn the_lease_form_documents_its_amounts_with_examples() {
    let api: Value = serde_json::from_str(&faireplace_http::openapi_json()).expect("json");
    let form = &api["components"]["schemas"]["LeaseRequest"]["properties"];
    let amounts = [
        ("rent_amount", 850.5),
        ("charges_amount", 50.0),
        ("deposit_amount", 850.5),
    ];
    for (field, example) in amounts {
        assert_eq!(form[field]["example"].as_f64(), Some(example), "{field}");
        let schema = form[field].to_string();
        assert!(schema.contains("#/components/schemas/Amount"), "{field}");
    }
}
