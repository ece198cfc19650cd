//! The foundation: the state client fails closed, the reference state server
//! answers per the API doc and never loses an update, admin commands, and
//! config layering, all through the real binaries.

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::time::{Duration, Instant};

use hjob_sandbox::Service;
use serde_json::{Value, json};

use super::e2e::{World, json_doc, text};

pub(super) const TOKEN: &str = "tok-9f8e7d6c5b4a3921";

fn hjob_bin() -> PathBuf {
    assert_cmd::cargo::cargo_bin!("hjob").to_path_buf()
}

/// A hermetic `hjob` command with no state URL or config of its own.
pub(super) fn hjob(home: &Path) -> Command {
    hermetic(Command::new(hjob_bin()), home)
}

/// Clears `HJOB_*` and points HOME and the config at `home`.
fn hermetic(mut cmd: Command, home: &Path) -> Command {
    crate::hermetic::isolate(&mut cmd, home, "alice");
    cmd
}

pub(super) fn seed(oozie_port: u16) -> Value {
    json!({
        "version": 1,
        "active_cluster": "pug",
        "submission": {"enabled": true},
        "clusters": {
            "pug": {
                "oozie_url": format!("http://127.0.0.1:{oozie_port}/oozie"),
                "webhdfs_url": format!("http://127.0.0.1:{oozie_port}/webhdfs/v1"),
                "name_node": "hdfs://127.0.0.1:8020",
                "job_tracker": "127.0.0.1:8032"
            }
        }
    })
}

/// The real `hjob state-server` on 127.0.0.1:0.
pub(super) struct StateServer {
    pub(super) child: Child,
    pub(super) url: String,
    pub(super) dir: tempfile::TempDir,
    pub(super) log: std::sync::Arc<std::sync::Mutex<String>>,
}

impl StateServer {
    pub(super) fn start(extra: &[&str]) -> StateServer {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("seed.json"), seed(9).to_string()).unwrap();
        std::fs::write(
            dir.path().join("tokens"),
            format!("# admins\nalice:{TOKEN}\n"),
        )
        .unwrap();
        Self::start_in(dir, extra)
    }

    pub(super) fn start_in(dir: tempfile::TempDir, extra: &[&str]) -> StateServer {
        Self::start_with(dir, extra, &[], &[])
    }

    /// Starts the server through `prefix` (a program and its arguments
    /// that runs `hjob`, such as `prlimit`), with extra environment.
    pub(super) fn start_with(
        dir: tempfile::TempDir,
        extra: &[&str],
        prefix: &[&str],
        envs: &[(&str, &str)],
    ) -> StateServer {
        let store = dir.path().join("state.json");
        let command = match prefix.split_first() {
            Some((program, args)) => {
                let mut c = Command::new(program);
                c.args(args).arg(hjob_bin());
                c
            }
            None => Command::new(hjob_bin()),
        };
        let mut child = hermetic(command, dir.path())
            .envs(envs.iter().copied())
            .args(["state-server", "--listen", "127.0.0.1:0", "--store"])
            .arg(&store)
            .arg("--init")
            .arg(dir.path().join("seed.json"))
            .arg("--tokens")
            .arg(dir.path().join("tokens"))
            .args(extra)
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let mut lines = BufReader::new(child.stderr.take().unwrap()).lines();
        let mut url = String::new();
        let log = std::sync::Arc::new(std::sync::Mutex::new(String::new()));
        for line in lines.by_ref() {
            let line = line.unwrap();
            log.lock().unwrap().push_str(&line);
            log.lock().unwrap().push('\n');
            if let Some(rest) = line.split("listening on ").nth(1) {
                url = rest.split_whitespace().next().unwrap().to_owned();
                break;
            }
        }
        assert!(
            url.starts_with("http://127.0.0.1:"),
            "no listen line: {}",
            log.lock().unwrap()
        );
        let sink = log.clone();
        std::thread::spawn(move || {
            for line in lines.map_while(Result::ok) {
                let mut log = sink.lock().unwrap();
                log.push_str(&line);
                log.push('\n');
            }
        });
        StateServer {
            child,
            url,
            dir,
            log,
        }
    }

    pub(super) fn store(&self) -> PathBuf {
        self.dir.path().join("state.json")
    }

    fn admin(&self, args: &[&str]) -> Output {
        hjob(self.dir.path())
            .env("HJOB_STATE_URL", &self.url)
            .env("HJOB_ADMIN_TOKEN", TOKEN)
            .arg("admin")
            .args(args)
            .output()
            .unwrap()
    }
}

impl Drop for StateServer {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

pub(super) fn block_on<F: std::future::Future>(future: F) -> F::Output {
    // reqwest is built without a default TLS provider; hjob installs ring.
    let _ = rustls::crypto::ring::default_provider().install_default();
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap()
        .block_on(future)
}

/// A raw request: (status, headers, body).
pub(super) fn request(
    method: &str,
    url: &str,
    headers: &[(&str, &str)],
    body: Option<String>,
) -> (u16, reqwest::header::HeaderMap, String) {
    block_on(async {
        let client = reqwest::Client::new();
        let mut builder = client.request(method.parse().unwrap(), url);
        for (k, v) in headers {
            builder = builder.header(*k, *v);
        }
        if let Some(body) = body {
            builder = builder.body(body);
        }
        let response = builder.send().await.unwrap();
        let status = response.status().as_u16();
        let headers = response.headers().clone();
        (status, headers, response.text().await.unwrap())
    })
}

#[test]
fn state_server_answers_per_the_api_doc() {
    let server = StateServer::start(&["--access-log"]);
    let state = format!("{}/v1/state", server.url);
    let (status, headers, body) = request("GET", &state, &[], None);
    assert_eq!(status, 200);
    assert_eq!(headers["etag"], "\"1\"");
    let mut doc: Value = serde_json::from_str(&body).unwrap();
    let auth = format!("Bearer {TOKEN}");
    let before = std::fs::read(server.store()).unwrap();

    // 401: no token, unknown token.
    let (status, _, _) = request(
        "PUT",
        &state,
        &[("If-Match", "\"1\"")],
        Some(doc.to_string()),
    );
    assert_eq!(status, 401);
    let (status, _, _) = request(
        "PUT",
        &state,
        &[
            ("If-Match", "\"1\""),
            ("Authorization", "Bearer nope-nope-nope"),
        ],
        Some(doc.to_string()),
    );
    assert_eq!(status, 401);
    // 400s name the field, and leave the store byte for byte unchanged.
    for (broken, field) in [
        ("{not json".to_owned(), "(document)"),
        (
            {
                let mut d = doc.clone();
                d["active_cluster"] = json!("corgi");
                d.to_string()
            },
            "active_cluster",
        ),
        (
            {
                let mut d = doc.clone();
                d["clusters"]["pug"]["oozie_url"] = json!("ftp://x");
                d.to_string()
            },
            "clusters.pug.oozie_url",
        ),
        (
            {
                let mut d = doc.clone();
                d["clusters"]["pug"]
                    .as_object_mut()
                    .unwrap()
                    .remove("name_node");
                d.to_string()
            },
            "clusters.pug.name_node",
        ),
    ] {
        let (status, _, body) = request(
            "PUT",
            &state,
            &[("If-Match", "\"1\""), ("Authorization", &auth)],
            Some(broken),
        );
        assert_eq!(status, 400, "{body}");
        let answer: Value = serde_json::from_str(&body).unwrap();
        assert_eq!(answer["field"], field, "{body}");
        assert_eq!(std::fs::read(server.store()).unwrap(), before);
    }
    // 413
    let big = format!("{{\"pad\": \"{}\"}}", "x".repeat(300 * 1024));
    let (status, _, _) = request(
        "PUT",
        &state,
        &[("If-Match", "\"1\""), ("Authorization", &auth)],
        Some(big),
    );
    assert_eq!(status, 413);
    // 200 with a new version, then 412 for a stale If-Match.
    doc["submission"]["message"] = json!("hello");
    let (status, headers, body) = request(
        "PUT",
        &state,
        &[("If-Match", "\"1\""), ("Authorization", &auth)],
        Some(doc.to_string()),
    );
    assert_eq!(status, 200, "{body}");
    assert_eq!(headers["etag"], "\"2\"");
    let applied: Value = serde_json::from_str(&body).unwrap();
    assert_eq!(applied["version"], 2);
    assert_eq!(applied["updated_by"], "alice");
    let (status, _, _) = request(
        "PUT",
        &state,
        &[("If-Match", "\"1\""), ("Authorization", &auth)],
        Some(doc.to_string()),
    );
    assert_eq!(status, 412);
    // The store on disk is the new document; audit and health answer.
    let stored: Value = serde_json::from_slice(&std::fs::read(server.store()).unwrap()).unwrap();
    assert_eq!(stored["version"], 2);
    let (status, _, body) = request(
        "GET",
        &format!("{}/v1/audit?limit=5", server.url),
        &[],
        None,
    );
    assert_eq!(status, 200);
    let audit: Value = serde_json::from_str(&body).unwrap();
    assert_eq!(audit["entries"][0]["version"], 2);
    assert_eq!(audit["entries"][0]["by"], "alice");
    assert_eq!(
        request("GET", &format!("{}/healthz", server.url), &[], None).0,
        200
    );
    // With --access-log, one line per request, without the token.
    let deadline = Instant::now() + Duration::from_secs(30);
    while !server.log.lock().unwrap().contains("PUT /v1/state 412") && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(5));
    }
    let log = server.log.lock().unwrap().clone();
    assert!(log.contains("PUT /v1/state 412"), "{log}");
    assert!(!log.contains(TOKEN));
}

#[test]
fn fifty_concurrent_admins_never_lose_an_update() {
    let server = StateServer::start(&[]);
    let children: Vec<Child> = (0..50)
        .map(|n| {
            hjob(server.dir.path())
                .env("HJOB_STATE_URL", &server.url)
                .env("HJOB_ADMIN_TOKEN", TOKEN)
                .args(crate::admin_args::set_cluster(n))
                .stdout(Stdio::null())
                .stderr(Stdio::piped())
                .spawn()
                .unwrap()
        })
        .collect();
    for child in children {
        let out = child.wait_with_output().unwrap();
        assert!(out.status.success(), "{}", text(&out.stderr));
    }
    let (_, _, body) = request("GET", &format!("{}/v1/state", server.url), &[], None);
    let doc: Value = serde_json::from_str(&body).unwrap();
    for n in 0..50 {
        assert_eq!(
            doc["clusters"][format!("c{n}")]["name_node"],
            format!("hdfs://c{n}.example.com:8020")
        );
    }
    assert_eq!(doc["version"], 51);
    let (_, _, body) = request(
        "GET",
        &format!("{}/v1/audit?limit=100", server.url),
        &[],
        None,
    );
    let audit: Value = serde_json::from_str(&body).unwrap();
    // The 50 changes and the store's creation.
    assert_eq!(audit["entries"].as_array().unwrap().len(), 51);
}

// A server killed mid-write: see trusted.rs (30 kill -9s under concurrent
// writers, with the audit checked after each restart).

#[test]
fn tokens_never_appear_in_any_output() {
    let server = StateServer::start(&["-vvv", "--access-log"]);
    for verbosity in ["-v", "-vv", "-vvv"] {
        let out = server.admin(&[verbosity, "disable", "--message", "m", "--yes"]);
        assert!(out.status.success(), "{}", text(&out.stderr));
        let out = server.admin(&[verbosity, "enable"]);
        assert!(!text(&out.stdout).contains(TOKEN) && !text(&out.stderr).contains(TOKEN));
        let bad = hjob(server.dir.path())
            .env("HJOB_STATE_URL", &server.url)
            .env("HJOB_ADMIN_TOKEN", "wrong-token-123456")
            .args([verbosity, "admin", "enable"])
            .output()
            .unwrap();
        assert_eq!(bad.status.code(), Some(2));
        assert!(!text(&bad.stderr).contains("wrong-token-123456"));
    }
    std::thread::sleep(Duration::from_millis(100));
    let log = server.log.lock().unwrap().clone();
    assert!(log.contains("PUT /v1/state 200"), "{log}");
    assert!(!log.contains(TOKEN) && !log.contains("wrong-token-123456"));
}

#[test]
fn admin_commands_validate_before_changing_anything() {
    let server = StateServer::start(&[]);
    let out = server.admin(&["disable", "--message", "upgrade"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out.stderr).contains("--yes"));
    let out = server.admin(&[
        "disable",
        "--message",
        "upgrade",
        "--until",
        "soonish",
        "--yes",
    ]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        text(&out.stderr).contains("2026-11-22T14:00:00Z"),
        "{}",
        text(&out.stderr)
    );
    let out = server.admin(&["use", "corgi", "--yes"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out.stderr).contains("pug"));
    let out = server.admin(&["remove-cluster", "pug"]);
    assert_eq!(out.status.code(), Some(2));
    let out = server.admin(&["set-cluster", "new", "--oozie-url", "http://o:11000/oozie"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out.stderr).contains("--webhdfs-url"));
    let out = server.admin(&["set-cluster", "pug", "--oozie-url", "not a url"]);
    assert_eq!(out.status.code(), Some(2));
    let no_token = hjob(server.dir.path())
        .env("HJOB_STATE_URL", &server.url)
        .args(["admin", "enable"])
        .output()
        .unwrap();
    assert_eq!(no_token.status.code(), Some(2));
    assert!(text(&no_token.stderr).contains("HJOB_ADMIN_TOKEN"));
    // Nothing changed so far.
    let (_, _, body) = request("GET", &format!("{}/v1/state", server.url), &[], None);
    assert_eq!(serde_json::from_str::<Value>(&body).unwrap()["version"], 1);
    // A real change, with an absolute --until, shows in `hjob cluster` and the audit.
    let out = server.admin(&[
        "disable",
        "--message",
        "upgrade",
        "--until",
        "2026-11-22T14:00:00Z",
        "--yes",
    ]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let cluster = hjob(server.dir.path())
        .env("HJOB_STATE_URL", &server.url)
        .args(["cluster"])
        .output()
        .unwrap();
    let shown = text(&cluster.stdout);
    assert!(
        shown.contains("DISABLED")
            && shown.contains("upgrade")
            && shown.contains("2026-11-22T14:00:00Z"),
        "{shown}"
    );
    let audit = server.admin(&["audit", "--output", "json"]);
    assert_eq!(json_doc(&audit)["entries"][0]["by"], "alice");
    // The audit says what changed, in words people read.
    let audit = text(&server.admin(&["audit"]).stdout);
    assert!(
        audit.contains("submission.enabled: true -> false")
            && audit.contains("submission.message: (none) -> \"upgrade\"")
            && audit.contains("submission.until: (none) -> \"2026-11-22T14:00:00Z\""),
        "{audit}"
    );
}

/// Serves a fixed `/v1/state` answer; returns the base URL.
fn static_state(status: u16, body: &'static str) -> String {
    serve(axum::Router::new().route(
        "/v1/state",
        axum::routing::get(move || async move {
            (axum::http::StatusCode::from_u16(status).unwrap(), body)
        }),
    ))
}

/// Serves `app` on 127.0.0.1:0 from a thread with its own runtime; returns
/// the base URL.
pub(super) fn serve(app: axum::Router) -> String {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    listener.set_nonblocking(true).unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    std::thread::spawn(move || {
        block_on(async move {
            axum::serve(tokio::net::TcpListener::from_std(listener).unwrap(), app)
                .await
                .unwrap();
        });
    });
    url
}

fn cluster_with(url: &str, home: &Path) -> Output {
    let config = home.join("fast.toml");
    std::fs::write(
        &config,
        "[http]\ntimeout = \"300ms\"\nbackoff_initial = \"10ms\"\nstate_deadline = \"2s\"\n",
    )
    .unwrap();
    hjob(home)
        .env("HJOB_STATE_URL", url)
        .env("HJOB_CONFIG", &config)
        .arg("cluster")
        .output()
        .unwrap()
}

#[test]
fn the_state_client_fails_closed_and_names_the_problem() {
    let home = tempfile::tempdir().unwrap();
    // Unreachable: nothing listens there.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let out = cluster_with(&format!("http://127.0.0.1:{port}"), home.path());
    assert_eq!(out.status.code(), Some(4));
    assert!(
        text(&out.stderr).contains(&format!("127.0.0.1:{port}/v1/state")),
        "{}",
        text(&out.stderr)
    );
    // Garbage, missing fields, a dangling active_cluster.
    for (body, needle) in [
        ("<html>oops</html>", "not JSON"),
        (
            r#"{"version":1,"active_cluster":"a","submission":{"enabled":true},"clusters":{"a":{"webhdfs_url":"http://w/webhdfs/v1","name_node":"hdfs://n","job_tracker":"j"}}}"#,
            "clusters.a.oozie_url",
        ),
        (
            r#"{"version":1,"active_cluster":"b","submission":{"enabled":true},"clusters":{}}"#,
            "active_cluster",
        ),
        (
            r#"{"version":1,"active_cluster":"a","clusters":{}}"#,
            "submission",
        ),
    ] {
        let out = cluster_with(&static_state(200, body), home.path());
        assert_eq!(out.status.code(), Some(4), "{body}");
        assert!(
            text(&out.stderr).contains(needle),
            "{needle}: {}",
            text(&out.stderr)
        );
    }
    // Unknown fields are ignored.
    let out = cluster_with(
        &static_state(
            200,
            r#"{"version":3,"active_cluster":"a","submission":{"enabled":true,"colour":"red"},"future":[1],"clusters":{"a":{"oozie_url":"http://o:11000/oozie","webhdfs_url":"http://w:9870/webhdfs/v1","name_node":"hdfs://n:8020","job_tracker":"j:8032","rack":"r1"}}}"#,
        ),
        home.path(),
    );
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    // 5xx after the retries: exit 4.
    let out = cluster_with(&static_state(503, "busy"), home.path());
    assert_eq!(out.status.code(), Some(4));
    assert!(text(&out.stderr).contains("503"));
}

#[test]
fn the_state_lookup_retries_a_blip() {
    let world = World::new();
    world.sandbox.fail_next(Service::State, 2);
    let out = world.run(&["cluster", "--output", "json"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert_eq!(json_doc(&out)["active_cluster"], "alpha");
    let state_calls = world.sandbox.requests(Service::State).len();
    assert!(state_calls >= 3, "{state_calls}");
}

#[test]
fn config_layers_override_in_order_and_show_their_source() {
    let home = tempfile::tempdir().unwrap();
    let h = home.path();
    let system = h.join("system.toml");
    std::fs::write(&system, "state_url = \"http://system:1\"\nuser = \"sys\"\nworkflow_schema = \"1.0\"\n[http]\ntimeout = \"7s\"\n").unwrap();
    std::fs::create_dir_all(h.join("config/hjob")).unwrap();
    std::fs::write(
        h.join("config/hjob/config.toml"),
        "state_url = \"http://user:2\"\nuser = \"usr\"\n[http]\nretries = 5\n",
    )
    .unwrap();
    let extra = h.join("extra.toml");
    std::fs::write(
        &extra,
        "state_url = \"http://extra:3\"\n[clusters.pug]\nqueue = \"etl\"\n",
    )
    .unwrap();
    let show = |cmd: &mut Command| -> Value {
        let out = cmd
            .args(["config", "show", "--output", "json"])
            .output()
            .unwrap();
        assert!(out.status.success(), "{}", text(&out.stderr));
        json_doc(&out)
    };
    let value = |doc: &Value, key: &str| -> (String, String) {
        let entry = doc["values"]
            .as_array()
            .unwrap()
            .iter()
            .find(|v| v["key"] == key)
            .unwrap();
        (
            entry["value"].as_str().unwrap().to_owned(),
            entry["source"].as_str().unwrap().to_owned(),
        )
    };
    let base = |h: &Path| {
        let mut cmd = hjob(h);
        cmd.env_remove("HJOB_USER")
            .env("HJOB_SYSTEM_CONFIG", &system);
        cmd
    };
    let doc = show(&mut base(h));
    assert_eq!(value(&doc, "state_url").0, "http://user:2");
    assert!(
        value(&doc, "state_url")
            .1
            .ends_with("config/hjob/config.toml")
    );
    assert_eq!(
        value(&doc, "workflow_schema"),
        ("1.0".into(), system.display().to_string())
    );
    assert_eq!(value(&doc, "http.timeout").0, "7s");
    assert_eq!(value(&doc, "http.retries").0, "5");
    let doc = show(base(h).env("HJOB_CONFIG", &extra));
    assert_eq!(
        value(&doc, "state_url"),
        ("http://extra:3".into(), extra.display().to_string())
    );
    assert_eq!(value(&doc, "clusters.pug.queue").0, "etl");
    let doc = show(
        base(h)
            .env("HJOB_CONFIG", &extra)
            .env("HJOB_STATE_URL", "http://env:4")
            .env("HJOB_USER", "envuser"),
    );
    assert_eq!(
        value(&doc, "state_url"),
        ("http://env:4".into(), "env HJOB_STATE_URL".into())
    );
    assert_eq!(
        value(&doc, "user"),
        ("envuser".into(), "env HJOB_USER".into())
    );
    let doc = show(base(h).env("HJOB_STATE_URL", "http://env:4").args([
        "--state-url",
        "http://flag:5",
        "--user",
        "flaguser",
    ]));
    assert_eq!(
        value(&doc, "state_url"),
        ("http://flag:5".into(), "flag --state-url".into())
    );
    assert_eq!(
        value(&doc, "user"),
        ("flaguser".into(), "flag --user".into())
    );
    // config path lists every file, lowest first.
    let out = base(h)
        .env("HJOB_CONFIG", &extra)
        .args(["config", "path"])
        .output()
        .unwrap();
    let listed = text(&out.stdout);
    let lines: Vec<&str> = listed.lines().collect();
    assert_eq!(lines.len(), 3, "{listed}");
    assert!(
        lines[0].starts_with(&system.display().to_string())
            && lines[2].starts_with(&extra.display().to_string())
    );
    // A bad file: exit 2 naming file, line and key.
    std::fs::write(&extra, "user = \"x\"\n\n[wait]\npoll_intial = \"1s\"\n").unwrap();
    let out = base(h)
        .env("HJOB_CONFIG", &extra)
        .args(["cluster"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = text(&out.stderr);
    assert!(
        err.contains("extra.toml:4") && err.contains("poll_intial"),
        "{err}"
    );
    // A bad value: file, line and key, and an example of a good one.
    for (content, needles) in [
        (
            "user = \"x\"\n[http]\ntimeout = \"soon\"\n",
            &["extra.toml:3", "http.timeout", "\"10s\""][..],
        ),
        (
            "\nstate_url = \"state.example.com\"\n",
            &["extra.toml:2", "state_url", "http://state.example.com:8470"],
        ),
        (
            "state_url = [1]\n",
            &["extra.toml:1", "state_url", "invalid type"],
        ),
    ] {
        std::fs::write(&extra, content).unwrap();
        let out = base(h)
            .env("HJOB_CONFIG", &extra)
            .args(["cluster"])
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(2));
        let err = text(&out.stderr);
        for needle in needles {
            assert!(err.contains(needle), "{needle:?} not in: {err}");
        }
    }
    // Bad values from the environment or a flag name their source and show an example.
    let out = base(h)
        .env("HJOB_STATE_URL", "localhost:8470")
        .args(["cluster"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = text(&out.stderr);
    assert!(
        err.contains("env HJOB_STATE_URL") && err.contains("http://state.example.com:8470"),
        "{err}"
    );
    // An unreadable file: exit 2 naming it.
    let out = base(h)
        .env("HJOB_CONFIG", h.join("missing.toml"))
        .args(["cluster"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out.stderr).contains("missing.toml"));
}

#[test]
fn a_cluster_override_shows_in_hjob_cluster() {
    let world = World::new();
    world.configure(
        "[clusters.alpha]\noozie_url = \"https://knox.example.com:8443/gateway/alpha/oozie\"\n",
    );
    let out = world.run(&["cluster"]);
    let shown = text(&out.stdout);
    assert!(
        shown.contains("https://knox.example.com:8443/gateway/alpha/oozie"),
        "{shown}"
    );
    assert!(shown.contains("overridden by"), "{shown}");
}

#[test]
fn the_state_server_stops_gracefully_on_sigterm() {
    let mut server = StateServer::start(&[]);
    assert_eq!(
        request("GET", &format!("{}/healthz", server.url), &[], None).0,
        200
    );
    let status = Command::new("kill")
        .args(["-TERM", &server.child.id().to_string()])
        .status()
        .unwrap();
    assert!(status.success());
    let exit = server.child.wait().unwrap();
    assert_eq!(exit.code(), Some(0));
    std::thread::sleep(Duration::from_millis(50));
    assert!(server.log.lock().unwrap().contains("stopped"));
}

/// Sends a raw HTTP/1.1 request head declaring `content_length`, then only
/// `send` bytes of body, and returns the status line of the answer. A server
/// that buffered the declared body first would never answer.
fn raw_put_status(url: &str, token: Option<&str>, content_length: u64, send: usize) -> String {
    use std::io::{Read, Write};
    let addr = url.trim_start_matches("http://");
    let mut socket = std::net::TcpStream::connect(addr).unwrap();
    socket
        .set_read_timeout(Some(Duration::from_secs(10)))
        .unwrap();
    socket
        .set_write_timeout(Some(Duration::from_secs(5)))
        .unwrap();
    let auth = token
        .map(|t| format!("Authorization: Bearer {t}\r\n"))
        .unwrap_or_default();
    let head = format!(
        "PUT /v1/state HTTP/1.1\r\nHost: {addr}\r\n{auth}If-Match: \"1\"\r\nContent-Type: application/json\r\nContent-Length: {content_length}\r\n\r\n"
    );
    socket.write_all(head.as_bytes()).unwrap();
    // The server may answer and close before taking it all; that is the point.
    let _ = socket.write_all(&vec![b' '; send]);
    let mut answer = Vec::new();
    let mut buf = [0u8; 4096];
    while !answer.windows(2).any(|w| w == b"\r\n") {
        match socket.read(&mut buf) {
            Ok(0) => break,
            Ok(n) => answer.extend_from_slice(&buf[..n]),
            Err(e) => panic!("no answer to a PUT declaring {content_length} bytes: {e}"),
        }
    }
    text(&answer).lines().next().unwrap_or_default().to_owned()
}

#[test]
fn the_state_server_never_buffers_an_oversized_or_unauthenticated_body() {
    let server = StateServer::start(&[]);
    let before = std::fs::read(server.store()).unwrap();
    // 1 GiB declared, 300 KiB sent: 413 once the limit is passed.
    let status = raw_put_status(&server.url, Some(TOKEN), 1 << 30, 300 * 1024);
    assert!(status.starts_with("HTTP/1.1 413"), "{status}");
    // No token: 401 before any of the body is read.
    let status = raw_put_status(&server.url, None, 1 << 30, 0);
    assert!(status.starts_with("HTTP/1.1 401"), "{status}");
    assert_eq!(std::fs::read(server.store()).unwrap(), before);
    // And the server still serves.
    assert_eq!(
        request("GET", &format!("{}/healthz", server.url), &[], None).0,
        200
    );
}

/// A stand-in for every cluster service (Oozie, WebHDFS, YARN): answers 503
/// to anything and records `METHOD path` of each request.
pub(super) struct Recorder {
    pub(super) url: String,
    seen: std::sync::Arc<std::sync::Mutex<Vec<String>>>,
}

impl Recorder {
    pub(super) fn start() -> Recorder {
        let seen = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
        let log = seen.clone();
        let url = serve(
            axum::Router::new().fallback(move |request: axum::extract::Request| {
                let log = log.clone();
                async move {
                    let line = format!("{} {}", request.method(), request.uri().path());
                    log.lock().unwrap().push(line);
                    axum::http::StatusCode::SERVICE_UNAVAILABLE
                }
            }),
        );
        Recorder { url, seen }
    }

    pub(super) fn seen(&self) -> Vec<String> {
        self.seen.lock().unwrap().clone()
    }
}

#[test]
fn a_disabled_switch_exits_3_with_message_and_until_and_calls_no_cluster_service() {
    let recorder = Recorder::start();
    let dir = tempfile::tempdir().unwrap();
    let mut doc = seed(9);
    doc["clusters"]["pug"] = json!({
        "oozie_url": format!("{}/oozie", recorder.url),
        "webhdfs_url": format!("{}/webhdfs/v1", recorder.url),
        "name_node": "hdfs://127.0.0.1:8020",
        "job_tracker": "127.0.0.1:8032",
        "yarn_url": recorder.url,
    });
    std::fs::write(dir.path().join("seed.json"), doc.to_string()).unwrap();
    std::fs::write(dir.path().join("tokens"), format!("alice:{TOKEN}\n")).unwrap();
    let server = StateServer::start_in(dir, &[]);
    let off = server.admin(&[
        "disable",
        "--message",
        "Pug NameNode upgrade",
        "--until",
        "2h",
        "--yes",
    ]);
    assert!(off.status.success(), "{}", text(&off.stderr));
    let until = json_doc(&server.admin(&["status", "--output", "json"]))["submission"]["until"]
        .as_str()
        .unwrap()
        .to_owned();
    let config = server.dir.path().join("fast.toml");
    std::fs::write(
        &config,
        "[http]\ntimeout = \"500ms\"\nbackoff_initial = \"10ms\"\nretries = 1\nstate_deadline = \"2s\"\n",
    )
    .unwrap();
    let run = |args: &[&str]| {
        hjob(server.dir.path())
            .env("HJOB_STATE_URL", &server.url)
            .env("HJOB_CONFIG", &config)
            .arg("run")
            .args(args)
            .output()
            .unwrap()
    };
    for args in [
        &["shell", "--", "echo", "hi"][..],
        &["shell", "--detach", "--", "echo", "hi"],
        // The state comes first: a missing jar is not even looked at.
        &["java", "--jar", "/nonexistent/etl.jar", "--main-class", "X"],
    ] {
        let out = run(args);
        let err = text(&out.stderr);
        assert_eq!(out.status.code(), Some(3), "{args:?}: {err}");
        assert!(err.contains("Pug NameNode upgrade"), "{err}");
        assert!(err.contains(&until), "{until} not in: {err}");
        assert!(
            err.contains("(in 1h 59m") || err.contains("(in 2h"),
            "{err}"
        );
        assert!(text(&out.stdout).is_empty());
    }
    let out = run(&["shell", "--output", "json", "--", "echo", "hi"]);
    assert_eq!(out.status.code(), Some(3));
    assert_eq!(json_doc(&out)["error"]["exit_code"], 3);
    assert_eq!(
        recorder.seen(),
        Vec::<String>::new(),
        "a cluster service was called"
    );

    // The recorder is really where jobs would go: once enabled, a run calls it.
    let on = server.admin(&["enable"]);
    assert!(on.status.success(), "{}", text(&on.stderr));
    let out = run(&["shell", "--detach", "--", "echo", "hi"]);
    assert_ne!(out.status.code(), Some(0));
    assert_ne!(out.status.code(), Some(3), "{}", text(&out.stderr));
    assert!(!recorder.seen().is_empty());
}

#[test]
fn admin_reads_its_token_from_admin_token_file() {
    let server = StateServer::start(&[]);
    let token_file = server.dir.path().join("admin-token");
    std::fs::write(&token_file, format!("{TOKEN}\n")).unwrap();
    let config = server.dir.path().join("admin.toml");
    std::fs::write(
        &config,
        format!(
            "admin_token_file = {:?}\n",
            token_file.display().to_string()
        ),
    )
    .unwrap();
    let admin = |args: &[&str]| {
        hjob(server.dir.path())
            .env("HJOB_STATE_URL", &server.url)
            .env("HJOB_CONFIG", &config)
            .arg("admin")
            .args(args)
            .output()
            .unwrap()
    };
    let out = admin(&["use", "pug", "--yes", "--output", "json"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert_eq!(json_doc(&out)["version"], 2);
    let status = json_doc(&admin(&["status", "--output", "json"]));
    assert_eq!(status["updated_by"], "alice");
    // A token file that is gone: exit 2 naming it, nothing sent.
    std::fs::remove_file(&token_file).unwrap();
    let out = admin(&["enable"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        text(&out.stderr).contains("admin-token"),
        "{}",
        text(&out.stderr)
    );
    let log = server.log.lock().unwrap().clone();
    assert!(!log.contains(TOKEN), "{log}");
}

/// Several state servers (`state_url` a list; the replicated store of
/// tests/zk): reads and admin writes pass over a dead server and one that
/// answers 503; every server failing is exit 4 naming each.
#[test]
fn a_list_of_state_servers_fails_over_to_one_that_answers() {
    let server = StateServer::start(&[]);
    let home = tempfile::tempdir().unwrap();
    // A server that lost its ZooKeeper session: 503 to reads and writes.
    let busy = serve(axum::Router::new().route(
        "/v1/state",
        axum::routing::any(|| async {
            (
                axum::http::StatusCode::SERVICE_UNAVAILABLE,
                "{\"error\": \"no ZooKeeper session\"}",
            )
        }),
    ));
    let urls = format!("http://127.0.0.1:9,{busy},{}", server.url);
    let out = cluster_with(&urls, home.path());
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert!(text(&out.stdout).contains("pug"), "{}", text(&out.stdout));

    let out = hjob(home.path())
        .env("HJOB_STATE_URL", &urls)
        .env("HJOB_ADMIN_TOKEN", TOKEN)
        .env("HJOB_CONFIG", home.path().join("fast.toml"))
        .args([
            "admin",
            "disable",
            "--message",
            "through the third",
            "--yes",
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let (_, _, body) = request("GET", &format!("{}/v1/state", server.url), &[], None);
    assert!(body.contains("through the third"), "{body}");

    let out = cluster_with(&format!("http://127.0.0.1:9,{busy}"), home.path());
    assert_eq!(out.status.code(), Some(4), "{}", text(&out.stderr));
    let err = text(&out.stderr);
    assert!(err.contains("127.0.0.1:9") && err.contains("503"), "{err}");
}

/// A port nothing listens on (bound, then released).
fn dead_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// A state server that is busy at first (503 with `Retry-After: 1`) and
/// answers once a second has passed since: failing over to the next
/// server does not stop the client from waiting before it asks the busy
/// one again, as long as it asked (here, up to the 5 s backoff_max).
#[test]
fn a_busy_state_server_is_asked_again_only_after_its_retry_after() {
    use std::sync::{Arc, Mutex};
    /// When the server first said 503, and the requests that came before
    /// its Retry-After (allowing for the jitter, which may halve it).
    #[derive(Default)]
    struct Seen {
        first: Option<Instant>,
        requests: usize,
        early: usize,
    }
    let seen = Arc::new(Mutex::new(Seen::default()));
    let document = seed(9).to_string();
    let busy = serve(axum::Router::new().route(
        "/v1/state",
        axum::routing::get({
            let seen = seen.clone();
            move || async move {
                let mut seen = seen.lock().unwrap();
                seen.requests += 1;
                let ready = match seen.first {
                    None => {
                        seen.first = Some(Instant::now());
                        false
                    }
                    Some(first) if first.elapsed() < Duration::from_millis(450) => {
                        seen.early += 1;
                        false
                    }
                    Some(_) => true,
                };
                use axum::response::IntoResponse;
                if ready {
                    document.into_response()
                } else {
                    (
                        axum::http::StatusCode::SERVICE_UNAVAILABLE,
                        [("retry-after", "1")],
                        "busy",
                    )
                        .into_response()
                }
            }
        }),
    ));
    let home = tempfile::tempdir().unwrap();
    let config = home.path().join("patient.toml");
    std::fs::write(
        &config,
        "[http]\ntimeout = \"2s\"\nbackoff_initial = \"10ms\"\nbackoff_max = \"5s\"\nstate_deadline = \"30s\"\n",
    )
    .unwrap();
    // The busy server first, then one that refuses connections: the
    // round's Retry-After outlives the failover to the second.
    let out = hjob(home.path())
        .env(
            "HJOB_STATE_URL",
            format!("{busy},http://127.0.0.1:{}", dead_port()),
        )
        .env("HJOB_CONFIG", &config)
        .arg("cluster")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert!(text(&out.stdout).contains("pug"), "{}", text(&out.stdout));
    let seen = seen.lock().unwrap();
    assert_eq!(seen.early, 0, "asked again before Retry-After");
    assert_eq!(seen.requests, 2);
}

/// A throwaway self-signed certificate for 127.0.0.1, and its key: no
/// client trusts it.
const UNTRUSTED_CERT: &str = "-----BEGIN CERTIFICATE-----
MIIBazCCARKgAwIBAgIUUROaBy0ZB4aTdv7YJro+ITnTumAwCgYIKoZIzj0EAwIw
GzEZMBcGA1UEAwwQaGpvYiB0ZXN0IHNlcnZlcjAgFw0yNjEyMDIwNDAxMjBaGA8y
MTI2MTEwODA0MDEyMFowGzEZMBcGA1UEAwwQaGpvYiB0ZXN0IHNlcnZlcjBZMBMG
ByqGSM49AgEGCCqGSM49AwEHA0IABCd50YZTvem4Ffq/2aR6WTlnsK7rYmBGhpTb
5iwhEFgFptMq4kzB+1dnN5zEcjVwS7j3PQUrNzG2gvarpZGxIo2jMjAwMA8GA1Ud
EQQIMAaHBH8AAAEwHQYDVR0OBBYEFAy9FyR+hoxYkvA74uQTFTKGNiBKMAoGCCqG
SM49BAMCA0cAMEQCICLSOohVPaqdIZVHmHHSDt6I+EIdWxQutssmWzB7DP3QAiBi
0RG7jEE3v4EJrQjhs6MhTFSFjAImO2EMthItyNzHUA==
-----END CERTIFICATE-----
";
const UNTRUSTED_KEY: &str = "-----BEGIN PRIVATE KEY-----
MIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQggQrCvKREa0lFqsWo
0HsnqKqql7rEoytnft8wOYHS5pehRANCAAQnedGGU73puBX6v9mkelk5Z7Cu62Jg
RoaU2+YsIRBYBabTKuJMwftXZzecxHI1cEu49z0FKzcxtoL2q6WRsSKN
-----END PRIVATE KEY-----
";
/// Another self-signed certificate: the CA bundle the client trusts,
/// which did not sign [`UNTRUSTED_CERT`].
const OTHER_CA: &str = "-----BEGIN CERTIFICATE-----
MIIBazCCARCgAwIBAgIUNO209TSBMhKkxAnTZ90KzTzlPMswCgYIKoZIzj0EAwIw
GjEYMBYGA1UEAwwPaGpvYiB0ZXN0IG90aGVyMCAXDTI2MTIwMjA0MDEyMFoYDzIx
MjYxMTA4MDQwMTIwWjAaMRgwFgYDVQQDDA9oam9iIHRlc3Qgb3RoZXIwWTATBgcq
hkjOPQIBBggqhkjOPQMBBwNCAAT4dNOXuNqQLY+zB9VsWZ+9cmKGxvLSP1sKeEH7
65a1pNeQoIZme8u4JlE7AiG38+glIUeAs3Hn/sqt+UsPpEYaozIwMDAPBgNVHREE
CDAGhwR/AAABMB0GA1UdDgQWBBQKJ0I2qKEf/5lUkWkUb7MZfoAn0TAKBggqhkjO
PQQDAgNJADBGAiEAkJ7Ef6aLEr/cn53oqclWipBuXDzWyp6QfpgA42pcs9ICIQDt
kT3NLl+Lg9ifqHq78VjMEafxZChizGa09HjtzmQc+g==
-----END CERTIFICATE-----
";

/// A TLS server on 127.0.0.1:0 showing [`UNTRUSTED_CERT`]; it counts the
/// connections it takes (before the handshake). Returns the https URL.
fn untrusted_tls_server(connections: std::sync::Arc<std::sync::atomic::AtomicUsize>) -> String {
    use rustls::pki_types::pem::PemObject;
    use rustls::pki_types::{CertificateDer, PrivateKeyDer};
    use std::io::Read;
    let certs = CertificateDer::pem_slice_iter(UNTRUSTED_CERT.as_bytes())
        .collect::<Result<Vec<_>, _>>()
        .unwrap();
    let key = PrivateKeyDer::from_pem_slice(UNTRUSTED_KEY.as_bytes()).unwrap();
    let config = std::sync::Arc::new(
        rustls::ServerConfig::builder_with_provider(std::sync::Arc::new(
            rustls::crypto::ring::default_provider(),
        ))
        .with_safe_default_protocol_versions()
        .unwrap()
        .with_no_client_auth()
        .with_single_cert(certs, key)
        .unwrap(),
    );
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("https://{}", listener.local_addr().unwrap());
    std::thread::spawn(move || {
        for tcp in listener.incoming() {
            let Ok(tcp) = tcp else { continue };
            connections.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
            let connection = rustls::ServerConnection::new(config.clone()).unwrap();
            // Drives the handshake until the client gives up on it.
            let _ = rustls::StreamOwned::new(connection, tcp).read(&mut [0; 1]);
        }
    });
    url
}

/// An untrusted certificate on the first of two state servers ends the
/// read at once with exit 2 and the fix: no retry, and no failover (the
/// second server would be no more trustworthy for being tried).
#[test]
fn an_untrusted_certificate_on_the_first_state_server_stops_at_once_with_exit_2() {
    let home = tempfile::tempdir().unwrap();
    let connections = std::sync::Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let first = untrusted_tls_server(connections.clone());
    // The second: a listener that never answers; connections to it wait
    // in its backlog, to be counted afterwards.
    let second = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let bundle = home.path().join("ca.pem");
    std::fs::write(&bundle, OTHER_CA).unwrap();
    let config = home.path().join("tls.toml");
    std::fs::write(
        &config,
        format!(
            "[http]\ntimeout = \"300ms\"\nbackoff_initial = \"10ms\"\nstate_deadline = \"5s\"\nca_bundle = {:?}\n",
            bundle.display().to_string()
        ),
    )
    .unwrap();
    let out = hjob(home.path())
        .env(
            "HJOB_STATE_URL",
            format!("{first},https://{}", second.local_addr().unwrap()),
        )
        .env("HJOB_CONFIG", &config)
        .arg("cluster")
        .output()
        .unwrap();
    let err = text(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(err.contains("is not trusted"), "{err}");
    assert!(err.contains("ca_bundle"), "{err}");
    assert_eq!(connections.load(std::sync::atomic::Ordering::SeqCst), 1);
    second.set_nonblocking(true).unwrap();
    assert!(
        second.accept().is_err(),
        "the second server was tried after a certificate error"
    );
}
