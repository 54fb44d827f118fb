//! Faults: the database going away mid-run answers 503 problem+json quickly, and the server
//! serves again on its own when it comes back; a silent network is bounded by the pool's
//! timeout, not by the client's patience.

use std::str::FromStr;
use std::time::{Duration, Instant};

use faireplace_tests::TestApp;
use faireplace_tests::proxy::DbProxy;
use sqlx::ConnectOptions;
use sqlx::postgres::PgConnectOptions;

async fn through_proxy() -> (TestApp, DbProxy) {
    let admin = PgConnectOptions::from_str(&faireplace_tests::admin_base_url()).expect("url");
    let proxy = DbProxy::start(format!("{}:{}", admin.get_host(), admin.get_port())).await;
    let port = proxy.port;
    let app = TestApp::spawn_with(move |c| {
        let options = PgConnectOptions::from_str(&c.db.admin_url)
            .expect("url")
            .host("127.0.0.1")
            .port(port);
        c.db.admin_url = options.to_url_lossy().to_string();
        c.db.acquire_timeout = Duration::from_secs(2);
    })
    .await;
    (app, proxy)
}

/// GET until it answers `status`, for at most `within`.
async fn until(app: &TestApp, key: &str, status: u16, within: Duration) -> Duration {
    let started = Instant::now();
    loop {
        let res = app.get("/api/owners", key).await;
        if res.status.as_u16() == status {
            if status >= 400 {
                res.assert_problem(status, "SERVICE_UNAVAILABLE");
            }
            return started.elapsed();
        }
        assert!(
            started.elapsed() < within,
            "still {} after {within:?}: {}",
            res.status,
            res.text
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

#[tokio::test]
async fn the_database_going_away_is_a_quick_503_and_its_return_needs_no_restart() {
    let (app, proxy) = through_proxy().await;
    let t = app.tenant("A").await;
    app.owner(&t.owner_key)
        .named("Jeanne", "Martin")
        .create()
        .await;
    app.get("/api/owners", &t.owner_key)
        .await
        .assert_status(200);

    proxy.down().await;
    // The first request after the cut finds its connection dead; from then on, a quick 503.
    let took = until(&app, &t.owner_key, 503, Duration::from_secs(10)).await;
    assert!(took < Duration::from_secs(5), "{took:?}");
    let started = Instant::now();
    let res = app.get("/api/owners", &t.owner_key).await;
    res.assert_problem(503, "SERVICE_UNAVAILABLE");
    assert!(res.header("retry-after").is_some());
    assert!(
        started.elapsed() < Duration::from_secs(3),
        "{:?}",
        started.elapsed()
    );
    app.get("/api/health/ready", "")
        .await
        .assert_problem(503, "SERVICE_UNAVAILABLE");
    app.get("/api/health", "").await.assert_status(200);

    proxy.up().await;
    until(&app, &t.owner_key, 200, Duration::from_secs(10)).await;
    app.owner(&t.owner_key)
        .named("Paul", "Durand")
        .create()
        .await;
    app.get("/api/health/ready", "").await.assert_status(200);
}

#[tokio::test]
async fn a_silent_network_is_bounded_by_the_pool_timeout() {
    let (app, proxy) = through_proxy().await;
    let t = app.tenant("A").await;
    app.get("/api/owners", &t.owner_key)
        .await
        .assert_status(200);
    proxy.silent().await;
    let started = Instant::now();
    let res = app.get("/api/owners", &t.owner_key).await;
    assert!(res.status.as_u16() == 503, "{}: {}", res.status, res.text);
    // The 2 s acquire timeout, not a hang.
    assert!(
        started.elapsed() < Duration::from_secs(8),
        "{:?}",
        started.elapsed()
    );
    proxy.up().await;
    until(&app, &t.owner_key, 200, Duration::from_secs(15)).await;
}

#[tokio::test]
async fn a_slow_client_cannot_hold_a_worker() {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let app = TestApp::spawn_with(|c| {
        c.client_request_timeout = Duration::from_millis(500);
    })
    .await;
    let address = app.base_url.trim_start_matches("http://").to_owned();
    // Half a request head, then nothing.
    let mut slow = tokio::net::TcpStream::connect(&address)
        .await
        .expect("connect");
    slow.write_all(b"GET /api/health HTTP/1.1\r\nHost: x\r\n")
        .await
        .expect("write");
    let started = Instant::now();
    let mut answer = Vec::new();
    let read = tokio::time::timeout(Duration::from_secs(5), slow.read_to_end(&mut answer)).await;
    assert!(
        read.is_ok(),
        "the server still holds a silent client after 5 s"
    );
    assert!(
        started.elapsed() < Duration::from_secs(3),
        "{:?}",
        started.elapsed()
    );
    let head = String::from_utf8_lossy(&answer);
    assert!(
        head.is_empty() || head.starts_with("HTTP/1.1 408"),
        "{head}"
    );
    // Meanwhile (one worker), everyone else is served.
    app.get("/api/health", "").await.assert_status(200);
}
