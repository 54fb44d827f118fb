//! Media over HTTP: multipart uploads recognised by their bytes, limits, listing, download,
//! shared blobs, tenant isolation and roles.

use std::path::PathBuf;

use faireplace_tests::fixtures::call;
use faireplace_tests::{
    Answer, BOUNDARY, Part, TestApp, TestTenant, file, multipart_body, person_owner,
};
use reqwest::StatusCode;
use reqwest::header::HeaderMap;
use serde_json::Value;
use sha2::{Digest, Sha256};

async fn upload(app: &TestApp, key: &str, parts: &[Part<'_>]) -> Answer {
    let mut req = app
        .client
        .post(app.url("/api/media"))
        .header(
            "content-type",
            format!("multipart/form-data; boundary={BOUNDARY}"),
        )
        .body(reqwest::Body::from(multipart_body(parts)));
    if !key.is_empty() {
        req = req.bearer_auth(key);
    }
    TestApp::read(req.send().await.expect("request sent")).await
}

/// Uploads `bytes` for an owner, expecting 201.
async fn upload_for(app: &TestApp, key: &str, owner: &str, name: &str, bytes: &[u8]) -> Value {
    let res = upload_for_owner(app, key, owner, name, bytes).await;
    res.assert_status(201);
    res.body.clone()
}

/// Uploads a file `name` of `bytes` for the owner `owner_id`.
async fn upload_for_owner(
    app: &TestApp,
    key: &str,
    owner_id: &str,
    name: &str,
    bytes: &[u8],
) -> Answer {
    let parts = [
        Part::Text("entity_type", "OWNER"),
        Part::Text("entity_id", owner_id),
        file(name, bytes),
    ];
    upload(app, key, &parts).await
}

/// The raw answer of a download.
async fn download(app: &TestApp, key: &str, id: &str) -> (StatusCode, HeaderMap, Vec<u8>) {
    let res = app.get_raw(&format!("/api/media/{id}/download"), key).await;
    (res.status, res.headers, res.bytes)
}

/// The value of header `name`, if it is text.
fn header<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a str> {
    headers.get(name).and_then(|v| v.to_str().ok())
}

fn sha256_hex(bytes: &[u8]) -> String {
    Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

fn id(v: &Value) -> String {
    v["id"].as_str().expect("id").to_owned()
}

async fn owner(app: &TestApp, t: &TestTenant) -> String {
    let res = app
        .post(
            "/api/owners",
            &t.owner_key,
            person_owner("Jeanne", "Martin"),
        )
        .await;
    res.assert_status(201);
    id(&res.body)
}

fn blob_path(app: &TestApp, tenant: &TestTenant, sha: &str) -> PathBuf {
    app.config
        .media_dir
        .join(&tenant.id)
        .join(&sha[..2])
        .join(sha)
}

fn files_in(dir: PathBuf) -> usize {
    std::fs::read_dir(dir).map(|d| d.count()).unwrap_or(0)
}

fn png() -> Vec<u8> {
    let mut b = b"\x89PNG\r\n\x1a\n".to_vec();
    b.extend_from_slice(b"\0\0\0\rIHDR\0\0\0\x01\0\0\0\x01\x08\x06\0\0\0");
    b
}

fn jpeg() -> Vec<u8> {
    let mut b = vec![0xFF, 0xD8, 0xFF, 0xE0, 0x00, 0x10];
    b.extend_from_slice(b"JFIF\0\x01\x01\0\0\x01\0\x01\0\0\xFF\xD9");
    b
}

fn webp() -> Vec<u8> {
    let mut b = b"RIFF".to_vec();
    b.extend_from_slice(&26u32.to_le_bytes());
    b.extend_from_slice(b"WEBPVP8L\x0d\0\0\0\x2f\0\0\0\x10\x07\x10\x11\x11\x88\x88\xfe\x07\0");
    b
}

fn pdf() -> Vec<u8> {
    b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
        .to_vec()
}

#[tokio::test]
async fn files_are_recognised_by_their_bytes() {
    let (app, t) = TestApp::with_tenant("A").await;
    let k = &t.owner_key;
    let owner_id = owner(&app, &t).await;

    let cases = [
        ("façade.png", png(), "image/png"),
        ("photo.JPG", jpeg(), "image/jpeg"),
        ("plan.webp", webp(), "image/webp"),
        ("bail signé.pdf", pdf(), "application/pdf"),
    ];
    for (name, bytes, content_type) in &cases {
        let res = upload(
            &app,
            k,
            &[
                Part::Text("entity_type", "OWNER"),
                Part::Text("entity_id", &owner_id),
                Part::Text("category", "photo"),
                file(name, bytes),
            ],
        )
        .await;
        res.assert_status(201);
        let media = res.body.clone();
        let media_id = id(&media);
        assert_eq!(
            res.header("location"),
            Some(format!("/api/media/{media_id}").as_str())
        );
        assert_eq!(media["entity_type"], "OWNER");
        assert_eq!(media["entity_id"], owner_id.as_str());
        assert_eq!(media["category"], "photo");
        assert_eq!(media["filename"], *name);
        assert_eq!(media["content_type"], *content_type);
        assert_eq!(media["size"], bytes.len());
        assert_eq!(media["sha256"], sha256_hex(bytes));
        assert!(media["created_at"].is_string());

        // What was answered is what is read back.
        let read = app.get(&format!("/api/media/{media_id}"), k).await;
        read.assert_status(200);
        assert_eq!(read.body, media);

        // The same bytes come back, with their type, as an attachment.
        let (status, headers, body) = download(&app, k, &media_id).await;
        assert_eq!(status, 200);
        assert_eq!(&body, bytes);
        assert_eq!(
            headers.get("content-type").and_then(|v| v.to_str().ok()),
            Some(*content_type)
        );
        let disposition = header(&headers, "content-disposition").expect("content-disposition");
        if name.is_ascii() {
            assert_eq!(disposition, format!("attachment; filename=\"{name}\""));
        } else {
            assert!(
                disposition.starts_with("attachment; filename=\"")
                    && disposition.contains("filename*=UTF-8''"),
                "{disposition}"
            );
        }
        assert_eq!(header(&headers, "x-content-type-options"), Some("nosniff"));
    }

    // Parts may come in any order; a client's directories are dropped from the name, and a
    // name that would break the header is cleaned on the way out.
    let res = upload(
        &app,
        k,
        &[
            // The name `C:\fakepath\x"y.png`, escaped in its quoted string.
            file("C:\\\\fakepath\\\\x\\\"y.png", &png()),
            Part::Text("entity_id", &owner_id),
            Part::Text("entity_type", "OWNER"),
        ],
    )
    .await;
    res.assert_status(201);
    assert_eq!(res.body["filename"], "x\"y.png");
    assert_eq!(res.body["category"], Value::Null);
    let (_, headers, _) = download(&app, k, &id(&res.body)).await;
    assert_eq!(
        header(&headers, "content-disposition"),
        Some("attachment; filename=\"xy.png\"")
    );

    // Text renamed .png and declared image/png is still text.
    let res = upload(
        &app,
        k,
        &[
            Part::Text("entity_type", "OWNER"),
            Part::Text("entity_id", &owner_id),
            Part::File {
                filename: "notes.png",
                content_type: "image/png",
                bytes: b"just some text, not an image at all",
            },
        ],
    )
    .await;
    res.assert_problem(415, "UNSUPPORTED_MEDIA_TYPE");
    for other in [
        &b"GIF89a\x01\0\x01\0"[..],
        b"RIFF\x24\0\0\0WAVEfmt ",
        b"\x89PN",
    ] {
        upload_for_owner(&app, k, &owner_id, "x.png", other)
            .await
            .assert_problem(415, "UNSUPPORTED_MEDIA_TYPE");
    }
    // Nothing refused was kept, and no temporary file is left behind.
    assert_eq!(files_in(app.config.media_dir.join("tmp")), 0);
    let listed = app
        .get(
            &format!("/api/media?entity_type=OWNER&entity_id={owner_id}"),
            k,
        )
        .await;
    assert_eq!(listed.body["pagination"]["total"], 5);
}

#[tokio::test]
async fn uploads_are_validated_and_limited() {
    let app = TestApp::spawn_with(|c| c.media_max_bytes = 1024).await;
    let t = app.tenant("A").await;
    let k = &t.owner_key;
    let owner_id = owner(&app, &t).await;

    // Over the limit: 413, and nothing kept.
    let mut big = png();
    big.resize(2000, 0);
    let res = upload_for_owner(&app, k, &owner_id, "big.png", &big).await;
    res.assert_problem(413, "PAYLOAD_TOO_LARGE");
    assert!(!blob_path(&app, &t, &sha256_hex(&big)).exists());
    assert_eq!(files_in(app.config.media_dir.join("tmp")), 0);

    // Exactly at the limit is fine.
    let mut full = png();
    full.resize(1024, 7);
    let media = upload_for(&app, k, &owner_id, "full.png", &full).await;
    assert_eq!(media["size"], 1024);
    assert!(blob_path(&app, &t, &sha256_hex(&full)).exists());

    // An entity that does not exist, or not as that type.
    let ghost = uuid::Uuid::now_v7().to_string();
    for (entity_type, entity_id) in [("OWNER", ghost.as_str()), ("LESSEE", owner_id.as_str())] {
        let res = upload(
            &app,
            k,
            &[
                Part::Text("entity_type", entity_type),
                Part::Text("entity_id", entity_id),
                file("a.png", &png()),
            ],
        )
        .await;
        res.assert_problem(400, "VALIDATION_ERROR");
        assert_eq!(res.error_fields(), ["entity_id"]);
    }
    // The same when the file comes first: its bytes are released.
    let mut lone = png();
    lone.extend_from_slice(b"lone");
    let res = upload(
        &app,
        k,
        &[
            file("a.png", &lone),
            Part::Text("entity_type", "OWNER"),
            Part::Text("entity_id", &ghost),
        ],
    )
    .await;
    res.assert_problem(400, "VALIDATION_ERROR");
    assert_eq!(res.error_fields(), ["entity_id"]);
    assert!(!blob_path(&app, &t, &sha256_hex(&lone)).exists());

    // Bad and missing fields.
    let res = upload(
        &app,
        k,
        &[
            Part::Text("entity_type", "ROBOT"),
            Part::Text("entity_id", "42"),
            file("a.png", &png()),
        ],
    )
    .await;
    res.assert_problem(400, "VALIDATION_ERROR");
    assert_eq!(res.error_fields(), ["entity_type", "entity_id"]);
    let res = upload(
        &app,
        k,
        &[
            Part::Text("entity_type", "OWNER"),
            Part::Text("entity_id", &owner_id),
        ],
    )
    .await;
    res.assert_problem(400, "VALIDATION_ERROR");
    assert_eq!(res.error_fields(), ["file"]);
    let res = upload(&app, k, &[file("a.png", &png())]).await;
    res.assert_problem(400, "VALIDATION_ERROR");
    assert_eq!(res.error_fields(), ["entity_type", "entity_id"]);
    let res = upload_for_owner(&app, k, &owner_id, "empty.png", b"").await;
    res.assert_problem(400, "VALIDATION_ERROR");
    assert_eq!(res.error_fields(), ["file"]);
    let res = upload(
        &app,
        k,
        &[
            Part::Text("entity_type", "OWNER"),
            Part::Text("entity_id", &owner_id),
            Part::Text("colour", "blue"),
            file("a.png", &png()),
        ],
    )
    .await;
    res.assert_problem(400, "VALIDATION_ERROR");
    assert_eq!(res.error_fields(), ["colour"]);

    // Not multipart at all.
    app.post("/api/media", k, serde_json::json!({"entity_type": "OWNER"}))
        .await
        .assert_problem(415, "UNSUPPORTED_MEDIA_TYPE");
    assert_eq!(files_in(app.config.media_dir.join("tmp")), 0);
}

#[tokio::test]
async fn files_are_listed_by_entity_with_pagination() {
    let (app, t) = TestApp::with_tenant("A").await;
    let k = &t.owner_key;
    let first = owner(&app, &t).await;
    let second = owner(&app, &t).await;

    let mut ids = Vec::new();
    for i in 0..3u8 {
        let mut bytes = pdf();
        bytes.push(i);
        ids.push(id(&upload_for(
            &app,
            k,
            &first,
            &format!("doc{i}.pdf"),
            &bytes,
        )
        .await));
    }
    upload_for(&app, k, &second, "other.png", &png()).await;

    let base = format!("/api/media?entity_type=OWNER&entity_id={first}");
    let page1 = app.get(&format!("{base}&limit=2"), k).await;
    page1.assert_status(200);
    let data: Vec<String> = page1.body["data"]
        .as_array()
        .expect("data")
        .iter()
        .map(id)
        .collect();
    assert_eq!(data, ids[..2]);
    assert_eq!(page1.body["pagination"]["total"], 3);
    assert_eq!(page1.body["pagination"]["total_pages"], 2);
    let page2 = app.get(&format!("{base}&limit=2&page=2"), k).await;
    let data: Vec<String> = page2.body["data"]
        .as_array()
        .expect("data")
        .iter()
        .map(id)
        .collect();
    assert_eq!(data, ids[2..]);
    let past = app.get(&format!("{base}&limit=2&page=5"), k).await;
    assert_eq!(past.body["data"], serde_json::json!([]));
    assert_eq!(past.body["pagination"]["total"], 3);

    let other = app
        .get(
            &format!("/api/media?entity_type=OWNER&entity_id={second}"),
            k,
        )
        .await;
    assert_eq!(other.body["pagination"]["total"], 1);
    assert_eq!(other.body["data"][0]["filename"], "other.png");
    // The same id under another type is another entity.
    let none = app
        .get(
            &format!("/api/media?entity_type=LESSEE&entity_id={first}"),
            k,
        )
        .await;
    assert_eq!(none.body["pagination"]["total"], 0);

    let res = app.get("/api/media", k).await;
    res.assert_problem(400, "VALIDATION_ERROR");
    assert_eq!(res.error_fields(), ["entity_type", "entity_id"]);
    let res = app
        .get("/api/media?entity_type=OWNER&entity_id=x&limit=500", k)
        .await;
    res.assert_problem(400, "VALIDATION_ERROR");
    assert_eq!(res.error_fields(), ["entity_id"]);
    let res = app.get(&format!("{base}&limit=0"), k).await;
    res.assert_problem(400, "VALIDATION_ERROR");
    assert_eq!(res.error_fields(), ["limit"]);
}

#[tokio::test]
async fn the_same_bytes_share_one_blob_until_the_last_record_goes() {
    let (app, t) = TestApp::with_tenant("A").await;
    let k = &t.owner_key;
    let owner_id = owner(&app, &t).await;
    let bytes = jpeg();
    let sha = sha256_hex(&bytes);

    let a = upload_for(&app, k, &owner_id, "a.jpg", &bytes).await;
    let b = upload_for(&app, k, &owner_id, "b.jpg", &bytes).await;
    assert_ne!(id(&a), id(&b));
    assert_eq!(a["sha256"], sha.as_str());
    assert_eq!(b["sha256"], sha.as_str());
    let path = blob_path(&app, &t, &sha);
    assert!(path.exists());
    assert_eq!(files_in(path.parent().expect("dir").to_path_buf()), 1);
    assert_eq!(files_in(app.config.media_dir.join(&t.id)), 1);

    // Deleting one keeps the other downloadable.
    app.delete(&format!("/api/media/{}", id(&a)), k)
        .await
        .assert_status(204);
    let calls = [
        call::get(&format!("/api/media/{}", id(&a))),
        call::get(&format!("/api/media/{}/download", id(&a))),
        call::delete(&format!("/api/media/{}", id(&a))),
    ];
    app.assert_each_problem(k, 404, "NOT_FOUND", calls).await;
    assert!(path.exists());
    let (status, _, body) = download(&app, k, &id(&b)).await;
    assert_eq!(status, 200);
    assert_eq!(body, bytes);

    // The last record takes the bytes with it.
    app.delete(&format!("/api/media/{}", id(&b)), k)
        .await
        .assert_status(204);
    app.get(&format!("/api/media/{}", id(&b)), k)
        .await
        .assert_problem(404, "NOT_FOUND");
    assert!(!path.exists());

    // A malformed id is a 400, an unknown one a 404.
    app.get("/api/media/not-a-uuid", k)
        .await
        .assert_problem(400, "VALIDATION_ERROR");
    app.get(&format!("/api/media/{}", uuid::Uuid::now_v7()), k)
        .await
        .assert_problem(404, "NOT_FOUND");
}

#[tokio::test]
async fn media_are_isolated_by_tenant_and_need_a_management_key() {
    let app = TestApp::spawn().await;
    let a = app.tenant("A").await;
    let b = app.tenant("B").await;
    let owner_a = owner(&app, &a).await;
    let media = upload_for(&app, &a.owner_key, &owner_a, "a.png", &png()).await;
    let media_id = id(&media);

    // Tenant B can neither list A's files nor attach one to A's owner (the routes naming A's
    // file answer it 404: the isolation sweep checks them all).
    let kb = &b.owner_key;
    let list = app
        .get(
            &format!("/api/media?entity_type=OWNER&entity_id={owner_a}"),
            kb,
        )
        .await;
    list.assert_status(200);
    assert_eq!(list.body["data"], serde_json::json!([]));
    assert_eq!(list.body["pagination"]["total"], 0);
    let res = upload_for_owner(&app, kb, &owner_a, "b.png", &png()).await;
    res.assert_problem(400, "VALIDATION_ERROR");
    assert_eq!(res.error_fields(), ["entity_id"]);
    // The same bytes in B are B's own blob, and A's is untouched.
    let owner_b = owner(&app, &b).await;
    let mine = upload_for(&app, kb, &owner_b, "b.png", &png()).await;
    assert_eq!(mine["sha256"], media["sha256"]);
    app.delete(&format!("/api/media/{}", id(&mine)), kb)
        .await
        .assert_status(204);
    let sha = media["sha256"].as_str().expect("sha");
    assert!(blob_path(&app, &a, sha).exists());
    assert!(!blob_path(&app, &b, sha).exists());
    let (status, _, body) = download(&app, &a.owner_key, &media_id).await;
    assert_eq!(status, 200);
    assert_eq!(body, png());

    // A MANAGER key manages media too.
    let manager = app.key(&a, "MANAGER").await;
    upload_for(&app, &manager, &owner_a, "m.pdf", &pdf()).await;
    app.get(&format!("/api/media/{media_id}"), &manager)
        .await
        .assert_status(200);

    // A LESSEE key: 403 everywhere, and its upload stores nothing.
    let (lessee, _) = app.lessee_key(&a, &["lessee:leases:read"]).await;
    let mut lessee_bytes = png();
    lessee_bytes.extend_from_slice(b"lessee");
    let res = upload_for_owner(&app, &lessee, &owner_a, "l.png", &lessee_bytes).await;
    res.assert_problem(403, "FORBIDDEN");
    assert!(!blob_path(&app, &a, &sha256_hex(&lessee_bytes)).exists());
    let list_url = format!("/api/media?entity_type=OWNER&entity_id={owner_a}");
    let item_url = format!("/api/media/{media_id}");
    let download_url = format!("/api/media/{media_id}/download");
    for url in [&list_url, &item_url, &download_url] {
        app.get(url, &lessee).await.assert_problem(403, "FORBIDDEN");
    }
    app.delete(&item_url, &lessee)
        .await
        .assert_problem(403, "FORBIDDEN");

    // No key: 401 everywhere.
    upload_for_owner(&app, "", &owner_a, "n.png", &png())
        .await
        .assert_problem(401, "UNAUTHENTICATED");
    for url in [&list_url, &item_url, &download_url] {
        app.get(url, "")
            .await
            .assert_problem(401, "UNAUTHENTICATED");
    }
    app.delete(&item_url, "")
        .await
        .assert_problem(401, "UNAUTHENTICATED");

    // Still there for its owner.
    app.get(&item_url, &a.owner_key).await.assert_status(200);
}
