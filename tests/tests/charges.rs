//! Charges over HTTP: categories and the legal catalog.

use faireplace_tests::TestApp;
use serde_json::json;

#[tokio::test]
async fn a_charge_category_is_created_read_listed_changed_and_deleted() {
    let app = TestApp::spawn().await;
    let t = app.tenant("A").await;
    let k = &t.owner_key;
    let provider = app
        .post(
            "/api/contacts",
            k,
            json!({"kind": "SERVICE_PROVIDER", "company_name": "Ascenseurs du Rhône"}),
        )
        .await;
    let res = app
        .post(
            "/api/charge-categories",
            k,
            json!({"name": "Ascenseur", "category_type": "ELEVATOR",
                   "legal_reference": "Décret 87-713, annexe, I",
                   "maintenance": {"provider_contact_id": provider.body["id"], "contract_reference": "C-42",
                                   "frequency": "1 month", "notes": "Visite mensuelle"},
                   "notification_threshold": 15, "notification_frequency": "30 days"}),
        )
        .await;
    res.assert_status(201);
    let id = res.body["id"].as_str().expect("id").to_owned();
    assert_eq!(
        res.header("location"),
        Some(format!("/api/charge-categories/{id}").as_str())
    );
    assert_eq!(res.body["recovery_rate"], 100, "the default");
    assert_eq!(res.body["maintenance"]["contract_reference"], "C-42");
    assert_eq!(res.body["notification_frequency"], "30 days");
    let read = app.get(&format!("/api/charge-categories/{id}"), k).await;
    assert_eq!(read.body, res.body);

    let staff = app
        .post(
            "/api/charge-categories",
            k,
            json!({"name": "Gardien", "category_type": "BUILDING_STAFF", "recovery_rate": 75,
                   "description": "Gardien: ménage et ordures"}),
        )
        .await;
    staff.assert_status(201);
    let list = app.get("/api/charge-categories", k).await;
    assert_eq!(list.body["pagination"]["total"], 2);
    assert_eq!(list.body["data"][0]["name"], "Ascenseur", "by name");
    let filtered = app
        .get("/api/charge-categories?category_type=BUILDING_STAFF", k)
        .await;
    assert_eq!(filtered.body["pagination"]["total"], 1);
    let searched = app.get("/api/charge-categories?search=ordures", k).await;
    assert_eq!(searched.body["data"][0]["name"], "Gardien");
    app.get("/api/charge-categories?category_type=LIFT", k)
        .await
        .assert_problem(400, "VALIDATION_ERROR");

    let url = format!("/api/charge-categories/{id}");
    let res = app
        .put(
            &url,
            k,
            json!({"name": "Ascenseur B", "category_type": "ELEVATOR", "recovery_rate": 99.5}),
        )
        .await;
    res.assert_status(200);
    assert_eq!(res.body["recovery_rate"], 99.5);
    assert_eq!(
        res.body["maintenance"],
        serde_json::Value::Null,
        "PUT replaces every field"
    );
    let res = app
        .patch(&url, k, json!({"notification_frequency": "2 weeks"}))
        .await;
    res.assert_status(200);
    assert_eq!(res.body["name"], "Ascenseur B");
    assert_eq!(res.body["notification_frequency"], "2 weeks");
    app.delete(&url, k).await.assert_status(204);
    app.get(&url, k).await.assert_problem(404, "NOT_FOUND");
}

#[tokio::test]
async fn every_out_of_range_value_is_a_400_naming_its_field() {
    let app = TestApp::spawn().await;
    let t = app.tenant("A").await;
    let k = &t.owner_key;
    let base = json!({"name": "Eau", "category_type": "WATER_HEATING"});
    let cases = [
        (json!({"recovery_rate": 100.01}), "recovery_rate"),
        (json!({"recovery_rate": -1}), "recovery_rate"),
        (json!({"recovery_rate": 33.333}), "recovery_rate"),
        (
            json!({"notification_threshold": 101}),
            "notification_threshold",
        ),
        (
            json!({"notification_frequency": "weekly"}),
            "notification_frequency",
        ),
        (
            json!({"notification_frequency": "0 days"}),
            "notification_frequency",
        ),
        (
            json!({"notification_frequency": "30days"}),
            "notification_frequency",
        ),
        (json!({"category_type": "LIFT"}), "category_type"),
        (json!({"category_type": null}), "category_type"),
        (json!({"name": ""}), "name"),
        (
            json!({"maintenance": {"provider_contact_id": uuid::Uuid::now_v7()}}),
            "maintenance.provider_contact_id",
        ),
    ];
    for (change, field) in cases {
        let mut body = base.clone();
        for (key, v) in change.as_object().expect("object") {
            body[key] = v.clone();
        }
        let res = app.post("/api/charge-categories", k, body).await;
        res.assert_problem(400, "VALIDATION_ERROR");
        assert_eq!(res.error_fields(), [field], "{change}");
    }
    for ok in ["1 day", "3 weeks", "1 month", "12 months", "1 year"] {
        let mut body = base.clone();
        body["notification_frequency"] = json!(ok);
        app.post("/api/charge-categories", k, body)
            .await
            .assert_status(201);
    }
}

#[tokio::test]
async fn the_legal_catalog_lists_the_headings_and_the_staff_rules() {
    let app = TestApp::spawn().await;
    let t = app.tenant("A").await;
    let res = app
        .get("/api/charge-categories/legal-catalog", &t.owner_key)
        .await;
    res.assert_status(200);
    let data = res.body["data"].as_array().expect("data");
    let headings: Vec<&str> = data
        .iter()
        .filter_map(|h| h["heading"].as_str())
        .filter(|h| !h.is_empty())
        .collect();
    assert_eq!(headings, ["I", "II", "III", "IV", "V", "VI", "VII", "VIII"]);
    let mut staff: Vec<u64> = data
        .iter()
        .filter(|h| h["category_type"] == "BUILDING_STAFF")
        .filter_map(|h| h["typical_recovery_rate"].as_u64())
        .collect();
    staff.sort_unstable();
    assert_eq!(staff, [10, 40, 75, 100]);
    let (lessee, _) = app.lessee_key(&t, &["lessee:leases:read"]).await;
    app.get("/api/charge-categories/legal-catalog", &lessee)
        .await
        .assert_problem(403, "FORBIDDEN");
}

#[tokio::test]
async fn another_tenant_s_categories_are_not_found() {
    let app = TestApp::spawn().await;
    let a = app.tenant("A").await;
    let b = app.tenant("B").await;
    let provider = app
        .post(
            "/api/contacts",
            &a.owner_key,
            json!({"kind": "SERVICE_PROVIDER", "company_name": "Nettoyage SA"}),
        )
        .await;
    let res = app
        .post(
            "/api/charge-categories",
            &a.owner_key,
            json!({"name": "Ménage", "category_type": "COMMON_AREAS"}),
        )
        .await;
    let url = format!(
        "/api/charge-categories/{}",
        res.body["id"].as_str().expect("id")
    );
    let k = &b.owner_key;
    app.get(&url, k).await.assert_problem(404, "NOT_FOUND");
    app.put(&url, k, json!({"name": "x", "category_type": "OTHER"}))
        .await
        .assert_problem(404, "NOT_FOUND");
    app.patch(&url, k, json!({"name": "x"}))
        .await
        .assert_problem(404, "NOT_FOUND");
    app.delete(&url, k).await.assert_problem(404, "NOT_FOUND");
    assert_eq!(
        app.get("/api/charge-categories", k).await.body["pagination"]["total"],
        0
    );
    let res = app
        .post(
            "/api/charge-categories",
            k,
            json!({"name": "Ménage", "category_type": "COMMON_AREAS",
                   "maintenance": {"provider_contact_id": provider.body["id"]}}),
        )
        .await;
    assert_eq!(res.error_fields(), ["maintenance.provider_contact_id"]);
    app.get(&url, &a.owner_key).await.assert_status(200);
}
