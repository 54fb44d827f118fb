//! Credits: packages, balance, ledger, and a balance that never goes negative.

use faireplace_billing::TransactionKind;
use faireplace_kernel::TenantId;
use faireplace_tests::TestApp;

fn tenant_id(id: &str) -> TenantId {
    TenantId::from_uuid(uuid::Uuid::parse_str(id).expect("uuid"))
}

/// Fires `attempts` consumptions of one credit, `parallel` at a time; answers how many passed.
async fn consume(app: &TestApp, tenant: TenantId, attempts: usize, parallel: usize) -> usize {
    let mut passed = 0;
    let mut left = attempts;
    while left > 0 {
        let batch = left.min(parallel);
        let mut handles = Vec::new();
        for i in 0..batch {
            let credits = app.services.state.credits.clone();
            handles.push(tokio::spawn(async move {
                credits.consume(tenant, 1, &format!("test {i}")).await
            }));
        }
        for h in handles {
            match h.await.expect("joined") {
                Ok(_) => passed += 1,
                Err(faireplace_app::AppError::InsufficientCredits) => {}
                Err(e) => panic!("unexpected: {e}"),
            }
        }
        left -= batch;
    }
    passed
}

#[tokio::test]
async fn fifty_concurrent_consumptions_of_a_balance_of_ten_spend_exactly_ten() {
    let (app, t) = TestApp::with_tenant("A").await;
    let k = &t.owner_key;
    let res = app.get("/api/credits/balance", k).await;
    assert_eq!(res.body["balance"], 0);
    let tenant = tenant_id(&t.id);
    app.services
        .state
        .credits
        .credit(tenant, TransactionKind::Purchase, 10, Some("cs_test_1"))
        .await
        .expect("credited");
    assert_eq!(consume(&app, tenant, 50, 50).await, 10);
    let res = app.get("/api/credits/balance", k).await;
    assert_eq!(res.body["balance"], 0);
    let ledger = app.get("/api/credits/transactions?limit=100", k).await;
    assert_eq!(ledger.body["pagination"]["total"], 11);
    let rows = ledger.body["data"].as_array().expect("rows");
    let sum: i64 = rows.iter().filter_map(|r| r["amount"].as_i64()).sum();
    assert_eq!(sum, 0, "the ledger sums to the balance");
    assert_eq!(rows[10]["kind"], "PURCHASE");
    assert_eq!(rows[0]["kind"], "CONSUMPTION");
    // Latest first, in the order the movements changed the balance.
    let after: Vec<i64> = rows
        .iter()
        .filter_map(|r| r["balance_after"].as_i64())
        .collect();
    assert_eq!(after, [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    // Spending nothing more: a 402 in the use case, nothing written.
    let err = app.services.state.credits.consume(tenant, 1, "late").await;
    assert!(matches!(
        err,
        Err(faireplace_app::AppError::InsufficientCredits)
    ));
    // Another tenant's balance and ledger are its own.
    let other = app.tenant("B").await;
    let res = app.get("/api/credits/transactions", &other.owner_key).await;
    assert_eq!(res.body["pagination"]["total"], 0);
}

#[tokio::test]
async fn a_thousand_consumptions_leave_the_ledger_equal_to_the_balance() {
    let (app, t) = TestApp::with_tenant("A").await;
    let tenant = tenant_id(&t.id);
    app.services
        .state
        .credits
        .credit(tenant, TransactionKind::Adjustment, 600, None)
        .await
        .expect("credited");
    assert_eq!(consume(&app, tenant, 1000, 25).await, 600);
    let mut sum = 0;
    let mut page = 1;
    loop {
        let res = app
            .get(
                &format!("/api/credits/transactions?limit=100&page={page}"),
                &t.owner_key,
            )
            .await;
        let rows = res.body["data"].as_array().expect("rows").clone();
        if rows.is_empty() {
            break;
        }
        sum += rows
            .iter()
            .filter_map(|r| r["amount"].as_i64())
            .sum::<i64>();
        page += 1;
    }
    let balance = app.get("/api/credits/balance", &t.owner_key).await;
    assert_eq!(balance.body["balance"], 0);
    assert_eq!(sum, 0);
}

#[tokio::test]
async fn packages_come_from_the_configuration() {
    let (app, t) = TestApp::with_tenant("A").await;
    let res = app.get("/api/credits/packages", &t.owner_key).await;
    res.assert_status(200);
    assert_eq!(res.body["data"][0]["id"], "starter");
    assert_eq!(res.body["data"][0]["credits"], 10);
    assert_eq!(res.body["data"][0]["currency"], "EUR");
    let (lessee, _) = app.lessee_key(&t, &["lessee:leases:read"]).await;
    app.get("/api/credits/balance", &lessee)
        .await
        .assert_problem(403, "FORBIDDEN");
}
