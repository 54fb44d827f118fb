//! Bank accounts: the agency's, its owners', the deposits'.

use faireplace_tests::{TestApp, person_owner};
use serde_json::json;

#[tokio::test]
async fn bank_accounts_are_kept_by_kind_with_their_owner() {
    let (app, t) = TestApp::with_tenant("A").await;
    let k = &t.owner_key;
    let owner = app
        .post("/api/owners", k, person_owner("Jeanne", "Martin"))
        .await;
    let account = json!({"kind": "OWNER", "label": "Compte Martin", "holder": "Jeanne Martin",
                         "iban": "fr76 3000 6000 0112 3456 7890 189", "owner_id": owner.body["id"]});
    let res = app.post("/api/bank-accounts", k, account.clone()).await;
    res.assert_status(201);
    assert_eq!(res.body["iban"], "FR7630006000011234567890189");
    let id = res.body["id"].as_str().expect("id").to_owned();
    // Every bad field at once; the IBAN is one per account; an owner's account names its owner.
    let res = app
        .post(
            "/api/bank-accounts",
            k,
            json!({"kind": "SAVINGS", "iban": "FR00", "bic": "X", "colour": 1}),
        )
        .await;
    res.assert_problem(400, "VALIDATION_ERROR");
    assert_eq!(
        res.error_fields(),
        ["colour", "kind", "label", "holder", "iban", "bic"]
    );
    app.post("/api/bank-accounts", k, account)
        .await
        .assert_problem(409, "CONFLICT");
    let res = app
        .patch(
            &format!("/api/bank-accounts/{id}"),
            k,
            json!({"kind": "AGENCY"}),
        )
        .await;
    assert_eq!(res.error_fields(), ["owner_id"]);
    // Listed by kind; the owner cannot go while its account refers to it.
    let list = app
        .get("/api/bank-accounts?kind=OWNER&search=martin", k)
        .await;
    assert_eq!(list.body["pagination"]["total"], 1);
    let owner_path = format!("/api/owners/{}", owner.body["id"].as_str().expect("owner"));
    app.delete(&owner_path, k)
        .await
        .assert_problem(409, "CONFLICT");
    app.delete(&format!("/api/bank-accounts/{id}"), k)
        .await
        .assert_status(204);
    app.get(&format!("/api/bank-accounts/{id}"), k)
        .await
        .assert_problem(404, "NOT_FOUND");
}
