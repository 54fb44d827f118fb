//! List endpoints issue a constant number of statements, whatever the page size: no query per
//! row. Statements are counted from sqlx's own `sqlx::query` events, per tenant: an event
//! counts for the tenant of the request span it happens in, so the other tests of the binary,
//! running meanwhile, never add to this one's counts.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, OnceLock};

use faireplace_tests::TestApp;
use serde_json::json;
use tracing::Subscriber;
use tracing::field::{Field, Visit};
use tracing::span::{Attributes, Id, Record};
use tracing_subscriber::Layer;
use tracing_subscriber::layer::{Context, SubscriberExt};
use tracing_subscriber::registry::LookupSpan;
use tracing_subscriber::util::SubscriberInitExt;

/// Statements per tenant id.
type Counts = Arc<Mutex<HashMap<String, u64>>>;

/// The tenant a span was given (`tenant_id`, recorded once the key is verified).
struct TenantOf(String);

struct FindTenant(Option<String>);

impl Visit for FindTenant {
    fn record_debug(&mut self, field: &Field, value: &dyn std::fmt::Debug) {
        if field.name() == "tenant_id" {
            self.0 = Some(format!("{value:?}"));
        }
    }
}

struct CountStatements(Counts);

impl<S: Subscriber + for<'a> LookupSpan<'a>> Layer<S> for CountStatements {
    fn on_new_span(&self, attrs: &Attributes<'_>, id: &Id, ctx: Context<'_, S>) {
        let mut found = FindTenant(None);
        attrs.record(&mut found);
        if let (Some(t), Some(span)) = (found.0, ctx.span(id)) {
            span.extensions_mut().insert(TenantOf(t));
        }
    }

    fn on_record(&self, id: &Id, values: &Record<'_>, ctx: Context<'_, S>) {
        let mut found = FindTenant(None);
        values.record(&mut found);
        if let (Some(t), Some(span)) = (found.0, ctx.span(id)) {
            span.extensions_mut().insert(TenantOf(t));
        }
    }

    fn on_event(&self, event: &tracing::Event<'_>, ctx: Context<'_, S>) {
        if event.metadata().target() != "sqlx::query" {
            return;
        }
        let Some(scope) = ctx.event_scope(event) else {
            return;
        };
        for span in scope {
            if let Some(TenantOf(t)) = span.extensions().get::<TenantOf>() {
                if let Ok(mut counts) = self.0.lock() {
                    *counts.entry(t.clone()).or_default() += 1;
                }
                return;
            }
        }
    }
}

/// The counts, from the one subscriber of the process (installed by the first caller).
fn counts() -> Counts {
    static COUNTS: OnceLock<Counts> = OnceLock::new();
    COUNTS
        .get_or_init(|| {
            let counts = Counts::default();
            let _ = tracing_subscriber::registry()
                .with(CountStatements(counts.clone()))
                .try_init();
            counts
        })
        .clone()
}

/// Statements run so far for the tenant.
fn spent(counts: &Counts, tenant: &str) -> u64 {
    counts
        .lock()
        .map(|c| c.get(tenant).copied().unwrap_or(0))
        .unwrap_or(0)
}

#[tokio::test]
async fn lists_cost_the_same_statements_for_10_or_100_rows() {
    let stats = counts();
    let (app, t) = TestApp::with_tenant("A").await;
    let k = &t.owner_key;
    let owner = app.owner(k).id().await;
    let address = json!({"street": "1 avenue X", "postal_code": "93200", "city": "Saint-Denis"});
    let place = app.place(k).name("Grand ensemble").address(address);
    let place_id = place.id().await;
    for i in 0..120 {
        let estate = app.estate(k).place(place_id.as_str()).owner(owner.as_str());
        estate.with("floor", i % 7).create().await;
    }

    let mut counts = Vec::new();
    for limit in [10, 100] {
        // Warm: the key is verified and cached before counting.
        app.get(&format!("/api/places/{place_id}/estates?limit={limit}"), k)
            .await
            .assert_status(200);
        let before = spent(&stats, &t.id);
        let res = app
            .get(&format!("/api/places/{place_id}/estates?limit={limit}"), k)
            .await;
        res.assert_status(200);
        assert_eq!(res.body["data"].as_array().expect("data").len(), limit);
        assert_eq!(res.body["pagination"]["total"], 120);
        counts.push(spent(&stats, &t.id) - before);
    }
    assert_eq!(
        counts[0], counts[1],
        "statements for 10 rows vs 100 rows: {counts:?}"
    );
    // One statement for the page and its total (the rows prove the place exists).
    assert_eq!(counts, [1, 1]);

    // The same holds for the plain estate list and a party list.
    let mut counts = Vec::new();
    for limit in [10, 100] {
        let before = spent(&stats, &t.id);
        app.get(&format!("/api/estates?limit={limit}"), k)
            .await
            .assert_status(200);
        counts.push(spent(&stats, &t.id) - before);
    }
    assert_eq!(counts, [1, 1]);

    // Leases, each with two co-lessees and a guarantor gathered for the page: one statement.
    let a = app.lessee(k).id().await;
    let b = app.lessee(k).named("Marc", "Durand").id().await;
    let g = app.contact(k).company("Garantie SA").id().await;
    let estates = app.get("/api/estates?limit=100", k).await;
    // A review costs the same statements for 50 or 100 leases, each with a charge.
    let category = app.charge_category(k).id().await;
    let key = app.distribution_key(k).id().await;
    app.post(
        &format!("/api/places/{place_id}/charge-expenses"),
        k,
        json!({"category_id": category, "distribution_key_id": key, "amount": 1000,
               "period_start": "2026-01-01", "period_end": "2026-12-31"}),
    )
    .await
    .assert_status(201);
    let mut review_counts = Vec::new();
    for (i, estate) in estates.body["data"]
        .as_array()
        .expect("estates")
        .iter()
        .enumerate()
    {
        let estate = estate["id"].as_str().expect("id");
        let lease = app.lease(k).estate(estate).active().lessee(&a).lessee(&b);
        let charge =
            json!({"category_id": category, "billing_mode": "PROVISION", "monthly_amount": 10});
        let lease = lease.with("guarantor_ids", json!([g])).with_charge(charge);
        lease.create().await;
        if i + 1 == 50 || i + 1 == 100 {
            let before = spent(&stats, &t.id);
            let res = app
                .post(
                    "/api/charges/reviews",
                    k,
                    json!({"place_id": place_id, "period_start": "2026-01-01", "period_end": "2026-12-31"}),
                )
                .await;
            res.assert_status(201);
            assert_eq!(res.body["statements"].as_array().map(Vec::len), Some(i + 1));
            review_counts.push(spent(&stats, &t.id) - before);
        }
    }
    assert_eq!(
        review_counts[0], review_counts[1],
        "statements of a review of 50 vs 100 leases: {review_counts:?}"
    );
    let mut counts = Vec::new();
    for limit in [10, 100] {
        let before = spent(&stats, &t.id);
        let res = app.get(&format!("/api/leases?limit={limit}"), k).await;
        res.assert_status(200);
        assert_eq!(res.body["data"].as_array().expect("data").len(), limit);
        assert_eq!(
            res.body["data"][limit - 1]["lessees"]
                .as_array()
                .map(Vec::len),
            Some(2)
        );
        counts.push(spent(&stats, &t.id) - before);
    }
    assert_eq!(counts, [1, 1]);
}
