//! `--output json` prints exactly one JSON document on stdout, whatever
//! happens: clap's usage errors, help and version, `completions`, and the
//! job documents of `status` and `kill` (whose `exit_code` is the process's).

use std::process::{Command, Output};

use crate::e2e::{World, json_doc, text};

fn hjob(args: &[&str]) -> Output {
    let home = tempfile::tempdir().unwrap();
    let mut cmd = Command::new(assert_cmd::cargo::cargo_bin!("hjob"));
    for (key, _) in std::env::vars() {
        if key.starts_with("HJOB_") {
            cmd.env_remove(key);
        }
    }
    cmd.env("HOME", home.path())
        .env("XDG_CONFIG_HOME", home.path().join("config"))
        .env("HJOB_SYSTEM_CONFIG", "/nonexistent/hjob/config.toml")
        // Nothing listens here: none of these commands may call it.
        .env("HJOB_STATE_URL", "http://127.0.0.1:9")
        .env("NO_COLOR", "1")
        .args(args)
        .stdin(std::process::Stdio::null())
        .output()
        .unwrap()
}

#[test]
fn clap_usage_errors_are_one_json_error_document() {
    for args in [
        &["run", "shell", "--bogus", "--output", "json", "--", "true"][..],
        &["--output=json", "status"],
        &["--output", "json", "list", "--limit", "many"],
        &[
            "--output", "json", "run", "shell", "--schema", "2.0", "--", "true",
        ],
    ] {
        let out = hjob(args);
        assert_eq!(
            out.status.code(),
            Some(2),
            "{args:?}: {}",
            text(&out.stderr)
        );
        let doc = json_doc(&out);
        let error = &doc["error"];
        assert_eq!(error["exit_code"], 2, "{args:?}: {doc}");
        let message = error["message"].as_str().unwrap();
        assert!(
            !message.is_empty() && !message.starts_with("error:"),
            "{doc}"
        );
        // The person still reads clap's own message on stderr.
        assert!(
            text(&out.stderr).contains("error:"),
            "{}",
            text(&out.stderr)
        );
    }
    // Without --output json, clap's text is unchanged and stdout is empty.
    let human = hjob(&["run", "shell", "--bogus", "--", "true"]);
    assert_eq!(human.status.code(), Some(2));
    assert!(human.stdout.is_empty());
    // A `--output json` after `--` belongs to the job, not to hjob.
    let theirs = hjob(&["status", "--bogus", "--", "--output", "json"]);
    assert_eq!(theirs.status.code(), Some(2));
    assert!(theirs.stdout.is_empty(), "{}", text(&theirs.stdout));
}

#[test]
fn help_version_and_completions_are_one_json_document() {
    let version = hjob(&["--version", "--output", "json"]);
    assert_eq!(version.status.code(), Some(0));
    assert!(
        json_doc(&version)["version"]
            .as_str()
            .unwrap()
            .starts_with("hjob ")
    );
    let help = hjob(&["run", "--help", "--output", "json"]);
    assert_eq!(help.status.code(), Some(0));
    assert!(json_doc(&help)["help"].as_str().unwrap().contains("Usage:"));
    for shell in ["bash", "zsh", "fish"] {
        let out = hjob(&["completions", shell, "--output", "json"]);
        assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
        let doc = json_doc(&out);
        assert_eq!(doc["shell"], shell);
        let plain = hjob(&["completions", shell]);
        assert_eq!(doc["script"].as_str().unwrap(), text(&plain.stdout));
    }
}

#[test]
fn status_and_kill_exit_code_is_the_processs_exit_status() {
    let world = World::new();
    let failed = world.run(&[
        "run", "shell", "--output", "json", "--", "sh", "-c", "exit 3",
    ]);
    assert_eq!(failed.status.code(), Some(1));
    assert_eq!(json_doc(&failed)["exit_code"], 1);
    let id = json_doc(&failed)["id"].as_str().unwrap().to_owned();
    for args in [
        &["status", id.as_str(), "--output", "json"][..],
        &["kill", id.as_str(), "--yes", "--output", "json"],
    ] {
        let out = world.run(args);
        let doc = json_doc(&out);
        assert_eq!(doc["status"], "FAILED", "{doc}");
        assert_eq!(
            doc["exit_code"],
            out.status.code().unwrap(),
            "{args:?}: {doc}"
        );
    }
}
