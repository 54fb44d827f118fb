//! Meters over HTTP: the tree, readings with rollover and anomalies, consumption, lease links.

use faireplace_tests::TestApp;
use serde_json::{Value, json};

/// A place with an estate, as (place, estate).
async fn site(app: &TestApp, k: &str) -> (String, String) {
    let place = app.place(k).id().await;
    let estate = app.estate(k).place(place.as_str()).id().await;
    (place, estate)
}

fn id(v: &Value) -> String {
    v["id"].as_str().expect("id").to_owned()
}

#[tokio::test]
async fn meters_form_a_tree_within_a_place() {
    let (app, t) = TestApp::with_tenant("A").await;
    let k = &t.owner_key;
    let (place, estate) = site(&app, k).await;
    let (other_place, _) = site(&app, k).await;
    let main = app
        .post(
            "/api/meters",
            k,
            json!({"place_id": place, "meter_type": "WATER_COLD", "billing_type": "COLLECTIVE"}),
        )
        .await;
    main.assert_status(201);
    assert_eq!(main.body["unit"], "m3");
    let main = id(&main.body);
    let sub = app
        .post(
            "/api/meters",
            k,
            json!({"estate_id": estate, "meter_type": "WATER_COLD", "parent_meter_id": main}),
        )
        .await;
    sub.assert_status(201);
    let sub = id(&sub.body);
    let children = app.get(&format!("/api/meters/{main}/children"), k).await;
    assert_eq!(children.body["pagination"]["total"], 1);
    assert_eq!(children.body["data"][0]["id"], sub.as_str());
    // A parent of another place, a cycle, a meter of nowhere: 400.
    let elsewhere = app
        .meter(k)
        .merge(json!({"place_id": other_place, "meter_type": "GAS"}))
        .id()
        .await;
    let res = app
        .post(
            "/api/meters",
            k,
            json!({"estate_id": estate, "meter_type": "GAS", "parent_meter_id": elsewhere}),
        )
        .await;
    assert_eq!(res.error_fields(), ["parent_meter_id"]);
    let res = app
        .patch(
            &format!("/api/meters/{main}"),
            k,
            json!({"parent_meter_id": sub}),
        )
        .await;
    res.assert_problem(400, "VALIDATION_ERROR");
    assert!(res.text.contains("cycle"), "{}", res.text);
    let res = app
        .patch(
            &format!("/api/meters/{main}"),
            k,
            json!({"parent_meter_id": main}),
        )
        .await;
    assert_eq!(res.error_fields(), ["parent_meter_id"]);
    let res = app
        .post("/api/meters", k, json!({"meter_type": "GAS"}))
        .await;
    assert_eq!(res.error_fields(), ["estate_id"]);
    // A meter with sub-meters stays.
    app.delete(&format!("/api/meters/{main}"), k)
        .await
        .assert_problem(409, "CONFLICT");
}

#[tokio::test]
async fn readings_measure_consumption_roll_over_and_flag_anomalies() {
    let (app, t) = TestApp::with_tenant("A").await;
    let k = &t.owner_key;
    let (_, estate) = site(&app, k).await;
    let meter = app
        .meter(k)
        .merge(json!({"estate_id": estate, "meter_type": "ELECTRICITY", "max_value": 99999}))
        .id()
        .await;
    let url = format!("/api/meters/{meter}/readings");
    let read = |value: f64, at: &str, extra: Value| {
        let app = &app;
        let url = url.clone();
        let k = k.clone();
        let mut body = json!({"value": value, "read_at": at});
        for (key, v) in extra.as_object().expect("object") {
            body[key] = v.clone();
        }
        async move { app.post(&url, &k, body).await }
    };
    let first = read(99_000.0, "2025-01-01T00:00:00Z", json!({})).await;
    first.assert_status(201);
    assert_eq!(first.body["consumption"], Value::Null);
    // 10 a day for 10 days.
    let r = read(99_100.0, "2025-01-11T00:00:00Z", json!({})).await;
    assert_eq!(
        (&r.body["consumption"], &r.body["anomaly"]),
        (&json!(100), &json!(false))
    );
    // 15 a day: +50 %, the limit, not an anomaly.
    let r = read(99_250.0, "2025-01-21T00:00:00Z", json!({})).await;
    assert_eq!(
        (&r.body["consumption"], &r.body["anomaly"]),
        (&json!(150), &json!(false))
    );
    // Lower without rollover: refused.
    let r = read(10.0, "2025-01-31T00:00:00Z", json!({})).await;
    assert_eq!(r.error_fields(), ["value"]);
    // A rollover: 99,250 → 99,999 (749), → 0 (1), → 10 (10) = 760 in 10 days: 76 a day against
    // an average of 12.5: an anomaly.
    let r = read(10.0, "2025-01-31T00:00:00Z", json!({"rollover": true})).await;
    r.assert_status(201);
    assert_eq!(
        (&r.body["consumption"], &r.body["anomaly"]),
        (&json!(760), &json!(true))
    );
    // Not after the latest, or a photo without its photo: refused.
    let r = read(20.0, "2025-01-30T00:00:00Z", json!({})).await;
    assert_eq!(r.error_fields(), ["read_at"]);
    let r = read(20.0, "2025-02-05T00:00:00Z", json!({"source": "PHOTO"})).await;
    assert_eq!(r.error_fields(), ["photo_media_id"]);

    let list = app.get(&url, k).await;
    assert_eq!(list.body["pagination"]["total"], 4);
    assert_eq!(list.body["data"][0]["value"], 10, "latest first");
    let anomalies = app.get("/api/meters/anomalies", k).await;
    assert_eq!(anomalies.body["pagination"]["total"], 1);
    let alerts = app
        .get("/api/charges/notifications?kind=CONSUMPTION_ALERT", k)
        .await;
    assert_eq!(alerts.body["pagination"]["total"], 1);
    assert_eq!(
        alerts.body["data"][0]["entity_id"],
        anomalies.body["data"][0]["id"]
    );
    assert_eq!(anomalies.body["data"][0]["consumption"], 760);
    // Consumption of the readings taken from 2 to 21 January: 100 + 150 over 20 days.
    let c = app
        .get(
            &format!("/api/meters/{meter}/consumption?from=2025-01-02&to=2025-01-21"),
            k,
        )
        .await;
    c.assert_status(200);
    assert_eq!(
        (
            &c.body["total"],
            &c.body["daily_average"],
            &c.body["readings_used"]
        ),
        (&json!(250), &json!(12.5), &json!(2))
    );
    app.get(
        &format!("/api/meters/{meter}/consumption?from=2025-01-21"),
        k,
    )
    .await
    .assert_problem(400, "VALIDATION_ERROR");

    // A lease billed from the meter, with its start reading.
    let lease = app.lease(k).estate(estate.as_str()).start("2025-01-01");
    let lease = lease.id().await;
    let link = app
        .post(
            &format!("/api/leases/{lease}/meters"),
            k,
            json!({"meter_id": meter, "start_reading_id": first.body["id"]}),
        )
        .await;
    link.assert_status(201);
    let links = app.get(&format!("/api/leases/{lease}/meters"), k).await;
    assert_eq!(links.body["data"][0]["start_reading_id"], first.body["id"]);
    app.delete(&format!("/api/meters/{meter}"), k)
        .await
        .assert_problem(409, "CONFLICT");
    // A RELEVE_DIRECT charge points at an existing meter only.
    let category = app
        .post(
            "/api/charge-categories",
            k,
            json!({"name": "Électricité", "category_type": "WATER_HEATING"}),
        )
        .await;
    let res = app
        .post(
            &format!("/api/leases/{lease}/charges"),
            k,
            json!({"category_id": category.body["id"], "billing_mode": "RELEVE_DIRECT", "meter_id": uuid::Uuid::now_v7()}),
        )
        .await;
    res.assert_problem(400, "VALIDATION_ERROR");
    app.create(&format!("/api/leases/{lease}/charges"), k, json!({"category_id": category.body["id"], "billing_mode": "RELEVE_DIRECT", "meter_id": meter})).await;
    app.delete(&format!("/api/leases/{lease}/meters/{meter}"), k)
        .await
        .assert_status(204);

    // Another tenant's anomalies are its own (the routes naming A's meter or lease answer
    // it 404: the isolation sweep checks them all).
    let other = app.tenant("B").await;
    assert_eq!(
        app.get("/api/meters/anomalies", &other.owner_key)
            .await
            .body["pagination"]["total"],
        0
    );
}

#[tokio::test]
async fn measured_consumption_splits_by_what_the_meters_counted() {
    let (app, t) = TestApp::with_tenant("A").await;
    let k = &t.owner_key;
    let (place, first) = site(&app, k).await;
    let owner = app.owner(k).named("Paul", "Roux").id().await;
    let mut estates = vec![first];
    for _ in 0..2 {
        let estate = app.estate(k).place(place.as_str()).owner(owner.as_str());
        estates.push(estate.id().await);
    }
    // Water: 30 m3 and 10 m3 in January; the third estate has no meter. Gas is not counted.
    for (estate, kind, start, end) in [
        (&estates[0], "WATER_COLD", 100.0, 130.0),
        (&estates[1], "WATER_COLD", 50.0, 60.0),
        (&estates[1], "GAS", 0.0, 500.0),
    ] {
        let meter = app
            .meter(k)
            .merge(json!({"estate_id": estate, "meter_type": kind}))
            .id()
            .await;
        for (value, at) in [
            (start, "2025-01-01T08:00:00Z"),
            (end, "2025-01-31T08:00:00Z"),
        ] {
            app.create(
                &format!("/api/meters/{meter}/readings"),
                k,
                json!({"value": value, "read_at": at}),
            )
            .await;
        }
    }
    let key = app
        .post(
            "/api/distribution-keys",
            k,
            json!({"name": "Eau", "calculation_type": "CONSOMMATION_MESUREE",
                   "parameters": {"meter_type": "WATER_COLD", "period_start": "2025-01-01", "period_end": "2025-01-31"}}),
        )
        .await;
    key.assert_status(201);
    let url = format!("/api/distribution-keys/{}/calculate", id(&key.body));
    let res = app
        .post(&url, k, json!({"place_id": place, "total_amount": 100}))
        .await;
    res.assert_status(200);
    let amounts: Vec<(String, f64)> = res.body["distributions"]
        .as_array()
        .expect("lines")
        .iter()
        .map(|d| {
            (
                d["estate_id"].as_str().expect("id").to_owned(),
                d["amount"].as_f64().expect("amount"),
            )
        })
        .collect();
    let of = |e: &String| amounts.iter().find(|(id, _)| id == e).map(|(_, a)| *a);
    assert_eq!(
        (of(&estates[0]), of(&estates[1]), of(&estates[2])),
        (Some(75.0), Some(25.0), Some(0.0))
    );
    // Without a period, or with a meter type that does not exist: 400.
    let bad = app
        .post(
            "/api/distribution-keys",
            k,
            json!({"name": "Eau", "calculation_type": "CONSOMMATION_MESUREE", "parameters": {"meter_type": "WINE"}}),
        )
        .await;
    assert_eq!(bad.error_fields(), ["parameters.meter_type"]);
    let open = app
        .post(
            "/api/distribution-keys",
            k,
            json!({"name": "Eau", "calculation_type": "CONSOMMATION_MESUREE"}),
        )
        .await;
    let res = app
        .post(
            &format!("/api/distribution-keys/{}/calculate", id(&open.body)),
            k,
            json!({"place_id": place, "total_amount": 100}),
        )
        .await;
    assert_eq!(
        res.error_fields(),
        ["parameters.period_start", "parameters.period_end"]
    );
}
