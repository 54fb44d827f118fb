//! Owners, contacts and lessees over HTTP.

use faireplace_tests::fixtures::call;
use faireplace_tests::{TestApp, person_owner};
use serde_json::{Value, json};

fn id(v: &Value) -> String {
    v["id"].as_str().expect("id").to_owned()
}

#[tokio::test]
async fn owner_lifecycle() {
    let (app, t) = TestApp::with_tenant("A").await;
    let k = &t.owner_key;

    let res = app
        .post(
            "/api/owners",
            k,
            json!({
                "kind": "COMPANY",
                "company_name": "SCI Les Tilleuls",
                "siret": "732 829 320 00074",
                "email": " Gestion@Tilleuls.FR ",
                "phone": "01 23 45 67 89",
                "address": {"street": "3 place Bellecour", "postal_code": "69002", "city": "Lyon"},
                "iban": "FR76 3000 6000 0112 3456 7890 189",
                "external_reference_id": "ERP-42",
                "notes": "Paie à 30 jours\nvia virement"
            }),
        )
        .await;
    res.assert_status(201);
    let owner = res.body.clone();
    let owner_id = id(&owner);
    assert_eq!(
        res.header("location"),
        Some(format!("/api/owners/{owner_id}").as_str())
    );
    assert_eq!(owner["siret"], "73282932000074");
    assert_eq!(owner["email"], "gestion@tilleuls.fr");
    assert_eq!(owner["phone"], "0123456789");
    assert_eq!(owner["iban"], "FR7630006000011234567890189");
    assert_eq!(owner["address"]["country"], "FR");
    assert!(owner["created_at"].is_string() && owner["updated_at"].is_string());

    // What was answered is what is read back.
    let read = app.get(&format!("/api/owners/{owner_id}"), k).await;
    read.assert_status(200);
    assert_eq!(read.body, owner);

    // PATCH changes only what it names; null clears.
    let res = app
        .patch(
            &format!("/api/owners/{owner_id}"),
            k,
            json!({"notes": null, "address": {"city": "Lyon 2e"}}),
        )
        .await;
    res.assert_status(200);
    assert_eq!(res.body["notes"], Value::Null);
    assert_eq!(res.body["address"]["city"], "Lyon 2e");
    assert_eq!(res.body["address"]["street"], "3 place Bellecour");
    assert_eq!(res.body["company_name"], "SCI Les Tilleuls");
    assert_eq!(res.body["created_at"], owner["created_at"]);

    // A PATCH that would break a rule is refused and changes nothing.
    let res = app
        .patch(
            &format!("/api/owners/{owner_id}"),
            k,
            json!({"company_name": null}),
        )
        .await;
    res.assert_problem(400, "VALIDATION_ERROR");
    assert_eq!(res.error_fields(), ["company_name"]);
    let res = app
        .patch(&format!("/api/owners/{owner_id}"), k, json!([1, 2]))
        .await;
    res.assert_problem(400, "VALIDATION_ERROR");

    // PUT replaces everything: what is absent is cleared.
    let res = app
        .put(
            &format!("/api/owners/{owner_id}"),
            k,
            person_owner("Jean", "Valjean"),
        )
        .await;
    res.assert_status(200);
    assert_eq!(res.body["kind"], "PERSON");
    assert_eq!(res.body["siret"], Value::Null);
    assert_eq!(res.body["address"], Value::Null);

    app.delete(&format!("/api/owners/{owner_id}"), k)
        .await
        .assert_status(204);
    let calls = [
        call::get(&format!("/api/owners/{owner_id}")),
        call::delete(&format!("/api/owners/{owner_id}")),
        call::put(&format!("/api/owners/{owner_id}"), person_owner("A", "B")),
    ];
    app.assert_each_problem(k, 404, "NOT_FOUND", calls).await;
}

#[tokio::test]
async fn owners_are_validated_field_by_field() {
    let (app, t) = TestApp::with_tenant("A").await;
    let k = &t.owner_key;
    let cases = [
        (json!({}), vec!["kind"]),
        (json!({"kind": "ROBOT"}), vec!["kind"]),
        (json!({"kind": "PERSON"}), vec!["first_name", "last_name"]),
        (json!({"kind": "COMPANY"}), vec!["company_name"]),
        (
            json!({"kind": "COMPANY", "company_name": "X", "siret": "73282932000075"}),
            vec!["siret"],
        ),
        (
            json!({"kind": "COMPANY", "company_name": "X", "siret": "1234"}),
            vec!["siret"],
        ),
        (
            json!({"kind": "PERSON", "first_name": "A", "last_name": "B", "email": "a@b", "phone": "12"}),
            vec!["email", "phone"],
        ),
        (
            json!({"kind": "PERSON", "first_name": "A", "last_name": "B", "iban": "FR7630006000011234567890188"}),
            vec!["iban"],
        ),
        (
            json!({"kind": "PERSON", "first_name": "A", "last_name": "B",
                   "address": {"street": "1 rue X", "postal_code": "750", "city": "Paris", "country": "FR"}}),
            vec!["address.postal_code"],
        ),
        (
            json!({"kind": "PERSON", "first_name": "A", "last_name": "B",
                   "address": {"city": "Paris", "country": "XX"}}),
            vec!["address.street", "address.postal_code", "address.country"],
        ),
        (
            json!({"kind": "PERSON", "first_name": "A".repeat(101), "last_name": "B"}),
            vec!["first_name"],
        ),
    ];
    for (body, fields) in cases {
        let res = app.post("/api/owners", k, body.clone()).await;
        res.assert_problem(400, "VALIDATION_ERROR");
        assert_eq!(res.error_fields(), fields, "{body}");
    }
    // Nothing invalid was stored.
    let list = app.get("/api/owners", k).await;
    assert_eq!(list.body["pagination"]["total"], 0);
}

#[tokio::test]
async fn lists_page_search_filter_and_sort() {
    let (app, t) = TestApp::with_tenant("A").await;
    let k = &t.owner_key;
    for i in 0..57 {
        let mut body = person_owner(&format!("Prénom{i:02}"), &format!("Nom{i:02}"));
        body["email"] = json!(format!("owner{i:02}@example.fr"));
        app.post("/api/owners", k, body).await.assert_status(201);
    }
    app.create(
        "/api/owners",
        k,
        json!({"kind": "COMPANY", "company_name": "Foncière 100% Durable_SA"}),
    )
    .await;

    let res = app.get("/api/owners", k).await;
    res.assert_status(200);
    assert_eq!(
        res.body["pagination"],
        json!({"page": 1, "limit": 20, "total": 58, "total_pages": 3})
    );
    assert_eq!(res.body["data"].as_array().expect("data").len(), 20);

    let res = app.get("/api/owners?page=3&limit=25", k).await;
    assert_eq!(
        res.body["pagination"],
        json!({"page": 3, "limit": 25, "total": 58, "total_pages": 3})
    );
    assert_eq!(res.body["data"].as_array().expect("data").len(), 8);

    // Past the end: no rows, the total is still right.
    let res = app.get("/api/owners?page=9&limit=25", k).await;
    assert_eq!(res.body["pagination"]["total"], 58);
    assert_eq!(res.body["data"], json!([]));

    let res = app.get("/api/owners?limit=100&sort=-last_name", k).await;
    let names: Vec<&str> = res.body["data"]
        .as_array()
        .expect("data")
        .iter()
        .filter_map(|o| o["last_name"].as_str())
        .collect();
    assert_eq!(names.first(), Some(&"Nom56"));
    assert!(names.windows(2).all(|w| w[0] >= w[1]));

    // Search is case-insensitive on names; wildcards in the term are literal.
    let res = app.get("/api/owners?search=nom1", k).await;
    assert_eq!(res.body["pagination"]["total"], 10);
    let res = app.get("/api/owners?search=100%25%20durable_", k).await;
    assert_eq!(res.body["pagination"]["total"], 1);
    let res = app.get("/api/owners?search=_", k).await;
    assert_eq!(res.body["pagination"]["total"], 1);

    let res = app.get("/api/owners?email=OWNER07@example.fr", k).await;
    assert_eq!(res.body["pagination"]["total"], 1);
    assert_eq!(res.body["data"][0]["first_name"], "Prénom07");
    app.get("/api/owners?email=nope", k)
        .await
        .assert_problem(400, "VALIDATION_ERROR");

    let res = app.get("/api/owners?kind=COMPANY", k).await;
    assert_eq!(res.body["pagination"]["total"], 1);
    app.get("/api/owners?kind=ROBOT", k)
        .await
        .assert_problem(400, "VALIDATION_ERROR");
}

#[tokio::test]
async fn contacts_follow_their_kind_rules() {
    let (app, t) = TestApp::with_tenant("A").await;
    let k = &t.owner_key;
    let res = app
        .post(
            "/api/contacts",
            k,
            json!({"kind": "SYNDIC", "last_name": "Durand"}),
        )
        .await;
    res.assert_problem(400, "VALIDATION_ERROR");
    assert_eq!(res.error_fields(), ["company_name"]);
    let res = app
        .post(
            "/api/contacts",
            k,
            json!({"kind": "GUARANTOR", "last_name": "Durand"}),
        )
        .await;
    assert_eq!(res.error_fields(), ["first_name"]);

    let syndic = app
        .post(
            "/api/contacts",
            k,
            json!({"kind": "SYNDIC", "company_name": "Cabinet Lamy", "email": "syndic@lamy.fr"}),
        )
        .await;
    syndic.assert_status(201);
    let guarantor = app
        .post(
            "/api/contacts",
            k,
            json!({"kind": "GUARANTOR", "first_name": "Paul", "last_name": "Durand"}),
        )
        .await;
    guarantor.assert_status(201);

    let res = app.get("/api/contacts?kind=SYNDIC", k).await;
    assert_eq!(res.body["pagination"]["total"], 1);
    let res = app.get("/api/contacts?search=durand", k).await;
    assert_eq!(res.body["pagination"]["total"], 1);
    let res = app.get("/api/contacts?email=SYNDIC@lamy.fr", k).await;
    assert_eq!(res.body["data"][0]["id"], syndic.body["id"]);

    let path = format!("/api/contacts/{}", id(&guarantor.body));
    let res = app
        .patch(&path, k, json!({"kind": "AGENT", "first_name": null}))
        .await;
    res.assert_status(200);
    assert_eq!(res.body["kind"], "AGENT");
    app.delete(&path, k).await.assert_status(204);
    app.get(&path, k).await.assert_problem(404, "NOT_FOUND");
}

#[tokio::test]
async fn lessees_need_names_and_a_sane_birth_date() {
    let (app, t) = TestApp::with_tenant("A").await;
    let k = &t.owner_key;
    let res = app
        .post("/api/lessees", k, json!({"birth_date": "2999-01-01"}))
        .await;
    res.assert_problem(400, "VALIDATION_ERROR");
    assert_eq!(
        res.error_fields(),
        ["first_name", "last_name", "birth_date"]
    );
    let res = app
        .post(
            "/api/lessees",
            k,
            json!({"first_name": "A", "last_name": "B", "birth_date": "12/05/1990"}),
        )
        .await;
    res.assert_problem(400, "VALIDATION_ERROR");

    let res = app
        .post(
            "/api/lessees",
            k,
            json!({"first_name": "Léa", "last_name": "Bernard", "birth_date": "1990-05-17", "email": "lea@example.fr"}),
        )
        .await;
    res.assert_status(201);
    let path = format!("/api/lessees/{}", id(&res.body));
    assert_eq!(res.body["birth_date"], "1990-05-17");
    let res = app
        .get("/api/lessees?email=LEA@example.fr&sort=-birth_date", k)
        .await;
    assert_eq!(res.body["pagination"]["total"], 1);
    let res = app
        .put(
            &path,
            k,
            json!({"first_name": "Léa", "last_name": "Martin"}),
        )
        .await;
    res.assert_status(200);
    assert_eq!(res.body["birth_date"], Value::Null);
    app.get("/api/lessees?sort=company_name", k)
        .await
        .assert_problem(400, "VALIDATION_ERROR");
}

/// Tenant B's lists never show tenant A's parties (the routes with an id are swept for every
/// resource by `isolation_sweep`).
#[tokio::test]
async fn another_tenants_lists_never_show_a_party() {
    let app = TestApp::spawn().await;
    let a = app.tenant("A").await;
    let b = app.tenant("B").await;
    let b_manager = app.key(&b, "MANAGER").await;
    let created = [
        ("/api/owners", person_owner("Anne", "Alpha")),
        (
            "/api/contacts",
            json!({"kind": "AGENT", "last_name": "Alpha"}),
        ),
        (
            "/api/lessees",
            json!({"first_name": "Anne", "last_name": "Alpha", "email": "anne@alpha.fr"}),
        ),
    ];
    for (collection, body) in &created {
        app.post(collection, &a.owner_key, body.clone())
            .await
            .assert_status(201);
    }
    for key in [&b.owner_key, &b_manager] {
        for (collection, _) in &created {
            let list = app.get(&format!("{collection}?search=alpha"), key).await;
            assert_eq!(list.body["pagination"]["total"], 0, "{collection}");
            let list = app.get(collection, key).await;
            list.assert_status(200);
            assert!(!list.text.contains("Alpha"), "{collection}");
        }
        let list = app.get("/api/lessees?email=anne@alpha.fr", key).await;
        assert_eq!(list.body["pagination"]["total"], 0);
    }
    for (collection, _) in &created {
        let list = app
            .get(&format!("{collection}?search=alpha"), &a.owner_key)
            .await;
        assert_eq!(list.body["pagination"]["total"], 1, "{collection}");
    }
}

/// Many requests of two tenants at once, on a small pool: each sees only its own rows.
#[tokio::test]
async fn concurrent_tenants_never_see_each_other() {
    let app = TestApp::spawn_with(|c| c.db.max_connections = 2).await;
    let a = app.tenant("A").await;
    let b = app.tenant("B").await;
    for i in 0..5 {
        app.owner(&a.owner_key)
            .named("A", &format!("Alpha{i}"))
            .create()
            .await;
        app.owner(&b.owner_key)
            .named("B", &format!("Bravo{i}"))
            .create()
            .await;
    }
    let mut handles = Vec::new();
    for i in 0..60 {
        let (key, mine, theirs) = if i % 2 == 0 {
            (a.owner_key.clone(), "Alpha", "Bravo")
        } else {
            (b.owner_key.clone(), "Bravo", "Alpha")
        };
        let client = app.client.clone();
        let url = app.url("/api/owners?limit=100");
        handles.push(tokio::spawn(async move {
            let res = client.get(url).bearer_auth(key).send().await.expect("sent");
            let body: Value = res.json().await.expect("json");
            let text = body.to_string();
            assert_eq!(body["pagination"]["total"], 5);
            assert!(text.contains(mine) && !text.contains(theirs));
        }));
    }
    for h in handles {
        h.await.expect("no leak");
    }
}
