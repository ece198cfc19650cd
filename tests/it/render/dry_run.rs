//! `hjob run KIND … --dry-run` and `hjob templates …` through the real
//! binary, against a state service started in this process.

use std::path::Path;
use std::process::Output;

use assert_cmd::cargo::cargo_bin_cmd;
use serde_json::{Value, json};

use super::{Fixture, assert_valid, xmllint_available};

/// A state service on 127.0.0.1, serving a document seeded in a temp store.
struct StateService {
    url: String,
    _store: tempfile::TempDir,
}

fn start_state(enabled: bool, message: Option<&str>) -> StateService {
    let store = tempfile::tempdir().unwrap();
    let document = json!({
        "version": 1,
        "active_cluster": "pug",
        "submission": {"enabled": enabled, "message": message, "until": null},
        "clusters": {
            "pug": {
                "oozie_url": "http://127.0.0.1:9/oozie",
                "webhdfs_url": "http://127.0.0.1:9/webhdfs/v1",
                "name_node": "hdfs://pug-nn:8020",
                "job_tracker": "pug-rm:8032",
                "queue": "adhoc",
                "hive2_jdbc_url": "jdbc:hive2://pug-hs2:10000/default"
            }
        }
    });
    let router = hjob::state_server::router(hjob::state_server::ServerOptions {
        store: store.path().join("state.json"),
        init: Some(document),
        tokens: Vec::new(),
        ..Default::default()
    })
    .unwrap();
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    listener.set_nonblocking(true).unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    std::thread::spawn(move || {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        runtime.block_on(async move {
            let listener = tokio::net::TcpListener::from_std(listener).unwrap();
            let _ = axum::serve(listener, router).await;
        });
    });
    StateService { url, _store: store }
}

/// Runs hjob hermetically: temp HOME and XDG_CONFIG_HOME, no HJOB_* from
/// the outside, no system config, no colour.
fn hjob(state: &StateService, home: &Path, args: &[&str]) -> Output {
    cargo_bin_cmd!("hjob")
        .env_clear()
        .env("PATH", std::env::var_os("PATH").unwrap_or_default())
        .env("HOME", home)
        .env("XDG_CONFIG_HOME", home.join("config"))
        .env("XDG_DATA_HOME", home.join("data"))
        .env("HJOB_SYSTEM_CONFIG", "/nonexistent/hjob.toml")
        .env("HJOB_STATE_URL", &state.url)
        .env("HJOB_USER", "alice")
        .env("NO_COLOR", "1")
        .args(args)
        .output()
        .unwrap()
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

#[test]
fn dry_run_prints_the_workflow_and_a_summary() {
    let state = start_state(true, None);
    let home = tempfile::tempdir().unwrap();
    let f = Fixture::new();
    let jar = f.path("job.jar");
    let out = hjob(
        &state,
        home.path(),
        &[
            "run",
            "java",
            "--jar",
            &jar,
            "--main-class",
            "com.example.Etl",
            "--dry-run",
            "--",
            "a&b",
        ],
    );
    let (stdout, stderr) = (text(&out.stdout), text(&out.stderr));
    assert_eq!(out.status.code(), Some(0), "{stderr}");
    assert!(stdout.starts_with("<?xml"), "{stdout}");
    assert!(stdout.contains("<arg>a&amp;b</arg>"), "{stdout}");
    for expected in [
        "cluster:   pug",
        "app path:  hdfs://pug-nn:8020/user/alice/.hjob/runs/",
        "job.jar (9 B) -> /user/alice/.hjob/cache/",
        "queueName=adhoc",
        "oozie.use.system.libpath=true",
    ] {
        assert!(
            stderr.contains(expected),
            "missing {expected:?} in:\n{stderr}"
        );
    }
}

#[test]
fn dry_run_json_is_one_document_with_everything_to_stage() {
    let state = start_state(true, None);
    let home = tempfile::tempdir().unwrap();
    let f = Fixture::new();
    let script = f.path("run.sh");
    let out = hjob(
        &state,
        home.path(),
        &[
            "--output",
            "json",
            "run",
            "shell",
            "--script",
            &script,
            "--queue",
            "etl",
            "-D",
            "x.y=${z}",
            "--dry-run",
            "--",
            "one",
        ],
    );
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let doc: Value = serde_json::from_slice(&out.stdout).unwrap();
    let keys: Vec<&str> = doc
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();
    assert_eq!(
        keys,
        [
            "app_name",
            "app_path",
            "cluster",
            "properties",
            "uploads",
            "workflow_xml"
        ]
    );
    assert_eq!(doc["cluster"], "pug");
    let app_name = doc["app_name"].as_str().unwrap();
    assert!(app_name.starts_with("hjob-shell-alice-"), "{app_name}");
    let props = doc["properties"].as_object().unwrap();
    let id = props["hjob.submission.id"].as_str().unwrap();
    assert_eq!(id.len(), "20261122T103501-7f3a9c01".len(), "{id}");
    assert!(app_name.ends_with(&id[16..]), "{app_name} / {id}");
    assert_eq!(
        props["oozie.wf.application.path"],
        format!("hdfs://pug-nn:8020/user/alice/.hjob/runs/{id}")
    );
    assert_eq!(doc["app_path"], props["oozie.wf.application.path"]);
    for (key, value) in [
        ("user.name", "alice"),
        ("nameNode", "hdfs://pug-nn:8020"),
        ("jobTracker", "pug-rm:8032"),
        ("queueName", "etl"),
        ("oozie.use.system.libpath", "true"),
        ("hjob.version", env!("CARGO_PKG_VERSION")),
    ] {
        assert_eq!(props[key], value, "{key}");
    }
    let uploads = doc["uploads"].as_array().unwrap();
    assert_eq!(uploads.len(), 1);
    let content = std::fs::read(&script).unwrap();
    assert_eq!(uploads[0]["bytes"], content.len());
    let hash = uploads[0]["blake3"].as_str().unwrap();
    assert_eq!(hash, blake3::hash(&content).to_hex().as_str());
    assert!(uploads[0].get("sha256").is_none(), "{doc}");
    assert_eq!(uploads[0]["local"], script);
    assert_eq!(
        uploads[0]["hdfs"],
        format!("/user/alice/.hjob/cache/{hash}/run.sh")
    );
    let xml = doc["workflow_xml"].as_str().unwrap();
    assert!(xml.contains("<exec>run.sh</exec>"), "{xml}");
    assert!(
        xml.contains(&format!("{hash}/run.sh#run.sh</file>")),
        "{xml}"
    );
    assert!(xml.contains("<value>${'$'}{z}</value>"), "{xml}");
    if xmllint_available() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("workflow.xml");
        std::fs::write(&path, xml).unwrap();
        assert_valid(&[path]);
    }
}

#[test]
fn a_disabled_switch_still_renders_a_dry_run_but_blocks_a_real_run_first() {
    let state = start_state(false, Some("NameNode upgrade"));
    let home = tempfile::tempdir().unwrap();
    let f = Fixture::new();
    let jar = f.path("job.jar");
    let out = hjob(
        &state,
        home.path(),
        &[
            "run",
            "java",
            "--jar",
            &jar,
            "--main-class",
            "A",
            "--dry-run",
        ],
    );
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert!(text(&out.stderr).contains("NameNode upgrade"));
    assert!(text(&out.stdout).starts_with("<?xml"));

    // Exit 3 before any local file is read: the jar does not even exist.
    let out = hjob(
        &state,
        home.path(),
        &[
            "run",
            "java",
            "--jar",
            "/nonexistent/x.jar",
            "--main-class",
            "A",
        ],
    );
    assert_eq!(out.status.code(), Some(3), "{}", text(&out.stderr));
    assert!(text(&out.stderr).contains("NameNode upgrade"));
}

#[test]
fn bad_input_exits_2_with_a_fix() {
    let state = start_state(true, None);
    let home = tempfile::tempdir().unwrap();
    let f = Fixture::new();
    let jar = f.path("job.jar");
    let cases: [(&[&str], &str); 5] = [
        (
            &[
                "run",
                "java",
                "--jar",
                "/nonexistent/x.jar",
                "--main-class",
                "A",
                "--dry-run",
            ],
            "no such file",
        ),
        (
            &[
                "run",
                "java",
                "--jar",
                &jar,
                "--main-class",
                "A",
                "-D",
                "nokey",
                "--dry-run",
            ],
            "KEY=VALUE",
        ),
        (
            &["run", "frobnicate", "--dry-run"],
            "unknown job kind `frobnicate`",
        ),
        (
            &["run", "shell", "--dry-run", "--", "echo", "bell\u{7}"],
            "U+0007 (BEL)",
        ),
        (
            &[
                "run",
                "java",
                "--jar",
                &jar,
                "--main-class",
                "A",
                "--name",
                "${x}",
                "--dry-run",
            ],
            "E0803",
        ),
    ];
    for (args, expected) in cases {
        let out = hjob(&state, home.path(), args);
        let stderr = text(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {stderr}");
        assert!(stderr.contains(expected), "{args:?}: {stderr}");
        assert!(stderr.contains("hint:"), "{args:?}: {stderr}");
        assert!(!stderr.contains("panicked"), "{stderr}");
    }
}

#[test]
fn user_templates_define_kinds_and_broken_ones_exit_2_with_the_line() {
    let state = start_state(true, None);
    let home = tempfile::tempdir().unwrap();
    let dir = home.path().join("config/hjob/templates");
    std::fs::create_dir_all(&dir).unwrap();
    let shell = hjob::workflow::Templates::builtin()
        .get("shell")
        .unwrap()
        .source
        .clone();
    std::fs::write(dir.join("pig.xml.tera"), shell.replace("{{ exec }}", "pig")).unwrap();
    std::fs::write(
        dir.join("broken.xml.tera"),
        "<workflow-app name=\"{{ app_name }}\">\n  <start to=\"{{ missing_var }}\"/>\n</workflow-app>\n",
    )
    .unwrap();

    let out = hjob(
        &state,
        home.path(),
        &[
            "run",
            "pig",
            "--queue",
            "q1",
            "--dry-run",
            "--",
            "-f",
            "x.pig",
        ],
    );
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let xml = text(&out.stdout);
    assert!(
        xml.contains("<exec>pig</exec>") && xml.contains("<argument>x.pig</argument>"),
        "{xml}"
    );
    assert!(text(&out.stderr).contains("queueName=q1"));

    let out = hjob(&state, home.path(), &["run", "broken", "--dry-run"]);
    let stderr = text(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("broken.xml.tera, line 2"), "{stderr}");
    assert!(stderr.contains("missing_var"), "{stderr}");

    let out = hjob(&state, home.path(), &["templates", "list"]);
    let listing = text(&out.stdout);
    assert_eq!(out.status.code(), Some(0));
    for kind in [
        "broken", "hive", "java", "pig", "scalding", "shell", "spark",
    ] {
        assert!(listing.contains(kind), "{kind} in {listing}");
    }
    assert!(listing.contains("pig.xml.tera"), "{listing}");

    let out = hjob(&state, home.path(), &["templates", "show", "java"]);
    assert_eq!(out.status.code(), Some(0));
    assert!(text(&out.stdout).contains("<main-class>{{ main_class }}</main-class>"));
    let out = hjob(&state, home.path(), &["templates", "show", "nope"]);
    assert_eq!(out.status.code(), Some(2));
}
