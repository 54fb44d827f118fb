//! Places, estates and everything attached to them, over HTTP.

use faireplace_tests::fixtures::call;
use faireplace_tests::fixtures::row_of;
use faireplace_tests::{TestApp, TestTenant, person_owner, statuses_at_once};
use serde_json::{Value, json};

fn id(v: &Value) -> String {
    v["id"].as_str().expect("id").to_owned()
}

/// The id of a system type of `kind` with `code`.
async fn type_id(app: &TestApp, key: &str, kind: &str, code: &str) -> String {
    let types = format!("/api/types/{kind}?limit=100");
    app.id_by_code(&types, key, code).await
}

fn address(street: &str, postal_code: &str, city: &str) -> Value {
    json!({"street": street, "postal_code": postal_code, "city": city})
}

struct Portfolio {
    owner: String,
    place: String,
    flat_type: String,
}

async fn portfolio(app: &TestApp, t: &TestTenant, total_tantiemes: i64) -> Portfolio {
    let k = &t.owner_key;
    let owner = app
        .post("/api/owners", k, person_owner("Jeanne", "Martin"))
        .await;
    owner.assert_status(201);
    let place = app
        .post(
            "/api/places",
            k,
            json!({"name": "Résidence des Tilleuls", "address": address("3 place Bellecour", "69002", "Lyon"),
                   "is_coownership": true, "total_tantiemes": total_tantiemes, "heating_type": "COLLECTIVE",
                   "construction_year": 1965, "has_elevator": true, "floors_count": 6}),
        )
        .await;
    place.assert_status(201);
    Portfolio {
        owner: id(&owner.body),
        place: id(&place.body),
        flat_type: type_id(app, k, "estate", "FLAT").await,
    }
}

async fn estate(app: &TestApp, k: &str, p: &Portfolio, extra: Value) -> Value {
    let mut body = json!({"place_id": p.place, "owner_id": p.owner, "type_id": p.flat_type});
    for (key, value) in extra.as_object().expect("object") {
        body[key] = value.clone();
    }
    let res = app.post("/api/estates", k, body).await;
    res.assert_status(201);
    res.body.clone()
}

#[tokio::test]
async fn system_types_are_seeded_and_protected() {
    let (app, t) = TestApp::with_tenant("A").await;
    let k = &t.owner_key;

    let res = app.get("/api/types/estate?limit=100", k).await;
    res.assert_status(200);
    let codes: Vec<&str> = res.body["data"]
        .as_array()
        .expect("data")
        .iter()
        .filter_map(|t| t["code"].as_str())
        .collect();
    for code in [
        "FLAT", "HOUSE", "STUDIO", "PARKING", "CELLAR", "SHOP", "OFFICE",
    ] {
        assert!(codes.contains(&code), "{code} missing from {codes:?}");
    }
    let flat = row_of(&res.body["data"], |t| t["code"] == "FLAT").clone();
    assert_eq!(flat["is_system"], true);
    assert_eq!(flat["can_delete"], false);
    for (kind, code) in [
        ("room", "BEDROOM"),
        ("room", "KITCHEN"),
        ("room", "WC"),
        ("equipment", "BOILER"),
        ("equipment", "SMOKE_DETECTOR"),
    ] {
        type_id(&app, k, kind, code).await;
    }
    app.get("/api/types/garage", k)
        .await
        .assert_problem(404, "NOT_FOUND");

    // System types cannot be changed or deleted.
    let flat_path = format!("/api/types/estate/{}", id(&flat));
    let calls = [
        call::put(&flat_path, json!({"code": "FLAT", "name": "Appartement"})),
        call::delete(&flat_path),
    ];
    app.assert_each_problem(k, 409, "CONFLICT", calls).await;

    // A tenant's own type: created, changed, refused twice, deleted while unused.
    let res = app
        .post(
            "/api/types/estate",
            k,
            json!({"code": "garage_box", "name": "Box"}),
        )
        .await;
    res.assert_status(201);
    assert_eq!(res.body["code"], "GARAGE_BOX");
    assert_eq!(res.body["is_system"], false);
    assert_eq!(res.body["can_delete"], true);
    let own = format!("/api/types/estate/{}", id(&res.body));
    assert_eq!(res.header("location"), Some(own.as_str()));
    app.post(
        "/api/types/estate",
        k,
        json!({"code": "GARAGE_BOX", "name": "Other"}),
    )
    .await
    .assert_problem(409, "CONFLICT");
    app.post(
        "/api/types/estate",
        k,
        json!({"code": "1-bad", "name": "X"}),
    )
    .await
    .assert_problem(400, "VALIDATION_ERROR");
    let res = app.patch(&own, k, json!({"name": "Box fermé"})).await;
    res.assert_status(200);
    assert_eq!(res.body["name"], "Box fermé");
    // The same id under another kind is not found.
    app.get(&format!("/api/types/room/{}", id(&res.body)), k)
        .await
        .assert_problem(404, "NOT_FOUND");

    // A used type cannot be deleted; an unused one can.
    let p = portfolio(&app, &t, 1000).await;
    estate(&app, k, &p, json!({"type_id": id(&res.body)})).await;
    let used = app.get(&own, k).await;
    assert_eq!(used.body["is_used"], true);
    assert_eq!(used.body["can_delete"], false);
    app.delete(&own, k).await.assert_problem(409, "CONFLICT");
    let spare = app
        .post(
            "/api/types/room",
            k,
            json!({"code": "SAUNA", "name": "Sauna"}),
        )
        .await;
    app.delete(&format!("/api/types/room/{}", id(&spare.body)), k)
        .await
        .assert_status(204);
}

#[tokio::test]
async fn an_estate_s_type_is_named_by_id_or_by_code() {
    let app = TestApp::spawn().await;
    let t = app.tenant("A").await;
    let k = &t.owner_key;
    let p = portfolio(&app, &t, 1000).await;
    let by_code = |code: &str| json!({"place_id": p.place, "owner_id": p.owner, "type_code": code});
    let flat = app.post("/api/estates", k, by_code("FLAT")).await;
    flat.assert_status(201);
    assert_eq!(flat.body["type_id"], p.flat_type.as_str());
    let mut both = by_code("FLAT");
    both["type_id"] = json!(p.flat_type);
    let res = app.post("/api/estates", k, both).await;
    res.assert_problem(400, "VALIDATION_ERROR");
    assert_eq!(res.error_fields(), ["type_id", "type_code"]);
    // A room type's code, or another tenant's own type, names no estate type here.
    let b = app.tenant("B").await;
    let own = json!({"code": "GARAGE_BOX", "name": "Garage box"});
    app.post("/api/types/estate", &b.owner_key, own)
        .await
        .assert_status(201);
    for code in ["BEDROOM", "GARAGE_BOX", "CASTLE"] {
        let res = app.post("/api/estates", k, by_code(code)).await;
        assert_eq!(res.error_fields(), ["type_code"], "{code}");
    }
    // A code is read as types are stored: trimmed, upper-cased.
    let lower = app.post("/api/estates", k, by_code(" flat ")).await;
    lower.assert_status(201);
    assert_eq!(lower.body["type_id"], p.flat_type.as_str());
    let res = app.post("/api/estates", k, by_code("f!")).await;
    assert_eq!(res.error_fields(), ["type_code"]);
    // A code of nothing is reported with every other invalid field, and once only.
    let res = app
        .post(
            "/api/estates",
            k,
            json!({"place_id": p.place, "type_code": "CASTLE"}),
        )
        .await;
    res.assert_problem(400, "VALIDATION_ERROR");
    assert_eq!(res.error_fields(), ["type_code", "owner_id"]);
    // Neither id nor code: the message names both.
    let res = app
        .post(
            "/api/estates",
            k,
            json!({"place_id": p.place, "owner_id": p.owner}),
        )
        .await;
    assert_eq!(res.error_fields(), ["type_id"]);
    assert_eq!(
        res.body["errors"][0]["message"],
        "is required (or type_code)"
    );
    // PATCH and PUT take the code too.
    let url = format!("/api/estates/{}", id(&flat.body));
    let house = app.patch(&url, k, json!({"type_code": "HOUSE"})).await;
    assert_eq!(
        house.body["type_id"],
        type_id(&app, k, "estate", "HOUSE").await
    );
    let studio = app.put(&url, k, by_code("STUDIO")).await;
    assert_eq!(
        studio.body["type_id"],
        type_id(&app, k, "estate", "STUDIO").await
    );
}

#[tokio::test]
async fn places_hold_estates_within_their_tantiemes() {
    let (app, t) = TestApp::with_tenant("A").await;
    let k = &t.owner_key;
    let p = portfolio(&app, &t, 1000).await;

    let a = estate(
        &app,
        k,
        &p,
        json!({"tantiemes": 600, "surface_m2": 45.5, "floor": 2}),
    )
    .await;
    assert_eq!(a["surface_m2"], json!(45.5));
    let res = app
        .post("/api/estates", k, json!({"place_id": p.place, "owner_id": p.owner, "type_id": p.flat_type, "tantiemes": 401}))
        .await;
    res.assert_problem(400, "VALIDATION_ERROR");
    assert_eq!(res.error_fields(), ["tantiemes"]);
    assert!(
        res.body["detail"]
            .as_str()
            .expect("detail")
            .contains("1001 of its 1000"),
        "{}",
        res.text
    );
    estate(&app, k, &p, json!({"tantiemes": 400})).await;

    // Raising an estate's share beyond the total is refused too.
    let res = app
        .patch(
            &format!("/api/estates/{}", id(&a)),
            k,
            json!({"tantiemes": 601}),
        )
        .await;
    res.assert_problem(400, "VALIDATION_ERROR");

    let place = app.get(&format!("/api/places/{}", p.place), k).await;
    assert_eq!(place.body["estates_count"], 2);
    assert_eq!(place.body["allocated_tantiemes"], 1000);
    // The total cannot fall below what is allocated.
    let res = app
        .patch(
            &format!("/api/places/{}", p.place),
            k,
            json!({"total_tantiemes": 999}),
        )
        .await;
    res.assert_problem(400, "VALIDATION_ERROR");
    assert_eq!(res.error_fields(), ["total_tantiemes"]);

    // A place with estates cannot be deleted.
    app.delete(&format!("/api/places/{}", p.place), k)
        .await
        .assert_problem(409, "CONFLICT");

    // Decimals are exact: three decimals are refused, not rounded.
    let res = app
        .post("/api/estates", k, json!({"place_id": p.place, "owner_id": p.owner, "type_id": p.flat_type, "surface_m2": 45.123}))
        .await;
    assert_eq!(res.error_fields(), ["surface_m2"]);
}

#[tokio::test]
async fn the_syndic_must_be_a_syndic_contact() {
    let (app, t) = TestApp::with_tenant("A").await;
    let k = &t.owner_key;
    let agent = app
        .post(
            "/api/contacts",
            k,
            json!({"kind": "AGENT", "last_name": "Durand"}),
        )
        .await;
    let syndic = app
        .contact(k)
        .kind("SYNDIC")
        .company("Cabinet Lamy")
        .post()
        .await;
    let body = |contact: &Value| json!({"name": "Le Parc", "address": address("1 rue X", "75011", "Paris"), "syndic_contact_id": id(contact)});
    let res = app.post("/api/places", k, body(&agent.body)).await;
    res.assert_problem(400, "VALIDATION_ERROR");
    assert_eq!(res.error_fields(), ["syndic_contact_id"]);
    let place = app.post("/api/places", k, body(&syndic.body)).await;
    place.assert_status(201);
    // A contact that is a syndic of a place cannot be deleted.
    app.delete(&format!("/api/contacts/{}", id(&syndic.body)), k)
        .await
        .assert_problem(409, "CONFLICT");
    let res = app.post("/api/places", k, json!({"name": "X"})).await;
    assert_eq!(res.error_fields(), ["address"]);
}

#[tokio::test]
async fn estates_get_references_and_inherit_the_place_address() {
    let (app, t) = TestApp::with_tenant("A").await;
    let k = &t.owner_key;
    let p = portfolio(&app, &t, 1000).await;

    let first = estate(&app, k, &p, json!({})).await;
    assert_eq!(first["reference"], "LOT-00001");
    assert_eq!(first["status"], "VACANT");
    assert_eq!(first["address_inherited"], true);
    assert_eq!(first["address"]["city"], "Lyon");
    // A reference chosen by hand that collides with the next generated one is skipped over.
    estate(&app, k, &p, json!({"reference": "LOT-00002"})).await;
    let third = estate(&app, k, &p, json!({})).await;
    assert_eq!(third["reference"], "LOT-00003");
    let res = app
        .post("/api/estates", k, json!({"place_id": p.place, "owner_id": p.owner, "type_id": p.flat_type, "reference": "LOT-00001"}))
        .await;
    res.assert_problem(409, "CONFLICT");

    // The place moves: the estate follows.
    app.patch(
        &format!("/api/places/{}", p.place),
        k,
        json!({"address": {"street": "10 quai Perrache", "postal_code": "69002", "city": "Lyon"}}),
    )
    .await
    .assert_status(200);
    let moved = app.get(&format!("/api/estates/{}", id(&first)), k).await;
    assert_eq!(moved.body["address"]["street"], "10 quai Perrache");
    // Its own address wins once set.
    let own = app
        .patch(
            &format!("/api/estates/{}", id(&first)),
            k,
            json!({"address": address("12 rue Mercière", "69002", "Lyon")}),
        )
        .await;
    assert_eq!(own.body["address"]["street"], "12 rue Mercière");
    assert_eq!(own.body["address_inherited"], false);
    // PATCH keeps the generated reference.
    assert_eq!(own.body["reference"], "LOT-00001");

    // A standalone house needs an address.
    let res = app
        .post(
            "/api/estates",
            k,
            json!({"owner_id": p.owner, "type_id": p.flat_type}),
        )
        .await;
    assert_eq!(res.error_fields(), ["address"]);
    let house = app
        .post("/api/estates", k, json!({"owner_id": p.owner, "type_id": p.flat_type, "address": address("1 chemin des Vignes", "33000", "Bordeaux")}))
        .await;
    house.assert_status(201);
    assert_eq!(house.body["place_id"], Value::Null);

    // References must exist in the tenant, with the right kind of type.
    let bedroom = type_id(&app, k, "room", "BEDROOM").await;
    let res = app
        .post(
            "/api/estates",
            k,
            json!({"place_id": p.place, "owner_id": p.owner, "type_id": bedroom}),
        )
        .await;
    res.assert_problem(400, "VALIDATION_ERROR");
    assert_eq!(res.error_fields(), ["type_id"]);
    let res = app
        .post(
            "/api/estates",
            k,
            json!({"place_id": p.place, "owner_id": uuid::Uuid::now_v7(), "type_id": p.flat_type}),
        )
        .await;
    assert_eq!(res.error_fields(), ["owner_id"]);
    let res = app
        .post(
            "/api/estates",
            k,
            json!({"place_id": uuid::Uuid::now_v7(), "owner_id": p.owner, "type_id": p.flat_type}),
        )
        .await;
    assert_eq!(res.error_fields(), ["place_id"]);
    let res = app.post("/api/estates", k, json!({"place_id": p.place, "owner_id": p.owner, "type_id": p.flat_type, "status": "OCCUPIED"})).await;
    assert_eq!(res.error_fields(), ["status"]);

    // Filters and the place's list.
    let res = app
        .get(
            &format!("/api/places/{}/estates?limit=2&sort=-reference", p.place),
            k,
        )
        .await;
    res.assert_status(200);
    assert_eq!(res.body["pagination"]["total"], 3);
    assert_eq!(res.body["data"][0]["reference"], "LOT-00003");
    // The standalone house got LOT-00004.
    let res = app.get("/api/estates?search=lot-0000", k).await;
    assert_eq!(res.body["pagination"]["total"], 4);
    let res = app
        .get(
            &format!("/api/estates?owner_id={}&status=VACANT", p.owner),
            k,
        )
        .await;
    assert_eq!(res.body["pagination"]["total"], 4);
    app.get("/api/estates?place_id=nope", k)
        .await
        .assert_problem(400, "VALIDATION_ERROR");
    app.get(&format!("/api/places/{}/estates", uuid::Uuid::now_v7()), k)
        .await
        .assert_problem(404, "NOT_FOUND");
}

#[tokio::test]
async fn an_estate_changes_owner_and_owners_in_use_stay() {
    let (app, t) = TestApp::with_tenant("A").await;
    let k = &t.owner_key;
    let p = portfolio(&app, &t, 1000).await;
    let e = estate(&app, k, &p, json!({})).await;
    let sci = app.owner(k).company("SCI Bellecour").post().await;

    let res = app
        .put(
            &format!("/api/estates/{}/owner", id(&e)),
            k,
            json!({"owner_id": id(&sci.body)}),
        )
        .await;
    res.assert_status(200);
    assert_eq!(res.body["estate_id"], id(&e).as_str());
    assert_eq!(res.body["old_owner"]["id"], p.owner.as_str());
    assert_eq!(res.body["old_owner"]["name"], "Jeanne Martin");
    assert_eq!(res.body["new_owner"]["name"], "SCI Bellecour");
    let read = app.get(&format!("/api/estates/{}", id(&e)), k).await;
    assert_eq!(read.body["owner_id"], id(&sci.body).as_str());

    app.delete(&format!("/api/owners/{}", id(&sci.body)), k)
        .await
        .assert_problem(409, "CONFLICT");
    app.delete(&format!("/api/owners/{}", p.owner), k)
        .await
        .assert_status(204);
    let res = app
        .put(
            &format!("/api/estates/{}/owner", id(&e)),
            k,
            json!({"owner_id": uuid::Uuid::now_v7()}),
        )
        .await;
    res.assert_problem(400, "VALIDATION_ERROR");
    app.put(
        &format!("/api/estates/{}/owner", uuid::Uuid::now_v7()),
        k,
        json!({"owner_id": id(&sci.body)}),
    )
    .await
    .assert_problem(404, "NOT_FOUND");
}

#[tokio::test]
async fn rooms_equipment_and_inventory_belong_to_their_estate() {
    let (app, t) = TestApp::with_tenant("A").await;
    let k = &t.owner_key;
    let p = portfolio(&app, &t, 1000).await;
    let e1 = id(&estate(&app, k, &p, json!({"is_furnished": true})).await);
    let e2 = id(&estate(&app, k, &p, json!({})).await);
    let bedroom = type_id(&app, k, "room", "BEDROOM").await;
    let boiler = type_id(&app, k, "equipment", "BOILER").await;

    let room1 = app
        .post(
            &format!("/api/estates/{e1}/rooms"),
            k,
            json!({"type_id": bedroom, "name": "Chambre", "surface_m2": 11.5}),
        )
        .await;
    room1.assert_status(201);
    let room2 = app
        .post(
            &format!("/api/estates/{e2}/rooms"),
            k,
            json!({"type_id": bedroom, "name": "Chambre"}),
        )
        .await;
    // A room type must be a ROOM type.
    let res = app
        .post(
            &format!("/api/estates/{e1}/rooms"),
            k,
            json!({"type_id": boiler, "name": "X"}),
        )
        .await;
    assert_eq!(res.error_fields(), ["type_id"]);
    // A field a room does not have is refused by name, as is a list parameter.
    let res = app
        .post(
            &format!("/api/estates/{e1}/rooms"),
            k,
            json!({"type_id": bedroom, "name": "Salon", "colour": "blue", "floor": 400}),
        )
        .await;
    res.assert_problem(400, "VALIDATION_ERROR");
    assert_eq!(res.error_fields(), ["colour", "floor"]);
    app.get(&format!("/api/estates/{e1}/rooms?colour=blue"), k)
        .await
        .assert_problem(400, "VALIDATION_ERROR");
    let res = app
        .get(&format!("/api/estates/{e1}/rooms?search=chamb"), k)
        .await;
    assert_eq!(res.body["pagination"]["total"], 1);
    assert_eq!(res.body["data"][0]["estate_id"], e1.as_str());
    assert_eq!(res.body["data"][0]["surface_m2"], json!(11.5));
    // An unknown estate is not found, for its list as for a new room.
    let nowhere = uuid::Uuid::now_v7();
    let calls = [
        call::get(&format!("/api/estates/{nowhere}/rooms")),
        call::post(
            &format!("/api/estates/{nowhere}/rooms"),
            json!({"type_id": bedroom, "name": "X"}),
        ),
    ];
    app.assert_each_problem(k, 404, "NOT_FOUND", calls).await;

    // Equipment in a room of another estate is refused.
    let res = app
        .post(
            &format!("/api/estates/{e1}/equipment"),
            k,
            json!({"type_id": boiler, "name": "Chaudière", "room_id": id(&room2.body)}),
        )
        .await;
    res.assert_problem(400, "VALIDATION_ERROR");
    assert_eq!(res.error_fields(), ["room_id"]);
    let eq = app
        .post(&format!("/api/estates/{e1}/equipment"), k, json!({"type_id": boiler, "name": "Chaudière", "room_id": id(&room1.body), "installed_on": "2020-05-01"}))
        .await;
    eq.assert_status(201);
    assert_eq!(eq.body["condition"], "GOOD");
    // An item asked for under another estate is not found.
    let calls = [
        call::get(&format!("/api/estates/{e2}/equipment/{}", id(&eq.body))),
        call::get(&format!("/api/estates/{e2}/rooms/{}", id(&room1.body))),
    ];
    app.assert_each_problem(k, 404, "NOT_FOUND", calls).await;
    // Deleting the room keeps the equipment, without a room.
    app.delete(&format!("/api/estates/{e1}/rooms/{}", id(&room1.body)), k)
        .await
        .assert_status(204);
    let eq = app
        .get(&format!("/api/estates/{e1}/equipment/{}", id(&eq.body)), k)
        .await;
    assert_eq!(eq.body["room_id"], Value::Null);

    // Inventory compliance with the eleven items of Décret 2015-981.
    let res = app
        .get(&format!("/api/estates/{e1}/inventory/compliance"), k)
        .await;
    res.assert_status(200);
    assert_eq!(res.body["furnished_compliant"], false);
    assert_eq!(res.body["missing"].as_array().expect("missing").len(), 11);
    let items = [
        "BEDDING",
        "WINDOW_BLACKOUT",
        "HOB",
        "OVEN_OR_MICROWAVE",
        "FRIDGE_WITH_FREEZER",
        "TABLEWARE",
        "KITCHEN_UTENSILS",
        "TABLE_AND_SEATS",
        "STORAGE_SHELVES",
        "LIGHTS",
    ];
    for item in items {
        app.create(
            &format!("/api/estates/{e1}/inventory"),
            k,
            json!({"label": item, "category": item}),
        )
        .await;
    }
    let broom = app
        .post(
            &format!("/api/estates/{e1}/inventory"),
            k,
            json!({"label": "Aspirateur", "category": "CLEANING_EQUIPMENT", "quantity": 0}),
        )
        .await;
    let res = app
        .get(&format!("/api/estates/{e1}/inventory/compliance"), k)
        .await;
    assert_eq!(
        res.body,
        json!({"estate_id": e1, "is_furnished": true, "furnished_compliant": false, "missing": ["CLEANING_EQUIPMENT"]})
    );
    app.patch(
        &format!("/api/estates/{e1}/inventory/{}", id(&broom.body)),
        k,
        json!({"quantity": 1}),
    )
    .await
    .assert_status(200);
    let res = app
        .get(&format!("/api/estates/{e1}/inventory/compliance"), k)
        .await;
    assert_eq!(res.body["furnished_compliant"], true);
    let res = app
        .post(
            &format!("/api/estates/{e1}/inventory"),
            k,
            json!({"label": "X", "category": "SOFA"}),
        )
        .await;
    assert_eq!(res.error_fields(), ["category"]);
    let res = app
        .get(&format!("/api/estates/{e1}/inventory?limit=5"), k)
        .await;
    assert_eq!(res.body["pagination"]["total"], 11);
}

#[tokio::test]
async fn keys_keep_their_hand_overs() {
    let (app, t) = TestApp::with_tenant("A").await;
    let k = &t.owner_key;
    let p = portfolio(&app, &t, 1000).await;
    let e = id(&estate(&app, k, &p, json!({})).await);
    let lessee = app
        .post(
            "/api/lessees",
            k,
            json!({"first_name": "Léa", "last_name": "Bernard"}),
        )
        .await;

    let key = app
        .post(&format!("/api/estates/{e}/keys"), k, json!({"kind": "DOOR", "label": "Porte d'entrée", "quantity": 2, "holder_kind": "AGENCY"}))
        .await;
    key.assert_status(201);
    let path = format!("/api/estates/{e}/keys/{}", id(&key.body));

    let res = app.patch(&path, k, json!({"holder_kind": "LESSEE", "holder_id": uuid::Uuid::now_v7(), "handed_over_at": "2026-09-01T10:00:00Z"})).await;
    res.assert_problem(400, "VALIDATION_ERROR");
    assert_eq!(res.error_fields(), ["holder_id"]);
    app.patch(&path, k, json!({"holder_kind": "LESSEE", "holder_id": id(&lessee.body), "handed_over_at": "2026-09-01T10:00:00Z"}))
        .await
        .assert_status(200);
    // A change of label alone is not a hand-over.
    app.patch(&path, k, json!({"label": "Porte principale"}))
        .await
        .assert_status(200);
    app.patch(&path, k, json!({"returned_at": "2026-10-01T10:00:00Z"}))
        .await
        .assert_status(200);

    let history = app.get(&format!("{path}/history"), k).await;
    history.assert_status(200);
    let entries = history.body.as_array().expect("history");
    assert_eq!(entries.len(), 3, "{}", history.text);
    assert_eq!(entries[0]["holder_kind"], "AGENCY");
    assert_eq!(entries[1]["holder_kind"], "LESSEE");
    assert_eq!(entries[1]["holder_id"], id(&lessee.body).as_str());
    assert_eq!(entries[2]["returned_at"], "2026-10-01T10:00:00Z");

    let res = app.post(&format!("/api/estates/{e}/keys"), k, json!({"kind": "DOOR", "label": "X", "holder_kind": "AGENCY", "holder_id": id(&lessee.body)})).await;
    assert_eq!(res.error_fields(), ["holder_id"]);
    // A hand-over cannot be dated in the future; a key without holder has no history.
    let res = app.post(&format!("/api/estates/{e}/keys"), k, json!({"kind": "BADGE", "label": "Badge", "holder_kind": "AGENCY", "handed_over_at": "2999-01-01T00:00:00Z"})).await;
    assert_eq!(res.error_fields(), ["handed_over_at"]);
    let badge = app
        .post(
            &format!("/api/estates/{e}/keys"),
            k,
            json!({"kind": "BADGE", "label": "Badge"}),
        )
        .await;
    badge.assert_status(201);
    assert_eq!(badge.body["quantity"], 1);
    let history = app
        .get(
            &format!("/api/estates/{e}/keys/{}/history", id(&badge.body)),
            k,
        )
        .await;
    assert_eq!(history.body, json!([]));
    // The history of a key asked for under another estate is not found.
    let other = id(&estate(&app, k, &p, json!({})).await);
    app.get(
        &format!("/api/estates/{other}/keys/{}/history", id(&key.body)),
        k,
    )
    .await
    .assert_problem(404, "NOT_FOUND");
}

#[tokio::test]
async fn the_current_dpe_tells_bans_and_freezes() {
    let (app, t) = TestApp::with_tenant("A").await;
    let k = &t.owner_key;
    let p = portfolio(&app, &t, 1000).await;
    let e = id(&estate(&app, k, &p, json!({})).await);
    let base = format!("/api/estates/{e}/energy-diagnoses");

    app.get(&format!("{base}/current"), k)
        .await
        .assert_problem(404, "NOT_FOUND");
    let old = app
        .post(&base, k, json!({"energy_class": "C", "ghg_class": "C", "energy_kwh_m2_year": 150, "ghg_kg_m2_year": 20, "performed_on": "2014-03-01"}))
        .await;
    old.assert_status(201);
    assert_eq!(old.body["valid_until"], "2024-03-01");
    let new = app
        .post(&base, k, json!({"energy_class": "E", "ghg_class": "F", "energy_kwh_m2_year": 320.5, "ghg_kg_m2_year": 75.25,
                                "performed_on": "2024-02-29", "estimated_cost_min": 1200, "estimated_cost_max": 1700.5,
                                "ademe_number": "2469e0123456x"}))
        .await;
    new.assert_status(201);
    assert_eq!(new.body["valid_until"], "2034-02-28");
    assert_eq!(new.body["energy_kwh_m2_year"], json!(320.5));
    assert_eq!(new.body["ademe_number"], "2469E0123456X");

    let current = app.get(&format!("{base}/current"), k).await;
    current.assert_status(200);
    assert_eq!(current.body["id"], id(&new.body).as_str());
    assert_eq!(current.body["label"], "F");
    assert_eq!(current.body["rental_ban_from"], "2028-01-01");
    assert_eq!(current.body["rent_revision_frozen"], true);
    assert_eq!(current.body["is_valid"], true);

    let history = app.get(&base, k).await;
    assert_eq!(history.body["pagination"]["total"], 2);
    assert_eq!(history.body["data"][0]["performed_on"], "2024-02-29");

    let res = app
        .post(&base, k, json!({"energy_class": "H", "ghg_class": "A", "energy_kwh_m2_year": 1.001, "ghg_kg_m2_year": 1, "performed_on": "2099-01-01"}))
        .await;
    res.assert_problem(400, "VALIDATION_ERROR");
    assert_eq!(
        res.error_fields(),
        ["energy_class", "energy_kwh_m2_year", "performed_on"]
    );
}

#[tokio::test]
async fn diagnostics_default_their_validity_and_replace_the_active_one() {
    let (app, t) = TestApp::with_tenant("A").await;
    let k = &t.owner_key;
    let p = portfolio(&app, &t, 1000).await;
    let e = id(&estate(&app, k, &p, json!({})).await);
    let base = format!("/api/estates/{e}/diagnostics");

    let cases = [
        (
            json!({"type": "ELECTRICITY", "performed_on": "2025-03-15"}),
            json!("2031-03-15"),
        ),
        (
            json!({"type": "RISKS", "performed_on": "2026-08-31"}),
            json!("2027-02-28"),
        ),
        (
            json!({"type": "LEAD", "performed_on": "2025-03-15", "lead_found": false}),
            Value::Null,
        ),
        (
            json!({"type": "ASBESTOS", "performed_on": "2025-03-15"}),
            Value::Null,
        ),
    ];
    for (body, valid_until) in cases {
        let res = app.post(&base, k, body.clone()).await;
        res.assert_status(201);
        assert_eq!(res.body["valid_until"], valid_until, "{body}");
        assert_eq!(res.body["is_active"], true);
    }
    let first_gas = app
        .post(
            &base,
            k,
            json!({"type": "GAS", "performed_on": "2018-01-10"}),
        )
        .await;
    // Six years from 2018-01-10: expired.
    assert_eq!(first_gas.body["is_expired"], true);
    let second_gas = app
        .post(
            &base,
            k,
            json!({"type": "GAS", "performed_on": "2026-01-10"}),
        )
        .await;
    let old = app.get(&format!("{base}/{}", id(&first_gas.body)), k).await;
    assert_eq!(old.body["is_active"], false);
    let active = app.get(&format!("{base}?active=true&type=GAS"), k).await;
    assert_eq!(active.body["pagination"]["total"], 1);
    assert_eq!(active.body["data"][0]["id"], id(&second_gas.body).as_str());
    let all = app.get(&format!("{base}?active=true"), k).await;
    assert_eq!(all.body["pagination"]["total"], 5);

    let res = app
        .patch(
            &format!("{base}/{}", id(&second_gas.body)),
            k,
            json!({"type": "LEAD"}),
        )
        .await;
    assert_eq!(res.error_fields(), ["type"]);
    let res = app.post(&base, k, json!({"type": "GAS", "performed_on": "2026-01-10", "lead_found": true, "valid_until": "2020-01-01"})).await;
    assert_eq!(res.error_fields(), ["valid_until", "lead_found"]);
}

/// Concurrent creations of the same type of diagnostic leave exactly one active.
#[tokio::test]
async fn concurrent_diagnostics_leave_exactly_one_active() {
    let app = TestApp::spawn_with(|c| c.db.max_connections = 8).await;
    let t = app.tenant("A").await;
    let k = t.owner_key.clone();
    let p = portfolio(&app, &t, 1000).await;
    let e = id(&estate(&app, &k, &p, json!({})).await);
    let url = app.url(&format!("/api/estates/{e}/diagnostics"));
    let requests = (0..12).map(|i| {
        let body = json!({"type": "ELECTRICITY", "performed_on": format!("2025-01-{:02}", i + 1)});
        app.client.post(&url).bearer_auth(&k).json(&body)
    });
    for status in statuses_at_once(requests).await {
        assert_eq!(status, 201);
    }
    let all = app
        .get(&format!("/api/estates/{e}/diagnostics?limit=100"), &k)
        .await;
    assert_eq!(all.body["pagination"]["total"], 12);
    let active = app
        .get(&format!("/api/estates/{e}/diagnostics?active=true"), &k)
        .await;
    assert_eq!(active.body["pagination"]["total"], 1, "{}", active.text);
}

/// Tenant B's lists show nothing of tenant A's property, and B cannot refer to A's places or
/// types (every route with an id is swept by `isolation_sweep`).
#[tokio::test]
async fn another_tenant_neither_lists_nor_refers_to_a_tenant_s_property() {
    let app = TestApp::spawn().await;
    let a = app.tenant("A").await;
    let b = app.tenant("B").await;
    let k = &a.owner_key;
    let p = portfolio(&app, &a, 1000).await;
    estate(&app, k, &p, json!({"reference": "SECRET-1"})).await;
    app.create(
        "/api/types/estate",
        k,
        json!({"code": "SECRET_TYPE", "name": "Secret"}),
    )
    .await;
    let bk = &b.owner_key;
    for list in ["/api/places", "/api/estates", "/api/types/estate?limit=100"] {
        let res = app.get(list, bk).await;
        res.assert_status(200);
        assert!(
            !res.text.contains("SECRET") && !res.text.contains("Tilleuls"),
            "{list}"
        );
    }
    let b_owner = app.post("/api/owners", bk, person_owner("B", "B")).await;
    let b_flat = type_id(&app, bk, "estate", "FLAT").await;
    let res = app
        .post(
            "/api/estates",
            bk,
            json!({"place_id": p.place, "owner_id": id(&b_owner.body), "type_id": b_flat}),
        )
        .await;
    assert_eq!(res.error_fields(), ["place_id"]);
    let res = app.post("/api/estates", bk, json!({"owner_id": id(&b_owner.body), "type_id": p.flat_type, "address": address("1 rue Y", "75001", "Paris")})).await;
    assert_eq!(res.error_fields(), ["type_id"]);
}

#[test]
fn the_estate_form_documents_its_surface_with_an_example() {
    let api: Value = serde_json::from_str(&faireplace_http::openapi_json()).expect("json");
    let surface = &api["components"]["schemas"]["EstateRequest"]["properties"]["surface_m2"];
    assert_eq!(surface["example"].as_f64(), Some(45.5));
    assert!(surface.to_string().contains("#/components/schemas/Amount"));
}
