//! The annex catalog, a lease's annexes (attached from the catalog and the estate's
//! diagnostics, uploaded), their compliance and files, and the lease contract's PDF.

use faireplace_tests::fixtures::call;
use faireplace_tests::fixtures::row_of;
use faireplace_tests::{LeaseWorld, Part, TestApp, assert_contains_all};
use serde_json::{Value, json};

#[tokio::test]
async fn the_catalog_lists_every_annex_with_its_source_and_law() {
    let (app, t) = TestApp::with_tenant("A").await;
    let res = app.get("/api/annexes/catalog", &t.owner_key).await;
    res.assert_status(200);
    let data = res.body["data"].as_array().expect("data");
    assert_eq!(data.len(), 12);
    let notice = data
        .iter()
        .find(|e| e["code"] == "INFORMATION_NOTICE")
        .expect("notice");
    assert_eq!(notice["source"], "STATIC_FILE");
    assert!(
        notice["legal_reference"]
            .as_str()
            .is_some_and(|r| r.contains("89-462"))
    );
    let inventory = data
        .iter()
        .find(|e| e["code"] == "FURNITURE_INVENTORY")
        .expect("inventory");
    assert_eq!(inventory["source"], "GENERATED");
    let (lessee, _) = app.lessee_key(&t, &["lessee:leases:read"]).await;
    app.get("/api/annexes/catalog", &lessee)
        .await
        .assert_problem(403, "FORBIDDEN");
}

const PDF: &[u8] =
    b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n";

/// A file uploaded for the world's estate.
async fn upload(app: &TestApp, w: &LeaseWorld, name: &str) -> String {
    let res = app
        .post_multipart(
            "/api/media",
            w.key(),
            &[
                Part::Text("entity_type", "ESTATE"),
                Part::Text("entity_id", &w.estate),
                faireplace_tests::file(name, PDF),
            ],
        )
        .await;
    res.assert_status(201);
    res.body["id"].as_str().expect("id").to_owned()
}

fn codes(list: &Value) -> Vec<String> {
    let mut out: Vec<String> = list
        .as_array()
        .expect("list")
        .iter()
        .map(|a| {
            a.get("code")
                .and_then(Value::as_str)
                .or_else(|| a.as_str())
                .expect("code")
                .to_owned()
        })
        .collect();
    out.sort();
    out
}

fn sorted(list: &[&str]) -> Vec<String> {
    let mut out: Vec<String> = list.iter().map(|s| (*s).to_owned()).collect();
    out.sort();
    out
}

#[tokio::test]
async fn the_mandatory_annexes_are_attached_from_what_is_on_record_and_the_rest_is_listed() {
    let app = TestApp::spawn().await;
    // A 1930 co-owned building: lead, asbestos, electricity and co-ownership rules apply.
    let w = app.lease_world("A").await;
    let k = w.key().to_owned();
    let lease = app.post("/api/leases", &k, w.lease(json!({}))).await;
    lease.assert_status(201);
    let lease = lease.body["id"].as_str().expect("id").to_owned();
    let base = format!("/api/leases/{lease}/annexes");

    // On record: a lead report with its file, an expired risks report, a DPE with its file,
    // an asbestos report without a file.
    let lead_file = upload(&app, &w, "crep.pdf").await;
    let dpe_file = upload(&app, &w, "dpe.pdf").await;
    let diag = format!("/api/estates/{}/diagnostics", w.estate);
    for body in [
        json!({"type": "LEAD", "performed_on": "2024-05-02", "lead_found": true, "media_id": lead_file}),
        json!({"type": "RISKS", "performed_on": "2025-01-10", "media_id": lead_file}),
        json!({"type": "ASBESTOS", "performed_on": "2020-01-10"}),
    ] {
        app.post(&diag, &k, body).await.assert_status(201);
    }
    app.post(
        &format!("/api/estates/{}/energy-diagnoses", w.estate),
        &k,
        json!({"energy_class": "D", "ghg_class": "D", "energy_kwh_m2_year": 200,
               "ghg_kg_m2_year": 40, "performed_on": "2024-03-01", "media_id": dpe_file}),
    )
    .await
    .assert_status(201);

    // Before: nothing attached, everything missing.
    let before = app.get(&format!("{base}/compliance"), &k).await;
    before.assert_status(200);
    assert_eq!(before.body["compliant"], false);
    assert!(
        before.body["present"]
            .as_array()
            .expect("present")
            .is_empty()
    );

    let res = app
        .post(&format!("{base}/attach-mandatory"), &k, json!({}))
        .await;
    res.assert_status(200);
    assert_eq!(
        codes(&res.body["attached"]),
        sorted(&[
            "INFORMATION_NOTICE",
            "RECOVERABLE_CHARGES",
            "DPE",
            "LEAD",
            "RISKS"
        ])
    );
    assert_eq!(
        codes(&res.body["missing"]),
        sorted(&[
            "ENTRY_CONDITION_REPORT",
            "ASBESTOS",
            "ELECTRICITY",
            "COOWNERSHIP_RULES",
            "INSURANCE_CERTIFICATE"
        ])
    );
    assert_eq!(codes(&res.body["to_confirm"]), ["GAS"]);
    let asbestos = row_of(&res.body["missing"], |m| m["code"] == "ASBESTOS");
    assert!(
        asbestos["reason"]
            .as_str()
            .expect("reason")
            .contains("no file"),
        "{asbestos}"
    );
    let lead = row_of(&res.body["attached"], |a| a["code"] == "LEAD").clone();
    assert_eq!(lead["source"], "USER_UPLOAD");
    assert_eq!(lead["media_id"], lead_file.as_str());
    assert_eq!(lead["valid_until"], "2030-05-02");
    let notice = row_of(&res.body["attached"], |a| a["code"] == "INFORMATION_NOTICE").clone();
    assert_eq!(notice["source"], "STATIC_FILE");
    assert!(notice["media_id"].is_null());

    // Twice attaches nothing twice.
    let again = app
        .post(&format!("{base}/attach-mandatory"), &k, json!({}))
        .await;
    assert!(
        again.body["attached"]
            .as_array()
            .expect("attached")
            .is_empty()
    );
    assert_eq!(again.body["annexes"].as_array().expect("annexes").len(), 5);

    // Compliance: the risks report is past its six months.
    let c = app.get(&format!("{base}/compliance"), &k).await;
    assert_eq!(c.body["compliant"], false);
    assert_eq!(codes(&c.body["expired"]), ["RISKS"]);
    assert_eq!(
        codes(&c.body["present"]),
        sorted(&["INFORMATION_NOTICE", "RECOVERABLE_CHARGES", "DPE", "LEAD"])
    );
    assert_eq!(codes(&c.body["missing"]).len(), 5);

    // Uploads fill the gaps: multipart with a catalog code, or JSON naming a media.
    let up = app
        .post_multipart(
            &base,
            &k,
            &[
                Part::Text("code", "ENTRY_CONDITION_REPORT"),
                faireplace_tests::file("edl.pdf", PDF),
            ],
        )
        .await;
    up.assert_status(201);
    assert_eq!(up.body["source"], "USER_UPLOAD");
    assert!(up.header("location").is_some());
    let edl = up.body["id"].as_str().expect("id").to_owned();
    let insurance_file = upload(&app, &w, "assurance.pdf").await;
    let ins = app
        .post(
            &base,
            &k,
            json!({"code": "INSURANCE_CERTIFICATE", "media_id": insurance_file}),
        )
        .await;
    ins.assert_status(201);
    assert!(
        ins.body["title"]
            .as_str()
            .expect("title")
            .contains("assurance")
    );
    let custom = app
        .post(
            &base,
            &k,
            json!({"title": "Règlement intérieur du parking", "media_id": insurance_file}),
        )
        .await;
    custom.assert_status(201);
    assert!(custom.body["code"].is_null());
    // Refused: a built-in code by upload, no file, no title, another tenant's media.
    for (body, field) in [
        (
            json!({"code": "INFORMATION_NOTICE", "media_id": insurance_file}),
            "code",
        ),
        (json!({"title": "x"}), "media_id"),
        (json!({"media_id": insurance_file}), "title"),
        (json!({"code": "NOPE", "media_id": insurance_file}), "code"),
        (
            json!({"title": "x", "media_id": uuid::Uuid::now_v7()}),
            "media_id",
        ),
    ] {
        let res = app.post(&base, &k, body).await;
        res.assert_problem(400, "VALIDATION_ERROR");
        assert!(
            res.error_fields().contains(&field.to_owned()),
            "{}",
            res.text
        );
    }
    app.post_multipart(&base, &k, &[Part::Text("title", "x")])
        .await
        .assert_problem(400, "VALIDATION_ERROR");

    // Downloads: the built-in texts as PDF, uploads as they were sent.
    let list = app.get(&base, &k).await;
    let annexes = list.body["data"].as_array().expect("data").clone();
    assert_eq!(annexes.len(), 8);
    let of = |code: &str| {
        annexes
            .iter()
            .find(|a| a["code"] == code)
            .and_then(|a| a["id"].as_str())
            .expect("annex")
            .to_owned()
    };
    let text = app
        .get_raw(&format!("{base}/{}/download", of("INFORMATION_NOTICE")), &k)
        .await
        .pdf_text();
    assert_contains_all(
        &text,
        &[
            "Notice d'information",
            "dépôt de garantie",
            "IRL",
            "décret n° 87-713",
        ],
    );
    let text = app
        .get_raw(
            &format!("{base}/{}/download", of("RECOVERABLE_CHARGES")),
            &k,
        )
        .await
        .pdf_text();
    assert_contains_all(
        &text,
        &[
            "Liste des charges récupérables",
            "Ascenseurs et monte-charge",
            "Taxe d'enlèvement des ordures ménagères",
            "75 %",
        ],
    );
    let file = app.get_raw(&format!("{base}/{edl}/download"), &k).await;
    assert_eq!(file.status.as_u16(), 200);
    assert_eq!(file.bytes, PDF);

    // The contract lists the annexes, and those still to provide.
    let contract = app
        .get_raw(&format!("/api/leases/{lease}/document"), &k)
        .await
        .pdf_text();
    assert!(
        contract.contains("Règlement intérieur du parking"),
        "{contract}"
    );
    assert!(
        contract.contains("Extraits du règlement de copropriété — à fournir"),
        "{contract}"
    );

    // Detached: gone from the list, 404 after.
    app.delete(&format!("{base}/{edl}"), &k)
        .await
        .assert_status(204);
    let calls = [
        call::get(&format!("{base}/{edl}")),
        call::delete(&format!("{base}/{edl}")),
    ];
    app.assert_each_problem(&k, 404, "NOT_FOUND", calls).await;
}

#[tokio::test]
async fn a_furnished_lease_carries_its_generated_furniture_inventory() {
    let app = TestApp::spawn().await;
    let w = app.lease_world("A").await;
    let k = w.key().to_owned();
    for (label, category) in [
        ("Lit double avec couette", "BEDDING"),
        ("Rideaux occultants", "WINDOW_BLACKOUT"),
        ("Plaques à induction", "HOB"),
    ] {
        app.create(
            &format!("/api/estates/{}/inventory", w.estate),
            &k,
            json!({"label": label, "category": category, "quantity": 1, "condition": "GOOD"}),
        )
        .await;
    }
    let lease = app
        .post(
            "/api/leases",
            &k,
            w.lease(json!({"lease_type_id": w.kind("FURNISHED"), "deposit_amount": 1200})),
        )
        .await;
    lease.assert_status(201);
    let lease = lease.body["id"].as_str().expect("id").to_owned();
    let base = format!("/api/leases/{lease}/annexes");
    let res = app
        .post(&format!("{base}/attach-mandatory"), &k, json!({}))
        .await;
    res.assert_status(200);
    let inventory = row_of(&res.body["attached"], |a| {
        a["code"] == "FURNITURE_INVENTORY"
    })
    .clone();
    assert_eq!(inventory["source"], "GENERATED");
    let text = app
        .get_raw(
            &format!("{base}/{}/download", inventory["id"].as_str().expect("id")),
            &k,
        )
        .await
        .pdf_text();
    assert_contains_all(
        &text,
        &[
            "Inventaire et état détaillé du mobilier",
            "Lit double avec couette",
            "Plaques à induction",
            "1 × — bon état",
            "four ou four à micro-ondes",
            "matériel d'entretien ménager",
        ],
    );
    // Three of the eleven items: the inventory is attached, the lease is still not compliant.
    let c = app.get(&format!("{base}/compliance"), &k).await;
    assert_eq!(c.body["compliant"], false);
    assert!(codes(&c.body["present"]).contains(&"FURNITURE_INVENTORY".to_owned()));
    assert_eq!(
        c.body["furniture_missing"]
            .as_array()
            .expect("furniture_missing")
            .len(),
        8,
        "{}",
        c.text
    );
    // The contract says furnished.
    let contract = app
        .get_raw(&format!("/api/leases/{lease}/document"), &k)
        .await
        .pdf_text();
    assert!(contract.contains("Meublé oui"), "{contract}");
}
