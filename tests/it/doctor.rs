//! `hjob doctor` against the sandbox: every check in order, ✓ on a healthy
//! sandbox (exit 0), the failing one named with its fix (exit 4 for a
//! service, 2 for the config), the rest still run or marked skipped, one
//! JSON document, and nothing written anywhere.

use hjob_sandbox::Service;
use serde_json::Value;

use crate::e2e::{World, json_doc, text};

const ORDER: [&str; 9] = [
    "config",
    "kerberos",
    "state service",
    "oozie",
    "namenode",
    "datanode",
    "yarn",
    "clock",
    "hdfs home",
];

fn checks(doc: &Value) -> Vec<(String, String)> {
    doc["checks"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| {
            (
                c["name"].as_str().unwrap().to_owned(),
                c["status"].as_str().unwrap().to_owned(),
            )
        })
        .collect()
}

#[test]
fn doctor_passes_every_check_on_a_healthy_sandbox_and_writes_nothing() {
    let world = World::new();
    world.sandbox.clear_requests();
    let out = world.run(&["doctor", "--output", "json"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stdout));
    let doc = json_doc(&out);
    let got = checks(&doc);
    let names: Vec<&str> = got.iter().map(|(n, _)| n.as_str()).collect();
    assert_eq!(names, ORDER);
    assert!(got.iter().all(|(_, s)| s == "passed"), "{doc}");
    assert_eq!(doc["ok"], true);
    // One read of the state document, whose `Date` the clock check uses.
    let state_reads = world
        .sandbox
        .requests(Service::State)
        .iter()
        .filter(|r| r.method == "GET" && r.path == "/v1/state")
        .count();
    assert_eq!(
        state_reads,
        1,
        "{:?}",
        world.sandbox.requests(Service::State)
    );
    let clock = doc["checks"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["name"] == "clock")
        .unwrap();
    assert!(
        clock["detail"]
            .as_str()
            .unwrap()
            .contains("compared with state service, "),
        "{clock}"
    );
    // Nothing was written: no upload reached the DataNode, and the CREATE
    // probe left no file.
    assert!(world.sandbox.requests(Service::DataNode).is_empty());
    for r in world.sandbox.requests(Service::NameNode) {
        assert!(
            r.query
                .as_deref()
                .unwrap_or("")
                .contains("op=GETFILESTATUS")
                || r.query.as_deref().unwrap_or("").contains("op=CREATE"),
            "{r:?}"
        );
    }

    let human = world.run(&["doctor"]);
    let said = text(&human.stdout);
    assert_eq!(said.lines().count(), ORDER.len(), "{said}");
    assert!(said.lines().all(|l| l.starts_with("✓ ")), "{said}");
}

#[test]
fn a_down_datanode_fails_its_check_with_the_fix_and_exit_4() {
    let world = World::new();
    world.sandbox.service_down(Service::DataNode, true);
    let out = world.run(&["doctor", "--output", "json"]);
    assert_eq!(out.status.code(), Some(4), "{}", text(&out.stdout));
    let doc = json_doc(&out);
    let datanode = doc["checks"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["name"] == "datanode")
        .unwrap()
        .clone();
    assert_eq!(datanode["status"], "failed", "{doc}");
    assert!(
        datanode["fix"].as_str().unwrap().contains("host_rewrites"),
        "{doc}"
    );
    // The checks after it still ran.
    let got = checks(&doc);
    assert_eq!(got[6], ("yarn".to_owned(), "passed".to_owned()), "{doc}");
    assert_eq!(
        got[8],
        ("hdfs home".to_owned(), "passed".to_owned()),
        "{doc}"
    );

    world.sandbox.service_down(Service::DataNode, false);
    world.sandbox.service_down(Service::Oozie, true);
    let human = world.run(&["doctor"]);
    assert_eq!(human.status.code(), Some(4));
    let said = text(&human.stdout);
    assert!(said.contains("✗ oozie"), "{said}");
    assert!(said.contains("fix: "), "{said}");
}

#[test]
fn a_broken_config_is_the_first_failure_and_the_rest_is_skipped() {
    let world = World::new();
    world.configure("[http]\ntimeout = \"soon\"\n");
    let out = world.run(&["doctor", "--output", "json"]);
    assert_eq!(out.status.code(), Some(2), "{}", text(&out.stderr));
    let doc = json_doc(&out);
    let got = checks(&doc);
    assert_eq!(got[0], ("config".to_owned(), "failed".to_owned()));
    assert!(got[1..].iter().all(|(_, s)| s == "skipped"), "{doc}");
    assert!(
        doc["checks"][0]["detail"]
            .as_str()
            .unwrap()
            .contains("http.timeout"),
        "{doc}"
    );
}
