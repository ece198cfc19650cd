//! The sandbox held to real Apache Hadoop: the answers recorded from the
//! rig (`rig/`, Hadoop 3.5.0) by `tests/real` are fixtures in
//! `fixtures/real-hadoop/`; the sandbox must answer the same scripted
//! WebHDFS conversation and the same YARN requests with the same codes and
//! shapes.

mod common;
#[path = "common/webhdfs_script.rs"]
mod webhdfs_script;
#[path = "common/yarn_shape.rs"]
mod yarn_shape;

use common::{action, run_workflow, sandbox, shell_workflow, wait_done};
use serde_json::{Value, json};
use webhdfs_script::{Exchange, Target, all_differences, play};
use yarn_shape::yarn_shape;

fn fixture(name: &str) -> Value {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/real-hadoop")
        .join(name);
    serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap()
}

#[tokio::test]
async fn webhdfs_answers_like_the_real_namenode_and_datanode() {
    let sb = sandbox().await;
    let c = sb.cluster("alpha");
    let webhdfs = format!("{}/webhdfs/v1", c.namenode);
    let target = Target {
        webhdfs_url: &webhdfs,
        datanode_http: &c.datanode,
        user: "alice",
        dir: "/user/alice/fidelity",
        other_home: "/user/someone-else",
    };
    let live = play(&target, |on| sb.set_safe_mode("alpha", on)).await;
    let recorded: Vec<Exchange> =
        serde_json::from_value(fixture("webhdfs.json")["exchanges"].clone()).unwrap();
    let diffs = all_differences(&recorded, &live);
    assert!(
        diffs.is_empty(),
        "the sandbox differs from real Hadoop:\n{}",
        diffs.join("\n")
    );
}

async fn raw(url: String) -> Value {
    yarn_shape::answer(&url).await
}

#[tokio::test]
async fn yarn_answers_like_the_real_resourcemanager_and_nodemanager() {
    let sb = sandbox().await;
    let c = sb.cluster("alpha");
    let flag = sb.dir().join("fidelity-flag");
    let script = format!(
        "echo 'to stdout'; while [ ! -e {} ]; do sleep 0.1; done",
        flag.display()
    );
    let id = run_workflow(
        &c,
        "fidelity-yarn",
        &shell_workflow("bash", &["-c", &script], &[]),
        &[],
    )
    .await;
    // While it runs: the launcher's log once the line is written.
    let (app, container, node, running) = loop {
        let job = common::job_info(&c, &id).await;
        if let Some(app) = action(&job, "sh")["externalId"].as_str() {
            let attempts = raw(format!(
                "{}/ws/v1/cluster/apps/{app}/appattempts",
                c.resourcemanager
            ))
            .await;
            let attempt = &attempts["body"]["appAttempts"]["appAttempt"][0];
            if let (Some(container), Some(node)) = (
                attempt["containerId"].as_str().filter(|s| !s.is_empty()),
                attempt["nodeHttpAddress"]
                    .as_str()
                    .filter(|s| !s.is_empty()),
            ) {
                let node = format!("http://{node}");
                let log = raw(format!(
                    "{node}/ws/v1/node/containerlogs/{container}/stdout"
                ))
                .await;
                if log["body"]["text"]
                    .as_str()
                    .unwrap_or("")
                    .contains("to stdout")
                {
                    break (app.to_owned(), container.to_owned(), node, log);
                }
            }
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    };
    std::fs::write(&flag, b"").unwrap();
    wait_done(&c, &id).await;
    let attempts = raw(format!(
        "{}/ws/v1/cluster/apps/{app}/appattempts",
        c.resourcemanager
    ))
    .await;
    let log = format!("{node}/ws/v1/node/containerlogs/{container}/stdout");
    let answers = json!({
        "containerlogs_stdout_accept_json": yarn_shape::answer_accepting(&log, true).await,
        "containerlogs_stdout_running": running,
        "app": raw(format!("{}/ws/v1/cluster/apps/{app}", c.resourcemanager)).await,
        "appattempts": attempts,
        "containerlogs_stdout": raw(format!("{node}/ws/v1/node/containerlogs/{container}/stdout")).await,
        "containerlogs_stdout_tail": raw(format!("{node}/ws/v1/node/containerlogs/{container}/stdout?size=-4")).await,
        "unknown_app": raw(format!("{}/ws/v1/cluster/apps/application_1700000000000_9999", c.resourcemanager)).await,
        "unknown_container": raw(format!("{node}/ws/v1/node/containerlogs/container_1700000000000_9999_01_000001/stdout")).await,
    });
    let recorded = fixture("yarn.json")["answers"].clone();
    assert_eq!(yarn_shape(&recorded), yarn_shape(&answers));
}
