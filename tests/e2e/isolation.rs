//! Tenant isolation enforced by PostgreSQL itself, beneath the repositories' own filters.

use faireplace_kernel::TenantId;
use faireplace_postgres::bootstrap::connect_app;
use faireplace_tests::TestApp;
use serde_json::json;
use sqlx::Row;

async fn two_tenants_with_data(app: &TestApp) -> (TenantId, TenantId) {
    let a = app.tenant("A").await;
    let b = app.tenant("B").await;
    for i in 0..3 {
        app.owner(&a.owner_key)
            .named("A", &format!("Alpha{i}"))
            .create()
            .await;
        app.lessee(&a.owner_key).named("A", "Alpha").create().await;
    }
    app.owner(&b.owner_key).named("B", "Bravo").create().await;
    app.create(
        "/api/contacts",
        &b.owner_key,
        json!({"kind": "AGENT", "last_name": "Bravo"}),
    )
    .await;
    (a.id.parse().expect("uuid"), b.id.parse().expect("uuid"))
}

#[tokio::test]
async fn a_query_without_a_tenant_filter_sees_only_the_current_tenant() {
    let app = TestApp::spawn().await;
    let (a, b) = two_tenants_with_data(&app).await;
    let db = &app.services.db;

    let mut tx = db.tenant_tx(a).await.expect("tx");
    // No WHERE clause at all: row-level security does the filtering.
    let names: Vec<String> = sqlx::query_scalar("SELECT last_name FROM owners ORDER BY last_name")
        .fetch_all(&mut *tx)
        .await
        .expect("query");
    assert_eq!(names, ["Alpha0", "Alpha1", "Alpha2"]);
    for (table, expected) in [
        ("lessees", 3i64),
        ("contacts", 0),
        ("api_keys", 1),
        ("tenants", 1),
    ] {
        let n: i64 =
            sqlx::query_scalar(sqlx::AssertSqlSafe(format!("SELECT count(*) FROM {table}")))
                .fetch_one(&mut *tx)
                .await
                .expect("count");
        assert_eq!(n, expected, "{table} as tenant A");
    }
    drop(tx);

    let mut tx = db.tenant_tx(b).await.expect("tx");
    let names: Vec<String> = sqlx::query_scalar("SELECT last_name FROM owners")
        .fetch_all(&mut *tx)
        .await
        .expect("query");
    assert_eq!(names, ["Bravo"]);
}

#[tokio::test]
async fn no_tenant_set_means_no_rows() {
    let app = TestApp::spawn().await;
    two_tenants_with_data(&app).await;
    let pool = app.services.db.pool();
    for table in ["owners", "contacts", "lessees", "api_keys", "tenants"] {
        let n: i64 =
            sqlx::query_scalar(sqlx::AssertSqlSafe(format!("SELECT count(*) FROM {table}")))
                .fetch_one(pool)
                .await
                .expect("count");
        assert_eq!(n, 0, "{table} without a tenant");
    }
    // An empty setting fails closed too.
    let mut tx = pool.begin().await.expect("tx");
    sqlx::query("SELECT set_config('app.tenant_id', '', true)")
        .execute(&mut *tx)
        .await
        .expect("set");
    let n: i64 = sqlx::query_scalar("SELECT count(*) FROM owners")
        .fetch_one(&mut *tx)
        .await
        .expect("count");
    assert_eq!(n, 0);
}

#[tokio::test]
async fn rows_cannot_be_written_into_or_changed_in_another_tenant() {
    let app = TestApp::spawn().await;
    let (a, b) = two_tenants_with_data(&app).await;
    let db = &app.services.db;

    let mut tx = db.tenant_tx(a).await.expect("tx");
    let err = sqlx::query(
        "INSERT INTO owners (tenant_id, id, kind, first_name, last_name, created_at, updated_at) \
         VALUES ($1, $2, 'PERSON', 'X', 'Y', now(), now())",
    )
    .bind(b.as_uuid())
    .bind(uuid::Uuid::now_v7())
    .execute(&mut *tx)
    .await
    .expect_err("RLS refuses a row of another tenant");
    assert_eq!(
        err.as_database_error().and_then(|e| e.code()).as_deref(),
        Some("42501"),
        "{err}"
    );
    drop(tx);

    let mut tx = db.tenant_tx(a).await.expect("tx");
    let changed = sqlx::query("UPDATE owners SET notes = 'pwned' WHERE tenant_id = $1")
        .bind(b.as_uuid())
        .execute(&mut *tx)
        .await
        .expect("update")
        .rows_affected();
    assert_eq!(changed, 0);
    let deleted = sqlx::query("DELETE FROM contacts")
        .execute(&mut *tx)
        .await
        .expect("delete")
        .rows_affected();
    assert_eq!(deleted, 0, "tenant A cannot delete B's contact");
    tx.commit().await.expect("commit");
}

#[tokio::test]
async fn a_tenant_setting_never_survives_on_a_pooled_connection() {
    let app = TestApp::spawn().await;
    let (a, _) = two_tenants_with_data(&app).await;
    // One connection, so every acquisition reuses the same server session.
    let mut settings = app.config.db.clone();
    settings.max_connections = 1;
    settings.min_connections = 1;
    let db = connect_app(&settings).await.expect("pool");

    async fn session(db: &faireplace_postgres::Db) -> (i32, Option<String>, i64) {
        let row = sqlx::query(
            "SELECT pg_backend_pid() AS pid, current_setting('app.tenant_id', true) AS tenant, \
             (SELECT count(*) FROM owners) AS visible",
        )
        .fetch_one(db.pool())
        .await
        .expect("session");
        (row.get("pid"), row.get("tenant"), row.get("visible"))
    }
    let (pid, _, _) = session(&db).await;

    // A read that ends by dropping its transaction (as repository reads do).
    let mut tx = db.tenant_tx(a).await.expect("tx");
    let n: i64 = sqlx::query_scalar("SELECT count(*) FROM owners")
        .fetch_one(&mut *tx)
        .await
        .expect("count");
    assert_eq!(n, 3);
    drop(tx);
    let (same_pid, tenant, visible) = session(&db).await;
    assert_eq!(same_pid, pid, "the same session was reused");
    assert!(
        tenant.unwrap_or_default().is_empty(),
        "the tenant survived a dropped read"
    );
    assert_eq!(visible, 0);

    // A committed write.
    let tx = db.tenant_tx(a).await.expect("tx");
    tx.commit().await.expect("commit");
    let (_, tenant, visible) = session(&db).await;
    assert!(
        tenant.unwrap_or_default().is_empty(),
        "the tenant survived a commit"
    );
    assert_eq!(visible, 0);

    // A transaction broken by an error.
    let mut tx = db.tenant_tx(a).await.expect("tx");
    let _ = sqlx::query("SELECT 1/0").execute(&mut *tx).await;
    drop(tx);
    let (same_pid, tenant, visible) = session(&db).await;
    assert_eq!(same_pid, pid);
    assert!(
        tenant.unwrap_or_default().is_empty(),
        "the tenant survived an error"
    );
    assert_eq!(visible, 0);
}

/// Repository reads set the tenant inside their single statement: the setting ends with it.
#[tokio::test]
async fn a_single_statement_read_leaves_no_tenant_behind() {
    use faireplace_kernel::paging::SortField;
    use faireplace_kernel::{ItemFilter, ItemSort, PageRequest, Sort};
    use faireplace_parties::OwnerData;
    use faireplace_ports::{ListQuery, Repository};

    let app = TestApp::spawn().await;
    let (a, b) = two_tenants_with_data(&app).await;
    // Two read sessions: one for list pages (generic plans), one for the other reads.
    let mut settings = app.config.db.clone();
    settings.max_connections = 2;
    settings.min_connections = 1;
    let db = connect_app(&settings).await.expect("pool");
    let owners = faireplace_postgres::PgItems::<OwnerData>::new(db.clone());
    let query = ListQuery {
        page: PageRequest::default(),
        sort: Sort {
            field: ItemSort::<OwnerData>::from_name("last_name").expect("a sort field"),
            descending: false,
        },
        search: None,
        filter: ItemFilter::default(),
    };

    let (pid, _, _) = db.probe_read_session().await.expect("probe");
    let (list_pid, _, _, mode) = db.probe_list_session().await.expect("probe");
    assert_ne!(list_pid, pid);
    assert_eq!(mode, "force_generic_plan");
    let page = owners.list(a, &query).await.expect("list");
    let names: Vec<String> = page
        .items
        .iter()
        .filter_map(|o| o.data.last_name.as_ref().map(|n| n.to_string()))
        .collect();
    assert_eq!(names, ["Alpha0", "Alpha1", "Alpha2"]);
    assert_eq!(page.total, 3);
    let first = page.items[0].id;
    assert!(owners.get(a, first).await.expect("get").is_some());
    // The same id asked for as tenant B: nothing.
    assert!(owners.get(b, first).await.expect("get").is_none());

    // One read session served the list, the other both gets; each was given back unchecked.
    let (same_pid, tenant, visible) = db.probe_read_session().await.expect("probe");
    assert_eq!(same_pid, pid, "the same read session was reused");
    assert!(tenant.is_empty(), "the tenant survived a read: {tenant}");
    assert_eq!(visible, 0);
    let (same_pid, tenant, visible, mode) = db.probe_list_session().await.expect("probe");
    assert_eq!(same_pid, list_pid, "the same list session was reused");
    assert!(tenant.is_empty(), "the tenant survived a list: {tenant}");
    assert_eq!(visible, 0);
    assert_eq!(mode, "force_generic_plan");
}

#[tokio::test]
async fn the_server_role_is_neither_owner_nor_bypassrls() {
    let app = TestApp::spawn().await;
    let row = sqlx::query(
        "SELECT current_user::text AS me, r.rolsuper, r.rolbypassrls, \
         (SELECT count(*) FROM pg_tables WHERE schemaname = 'public' AND tableowner = current_user) AS owned \
         FROM pg_roles r WHERE r.rolname = current_user",
    )
    .fetch_one(app.services.db.pool())
    .await
    .expect("role");
    assert_eq!(row.get::<String, _>("me"), "faireplace_app");
    assert!(!row.get::<bool, _>("rolsuper"));
    assert!(!row.get::<bool, _>("rolbypassrls"));
    assert_eq!(row.get::<i64, _>("owned"), 0);
    // Nor can it turn row-level security off for itself.
    let mut tx = app.services.db.pool().begin().await.expect("tx");
    sqlx::query("SET LOCAL row_security = off")
        .execute(&mut *tx)
        .await
        .expect("set");
    assert!(
        sqlx::query("SELECT count(*) FROM owners")
            .fetch_one(&mut *tx)
            .await
            .is_err()
    );
}

/// Every table with a tenant_id has row-level security enabled and forced, the isolation
/// policy, and tenant_id first in its primary key: a table added later cannot forget them.
#[tokio::test]
async fn every_tenant_table_is_isolated() {
    let app = TestApp::spawn().await;
    let mut conn = app.admin_connection().await;
    let rows = sqlx::query(
        "SELECT c.relname::text AS table_name, c.relrowsecurity, c.relforcerowsecurity, \
           EXISTS (SELECT 1 FROM pg_policy p WHERE p.polrelid = c.oid AND p.polname = 'tenant_isolation') AS has_policy, \
           (SELECT a.attname::text FROM pg_index i JOIN pg_attribute a \
              ON a.attrelid = i.indrelid AND a.attnum = i.indkey[0] \
            WHERE i.indrelid = c.oid AND i.indisprimary) AS first_pk_column \
         FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace \
         WHERE n.nspname = 'public' AND c.relkind = 'r' \
           AND EXISTS (SELECT 1 FROM pg_attribute a WHERE a.attrelid = c.oid AND a.attname = 'tenant_id' AND NOT a.attisdropped)",
    )
    .fetch_all(&mut conn)
    .await
    .expect("catalog");
    assert!(rows.len() >= 4, "tenant tables found: {}", rows.len());
    for row in rows {
        let table: String = row.get("table_name");
        assert!(
            row.get::<bool, _>("relrowsecurity"),
            "{table}: RLS not enabled"
        );
        assert!(
            row.get::<bool, _>("relforcerowsecurity"),
            "{table}: RLS not forced"
        );
        assert!(
            row.get::<bool, _>("has_policy"),
            "{table}: no tenant_isolation policy"
        );
        assert_eq!(
            row.get::<Option<String>, _>("first_pk_column").as_deref(),
            Some("tenant_id"),
            "{table}: primary key must start with tenant_id"
        );
    }
}
