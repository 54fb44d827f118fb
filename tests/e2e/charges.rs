//! Charges over HTTP: categories and the legal catalog.

use faireplace_tests::fixtures::call;
use faireplace_tests::fixtures::id_of;
use faireplace_tests::{TestApp, assert_contains_all};
use serde_json::json;

#[tokio::test]
async fn a_charge_category_is_created_read_listed_changed_and_deleted() {
    let (app, t) = TestApp::with_tenant("A").await;
    let k = &t.owner_key;
    let provider = app
        .contact(k)
        .kind("SERVICE_PROVIDER")
        .company("Ascenseurs du Rhône")
        .post()
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
    // A field or a query parameter the category does not have is refused by name.
    let res = app
        .post(
            "/api/charge-categories",
            k,
            json!({"name": "Eau", "category_type": "WATER_HEATING", "colour": "blue"}),
        )
        .await;
    res.assert_problem(400, "VALIDATION_ERROR");
    assert_eq!(res.error_fields(), ["colour"]);
    let res = app.get("/api/charge-categories?kind=ELEVATOR", k).await;
    res.assert_problem(400, "VALIDATION_ERROR");
    assert_eq!(res.error_fields(), ["kind"]);

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
    let (app, t) = TestApp::with_tenant("A").await;
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
    let (app, t) = TestApp::with_tenant("A").await;
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

/// A category's maintenance provider is a contact of its own tenant; another tenant's
/// categories are not in its list (their item routes are swept by `isolation_sweep`).
#[tokio::test]
async fn a_category_names_a_provider_of_its_own_tenant() {
    let app = TestApp::spawn().await;
    let a = app.tenant("A").await;
    let b = app.tenant("B").await;
    let provider = app
        .contact(&a.owner_key)
        .kind("SERVICE_PROVIDER")
        .company("Nettoyage SA")
        .post()
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

/// A place with three estates (LOT-A, LOT-B, LOT-C: 200, 300 and 500 tantiemes; 50, 30 and
/// 20 m²), as (place, [estates]).
async fn building(app: &TestApp, key: &str) -> (String, Vec<String>) {
    let owner = app.owner(key).id().await;
    let place = app.place(key).tantiemes(1000).id().await;
    let mut estates = Vec::new();
    // Created in another order than their references, so that ties follow references.
    for (reference, tantiemes, surface) in
        [("LOT-C", 500, 20), ("LOT-A", 200, 50), ("LOT-B", 300, 30)]
    {
        let estate = app.estate(key).place(place.as_str()).owner(owner.as_str());
        let estate = estate.reference(reference).tantiemes(tantiemes);
        estates.push((reference, estate.surface(surface).id().await));
    }
    estates.sort();
    (place, estates.into_iter().map(|(_, id)| id).collect())
}

/// A distribution key `name` by `calculation_type`.
async fn key(app: &TestApp, k: &str, name: &str, calculation_type: &str) -> String {
    let key = app.distribution_key(k).name(name);
    key.calculation_type(calculation_type).id().await
}

/// A charge category `name` of `category_type`.
async fn category(app: &TestApp, k: &str, name: &str, category_type: &str) -> String {
    let category = app.charge_category(k).name(name);
    category.category_type(category_type).id().await
}

fn amounts(res: &faireplace_tests::Answer) -> Vec<(String, f64)> {
    res.body["distributions"]
        .as_array()
        .expect("distributions")
        .iter()
        .map(|d| {
            (
                d["estate_id"].as_str().expect("id").to_owned(),
                d["amount"].as_f64().expect("amount"),
            )
        })
        .collect()
}

#[tokio::test]
async fn distribution_keys_are_listed_filtered_and_checked() {
    let (app, t) = TestApp::with_tenant("A").await;
    let k = &t.owner_key;
    for i in 0..23 {
        app.distribution_key(k)
            .merge(
                json!({"name": format!("Clé {i:02}"), "calculation_type": "SURFACE",
                            "description": if i == 7 { "ascenseur" } else { "général" }}),
            )
            .id()
            .await;
    }
    app.distribution_key(k)
        .merge(
            json!({"name": "Formule", "calculation_type": "FORMULE_PERSONNALISEE",
                        "formula": "surface × 2 + tantiemes ÷ 100"}),
        )
        .id()
        .await;
    let page = app.get("/api/distribution-keys", k).await;
    assert_eq!(
        page.body["pagination"],
        json!({"page": 1, "limit": 20, "total": 24, "total_pages": 2})
    );
    app.get("/api/distribution-keys?limit=101", k)
        .await
        .assert_problem(400, "VALIDATION_ERROR");
    let res = app.get("/api/distribution-keys?search=ascenseur", k).await;
    assert_eq!(res.body["data"][0]["name"], "Clé 07");
    let res = app
        .get(
            "/api/distribution-keys?calculation_type=FORMULE_PERSONNALISEE",
            k,
        )
        .await;
    assert_eq!(res.body["pagination"]["total"], 1);
    assert_eq!(
        res.body["data"][0]["formula"],
        "surface × 2 + tantiemes ÷ 100"
    );
    let res = app
        .post(
            "/api/distribution-keys",
            k,
            json!({"name": "Bad", "calculation_type": "FORMULE_PERSONNALISEE", "formula": "surface * (2 +"}),
        )
        .await;
    res.assert_problem(400, "VALIDATION_ERROR");
    assert_eq!(res.error_fields(), ["formula"]);
    assert!(res.text.contains("position 14"), "{}", res.text);
    let res = app
        .post(
            "/api/distribution-keys",
            k,
            json!({"name": "Bad", "calculation_type": "FORMULE_PERSONNALISEE", "formula": "surface + étage"}),
        )
        .await;
    assert!(res.text.contains("position 10"), "{}", res.text);
    let res = app
        .post(
            "/api/distribution-keys",
            k,
            json!({"name": "Bad", "calculation_type": "FORMULE_PERSONNALISEE"}),
        )
        .await;
    assert_eq!(res.error_fields(), ["formula"]);
    let res = app
        .post(
            "/api/distribution-keys",
            k,
            json!({"name": "Bad", "calculation_type": "VOLUME", "validation_rules": {"min_share": 120}}),
        )
        .await;
    assert_eq!(
        res.error_fields(),
        ["calculation_type", "validation_rules.min_share"]
    );
}

#[tokio::test]
async fn a_split_sums_exactly_to_its_total_for_every_technique() {
    let (app, t) = TestApp::with_tenant("A").await;
    let k = &t.owner_key;
    let (place, estates) = building(&app, k).await;
    let calc = |id: String, body: serde_json::Value| {
        let app = &app;
        let k = k.clone();
        async move {
            app.post(&format!("/api/distribution-keys/{id}/calculate"), &k, body)
                .await
        }
    };
    let tantiemes = key(&app, k, "Générale", "TANTIEMES").await;
    let res = calc(
        tantiemes.clone(),
        json!({"place_id": place, "total_amount": 1234.56, "calculation_date": "2026-06-01"}),
    )
    .await;
    res.assert_status(200);
    assert_eq!(
        amounts(&res),
        [
            (estates[0].clone(), 246.91),
            (estates[1].clone(), 370.37),
            (estates[2].clone(), 617.28)
        ]
    );
    assert_eq!(
        res.body["metadata"],
        json!({"total_weight": 1000, "estates_count": 3, "rounding_adjustment": 0.01})
    );
    assert_eq!(res.body["distributions"][0]["ratio"], 0.2);

    let equal = key(&app, k, "Parts", "PARTS_EGALES").await;
    let res = calc(equal, json!({"place_id": place, "total_amount": 100})).await;
    let got: Vec<f64> = amounts(&res).into_iter().map(|(_, a)| a).collect();
    assert_eq!(
        got,
        [33.34, 33.33, 33.33],
        "the cent to the smallest reference"
    );

    let surface = key(&app, k, "Surface", "SURFACE").await;
    let res = calc(surface, json!({"place_id": place, "total_amount": -1000})).await;
    let got: Vec<f64> = amounts(&res).into_iter().map(|(_, a)| a).collect();
    assert_eq!(got, [-500.0, -300.0, -200.0], "a refund");

    let formula = app
        .distribution_key(k)
        .merge(
            json!({"name": "F", "calculation_type": "FORMULE_PERSONNALISEE",
                                      "formula": "surface * 2 + tantiemes / 100"}),
        )
        .id()
        .await;
    let res = calc(formula, json!({"place_id": place, "total_amount": 100})).await;
    let got: Vec<f64> = amounts(&res).into_iter().map(|(_, a)| a).collect();
    // Weights 102, 63 and 45 of 210.
    assert_eq!(got, [48.57, 30.0, 21.43]);

    // Occupants: the lessees of the leases in force on the date; the empty estate gets 0.
    for (estate, lessees) in [(&estates[0], 2), (&estates[2], 1)] {
        let lease = app.lease(k).estate(estate.as_str()).active();
        lease.with_lessees(lessees).create().await;
    }
    let occupants = key(&app, k, "Occupants", "NOMBRE_OCCUPANTS").await;
    let res = calc(
        occupants.clone(),
        json!({"place_id": place, "total_amount": 90, "calculation_date": "2026-06-01"}),
    )
    .await;
    let got: Vec<f64> = amounts(&res).into_iter().map(|(_, a)| a).collect();
    assert_eq!(got, [60.0, 0.0, 30.0]);
    // Before the leases, nobody lives there: nothing to split by.
    let res = calc(
        occupants,
        json!({"place_id": place, "total_amount": 90, "calculation_date": "2025-06-01"}),
    )
    .await;
    res.assert_problem(400, "VALIDATION_ERROR");

    // Explicit weights for this calculation.
    let res = calc(
        tantiemes.clone(),
        json!({"place_id": place, "total_amount": 10, "parameters": {"weights": {estates[1].clone(): 1}}}),
    )
    .await;
    let got: Vec<f64> = amounts(&res).into_iter().map(|(_, a)| a).collect();
    assert_eq!(got, [0.0, 10.0, 0.0]);

    // Bad requests.
    let res = calc(
        tantiemes.clone(),
        json!({"place_id": place, "total_amount": 10.005}),
    )
    .await;
    assert_eq!(res.error_fields(), ["total_amount"]);
    let res = calc(tantiemes.clone(), json!({})).await;
    assert_eq!(res.error_fields(), ["place_id", "total_amount"]);
    calc(
        tantiemes.clone(),
        json!({"place_id": uuid::Uuid::now_v7(), "total_amount": 10}),
    )
    .await
    .assert_problem(404, "NOT_FOUND");
    calc(
        uuid::Uuid::now_v7().to_string(),
        json!({"place_id": place, "total_amount": 10}),
    )
    .await
    .assert_problem(404, "NOT_FOUND");

    // Another tenant reaches neither the key nor the place.
    let other = app.tenant("B").await;
    let own = key(&app, &other.owner_key, "K", "PARTS_EGALES").await;
    for (id, body) in [
        (
            tantiemes.clone(),
            json!({"place_id": place, "total_amount": 10}),
        ),
        (own, json!({"place_id": place, "total_amount": 10})),
    ] {
        app.post(
            &format!("/api/distribution-keys/{id}/calculate"),
            &other.owner_key,
            body,
        )
        .await
        .assert_problem(404, "NOT_FOUND");
    }
    let url = format!("/api/distribution-keys/{tantiemes}");
    let calls = [
        call::get(&url),
        call::patch(&url, json!({"name": "x"})),
        call::delete(&url),
    ];
    app.assert_each_problem(&other.owner_key, 404, "NOT_FOUND", calls)
        .await;
}

#[tokio::test]
async fn place_services_follow_the_chargeable_rule() {
    let (app, t) = TestApp::with_tenant("A").await;
    let k = &t.owner_key;
    let (place, _) = building(&app, k).await;
    let category = category(&app, k, "Ascenseur", "ELEVATOR").await;
    let tantiemes = key(&app, k, "Générale", "TANTIEMES").await;
    let url = format!("/api/places/{place}/services");
    let res = app
        .post(
            &url,
            k,
            json!({"name": "Ascenseur", "is_chargeable": true, "space_type": "TECHNICAL",
                   "category_id": category, "default_distribution_key_id": tantiemes}),
        )
        .await;
    res.assert_status(201);
    let lift = res.body["id"].as_str().expect("id").to_owned();
    assert_eq!(
        res.header("location"),
        Some(format!("/api/places/{place}/services/{lift}").as_str())
    );
    // The rule names the missing field.
    let res = app
        .post(
            &url,
            k,
            json!({"name": "Chauffage", "is_chargeable": true, "space_type": "TECHNICAL",
                   "category_id": category}),
        )
        .await;
    res.assert_problem(400, "VALIDATION_ERROR");
    assert_eq!(res.error_fields(), ["default_distribution_key_id"]);
    assert!(res.text.contains("required when is_chargeable is true"));
    // Not chargeable: category and key are ignored and stored as null.
    let res = app
        .post(
            &url,
            k,
            json!({"name": "Caméras", "is_chargeable": false, "space_type": "TECHNICAL",
                   "category_id": category, "default_distribution_key_id": tantiemes}),
        )
        .await;
    res.assert_status(201);
    assert_eq!(res.body["category_id"], serde_json::Value::Null);
    assert_eq!(
        res.body["default_distribution_key_id"],
        serde_json::Value::Null
    );
    // Several services of one space type.
    let list = app.get(&format!("{url}?space_type=TECHNICAL"), k).await;
    assert_eq!(list.body["pagination"]["total"], 2);
    let list = app.get(&format!("{url}?is_chargeable=true"), k).await;
    assert_eq!(list.body["pagination"]["total"], 1);
    // Unknown references, place or service: 400 and 404.
    let res = app
        .post(
            &url,
            k,
            json!({"name": "Eau", "is_chargeable": true, "space_type": "PRIVATE",
                   "category_id": uuid::Uuid::now_v7(), "default_distribution_key_id": tantiemes}),
        )
        .await;
    assert_eq!(res.error_fields(), ["category_id"]);
    let nowhere = uuid::Uuid::now_v7();
    let calls = [
        call::get(&format!("/api/places/{nowhere}/services")),
        call::post(
            &format!("/api/places/{nowhere}/services"),
            json!({"name": "x", "is_chargeable": false, "space_type": "GARDEN"}),
        ),
        call::delete(&format!("{url}/{nowhere}")),
    ];
    app.assert_each_problem(k, 404, "NOT_FOUND", calls).await;
    // The category and key a service uses cannot be deleted.
    let calls = [
        call::delete(&format!("/api/charge-categories/{}", category)),
        call::delete(&format!("/api/distribution-keys/{tantiemes}")),
    ];
    app.assert_each_problem(k, 409, "CONFLICT", calls).await;
    // PUT, then delete.
    let res = app
        .put(
            &format!("{url}/{lift}"),
            k,
            json!({"name": "Ascenseur B", "is_chargeable": false, "space_type": "TECHNICAL"}),
        )
        .await;
    res.assert_status(200);
    assert_eq!(res.body["is_chargeable"], false);
    // Another tenant sees none of it.
    let other = app.tenant("B").await;
    let calls = [
        call::get(&url),
        call::get(&format!("{url}/{lift}")),
        call::delete(&format!("{url}/{lift}")),
    ];
    app.assert_each_problem(&other.owner_key, 404, "NOT_FOUND", calls)
        .await;
    app.delete(&format!("{url}/{lift}"), k)
        .await
        .assert_status(204);
    app.get(&format!("{url}/{lift}"), k)
        .await
        .assert_problem(404, "NOT_FOUND");
}

#[tokio::test]
async fn lease_charges_follow_their_service_their_key_and_the_freezes() {
    let (app, t) = TestApp::with_tenant("A").await;
    let k = &t.owner_key;
    let (place, estates) = building(&app, k).await;
    let other_place = app.place(k).name("Les Érables").id().await;
    let category = category(&app, k, "Ascenseur", "ELEVATOR").await;
    let tantiemes = key(&app, k, "Générale", "TANTIEMES").await;
    let measured = key(&app, k, "Eau", "CONSOMMATION_MESUREE").await;
    let service = |place: &str| {
        let app = &app;
        let k = k.clone();
        let body = json!({"name": "Ascenseur", "is_chargeable": true, "space_type": "TECHNICAL",
                          "category_id": category, "default_distribution_key_id": tantiemes});
        let url = format!("/api/places/{place}/services");
        async move {
            let res = app.post(&url, &k, body).await;
            res.assert_status(201);
            res.body["id"].as_str().expect("id").to_owned()
        }
    };
    let lift = service(&place).await;
    let elsewhere = service(&other_place).await;
    let lease = app.lease(k).estate(estates[0].as_str()).active().id().await;
    let url = format!("/api/leases/{lease}/charges");

    // The service gives the category and the key.
    let res = app
        .post(
            &url,
            k,
            json!({"service_id": lift, "billing_mode": "PROVISION", "monthly_amount": 45.5}),
        )
        .await;
    res.assert_status(201);
    assert_eq!(res.body["category_id"], category);
    assert_eq!(res.body["distribution_key_id"], tantiemes.as_str());
    let charge = res.body["id"].as_str().expect("id").to_owned();
    // The rules.
    let res = app
        .post(&url, k, json!({"category_id": category, "billing_mode": "FORFAIT", "distribution_key_id": measured}))
        .await;
    assert_eq!(res.error_fields(), ["billing_mode"]);
    app.post(&url, k, json!({"category_id": category, "billing_mode": "PROVISION", "distribution_key_id": measured}))
        .await
        .assert_status(201);
    let res = app
        .post(
            &url,
            k,
            json!({"category_id": category, "billing_mode": "RELEVE_DIRECT"}),
        )
        .await;
    assert_eq!(res.error_fields(), ["meter_id"]);
    let res = app
        .post(
            &url,
            k,
            json!({"service_id": elsewhere, "billing_mode": "PROVISION"}),
        )
        .await;
    assert_eq!(res.error_fields(), ["service_id"]);

    // A service in use by an active charge stays.
    let lift_url = format!("/api/places/{place}/services/{lift}");
    app.delete(&lift_url, k)
        .await
        .assert_problem(409, "SERVICE_IN_USE");

    // A freeze of the place forbids changing the lease's charge amounts, not other fields.
    let today = chrono::Utc::now().date_naive();
    let freeze = app
        .post(
            "/api/charges/freeze-periods",
            k,
            json!({"scope": "PLACE", "scope_id": place, "start_date": today - chrono::Days::new(1),
                   "end_date": today + chrono::Days::new(30), "reason": "Travaux de ravalement"}),
        )
        .await;
    freeze.assert_status(201);
    let charge_url = format!("{url}/{charge}");
    let res = app
        .patch(&charge_url, k, json!({"monthly_amount": 50}))
        .await;
    res.assert_problem(409, "CHARGES_FROZEN");
    assert!(res.text.contains("Travaux de ravalement"), "{}", res.text);
    let calls = [
        call::patch(&charge_url, json!({"active": false})),
        call::post(
            &url,
            json!({"category_id": category, "billing_mode": "PROVISION", "monthly_amount": 10}),
        ),
    ];
    app.assert_each_problem(k, 409, "CHARGES_FROZEN", calls)
        .await;
    app.patch(&charge_url, k, json!({"distribution_key_id": measured}))
        .await
        .assert_status(200);
    let active = app
        .get(
            &format!("/api/charges/freeze-periods?active_on={today}&scope_id={place}"),
            k,
        )
        .await;
    assert_eq!(active.body["pagination"]["total"], 1);
    app.post(
        "/api/charges/freeze-periods",
        k,
        json!({"scope": "ESTATE", "scope_id": place, "start_date": today, "end_date": today, "reason": "x"}),
    )
    .await
    .assert_problem(400, "VALIDATION_ERROR");
    let freeze_url = format!(
        "/api/charges/freeze-periods/{}",
        freeze.body["id"].as_str().expect("id")
    );
    app.delete(&freeze_url, k).await.assert_status(204);

    // Deactivated, the charge no longer holds the service, which goes and is forgotten.
    app.patch(&charge_url, k, json!({"active": false}))
        .await
        .assert_status(200);
    app.delete(&lift_url, k).await.assert_status(204);
    let res = app.get(&charge_url, k).await;
    assert_eq!(res.body["service_id"], serde_json::Value::Null);
    let list = app.get(&format!("{url}?active=true"), k).await;
    assert_eq!(list.body["pagination"]["total"], 1);

    // Another tenant reaches nothing.
    let other = app.tenant("B").await;
    let calls = [
        call::get(&url),
        call::get(&charge_url),
        call::post(
            &url,
            json!({"category_id": category, "billing_mode": "PROVISION"}),
        ),
    ];
    app.assert_each_problem(&other.owner_key, 404, "NOT_FOUND", calls)
        .await;
    app.post(
        "/api/charges/freeze-periods",
        &other.owner_key,
        json!({"scope": "PLACE", "scope_id": place, "start_date": today, "end_date": today, "reason": "x"}),
    )
    .await
    .assert_problem(400, "VALIDATION_ERROR");
}

#[tokio::test]
async fn expenses_take_their_service_s_category_and_key() {
    let (app, t) = TestApp::with_tenant("A").await;
    let k = &t.owner_key;
    let (place, _) = building(&app, k).await;
    let category = category(&app, k, "Eau froide", "WATER_HEATING").await;
    let surface = key(&app, k, "Surface", "SURFACE").await;
    let service = app
        .post(
            &format!("/api/places/{place}/services"),
            k,
            json!({"name": "Eau", "is_chargeable": true, "space_type": "PRIVATE",
                   "category_id": category, "default_distribution_key_id": surface}),
        )
        .await
        .body["id"]
        .clone();
    let url = format!("/api/places/{place}/charge-expenses");
    let res = app
        .post(
            &url,
            k,
            json!({"service_id": service, "amount": 1200, "period_start": "2025-01-01",
                   "period_end": "2025-12-31", "supplier": "Eau du Grand Lyon"}),
        )
        .await;
    res.assert_status(201);
    assert_eq!(res.body["category_id"], category);
    assert_eq!(res.body["distribution_key_id"], surface.as_str());
    let res = app
        .post(
            &url,
            k,
            json!({"category_id": category, "amount": 10, "period_start": "2025-01-01", "period_end": "2025-01-31"}),
        )
        .await;
    assert_eq!(res.error_fields(), ["distribution_key_id"]);
    let res = app
        .post(
            &url,
            k,
            json!({"category_id": category, "amount": 0, "period_start": "2025-02-01", "period_end": "2025-01-31"}),
        )
        .await;
    assert_eq!(res.error_fields(), ["amount", "period_end"]);
    let list = app.get(&format!("{url}?category_id={}", category), k).await;
    assert_eq!(list.body["pagination"]["total"], 1);
    let other = app.tenant("B").await;
    app.get(&url, &other.owner_key)
        .await
        .assert_problem(404, "NOT_FOUND");
    let id = list.body["data"][0]["id"].as_str().expect("id").to_owned();
    app.delete(&format!("{url}/{id}"), &other.owner_key)
        .await
        .assert_problem(404, "NOT_FOUND");
}

/// The yearly review of a small building, worked out by hand.
///
/// Period 2025-01-01 to 2025-12-31: 365 days. Estates LOT-A (200 tantiemes, 50 m²), LOT-B
/// (300, 30 m²), LOT-C (500, 20 m², vacant all year).
/// Expenses: lift 1,200.00 (category rate 100 %, key TANTIEMES); caretaker 2,000.00 (rate
/// 75 %, key SURFACE).
/// - Lift: recoverable 1,200.00, split 200/300/500 of 1000 → A 240.00, B 360.00, C 600.00.
/// - Caretaker: recoverable 2,000 × 75 % = 1,500.00, split 50/30/20 of 100 → A 750.00,
///   B 450.00, C 300.00.
///
/// Lease 1 on LOT-A, all year, payment day 5, provisions lift 25.00 and caretaker 60.00:
/// due 240.00 + 750.00 = 990.00; provisions 12 × 25 + 12 × 60 = 1,020.00; balance −30.00
/// (refunded); suggested provision 990.00 ÷ 12 = 82.50.
/// Lease 2 on LOT-B from 2025-07-01 (184 days), payment day 1, provision lift 30.00, caretaker
/// as a flat rate (FORFAIT, not reviewed): due 360.00 × 184 / 365 = 181.479… → 181.48;
/// provisions 6 × 30 = 180.00; balance +1.48; suggested 181.48 × 365 / 184 / 12 = 30.0001… →
/// 30.00. LOT-C's parts (600.00 and 300.00) and LOT-B's first half-year are the owner's.
#[tokio::test]
async fn the_yearly_review_of_a_small_building() {
    let (app, t) = TestApp::with_tenant("A").await;
    let k = &t.owner_key;
    let (place, estates) = building(&app, k).await;
    let category = |name: &str, kind: &str, rate: u32| {
        let app = &app;
        let k = k.clone();
        let body = json!({"name": name, "category_type": kind, "recovery_rate": rate});
        async move {
            app.post("/api/charge-categories", &k, body).await.body["id"]
                .as_str()
                .expect("id")
                .to_owned()
        }
    };
    let lift = category("Ascenseur", "ELEVATOR", 100).await;
    let staff = category("Gardien", "BUILDING_STAFF", 75).await;
    let by_tantiemes = key(&app, k, "Générale", "TANTIEMES").await;
    let by_surface = key(&app, k, "Surface", "SURFACE").await;
    for (category, key, amount) in [(&lift, &by_tantiemes, 1200), (&staff, &by_surface, 2000)] {
        app.post(
            &format!("/api/places/{place}/charge-expenses"),
            k,
            json!({"category_id": category, "distribution_key_id": key, "amount": amount,
                   "period_start": "2025-01-01", "period_end": "2025-12-31"}),
        )
        .await
        .assert_status(201);
    }
    // An expense of another year does not count.
    app.post(
        &format!("/api/places/{place}/charge-expenses"),
        k,
        json!({"category_id": lift, "distribution_key_id": by_tantiemes, "amount": 999,
               "period_start": "2024-01-01", "period_end": "2024-12-31"}),
    )
    .await
    .assert_status(201);
    let lease = |estate: &String, start: &str, day: u32| {
        let lease = app.lease(k).estate(estate.as_str()).start(start);
        lease.active().with("payment_day", day).id()
    };
    let first = lease(&estates[0], "2024-01-01", 5).await;
    let second = lease(&estates[1], "2025-07-01", 1).await;
    for (lease, category, mode, amount) in [
        (&first, &lift, "PROVISION", 25),
        (&first, &staff, "PROVISION", 60),
        (&second, &lift, "PROVISION", 30),
        (&second, &staff, "FORFAIT", 50),
    ] {
        app.create(
            &format!("/api/leases/{lease}/charges"),
            k,
            json!({"category_id": category, "billing_mode": mode, "monthly_amount": amount}),
        )
        .await;
    }

    let res = app
        .post(
            "/api/charges/reviews",
            k,
            json!({"place_id": place, "period_start": "2025-01-01", "period_end": "2025-12-31"}),
        )
        .await;
    res.assert_status(201);
    let r = &res.body;
    assert_eq!(r["status"], "DRAFT");
    assert_eq!(r["period_days"], 365);
    assert_eq!(r["expenses_total"], 3200);
    assert_eq!(r["recoverable_total"], 2700);
    let statements = r["statements"].as_array().expect("statements");
    assert_eq!(statements.len(), 2, "the vacant LOT-C has no statement");
    let a = &statements[0];
    assert_eq!(a["lease_id"], first.as_str());
    assert_eq!(a["covered_days"], 365);
    // The lines come in category id order: compare them sorted.
    let sorted = |v: &serde_json::Value| {
        let mut lines = v.as_array().expect("lines").clone();
        lines.sort_by_key(|l| l["category_id"].as_str().map(str::to_owned));
        lines
    };
    assert_eq!(
        sorted(&a["lines"]),
        sorted(&json!([
            {"category_id": lift, "category_name": "Ascenseur", "distribution_key_id": by_tantiemes,
             "expense": 1200, "recovery_rate": 100, "recoverable": 1200, "share": 0.2,
             "estate_amount": 240, "prorata": 1, "due": 240},
            {"category_id": staff, "category_name": "Gardien", "distribution_key_id": by_surface,
             "expense": 2000, "recovery_rate": 75, "recoverable": 1500, "share": 0.5,
             "estate_amount": 750, "prorata": 1, "due": 750}
        ]))
    );
    assert_eq!(
        (
            &a["total_due"],
            &a["provisions_called"],
            &a["balance"],
            &a["suggested_monthly_provision"]
        ),
        (&json!(990), &json!(1020), &json!(-30), &json!(82.5))
    );
    let b = &statements[1];
    assert_eq!(b["lease_id"], second.as_str());
    assert_eq!(
        (&b["covered_from"], &b["covered_to"], &b["covered_days"]),
        (&json!("2025-07-01"), &json!("2025-12-31"), &json!(184))
    );
    assert_eq!(
        b["lines"],
        json!([{"category_id": lift, "category_name": "Ascenseur", "distribution_key_id": by_tantiemes,
                "expense": 1200, "recovery_rate": 100, "recoverable": 1200, "share": 0.3,
                "estate_amount": 360, "prorata": 0.50411, "due": 181.48}])
    );
    assert_eq!(
        (
            &b["total_due"],
            &b["provisions_called"],
            &b["balance"],
            &b["suggested_monthly_provision"]
        ),
        (&json!(181.48), &json!(180), &json!(1.48), &json!(30))
    );

    let id = r["id"].as_str().expect("id").to_owned();
    let url = format!("/api/charges/reviews/{id}");
    let statement = app.get(&format!("{url}/statements/{second}"), k).await;
    for field in ["lines", "total_due", "provisions_called", "balance"] {
        assert_eq!(&statement.body[field], &b[field]);
    }
    assert_eq!(statement.body["regulations"], json!([]));
    app.get(&format!("{url}/statements/{}", uuid::Uuid::now_v7()), k)
        .await
        .assert_problem(404, "NOT_FOUND");
    let list = app
        .get(&format!("/api/charges/reviews?place_id={place}"), k)
        .await;
    assert_eq!(list.body["pagination"]["total"], 1, "{}", list.text);

    // A regulation adjusts a lease's balance while the review is a draft.
    let regulation = json!({"review_id": id, "lease_id": second, "kind": "CORRECTION",
                            "amount": -1.48, "reason": "geste commercial"});
    let created = app
        .post("/api/charges/regulations", k, regulation.clone())
        .await;
    created.assert_status(201);
    let regulation_url = format!(
        "/api/charges/regulations/{}",
        created.body["id"].as_str().expect("id")
    );
    let mut stranger = regulation.clone();
    stranger["lease_id"] = json!(uuid::Uuid::now_v7());
    app.post("/api/charges/regulations", k, stranger)
        .await
        .assert_problem(400, "VALIDATION_ERROR");
    let listed = app
        .get(&format!("/api/charges/regulations?review_id={id}"), k)
        .await;
    assert_eq!(listed.body["pagination"]["total"], 1);
    let statement = app.get(&format!("{url}/statements/{second}"), k).await;
    assert_eq!(statement.body["balance"], 1.48);
    assert_eq!(statement.body["balance_after_regulations"], 0);
    assert_eq!(statement.body["regulations"][0]["amount"], -1.48);

    // The statement as the lessee receives it, read back from the PDF.
    let pdf = app
        .get_raw(&format!("{url}/statements/{second}/pdf"), k)
        .await
        .pdf_text();
    assert_contains_all(
        &pdf,
        &[
            "Décompte de régularisation des charges",
            "du 01/01/2025 au 31/12/2025",
            "du 01/07/2025 au 31/12/2025 (184 jours)",
            "Ascenseur",
            "Dépenses de l'immeuble 1 200,00 €",
            "Quote-part du lot 0,3",
            "Montant du lot 360,00 €",
            "Prorata d'occupation 0,50411",
            "Dû 181,48 €",
            "Provisions appelées 180,00 €",
            "Solde dû par le locataire 1,48 €",
            "Solde après régularisations 0,00 €",
            "Provision mensuelle suggérée 30,00 €",
        ],
    );
    app.get(
        &format!("{url}/statements/{second}/pdf"),
        &app.tenant("B").await.owner_key,
    )
    .await
    .assert_problem(404, "NOT_FOUND");

    // Validated, it no longer changes.
    let res = app.post(&format!("{url}/validate"), k, json!({})).await;
    res.assert_status(200);
    assert_eq!(res.body["status"], "VALIDATED");
    let calls = [
        call::post(&format!("{url}/validate"), json!({})),
        call::delete(&url),
    ];
    app.assert_each_problem(k, 409, "CONFLICT", calls).await;
    let log = app
        .get(
            &format!("/api/charges/audit-logs?entity_type=charge_review&entity_id={id}"),
            k,
        )
        .await;
    let actions: Vec<&str> = log.body["data"]
        .as_array()
        .expect("log")
        .iter()
        .filter_map(|e| e["action"].as_str())
        .collect();
    assert_eq!(actions, ["VALIDATE", "CREATE"]);
    assert_eq!(log.body["data"][0]["after"]["status"], "VALIDATED");
    app.post("/api/charges/regulations", k, regulation)
        .await
        .assert_problem(409, "CONFLICT");
    let notices = app
        .get("/api/charges/notifications?kind=REVIEW_NOTICE", k)
        .await;
    assert_eq!(notices.body["pagination"]["total"], 1);
    assert_eq!(notices.body["data"][0]["entity_id"], id.as_str());

    // Bad periods, unknown places, another tenant.
    let res = app
        .post(
            "/api/charges/reviews",
            k,
            json!({"place_id": place, "period_start": "2025-12-31", "period_end": "2025-01-01"}),
        )
        .await;
    assert_eq!(res.error_fields(), ["period_end"]);
    app.post(
        "/api/charges/reviews",
        k,
        json!({"place_id": uuid::Uuid::now_v7(), "period_start": "2025-01-01", "period_end": "2025-12-31"}),
    )
    .await
    .assert_problem(404, "NOT_FOUND");
    let other = app.tenant("B").await;
    let calls = [
        call::get(&url),
        call::get(&format!("{url}/statements/{second}")),
        call::delete(&url),
    ];
    app.assert_each_problem(&other.owner_key, 404, "NOT_FOUND", calls)
        .await;
    for_each_item_route(&app, &regulation_url, &other.owner_key, k).await;
    let review =
        json!({"place_id": place, "period_start": "2025-01-01", "period_end": "2025-12-31"});
    let calls = [
        call::post(&format!("{url}/validate"), json!({})),
        call::post("/api/charges/reviews", review),
    ];
    app.assert_each_problem(&other.owner_key, 404, "NOT_FOUND", calls)
        .await;
}

#[tokio::test]
async fn every_change_of_a_charge_entity_is_in_the_audit_log() {
    let (app, t) = TestApp::with_tenant("A").await;
    let k = &t.owner_key;
    let manager = app.key(&t, "MANAGER").await;
    let res = app
        .post(
            "/api/charge-categories",
            &manager,
            json!({"name": "Ascenseur", "category_type": "ELEVATOR"}),
        )
        .await;
    let id = res.body["id"].as_str().expect("id").to_owned();
    let url = format!("/api/charge-categories/{id}");
    app.patch(&url, k, json!({"recovery_rate": 80}))
        .await
        .assert_status(200);
    app.delete(&url, k).await.assert_status(204);
    let log = app
        .get(
            &format!("/api/charges/audit-logs?entity_type=charge_category&entity_id={id}"),
            k,
        )
        .await;
    log.assert_status(200);
    let entries = log.body["data"].as_array().expect("entries");
    let actions: Vec<&str> = entries
        .iter()
        .filter_map(|e| e["action"].as_str())
        .collect();
    assert_eq!(actions, ["DELETE", "UPDATE", "CREATE"], "latest first");
    assert_eq!(entries[1]["before"]["recovery_rate"], 100);
    assert_eq!(entries[1]["after"]["recovery_rate"], 80);
    assert_eq!(entries[0]["after"], serde_json::Value::Null);
    assert_eq!(entries[2]["before"], serde_json::Value::Null);
    // The keys that made the changes: the manager's, then the owner's.
    let keys = app.get("/api/api-keys", k).await;
    let key_of = |role: &str| id_of(&keys.body["data"], |key| key["role"] == role);
    assert_eq!(entries[2]["key_id"], key_of("MANAGER"));
    assert_eq!(entries[1]["key_id"], key_of("OWNER"));
    app.get("/api/charges/audit-logs?entity_type=lease", k)
        .await
        .assert_problem(400, "VALIDATION_ERROR");
    // Another tenant's log is its own.
    let other = app.tenant("B").await;
    let theirs = app.get("/api/charges/audit-logs", &other.owner_key).await;
    assert_eq!(theirs.body["pagination"]["total"], 0);
}

#[tokio::test]
async fn references_valid_on_the_calculation_date_take_precedence() {
    let (app, t) = TestApp::with_tenant("A").await;
    let k = &t.owner_key;
    let (place, estates) = building(&app, k).await;
    let tantiemes = key(&app, k, "Générale", "TANTIEMES").await;
    let url = "/api/charges/distribution-references";
    let res = app
        .post(
            url,
            k,
            json!({"estate_id": estates[0], "kind": "TANTIEMES", "value": 400,
                   "valid_from": "2025-01-01", "valid_to": "2025-12-31"}),
        )
        .await;
    res.assert_status(201);
    let calc = |date: &str| {
        let app = &app;
        let k = k.clone();
        let url = format!("/api/distribution-keys/{tantiemes}/calculate");
        let body = json!({"place_id": place, "total_amount": 1200, "calculation_date": date});
        async move {
            let res = app.post(&url, &k, body).await;
            res.assert_status(200);
            res.body["distributions"]
                .as_array()
                .expect("lines")
                .iter()
                .map(|d| d["amount"].as_f64().expect("amount"))
                .collect::<Vec<_>>()
        }
    };
    // 400 / 300 / 500 of 1,200 while the reference holds; 200 / 300 / 500 of 1,000 after.
    assert_eq!(calc("2025-06-01").await, [400.0, 300.0, 500.0]);
    assert_eq!(calc("2026-01-01").await, [240.0, 360.0, 600.0]);
    // Overlaps, fractions of tantiemes, another tenant's estate.
    app.post(
        url,
        k,
        json!({"estate_id": estates[0], "kind": "TANTIEMES", "value": 300, "valid_from": "2025-12-01"}),
    )
    .await
    .assert_problem(409, "CONFLICT");
    app.create(url, k, json!({"estate_id": estates[0], "kind": "SURFACE", "value": 55.5, "valid_from": "2025-12-01"})).await;
    let res = app
        .post(
            url,
            k,
            json!({"estate_id": estates[1], "kind": "TANTIEMES", "value": 300.5, "valid_from": "2025-01-01"}),
        )
        .await;
    assert_eq!(res.error_fields(), ["value"]);
    let other = app.tenant("B").await;
    let res = app
        .post(
            url,
            &other.owner_key,
            json!({"estate_id": estates[1], "kind": "TANTIEMES", "value": 1, "valid_from": "2025-01-01"}),
        )
        .await;
    assert_eq!(res.error_fields(), ["estate_id"]);
    let list = app.get(&format!("{url}?estate_id={}", estates[0]), k).await;
    assert_eq!(list.body["pagination"]["total"], 2);
    assert_eq!(
        list.body["data"][0]["valid_from"], "2025-12-01",
        "latest first"
    );
    let searched = app.get(&format!("{url}?search=x&sort=valid_from"), k).await;
    searched.assert_status(200);
    assert_eq!(searched.body["data"][0]["valid_from"], "2025-01-01");
    assert_eq!(
        app.get(url, &other.owner_key).await.body["pagination"]["total"],
        0
    );
}

#[tokio::test]
async fn an_expense_beyond_its_category_s_threshold_raises_a_notification() {
    let (app, t) = TestApp::with_tenant("A").await;
    let k = &t.owner_key;
    let (place, _) = building(&app, k).await;
    let category = app
        .post(
            "/api/charge-categories",
            k,
            json!({"name": "Chauffage", "category_type": "WATER_HEATING", "notification_threshold": 20}),
        )
        .await
        .body["id"]
        .clone();
    let surface = key(&app, k, "Surface", "SURFACE").await;
    let expense = |amount: u32| {
        let app = &app;
        let k = k.clone();
        let url = format!("/api/places/{place}/charge-expenses");
        let body = json!({"category_id": category, "distribution_key_id": surface, "amount": amount,
                          "period_start": "2025-01-01", "period_end": "2025-01-31"});
        async move {
            app.post(&url, &k, body).await.assert_status(201);
        }
    };
    expense(1000).await;
    expense(1200).await; // +20 %: the limit
    let none = app.get("/api/charges/notifications", k).await;
    assert_eq!(none.body["pagination"]["total"], 0);
    expense(1400).await; // usual 1,100: +27 %
    let res = app
        .get(
            "/api/charges/notifications?kind=OVER_THRESHOLD&read=false",
            k,
        )
        .await;
    assert_eq!(res.body["pagination"]["total"], 1, "{}", res.text);
    let n = res.body["data"][0]["id"].as_str().expect("id").to_owned();
    let res = app
        .patch(
            &format!("/api/charges/notifications/{n}"),
            k,
            json!({"read": true}),
        )
        .await;
    assert_eq!(res.body["read"], true);
    let unread = app.get("/api/charges/notifications?read=false", k).await;
    assert_eq!(unread.body["pagination"]["total"], 0);
    let other = app.tenant("B").await;
    app.patch(
        &format!("/api/charges/notifications/{n}"),
        &other.owner_key,
        json!({"read": false}),
    )
    .await
    .assert_problem(404, "NOT_FOUND");
}

/// Another tenant's key gets 404 on GET, PATCH and DELETE of an item; its own tenant still reads it.
async fn for_each_item_route(app: &TestApp, url: &str, foreign: &str, own: &str) {
    let calls = [
        call::get(url),
        call::patch(url, json!({})),
        call::delete(url),
    ];
    app.assert_each_problem(foreign, 404, "NOT_FOUND", calls)
        .await;
    app.get(url, own).await.assert_status(200);
}
