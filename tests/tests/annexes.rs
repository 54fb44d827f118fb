//! The annex catalog.

use faireplace_tests::TestApp;

#[tokio::test]
async fn the_catalog_lists_every_annex_with_its_source_and_law() {
    let app = TestApp::spawn().await;
    let t = app.tenant("A").await;
    let res = app.get("/api/annexes/catalog", &t.owner_key).await;
    res.assert_status(200);
    let data = res.body["data"].as_array().expect("data");
    assert_eq!(data.len(), 11);
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
