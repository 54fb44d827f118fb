//! A stored value the server cannot read (a row written by hand, or by another version) is
//! never answered as a made-up value: the request fails with a 500 problem (code INTERNAL,
//! nothing internal in it), and the error the server logs names the table, the row's id and
//! the column.

use faireplace_kernel::PageRequest;
use faireplace_ports::RepoError;
use faireplace_ports::credits::CreditLedger;
use faireplace_tests::TestApp;
use serde_json::json;

/// Writes `value` into `table.column` of row `id`, past the column's CHECK.
async fn corrupt(app: &TestApp, table: &str, column: &str, id: &str, value: &str) {
    let mut db = app.admin_connection().await;
    sqlx::query(sqlx::AssertSqlSafe(format!(
        "ALTER TABLE {table} DROP CONSTRAINT IF EXISTS {table}_{column}_check"
    )))
    .execute(&mut db)
    .await
    .expect("check dropped");
    let done = sqlx::query(sqlx::AssertSqlSafe(format!(
        "UPDATE {table} SET {column} = $1 WHERE id = $2"
    )))
    .bind(value)
    .bind(uuid::Uuid::parse_str(id).expect("uuid"))
    .execute(&mut db)
    .await
    .expect("row changed");
    assert_eq!(done.rows_affected(), 1, "{table} {id}");
}

/// The answer is a bare 500: no stored value, no table, no made-up answer.
#[track_caller]
fn refused(res: &faireplace_tests::Answer, value: &str) {
    res.assert_problem(500, "INTERNAL");
    assert!(!res.text.contains(value), "{}", res.text);
}

#[tokio::test]
async fn a_credit_ledger_line_of_an_unknown_kind_is_refused_not_read_as_an_adjustment() {
    let app = TestApp::spawn().await;
    let w = app.lease_world("A").await;
    app.grant_credits(&w, 5).await;
    let ledger = app.get("/api/credits/transactions", w.key()).await;
    ledger.assert_status(200);
    let line = ledger.body["data"][0]["id"]
        .as_str()
        .expect("id")
        .to_owned();
    corrupt(&app, "credit_transactions", "kind", &line, "BONUS").await;

    refused(
        &app.get("/api/credits/transactions", w.key()).await,
        "BONUS",
    );
    // The balance does not read the ledger: it still answers.
    app.get("/api/credits/balance", w.key())
        .await
        .assert_status(200);

    // What the server logs: the table, the line and the column, with the value it holds.
    let error = faireplace_postgres::PgCredits(app.services.db.clone())
        .transactions(w.tenant_id(), PageRequest::default())
        .await
        .expect_err("refused");
    let RepoError::Corrupt { table, id, error } = &error else {
        panic!("not a corrupt row: {error}");
    };
    assert_eq!(
        (*table, id.as_str()),
        ("credit_transactions", line.as_str())
    );
    assert_eq!(
        (error.column.as_str(), error.value.as_str()),
        ("kind", "BONUS")
    );
    let logged = faireplace_http::problem::error_chain(&faireplace_app::AppError::from_repo(
        "credit transaction",
        RepoError::Corrupt {
            table,
            id: id.clone(),
            error: error.clone(),
        },
    ));
    assert!(
        logged.contains("credit_transactions") && logged.contains(&line),
        "{logged}"
    );
}

#[tokio::test]
async fn a_lease_of_an_unknown_status_is_refused_not_read_as_a_draft() {
    let (app, w, lease) = TestApp::with_world_lease(0).await;
    corrupt(&app, "leases", "status", &lease, "ARCHIVED").await;

    refused(
        &app.get(&format!("/api/leases/{lease}"), w.key()).await,
        "ARCHIVED",
    );
    refused(&app.get("/api/leases", w.key()).await, "ARCHIVED");
    // Nor is it deleted as the draft it no longer is.
    refused(
        &app.delete(&format!("/api/leases/{lease}"), w.key()).await,
        "ARCHIVED",
    );
    let mut db = app.admin_connection().await;
    let kept: bool = sqlx::query_scalar("SELECT EXISTS (SELECT 1 FROM leases WHERE id = $1)")
        .bind(uuid::Uuid::parse_str(&lease).expect("uuid"))
        .fetch_one(&mut db)
        .await
        .expect("read");
    assert!(kept);
}

#[tokio::test]
async fn a_meter_of_an_unknown_type_is_refused_not_read_as_electricity() {
    let app = TestApp::spawn().await;
    let w = app.lease_world("A").await;
    let res = app
        .post(
            "/api/meters",
            w.key(),
            json!({"place_id": w.place, "meter_type": "WATER_COLD"}),
        )
        .await;
    res.assert_status(201);
    let meter = res.body["id"].as_str().expect("id").to_owned();
    corrupt(&app, "meters", "meter_type", &meter, "STEAM").await;

    refused(
        &app.get(&format!("/api/meters/{meter}"), w.key()).await,
        "STEAM",
    );
    refused(&app.get("/api/meters", w.key()).await, "STEAM");
}

/// What the schema calls invalid is refused: a blank UUID, e-mail or pattern where one is
/// expected (in a body or a list filter) is a 400 naming it, never "no value"; a merge patch
/// merges a nested object, and `null` for a field with a default is that default.
#[tokio::test]
async fn blank_is_not_a_uuid_and_a_patch_merges_nested_objects() {
    let (app, t) = TestApp::with_tenant("A").await;
    let k = &t.owner_key;
    for path in ["/api/bank-accounts?owner_id=", "/api/owners?email=%20"] {
        let res = app.get(path, k).await;
        res.assert_problem(400, "VALIDATION_ERROR");
        assert_eq!(res.error_fields().len(), 1, "{path}");
    }
    let account = json!({"kind": "AGENCY", "label": "Courant", "holder": "Agence",
                         "iban": "FR7630006000011234567890189", "owner_id": ""});
    let res = app.post("/api/bank-accounts", k, account).await;
    assert_eq!(res.error_fields(), ["owner_id"]);
    let res = app
        .post(
            "/api/charge-categories",
            k,
            json!({"name": "Gardien", "category_type": "OTHER", "notification_frequency": ""}),
        )
        .await;
    assert_eq!(res.error_fields(), ["notification_frequency"]);
    let address = json!({"street": "1 rue X", "postal_code": "75001", "city": "Paris",
                         "country": null});
    let owner = app
        .post(
            "/api/owners",
            k,
            json!({"kind": "PERSON", "first_name": "Jeanne", "last_name": "Martin",
                   "address": address}),
        )
        .await;
    owner.assert_status(201);
    assert_eq!(owner.body["address"]["country"], "FR");
    let path = format!("/api/owners/{}", owner.body["id"].as_str().expect("id"));
    let res = app
        .patch(&path, k, json!({"address": {"city": "Lyon"}}))
        .await;
    res.assert_status(200);
    assert_eq!(res.body["address"]["street"], "1 rue X");
    assert_eq!(res.body["address"]["city"], "Lyon");
}
