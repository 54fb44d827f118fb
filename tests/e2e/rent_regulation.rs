//! Rent regulation reference data: countries, the IRL series, and adding a quarter.

use faireplace_tests::TestApp;
use serde_json::json;

#[tokio::test]
async fn the_irl_series_is_shipped_and_read_by_management_keys() {
    let (app, t) = TestApp::with_tenant("A").await;
    let k = &t.owner_key;

    let res = app.get("/api/rent-regulation/countries", k).await;
    res.assert_status(200);
    assert_eq!(
        res.body["data"][0],
        json!({"code": "FR", "name": "France", "currency": "EUR", "rent_index": "IRL"})
    );

    let res = app
        .get("/api/rent-regulation/indices?index=IRL&limit=100", k)
        .await;
    res.assert_status(200);
    assert_eq!(res.body["pagination"]["total"], 44);
    let data = res.body["data"].as_array().expect("data");
    assert_eq!(
        data[0],
        json!({"index": "IRL", "quarter": "2015-Q1", "value": 125.19, "published_on": null})
    );
    let q3 = data
        .iter()
        .find(|v| v["quarter"] == "2025-Q3")
        .expect("2025-Q3");
    assert_eq!(q3["value"], json!(145.77));
    assert_eq!(q3["published_on"], "2025-10-15");
    // Oldest first, by quarter.
    let quarters: Vec<&str> = data.iter().filter_map(|v| v["quarter"].as_str()).collect();
    assert!(quarters.windows(2).all(|w| w[0] < w[1]));
    // The default index is IRL; paging works.
    let res = app
        .get("/api/rent-regulation/indices?page=5&limit=10", k)
        .await;
    assert_eq!(res.body["data"].as_array().expect("data").len(), 4);
    app.get("/api/rent-regulation/indices?index=ICC", k)
        .await
        .assert_problem(400, "VALIDATION_ERROR");

    let (lessee_key, _) = app.lessee_key(&t, &["lessee:leases:read"]).await;
    app.get("/api/rent-regulation/indices", &lessee_key)
        .await
        .assert_problem(403, "FORBIDDEN");
    app.get("/api/rent-regulation/countries", "")
        .await
        .assert_problem(401, "UNAUTHENTICATED");
}

#[tokio::test]
async fn the_operator_adds_a_quarter_once() {
    let (app, t) = TestApp::with_tenant("A").await;
    let rent = &app.services.state.rent_regulation;

    let added = rent
        .add_index(
            "IRL",
            "2026-Q1",
            "146.50",
            chrono::NaiveDate::from_ymd_opt(2026, 4, 15),
        )
        .await
        .expect("added");
    assert_eq!(added.quarter.to_string(), "2026-Q1");
    let res = app
        .get("/api/rent-regulation/indices?limit=100", &t.owner_key)
        .await;
    assert_eq!(res.body["pagination"]["total"], 45);
    assert_eq!(
        res.body["data"][44],
        json!({"index": "IRL", "quarter": "2026-Q1", "value": 146.5, "published_on": "2026-04-15"})
    );

    let again = rent
        .add_index("IRL", "2026-Q1", "146.60", None)
        .await
        .expect_err("already there");
    assert!(
        matches!(again, faireplace_app::AppError::Conflict { .. }),
        "{again:?}"
    );
    let invalid = rent
        .add_index("ICC", "2026-Q5", "146.505", None)
        .await
        .expect_err("invalid");
    match invalid {
        faireplace_app::AppError::Validation(v) => {
            let fields: Vec<_> = v.errors().iter().map(|e| e.field.as_str()).collect();
            assert_eq!(fields, ["index", "quarter", "value"]);
        }
        other => panic!("unexpected {other:?}"),
    }
    assert!(rent.add_index("IRL", "2026-Q2", "-1", None).await.is_err());
}
