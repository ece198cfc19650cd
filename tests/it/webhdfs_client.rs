//! hjob's WebHDFS client against servers the sandbox does not play: an
//! HttpFS gateway (CREATE redirects to itself with `data=true` and demands
//! `application/octet-stream`) and a NameNode that redirects to a DataNode
//! name this machine cannot resolve (the most common WebHDFS support issue).

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};

use axum::Router;
use axum::body::Bytes;
use axum::extract::{Path, RawQuery, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::any;
use hjob::config::HttpSettings;
use hjob::webhdfs::WebHdfsClient;

type Files = Arc<Mutex<BTreeMap<String, Vec<u8>>>>;

#[derive(Clone)]
struct Gateway {
    files: Files,
    base: String,
    redirect_to: Option<String>,
}

fn remote(status: StatusCode, exception: &str, message: &str) -> Response {
    (
        status,
        [(header::CONTENT_TYPE, "application/json")],
        format!(
            r#"{{"RemoteException":{{"exception":"{exception}","javaClassName":"x.{exception}","message":"{message}"}}}}"#
        ),
    )
        .into_response()
}

/// A minimal HttpFS (or, with `redirect_to`, a NameNode pointing at a DataNode).
async fn handle(
    State(gw): State<Gateway>,
    Path(path): Path<String>,
    RawQuery(query): RawQuery,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let query = query.unwrap_or_default();
    let path = format!("/{path}");
    if query.contains("op=CREATE") {
        if !query.contains("data=true") {
            let target = match &gw.redirect_to {
                Some(dn) => format!("{dn}/webhdfs/v1{path}?{query}&data=true"),
                None => format!("{}/webhdfs/v1{path}?{query}&data=true", gw.base),
            };
            return (StatusCode::TEMPORARY_REDIRECT, [(header::LOCATION, target)]).into_response();
        }
        if headers
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            != Some("application/octet-stream")
        {
            return (
                StatusCode::BAD_REQUEST,
                "Data upload requests must have content-type set to 'application/octet-stream'",
            )
                .into_response();
        }
        gw.files.lock().unwrap().insert(path.clone(), body.to_vec());
        let location = format!("{}/webhdfs/v1{path}", gw.base);
        return (
            StatusCode::CREATED,
            [(header::LOCATION, location.clone())],
            format!(r#"{{"Location":"{location}"}}"#),
        )
            .into_response();
    }
    if query.contains("op=GETFILESTATUS") {
        return match gw.files.lock().unwrap().get(&path) {
            Some(data) => (
                StatusCode::OK,
                format!(r#"{{"FileStatus":{{"length":{},"pathSuffix":"","type":"FILE","permission":"644"}}}}"#, data.len()),
            )
                .into_response(),
            None => remote(StatusCode::NOT_FOUND, "FileNotFoundException", "File does not exist"),
        };
    }
    if query.contains("op=MKDIRS") {
        return (StatusCode::OK, r#"{"boolean":true}"#).into_response();
    }
    remote(
        StatusCode::BAD_REQUEST,
        "IllegalArgumentException",
        "unsupported op",
    )
}

/// Serves the stand-in on 127.0.0.1:0 in a background thread; returns its base URL and files.
fn serve(redirect_to: Option<String>) -> (String, Files) {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    listener.set_nonblocking(true).unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let files: Files = Arc::default();
    let gateway = Gateway {
        files: files.clone(),
        base: base.clone(),
        redirect_to,
    };
    std::thread::spawn(move || {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        runtime.block_on(async move {
            let app = Router::new()
                .route("/webhdfs/v1/{*path}", any(handle))
                .layer(axum::extract::DefaultBodyLimit::disable())
                .with_state(gateway);
            let listener = tokio::net::TcpListener::from_std(listener).unwrap();
            axum::serve(listener, app).await.unwrap();
        });
    });
    (base, files)
}

fn settings() -> HttpSettings {
    HttpSettings {
        timeout: std::time::Duration::from_secs(5),
        connect_timeout: std::time::Duration::from_secs(2),
        retries: 2,
        backoff_initial: std::time::Duration::from_millis(5),
        backoff_max: std::time::Duration::from_millis(20),
        state_deadline: std::time::Duration::from_secs(2),
        submit_outage_limit: std::time::Duration::from_secs(2),
        ca_bundle: None,
    }
}

fn block_on<F: std::future::Future>(future: F) -> F::Output {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap()
        .block_on(future)
}

#[test]
fn uploads_through_httpfs_with_data_true_and_octet_stream() {
    let (base, files) = serve(None);
    let dir = tempfile::tempdir().unwrap();
    let local = dir.path().join("job.jar");
    std::fs::write(&local, vec![42u8; 3 * 1024 * 1024 + 17]).unwrap();
    let client = WebHdfsClient::new(
        &format!("{base}/webhdfs/v1"),
        "alice",
        &settings(),
        BTreeMap::new(),
    )
    .unwrap();
    let told = std::sync::Arc::new(std::sync::Mutex::new(None::<String>));
    let tell = told.clone();
    let upload = block_on(client.create_from_file(
        "/user/alice/job.jar",
        &local,
        true,
        Some(std::sync::Arc::new(move |hash| {
            *tell.lock().unwrap() = Some(hash.to_owned())
        })),
        |_| {},
    ))
    .unwrap();
    let sent = upload.len;
    assert_eq!(sent, 3 * 1024 * 1024 + 17);
    assert!(!upload.changed);
    // Hashed while it was sent: the hash of what was sent.
    assert_eq!(
        upload.blake3.as_deref(),
        Some(
            blake3::hash(&std::fs::read(&local).unwrap())
                .to_hex()
                .as_str()
        )
    );
    // ...and told as soon as it was known.
    assert_eq!(*told.lock().unwrap(), upload.blake3);
    assert_eq!(
        files.lock().unwrap()["/user/alice/job.jar"].len() as u64,
        sent
    );
    let status = block_on(client.status("/user/alice/job.jar"))
        .unwrap()
        .unwrap();
    assert_eq!(status.length, sent);
    assert!(
        block_on(client.status("/user/alice/missing"))
            .unwrap()
            .is_none()
    );
}

#[test]
fn an_unresolvable_datanode_is_named_with_the_config_fix() {
    let (base, _) = serve(Some("http://dn-03.hjob-test.invalid:9864".into()));
    let dir = tempfile::tempdir().unwrap();
    let local = dir.path().join("job.jar");
    std::fs::write(&local, b"jar").unwrap();
    let client = WebHdfsClient::new(
        &format!("{base}/webhdfs/v1"),
        "alice",
        &settings(),
        BTreeMap::new(),
    )
    .unwrap();
    let error =
        block_on(client.create_from_file("/user/alice/job.jar", &local, true, None, |_| {}))
            .unwrap_err();
    let hint = hjob::error::hint_of(&error).unwrap_or_default();
    assert!(hint.contains("dn-03.hjob-test.invalid"), "{hint}");
    assert!(hint.contains("host_rewrites"), "{hint}");
}

#[test]
fn host_rewrites_reach_the_datanode_by_another_name() {
    let (datanode, files) = serve(None);
    let port = datanode.rsplit(':').next().unwrap().to_owned();
    // The NameNode names the DataNode by a name only the config can map.
    let (namenode, _) = serve(Some(format!("http://dn-07.hjob-test.invalid:{port}")));
    let mut rewrites = BTreeMap::new();
    rewrites.insert("dn-07.hjob-test.invalid".to_owned(), "127.0.0.1".to_owned());
    let dir = tempfile::tempdir().unwrap();
    let local = dir.path().join("x.sh");
    std::fs::write(&local, b"echo hi\n").unwrap();
    let client = WebHdfsClient::new(
        &format!("{namenode}/webhdfs/v1"),
        "alice",
        &settings(),
        rewrites,
    )
    .unwrap();
    block_on(client.create_from_file("/user/alice/x.sh", &local, true, None, |_| {})).unwrap();
    assert_eq!(files.lock().unwrap()["/user/alice/x.sh"], b"echo hi\n");
}
