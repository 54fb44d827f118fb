//! The isolation sweep, generated from the OpenAPI document: for every route with a path id,
//! tenant B's OWNER key and a LESSEE key of tenant A (on routes not its own) never get tenant
//! A's data. A route added later is swept without anyone remembering it: when the sweep finds
//! no record of A for one of its ids, it fails and names the route.

use std::collections::BTreeMap;

use faireplace_tests::{LeaseWorld, Part, TestApp};
use reqwest::Method;
use serde_json::{Value, json};

/// The table behind the path segment that precedes an id, where the two names differ.
fn table_of(segment: &str) -> String {
    match segment {
        "annexes" => "lease_annexes",
        "charges" => "lease_charges",
        "diagnostics" => "estate_diagnostics",
        "inventory" => "inventory_items",
        "keys" => "estate_keys",
        "notifications" => "charge_notifications",
        "regulations" => "charge_regulations",
        "reviews" => "charge_reviews",
        "services" => "place_services",
        "signers" => "signature_signers",
        "statements" => "leases",
        "{kind}" => "property_types",
        other => return other.replace('-', "_"),
    }
    .to_owned()
}

/// Fills tenant A with one of everything a path id can name.
async fn populate(app: &TestApp, w: &LeaseWorld) {
    let k = w.key().to_owned();
    let post = |path: String, body: Value| {
        let k = k.clone();
        async move {
            let res = app.post(&path, &k, body).await;
            res.assert_status_in(&[200, 201]);
            res.body["id"].as_str().unwrap_or_default().to_owned()
        }
    };
    let type_of = |kind: &'static str, code: &'static str| {
        let k = k.clone();
        async move {
            let types = format!("/api/types/{kind}?limit=100");
            app.id_by_code(&types, &k, code).await
        }
    };
    let e = &w.estate;
    let bedroom = type_of("room", "BEDROOM").await;
    let boiler = type_of("equipment", "BOILER").await;
    post(
        format!("/api/estates/{e}/rooms"),
        json!({"type_id": bedroom, "name": "Chambre"}),
    )
    .await;
    post(
        format!("/api/estates/{e}/equipment"),
        json!({"type_id": boiler, "name": "Chaudière"}),
    )
    .await;
    post(
        format!("/api/estates/{e}/inventory"),
        json!({"label": "Lit", "category": "BEDDING"}),
    )
    .await;
    post(
        format!("/api/estates/{e}/keys"),
        json!({"kind": "DOOR", "label": "Porte", "quantity": 2, "holder_kind": "AGENCY"}),
    )
    .await;
    let pdf: &[u8] =
        b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n";
    let media = app
        .post_multipart(
            "/api/media",
            &k,
            &[
                Part::Text("entity_type", "ESTATE"),
                Part::Text("entity_id", e),
                faireplace_tests::file("dpe.pdf", pdf),
            ],
        )
        .await;
    media.assert_status(201);
    post(
        format!("/api/estates/{e}/energy-diagnoses"),
        json!({"energy_class": "D", "ghg_class": "D", "energy_kwh_m2_year": 200,
               "ghg_kg_m2_year": 40, "performed_on": "2024-03-01", "media_id": media.body["id"]}),
    )
    .await;
    post(
        format!("/api/estates/{e}/diagnostics"),
        json!({"type": "RISKS", "performed_on": "2026-06-01"}),
    )
    .await;
    let lease = post("/api/leases".into(), w.lease(json!({"status": "ACTIVE"}))).await;
    let draft = post(
        "/api/leases".into(),
        w.lease(json!({"start_date": "2030-01-01"})),
    )
    .await;
    let category = post(
        "/api/charge-categories".into(),
        json!({"name": "Eau", "category_type": "WATER_HEATING"}),
    )
    .await;
    let parts = post(
        "/api/distribution-keys".into(),
        json!({"name": "Parts", "calculation_type": "PARTS_EGALES"}),
    )
    .await;
    let place = &w.place;
    let service = post(
        format!("/api/places/{place}/services"),
        json!({"name": "Eau", "is_chargeable": true, "space_type": "PRIVATE",
               "category_id": category, "default_distribution_key_id": parts}),
    )
    .await;
    post(
        format!("/api/leases/{lease}/charges"),
        json!({"service_id": service, "billing_mode": "PROVISION", "monthly_amount": 20}),
    )
    .await;
    post(
        format!("/api/places/{place}/charge-expenses"),
        json!({"category_id": category, "distribution_key_id": parts, "amount": 100,
               "period_start": "2026-01-01", "period_end": "2026-01-31"}),
    )
    .await;
    let today = chrono::Utc::now().date_naive();
    post(
        "/api/charges/freeze-periods".into(),
        json!({"scope": "PLACE", "scope_id": place, "start_date": today, "end_date": today, "reason": "x"}),
    )
    .await;
    post(
        "/api/charges/distribution-references".into(),
        json!({"estate_id": e, "kind": "TANTIEMES", "value": 1, "valid_from": "2020-01-01", "valid_to": "2020-12-31"}),
    )
    .await;
    post(
        "/api/meters".into(),
        json!({"estate_id": e, "meter_type": "GAS"}),
    )
    .await;
    let review = post(
        "/api/charges/reviews".into(),
        json!({"place_id": place, "period_start": "2026-01-01", "period_end": "2026-12-31"}),
    )
    .await;
    post(
        "/api/charges/regulations".into(),
        json!({"review_id": review, "lease_id": lease, "kind": "CORRECTION", "amount": -1, "reason": "x"}),
    )
    .await;
    // A validated review notifies: a notification to sweep too.
    post(format!("/api/charges/reviews/{review}/validate"), json!({})).await;
    post(
        format!("/api/leases/{lease}/annexes/attach-mandatory"),
        json!({}),
    )
    .await;
    app.grant_credits(w, 1).await;
    post(
        format!("/api/leases/{draft}/signatures"),
        json!({"signers": [
            {"role": "LESSEE", "party_id": w.lessees[0]},
            {"role": "LESSEE", "party_id": w.lessees[1]}]}),
    )
    .await;
    post(
        "/api/api-keys".into(),
        json!({"name": "manager", "role": "MANAGER"}),
    )
    .await;
}

/// A record of every collection whose request form has an example (the resources declared
/// once carry one): created as A, top-level collections first, then those under a parent. An
/// example that names another record (a distribution reference's estate) names none of A's: it
/// is refused on those references alone, and `populate` makes that collection's record.
async fn create_from_examples(app: &TestApp, w: &LeaseWorld, spec: &Value) {
    let schemas = &spec["components"]["schemas"];
    for (path, item) in spec["paths"].as_object().expect("paths") {
        let Some(reference) =
            item["post"]["requestBody"]["content"]["application/json"]["schema"]["$ref"].as_str()
        else {
            continue;
        };
        let name = reference.rsplit('/').next().unwrap_or_default();
        let Some(example) = schemas[name]["examples"].get(0) else {
            continue;
        };
        if path.contains('{') {
            continue;
        }
        let res = app.post(path, w.key(), example.clone()).await;
        let fields = res.error_fields();
        if res.status == 400 && !fields.is_empty() && fields.iter().all(|f| f.ends_with("_id")) {
            continue;
        }
        res.assert_status(201);
    }
}

/// One record of A per table (as JSON), and every id and name of A, to look for in answers.
async fn records_of(app: &TestApp, tenant: &str) -> (BTreeMap<String, Value>, Vec<String>) {
    let mut db = app.admin_connection().await;
    let tables: Vec<String> = sqlx::query_scalar(
        "SELECT c.relname::text FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace \
         WHERE n.nspname = 'public' AND c.relkind = 'r' AND EXISTS (SELECT 1 FROM pg_attribute a \
           WHERE a.attrelid = c.oid AND a.attname = 'tenant_id' AND NOT a.attisdropped) \
         AND EXISTS (SELECT 1 FROM pg_attribute a WHERE a.attrelid = c.oid AND a.attname = 'id' \
           AND NOT a.attisdropped)",
    )
    .fetch_all(&mut db)
    .await
    .expect("tables");
    let uuid = uuid::Uuid::parse_str(tenant).expect("tenant");
    let mut one = BTreeMap::new();
    let mut secrets = Vec::new();
    for table in tables {
        let rows: Vec<Value> = sqlx::query_scalar(sqlx::AssertSqlSafe(format!(
            "SELECT to_jsonb(t) FROM {table} t WHERE tenant_id = $1 ORDER BY id"
        )))
        .bind(uuid)
        .fetch_all(&mut db)
        .await
        .expect("rows");
        for r in &rows {
            secrets.extend(r["id"].as_str().map(str::to_owned));
        }
        if let Some(first) = rows.into_iter().next() {
            one.insert(table, first);
        }
    }
    secrets.extend(
        [
            "Agnès",
            "Lefèvre",
            "Bernard",
            "Résidence des Tilleuls",
            "Petit",
        ]
        .iter()
        .map(|s| (*s).to_owned()),
    );
    (one, secrets)
}

/// The path with its ids filled from A's records, the last id's record giving its parents.
fn fill(path: &str, one: &BTreeMap<String, Value>) -> Result<String, String> {
    let parts: Vec<&str> = path.split('/').collect();
    let params: Vec<usize> = (0..parts.len())
        .filter(|&i| parts[i].starts_with('{'))
        .collect();
    let last = *params.last().ok_or("no id")?;
    if parts[last] == "{kind}" {
        return Ok(path.replace("{kind}", "estate"));
    }
    let table = table_of(parts[last - 1]);
    let record = one
        .get(&table)
        .ok_or_else(|| format!("{path}: no record of tenant A in {table}: populate one"))?;
    let mut out: Vec<String> = parts.iter().map(|p| (*p).to_owned()).collect();
    for &i in &params {
        let value = if i == last {
            record["id"].as_str()
        } else if parts[i] == "{kind}" {
            Some("estate")
        } else {
            // A parent: the record's `<parent>_id` (an estate's rooms name their estate…),
            // else a record of the parent's own table (a review of A's, for its statements).
            let parent = parts[i - 1].trim_end_matches('s').replace('-', "_");
            record[format!("{parent}_id")].as_str().or_else(|| {
                one.get(&table_of(parts[i - 1]))
                    .and_then(|r| r["id"].as_str())
            })
        };
        out[i] = value
            .ok_or_else(|| format!("{path}: cannot fill {} from {table}", parts[i]))?
            .to_owned();
    }
    Ok(out.join("/"))
}

#[tokio::test]
async fn no_route_with_an_id_answers_another_tenant_or_a_lessee_with_tenant_a_s_data() {
    let app = TestApp::spawn().await;
    let w = app.lease_world("A").await;
    populate(&app, &w).await;
    let b = app.tenant("B").await;
    let (lessee, _) = app
        .lessee_key(
            &w.t,
            &[
                "lessee:leases:read",
                "lessee:leases:sign",
                "lessee:leases:download",
            ],
        )
        .await;
    let spec = app.get("/api/openapi.json", "").await.body;
    create_from_examples(&app, &w, &spec).await;
    let (one, secrets) = records_of(&app, &w.t.id).await;
    let mut swept = 0;
    let mut unfilled = Vec::new();
    for (path, item) in spec["paths"].as_object().expect("paths") {
        // Ids only: `{kind}` alone names a list of one's own (estate, room, equipment types).
        let has_id = path.replace("{kind}", "").contains('{');
        if !has_id || path.starts_with("/api/workers") || path.starts_with("/api/webhooks") {
            continue;
        }
        let url = match fill(path, &one) {
            Ok(url) => url,
            Err(e) => {
                unfilled.push(e);
                continue;
            }
        };
        for (method, _) in item.as_object().expect("item") {
            let method = match method.as_str() {
                "get" => Method::GET,
                "post" => Method::POST,
                "put" => Method::PUT,
                "patch" => Method::PATCH,
                "delete" => Method::DELETE,
                _ => continue,
            };
            let body = (method != Method::GET && method != Method::DELETE).then(|| json!({}));
            let own_route = path.starts_with("/api/lessee/");
            for (who, key) in [("tenant B", &b.owner_key), ("a lessee of A", &lessee)] {
                let res = app.send(method.clone(), &url, key, body.clone()).await;
                swept += 1;
                let status = res.status.as_u16();
                let expected: &[u16] = match (who, own_route) {
                    // Another tenant never learns the id exists.
                    ("tenant B", false) => &[404],
                    ("tenant B", true) => &[403],
                    // A lessee reaches only its own leases, and nothing else.
                    (_, true) => &[404],
                    (_, false) => &[403],
                };
                // A body refused before any lookup (400, 415) names nothing of A either.
                assert!(
                    expected.contains(&status) || status == 400 || status == 415,
                    "{who}: {method} {path} answered {status}: {}",
                    res.text
                );
                // The ids the request itself named come back in `instance`: not a leak.
                for secret in secrets.iter().filter(|s| !url.contains(s.as_str())) {
                    assert!(
                        !res.text.contains(secret.as_str()),
                        "{who}: {method} {path} leaked {secret}: {}",
                        res.text
                    );
                }
            }
        }
    }
    assert!(
        unfilled.is_empty(),
        "routes not swept:\n{}",
        unfilled.join("\n")
    );
    assert!(swept > 150, "only {swept} requests swept");
    // Nothing of A changed under the sweep.
    let (after, _) = records_of(&app, &w.t.id).await;
    assert_eq!(after.len(), one.len());
    let leases = app.get("/api/leases?limit=1", w.key()).await;
    assert_eq!(leases.body["pagination"]["total"], 2);
}
