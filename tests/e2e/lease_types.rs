//! Lease types over HTTP: the legal frames seeded per tenant, and the tenant's own.

use faireplace_tests::TestApp;
use faireplace_tests::fixtures::call;
use serde_json::{Value, json};

fn by_code<'a>(list: &'a Value, code: &str) -> &'a Value {
    list["data"]
        .as_array()
        .expect("data")
        .iter()
        .find(|t| t["code"] == code)
        .unwrap_or_else(|| panic!("no lease type {code}"))
}

#[tokio::test]
async fn the_legal_lease_types_are_seeded_with_the_law_s_numbers() {
    let (app, t) = TestApp::with_tenant("A").await;
    let list = app.get("/api/lease-types?limit=100", &t.owner_key).await;
    list.assert_status(200);
    assert_eq!(list.body["pagination"]["total"], 6);

    // (code, furnished, default, min, max, deposit cap, lessee notice, reduced, owner notice,
    //  renewable, revision allowed) as DOMAIN.md states them.
    let expected = [
        (
            "UNFURNISHED",
            false,
            36,
            36,
            Value::Null,
            json!(1),
            3,
            json!(1),
            6,
            true,
            true,
        ),
        (
            "FURNISHED",
            true,
            12,
            12,
            Value::Null,
            json!(2),
            1,
            json!(1),
            3,
            true,
            true,
        ),
        (
            "STUDENT",
            true,
            9,
            9,
            json!(9),
            json!(2),
            1,
            json!(1),
            0,
            false,
            true,
        ),
        (
            "MOBILITY",
            true,
            10,
            1,
            json!(10),
            json!(0),
            1,
            json!(1),
            0,
            false,
            false,
        ),
        (
            "COMMERCIAL",
            false,
            108,
            108,
            Value::Null,
            Value::Null,
            6,
            Value::Null,
            6,
            true,
            true,
        ),
        (
            "PARKING",
            false,
            12,
            1,
            Value::Null,
            Value::Null,
            1,
            Value::Null,
            1,
            true,
            true,
        ),
    ];
    for (
        code,
        furnished,
        default,
        min,
        max,
        deposit,
        notice,
        reduced,
        owner,
        renewable,
        revision,
    ) in expected
    {
        let t = by_code(&list.body, code);
        assert_eq!(t["is_system"], true, "{code}");
        assert_eq!(t["furnished"], furnished, "{code}");
        assert_eq!(t["default_duration_months"], default, "{code}");
        assert_eq!(t["min_duration_months"], min, "{code}");
        assert_eq!(t["max_duration_months"], max, "{code}");
        assert_eq!(t["max_deposit_months"], deposit, "{code}");
        assert_eq!(t["lessee_notice_months"], notice, "{code}");
        assert_eq!(t["lessee_reduced_notice_months"], reduced, "{code}");
        assert_eq!(t["owner_notice_months"], owner, "{code}");
        assert_eq!(t["renewable"], renewable, "{code}");
        assert_eq!(t["rent_revision_allowed"], revision, "{code}");
    }
    let furnished = by_code(&list.body, "FURNISHED");
    assert!(
        furnished["mandatory_annexes"]
            .as_array()
            .expect("annexes")
            .contains(&json!("FURNITURE_INVENTORY"))
    );
    let unfurnished = by_code(&list.body, "UNFURNISHED");
    assert!(
        !unfurnished["mandatory_annexes"]
            .as_array()
            .expect("annexes")
            .contains(&json!("FURNITURE_INVENTORY"))
    );

    let res = app
        .get("/api/lease-types?furnished=true", &t.owner_key)
        .await;
    assert_eq!(res.body["pagination"]["total"], 3);
    app.get("/api/lease-types?furnished=maybe", &t.owner_key)
        .await
        .assert_problem(400, "VALIDATION_ERROR");
}

#[tokio::test]
async fn system_types_stay_and_own_types_live() {
    let (app, t) = TestApp::with_tenant("A").await;
    let k = &t.owner_key;
    let list = app.get("/api/lease-types?limit=100", k).await;
    let mobility = format!(
        "/api/lease-types/{}",
        by_code(&list.body, "MOBILITY")["id"].as_str().expect("id")
    );
    let calls = [
        call::patch(&mobility, json!({"max_deposit_months": 1})),
        call::delete(&mobility),
    ];
    app.assert_each_problem(k, 409, "CONFLICT", calls).await;

    let body = json!({"code": "seasonal", "name": "Location saisonnière", "furnished": true,
                      "default_duration_months": 3, "min_duration_months": 1, "max_duration_months": 3,
                      "max_deposit_months": 1.5, "lessee_notice_months": 1, "owner_notice_months": 0,
                      "renewable": false, "mandatory_annexes": ["FURNITURE_INVENTORY", "ENTRY_CONDITION_REPORT"]});
    let res = app.post("/api/lease-types", k, body.clone()).await;
    res.assert_status(201);
    assert_eq!(res.body["code"], "SEASONAL");
    assert_eq!(res.body["max_deposit_months"], json!(1.5));
    assert_eq!(res.body["is_system"], false);
    let own = res.header("location").expect("location").to_owned();
    app.post("/api/lease-types", k, body)
        .await
        .assert_problem(409, "CONFLICT");
    let res = app.patch(&own, k, json!({"max_duration_months": 2})).await;
    res.assert_problem(400, "VALIDATION_ERROR");
    assert_eq!(res.error_fields(), ["default_duration_months"]);
    let res = app
        .patch(
            &own,
            k,
            json!({"default_duration_months": 2, "max_duration_months": 2}),
        )
        .await;
    res.assert_status(200);
    assert_eq!(res.body["default_duration_months"], 2);

    let res = app
        .post("/api/lease-types", k, json!({"code": "X1", "name": "X", "default_duration_months": 0,
            "min_duration_months": 1, "lessee_notice_months": 1, "lessee_reduced_notice_months": 2,
            "owner_notice_months": 1, "max_deposit_months": 1.005, "mandatory_annexes": ["PASSPORT"]}))
        .await;
    assert_eq!(
        res.error_fields(),
        [
            "default_duration_months",
            "max_deposit_months",
            "lessee_reduced_notice_months",
            "mandatory_annexes[0]"
        ]
    );

    app.delete(&own, k).await.assert_status(204);
    app.get(&own, k).await.assert_problem(404, "NOT_FOUND");

    // Another tenant sees its own copies, never A's type (A's ids answer it 404: the
    // isolation sweep checks every route).
    let b = app.tenant("B").await;
    app.post(
        "/api/lease-types",
        k,
        json!({"code": "MINE", "name": "Mine", "default_duration_months": 12,
    "min_duration_months": 12, "lessee_notice_months": 1, "owner_notice_months": 3}),
    )
    .await
    .assert_status(201);
    let b_list = app.get("/api/lease-types?limit=100", &b.owner_key).await;
    assert_eq!(b_list.body["pagination"]["total"], 6);
    assert!(!b_list.text.contains("MINE"));
    let (lessee_key, _) = app.lessee_key(&t, &["lessee:leases:read"]).await;
    app.get("/api/lease-types", &lessee_key)
        .await
        .assert_problem(403, "FORBIDDEN");
}
