//! Rent control: the Paris sample, the check of an estate's rent, and loading a CSV.

use faireplace_tests::{Answer, TestApp, TestTenant};
use serde_json::{Value, json};

async fn zone_id(app: &TestApp, key: &str, code: &str) -> String {
    let zones = "/api/rent-control/zones?limit=100";
    app.find_id(zones, key, |z| z["city"] == "Paris" && z["code"] == code)
        .await
}

/// Checks a rent against its estate's ceiling.
async fn check(app: &TestApp, key: &str, body: Value) -> Answer {
    app.post("/api/rent-control/check", key, body).await
}

/// A flat of Paris secteur 1: 1 room, built before 1946, unfurnished, 30.5 m².
async fn paris_flat(app: &TestApp, t: &TestTenant, extra: Value) -> String {
    let k = &t.owner_key;
    let flat = app.estate(k).merge(json!({
        "address": {"street": "1 rue de Rivoli", "postal_code": "75001", "city": "Paris"},
        "surface_m2": 30.5, "rooms_count": 1, "construction_period": "BEFORE_1946",
        "rent_control_zone_id": zone_id(app, k, "1").await,
    }));
    flat.merge(extra).id().await
}

#[tokio::test]
async fn the_paris_sample_is_shipped() {
    let (app, t) = TestApp::with_tenant("A").await;
    let res = app
        .get("/api/rent-control/zones?limit=100", &t.owner_key)
        .await;
    assert_eq!(res.body["pagination"]["total"], 14);
    let sector_1 = zone_id(&app, &t.owner_key, "1").await;
    let res = app
        .get(
            &format!("/api/rent-control/reference-rents?zone_id={sector_1}&limit=100"),
            &t.owner_key,
        )
        .await;
    assert_eq!(
        res.body["pagination"]["total"], 48,
        "32 cells of 2025 and 16 of 2024"
    );
    let cell = res.body["data"]
        .as_array()
        .expect("cells")
        .iter()
        .find(|c| {
            c["rooms"] == 1
                && c["construction_period"] == "BEFORE_1946"
                && c["furnished"] == false
                && c["valid_from"] == "2025-07-01"
        })
        .expect("the 2025 cell")
        .clone();
    assert_eq!(
        (
            cell["reference_m2"].clone(),
            cell["increased_m2"].clone(),
            cell["reduced_m2"].clone()
        ),
        (json!(34.4), json!(41.3), json!(24.1))
    );
    app.get(
        "/api/rent-control/reference-rents?zone_id=nope",
        &t.owner_key,
    )
    .await
    .assert_problem(400, "VALIDATION_ERROR");
}

#[tokio::test]
async fn a_rent_is_checked_against_the_ceiling_of_its_estate() {
    let (app, t) = TestApp::with_tenant("A").await;
    let k = &t.owner_key;
    let estate = paris_flat(&app, &t, json!({})).await;

    // 2025 ceiling 41.3 €/m² × 30.5 m² = 1259.65; 1300.00 asked → 40.35 too much.
    let res = check(&app, k, json!({"estate_id": estate, "rent_amount": 1300})).await;
    res.assert_status(200);
    assert_eq!(
        res.body,
        json!({"applicable": true, "reference_m2": 34.4, "max_rent": 1259.65,
                                "compliant": false, "excess": 40.35, "supplement_allowed": true})
    );
    let res = check(
        &app,
        k,
        json!({"estate_id": estate, "rent_amount": 1250, "rent_supplement": 100}),
    )
    .await;
    assert_eq!(res.body["compliant"], true);
    assert_eq!(res.body["excess"], json!(0));

    // A G estate: no supplement.
    app.post(&format!("/api/estates/{estate}/energy-diagnoses"), k,
        json!({"energy_class": "G", "ghg_class": "E", "energy_kwh_m2_year": 430, "ghg_kg_m2_year": 60, "performed_on": "2024-05-01"}))
        .await.assert_status(201);
    let res = check(
        &app,
        k,
        json!({"estate_id": estate, "rent_amount": 1250, "rent_supplement": 100}),
    )
    .await;
    assert_eq!(res.body["supplement_allowed"], false);
    assert_eq!(res.body["compliant"], false);

    // Outside any zone: not applicable.
    let free = paris_flat(&app, &t, json!({"rent_control_zone_id": null})).await;
    let res = check(&app, k, json!({"estate_id": free, "rent_amount": 5000})).await;
    assert_eq!(res.body["applicable"], false);
    assert_eq!(res.body["compliant"], Value::Null);

    // What the check needs is validated.
    let res = check(
        &app,
        k,
        json!({"estate_id": estate, "rent_amount": 1250.123}),
    )
    .await;
    assert_eq!(res.error_fields(), ["rent_amount"]);
    let res = check(&app, k, json!({})).await;
    assert_eq!(res.error_fields(), ["estate_id", "rent_amount"]);
    let bare = paris_flat(&app, &t, json!({"surface_m2": null})).await;
    let res = check(&app, k, json!({"estate_id": bare, "rent_amount": 1000})).await;
    res.assert_problem(400, "VALIDATION_ERROR");
    let res = app
        .post("/api/estates", k, json!({"owner_id": uuid::Uuid::now_v7()}))
        .await;
    res.assert_problem(400, "VALIDATION_ERROR");
    // A zone that does not exist cannot be set.
    let res = app
        .patch(
            &format!("/api/estates/{estate}"),
            k,
            json!({"rent_control_zone_id": uuid::Uuid::now_v7()}),
        )
        .await;
    assert_eq!(res.error_fields(), ["rent_control_zone_id"]);

    // Another tenant cannot check A's estate.
    let b = app.tenant("B").await;
    app.post(
        "/api/rent-control/check",
        &b.owner_key,
        json!({"estate_id": estate, "rent_amount": 1000}),
    )
    .await
    .assert_problem(404, "NOT_FOUND");
    let (lessee_key, _) = app.lessee_key(&t, &["lessee:leases:read"]).await;
    check(
        &app,
        &lessee_key,
        json!({"estate_id": estate, "rent_amount": 1000}),
    )
    .await
    .assert_problem(403, "FORBIDDEN");
}

#[tokio::test]
async fn the_operator_loads_reference_rents_from_csv_rows() {
    let (app, t) = TestApp::with_tenant("A").await;
    // Each row's cells, written as a line of comma-separated values.
    let rows = |v: &[&str]| {
        v.iter()
            .map(|r| r.split(',').map(str::to_owned).collect())
            .collect::<Vec<Vec<String>>>()
    };
    let service = &app.services.state.rent_control;
    let (zones, cells) = service
        .load_csv(rows(&[
            "Lille,1,2,1946-1970,furnished,15.2,18.2,10.6,2025-03-01,,arrêté",
            "Paris,1,4+,après 1990,unfurnished,25.0,30.0,17.5,2026-07-01,",
        ]))
        .await
        .expect("loaded");
    assert_eq!((zones, cells), (1, 2));
    let res = app
        .get("/api/rent-control/zones?limit=100", &t.owner_key)
        .await;
    assert_eq!(res.body["pagination"]["total"], 15);

    let bad = service
        .load_csv(rows(&[
            "Lille,1,5,1946-1970,furnished,15.2,18.2,10.6,2025-03-01,",
            "Lille,1,2,1946-1970,furnished,15.2,12.0,10.6,2025-03-01,",
        ]))
        .await
        .expect_err("invalid rows");
    match bad {
        faireplace_app::AppError::Validation(v) => {
            let fields: Vec<_> = v.errors().iter().map(|e| e.field.as_str()).collect();
            assert_eq!(fields, ["line 2", "line 3"]);
        }
        other => panic!("unexpected {other:?}"),
    }
}
