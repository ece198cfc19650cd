//! Fidelity, locked in: the real answers hjob depends on are fixtures in
//! `sandbox/tests/fixtures/real-hadoop/`, and the sandbox's own tests
//! (`sandbox/tests/real_hadoop.rs`) hold it to them. Here the live rig is
//! held to the same fixtures, so a Hadoop upgrade that changes an answer
//! fails loudly. `HJOB_RIG_RECORD=1` rewrites the fixtures from the rig.

#[path = "../../sandbox/tests/common/webhdfs_script.rs"]
mod webhdfs_script;
#[path = "../../sandbox/tests/common/yarn_shape.rs"]
mod yarn_shape;

use std::path::PathBuf;

use hjob::yarn::YarnClient;
use serde_json::{Value, json};
use webhdfs_script::{Exchange, Target, all_differences, play};
use yarn_shape::yarn_shape;

use crate::Test;
use crate::rig::{Rig, block_on, unique};
use crate::webhdfs::settings;
use crate::yarn::{am_container, run_container, wait_finished};

pub const TESTS: &[Test] = &[
    (
        "fidelity::webhdfs_safe_mode_answers_match_the_fixtures",
        webhdfs_safe_mode_answers_match_the_fixtures,
    ),
    (
        "fidelity::yarn_answers_match_the_fixtures",
        yarn_answers_match_the_fixtures,
    ),
];

fn fixtures() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("sandbox/tests/fixtures/real-hadoop")
}

fn recording() -> bool {
    std::env::var_os("HJOB_RIG_RECORD").is_some()
}

fn write_fixture(name: &str, value: &Value) {
    std::fs::create_dir_all(fixtures()).unwrap();
    let text = serde_json::to_string_pretty(value).unwrap() + "\n";
    std::fs::write(fixtures().join(name), text).unwrap();
}

fn read_fixture(name: &str) -> Value {
    let path = fixtures().join(name);
    let text = std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("{}: {e} (record with HJOB_RIG_RECORD=1)", path.display()));
    serde_json::from_str(&text).unwrap()
}

// The script enters safe mode for one step, so it runs under the suite's
// exclusive safe-mode lock (its name says so).
fn webhdfs_safe_mode_answers_match_the_fixtures(rig: &Rig) {
    let dir = format!("{}/{}", rig.home(), unique("fidelity"));
    let target = Target {
        webhdfs_url: &rig.webhdfs_url,
        datanode_http: &rig.datanode_http,
        user: &rig.user,
        dir: &dir,
        other_home: "/user/someone-else",
    };
    let live = block_on(play(&target, |on| {
        rig.control(
            if on {
                "/safemode/enter"
            } else {
                "/safemode/leave"
            },
            "",
        );
    }));
    if recording() {
        write_fixture(
            "webhdfs.json",
            &json!({
                "source": "Apache Hadoop 3.5.0 (MiniDFSCluster, rig/), recorded by tests/real/fidelity.rs",
                "exchanges": live,
            }),
        );
    }
    let recorded: Vec<Exchange> =
        serde_json::from_value(read_fixture("webhdfs.json")["exchanges"].clone()).unwrap();
    let diffs = all_differences(&recorded, &live);
    assert!(
        diffs.is_empty(),
        "the live NameNode/DataNode differ from the fixtures:\n{}",
        diffs.join("\n")
    );
}

/// The YARN answers hjob reads: an application, its attempts, a framed
/// container log, and the answers for unknown ids.
fn yarn_answers(rig: &Rig) -> Value {
    let yarn = YarnClient::new(&rig.yarn_url, &settings()).unwrap();
    let flag = std::env::temp_dir().join(unique("hjob-fidelity-flag"));
    let app = run_container(
        rig,
        &format!(
            "echo 'to stdout'\necho 'to stderr' >&2\nwhile [ ! -e {} ]; do sleep 0.1; done\n",
            flag.display()
        ),
    );
    let container = am_container(&yarn, &app);
    let node = format!("http://{}", container.node_http_address);
    let log_url = format!(
        "{node}/ws/v1/node/containerlogs/{}/stdout",
        container.container_id
    );
    // While it runs (once its line is written).
    let running = loop {
        let text = block_on(async { reqwest::get(&log_url).await.unwrap().text().await.unwrap() });
        if text.contains("to stdout") {
            break text;
        }
        std::thread::sleep(std::time::Duration::from_millis(100));
    };
    std::fs::write(&flag, b"").unwrap();
    wait_finished(&yarn, &app);
    let _ = std::fs::remove_file(&flag);
    let raw = |url: String| block_on(async move { yarn_shape::answer(&url).await });
    let log = format!(
        "{node}/ws/v1/node/containerlogs/{}/stdout",
        container.container_id
    );
    let as_json = block_on(async move { yarn_shape::answer_accepting(&log, true).await });
    json!({
        "containerlogs_stdout_accept_json": as_json,
        "containerlogs_stdout_running": {"status": 200, "body": {"text": running}},
        "app": raw(format!("{}/ws/v1/cluster/apps/{app}", rig.yarn_url)),
        "appattempts": raw(format!("{}/ws/v1/cluster/apps/{app}/appattempts", rig.yarn_url)),
        "containerlogs_stdout": raw(format!("{node}/ws/v1/node/containerlogs/{}/stdout", container.container_id)),
        "containerlogs_stdout_tail": raw(format!("{node}/ws/v1/node/containerlogs/{}/stdout?size=-4", container.container_id)),
        "unknown_app": raw(format!("{}/ws/v1/cluster/apps/application_1700000000000_9999", rig.yarn_url)),
        "unknown_container": raw(format!("{node}/ws/v1/node/containerlogs/container_1700000000000_9999_01_000001/stdout")),
    })
}

/// Every key of the application and attempt documents, which the live
/// rig must keep (the sandbox is held to the fields hjob reads).
fn all_keys(answers: &Value) -> Value {
    let keys = |v: &Value| -> Vec<String> {
        v.as_object()
            .map(|o| o.keys().cloned().collect())
            .unwrap_or_default()
    };
    json!({
        "app": keys(&answers["app"]["body"]["app"]),
        "attempt": keys(&answers["appattempts"]["body"]["appAttempts"]["appAttempt"][0]),
    })
}

fn yarn_answers_match_the_fixtures(rig: &Rig) {
    let live = yarn_answers(rig);
    if recording() {
        write_fixture(
            "yarn.json",
            &json!({
                "source": "Apache Hadoop 3.5.0 (MiniYARNCluster, rig/), recorded by tests/real/fidelity.rs",
                "answers": live,
            }),
        );
    }
    let recorded = read_fixture("yarn.json")["answers"].clone();
    assert_eq!(yarn_shape(&recorded), yarn_shape(&live));
    assert_eq!(all_keys(&recorded), all_keys(&live));
}
