//! Oozie behaviour with a plain HTTP client: error codes and headers,
//! RUNNING at the 201, control nodes, a failing shell action ending the job
//! KILLED, kill semantics, filters, EL in shell arguments and real
//! subprocess output in the NodeManager logs.

mod common;

use std::time::Duration;

use common::{
    action, client, get_json, job_info, job_props, post_jobs, run_workflow, sandbox,
    shell_workflow, upload, wait_done, wait_job,
};
use serde_json::Value;

#[tokio::test]
async fn error_answers_carry_the_oozie_headers() {
    let sb = sandbox().await;
    let c = sb.cluster("alpha");
    let http = client();

    let r = http
        .get(format!(
            "{}/v1/job/0000009-000000000000000-oozie-oozi-W",
            c.oozie
        ))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 400);
    assert_eq!(r.headers()["oozie-error-code"], "E0604");
    assert_eq!(
        r.headers()["oozie-error-message"],
        "E0604: Job does not exist [0000009-000000000000000-oozie-oozi-W]"
    );

    let r = http
        .post(format!("{}/v2/jobs", c.oozie))
        .header("Content-Type", "text/xml")
        .body("<configuration/>")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 400);
    assert_eq!(r.headers()["oozie-error-code"], "E0300");
    assert_eq!(
        r.headers()["oozie-error-message"],
        "E0300: Invalid content-type [text/xml]"
    );

    let mut props = job_props(&c, "nothing-here");
    let r = post_jobs(&c, "", &props).await;
    assert_eq!(r.headers()["oozie-error-code"], "E0307");

    upload(
        &c,
        "/user/alice/nouser/workflow.xml",
        "alice",
        shell_workflow("true", &[], &[]).as_bytes(),
    )
    .await;
    props = job_props(&c, "nouser");
    props.retain(|(k, _)| k != "user.name");
    let r = post_jobs(&c, "", &props).await;
    assert_eq!(r.headers()["oozie-error-code"], "E0401");
    // The user.name query parameter stands in for the property.
    let r = post_jobs(&c, "?user.name=alice", &props).await;
    assert_eq!(r.status(), 201);

    let r = http
        .get(format!("{}/v1/jobs?filter=status%3Drunning", c.oozie))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 400);
    assert_eq!(r.headers()["oozie-error-code"], "E0420");
    let r = http
        .get(format!("{}/v1/jobs?len=abc", c.oozie))
        .send()
        .await
        .unwrap();
    assert_eq!(r.headers()["oozie-error-code"], "E1603");

    // Formal parameters without a value and not supplied: E0738.
    let wf = r#"<workflow-app xmlns="uri:oozie:workflow:1.0" name="p">
  <parameters><property><name>needed</name></property></parameters>
  <start to="end"/><end name="end"/></workflow-app>"#;
    upload(
        &c,
        "/user/alice/params/workflow.xml",
        "alice",
        wf.as_bytes(),
    )
    .await;
    let r = post_jobs(&c, "", &job_props(&c, "params")).await;
    assert_eq!(r.headers()["oozie-error-code"], "E0738");

    // An undefined ${var} in the app name: E0803.
    let wf = r#"<workflow-app xmlns="uri:oozie:workflow:1.0" name="x-${undefinedVar}">
  <start to="end"/><end name="end"/></workflow-app>"#;
    upload(
        &c,
        "/user/alice/badname/workflow.xml",
        "alice",
        wf.as_bytes(),
    )
    .await;
    let r = post_jobs(&c, "", &job_props(&c, "badname")).await;
    assert_eq!(r.headers()["oozie-error-code"], "E0803");
}

#[tokio::test]
async fn a_started_job_is_running_at_the_201_and_lists_control_nodes() {
    let sb = sandbox().await;
    sb.set_action_duration(Duration::from_secs(30));
    let c = sb.cluster("beta");
    let id = run_workflow(&c, "java", &common::java_workflow(), &[]).await;
    let info = job_info(&c, &id).await;
    assert_eq!(info["status"], "RUNNING");
    let start = action(&info, ":start:");
    assert_eq!(start["type"], ":START:");
    assert_eq!(start["transition"], "run");
    assert_eq!(start["externalId"], "-");
    assert!(info["startTime"].as_str().unwrap().ends_with(" GMT"));
    assert_eq!(info["endTime"], Value::Null);

    // The running java action has a YARN app whose trackingUrl resolves.
    let info = wait_job(&c, &id, |j| {
        j["actions"]
            .as_array()
            .unwrap()
            .iter()
            .any(|a| a["name"] == "run" && a["status"] == "RUNNING")
    })
    .await;
    let run = action(&info, "run");
    let app = run["externalId"].as_str().unwrap().to_string();
    assert!(app.starts_with("application_"));
    let rm = get_json(&format!("{}/ws/v1/cluster/apps/{app}", c.resourcemanager)).await;
    assert_eq!(rm["app"]["state"], "RUNNING");
    assert_eq!(rm["app"]["applicationType"], "Oozie Launcher");
    assert_eq!(
        rm["app"]["name"],
        format!("oozie:launcher:T=java:W=java-test:A=run:ID={id}").as_str()
    );
    let page = client()
        .get(run["consoleUrl"].as_str().unwrap())
        .send()
        .await
        .unwrap();
    assert_eq!(page.status(), 200);
    let page = page.text().await.unwrap();
    assert!(page.contains("com.example.Main"), "{page}");
    // EL evaluated in the synthetic launcher log: ${'$'}{literal} → ${literal}.
    assert!(page.contains("${literal}"), "{page}");

    // Kill: KILLED; a second kill is a 200 no-op.
    let http = client();
    let k = http
        .put(format!("{}/v1/job/{id}?action=kill", c.oozie))
        .send()
        .await
        .unwrap();
    assert_eq!(k.status(), 200);
    assert_eq!(k.headers()["content-length"], "0");
    let info = job_info(&c, &id).await;
    assert_eq!(info["status"], "KILLED");
    assert_eq!(action(&info, "run")["status"], "KILLED");
    let k = http
        .put(format!("{}/v1/job/{id}?action=kill", c.oozie))
        .send()
        .await
        .unwrap();
    assert_eq!(k.status(), 200);
    assert_eq!(job_info(&c, &id).await["status"], "KILLED");
    let rm = wait_until_app_done(&c, &app).await;
    assert_eq!(rm["app"]["state"], "KILLED");

    // The list key is `workflows`, newest first.
    let list = get_json(&format!("{}/v2/jobs?jobtype=wf", c.oozie)).await;
    assert_eq!(list["workflows"][0]["id"], id.as_str());
    assert_eq!(list["offset"], 1);
    assert_eq!(list["len"], 50);
}

async fn wait_until_app_done(c: &hjob_sandbox::ClusterUrls, app: &str) -> Value {
    let deadline = std::time::Instant::now() + Duration::from_secs(10);
    loop {
        let rm = get_json(&format!("{}/ws/v1/cluster/apps/{app}", c.resourcemanager)).await;
        if rm["app"]["state"] != "RUNNING" {
            return rm;
        }
        assert!(std::time::Instant::now() < deadline);
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

#[tokio::test]
async fn a_failing_shell_action_ends_the_job_killed() {
    let sb = sandbox().await;
    let c = sb.cluster("alpha");
    let script = b"#!/bin/sh\necho about to fail\necho oops >&2\nexit 3\n";
    upload(&c, "/user/alice/failing/fail.sh", "alice", script).await;
    let wf = shell_workflow("fail.sh", &[], &["fail.sh"]);
    let id = run_workflow(&c, "failing", &wf, &[]).await;
    let info = wait_done(&c, &id).await;
    assert_eq!(info["status"], "KILLED");
    let sh = action(&info, "sh");
    assert_eq!(sh["status"], "ERROR");
    // Real Oozie 5.2.1 (tests/real/oozie.rs on the rig): ShellMain fails the
    // launcher with exit code 1 whatever the command's own non-zero code.
    assert_eq!(sh["errorCode"], "1");
    assert_eq!(
        sh["errorMessage"],
        "Main Class [org.apache.oozie.action.hadoop.ShellMain], exit code [1]"
    );
    assert_eq!(sh["transition"], "fail");
    let kill = action(&info, "fail");
    assert_eq!(kill["type"], ":KILL:");
    assert_eq!(kill["errorCode"], "E0729");
    assert_eq!(
        kill["errorMessage"],
        "Shell failed [Main Class [org.apache.oozie.action.hadoop.ShellMain], exit code [1]]"
    );

    // The real output is in the container logs, framed.
    let app = sh["externalId"].as_str().unwrap();
    let attempts = get_json(&format!(
        "{}/ws/v1/cluster/apps/{app}/appattempts",
        c.resourcemanager
    ))
    .await;
    let attempt = &attempts["appAttempts"]["appAttempt"][0];
    let container = attempt["containerId"].as_str().unwrap();
    let nm = format!("http://{}", attempt["nodeHttpAddress"].as_str().unwrap());
    let stdout = client()
        .get(format!("{nm}/ws/v1/node/containerlogs/{container}/stdout"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(stdout.contains("LogType:stdout\n"), "{stdout}");
    // As real ShellMain frames it: each line of the command's stdout as
    // "Stdoutput LINE", then the command's own exit code.
    assert!(
        stdout.contains(
            "LogContents:\n\n>>> Invoking Shell command line now >>\n\nStdoutput about to fail\nExit code of the Shell command 3\n<<< Invocation of Shell command completed <<<\n"
        ),
        "{stdout}"
    );
    let stderr = client()
        .get(format!(
            "{nm}/ws/v1/node/containerlogs/{container}/stderr?size=-5"
        ))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        stderr.contains("LogLength:5\nLogContents:\noops\n"),
        "{stderr}"
    );
    let rm = get_json(&format!("{}/ws/v1/cluster/apps/{app}", c.resourcemanager)).await;
    assert_eq!(rm["app"]["state"], "FINISHED");
    assert_eq!(rm["app"]["finalStatus"], "FAILED");
}

#[tokio::test]
async fn shell_arguments_are_el_evaluated_and_output_is_real() {
    let sb = sandbox().await;
    let c = sb.cluster("alpha");
    let script =
        b"#!/bin/sh\nfor a in \"$@\"; do printf 'arg=[%s]\\n' \"$a\"; done\nprintf 'env=[%s]\\n' \"$GREETING\"\n";
    upload(&c, "/user/alice/el/print.sh", "alice", script).await;
    let wf = r#"<workflow-app xmlns="uri:oozie:workflow:1.0" name="el-${who}">
  <start to="sh"/>
  <action name="sh">
    <shell xmlns="uri:oozie:shell-action:1.0">
      <resource-manager>${resourceManager}</resource-manager>
      <name-node>${nameNode}</name-node>
      <exec>print.sh</exec>
      <argument>${'$'}{x}</argument>
      <argument>${'#'}{y} ${'\\'}n $HOME</argument>
      <argument>${who}/${wf:user()}/${wf:name()}</argument>
      <argument>${wf:conf('mapreduce.job.queuename')}</argument>
      <env-var>GREETING=hi ${who}</env-var>
      <file>print.sh#print.sh</file>
      <capture-output/>
    </shell>
    <ok to="end"/>
    <error to="fail"/>
  </action>
  <kill name="fail"><message>failed</message></kill>
  <end name="end"/>
</workflow-app>"#;
    let id = run_workflow(
        &c,
        "el",
        wf,
        &[("who", "bob"), ("mapreduce.job.queuename", "adhoc")],
    )
    .await;
    let info = wait_done(&c, &id).await;
    assert_eq!(info["status"], "SUCCEEDED", "{info:#}");
    assert_eq!(info["appName"], "el-bob");
    let sh = action(&info, "sh");
    // Captured output is Java-properties text (the last `arg` wins).
    let data = sh["data"].as_str().unwrap();
    assert!(data.contains("arg=[adhoc]\n"), "{data}");
    assert!(data.contains("env=[hi bob]\n"), "{data}");
    // The subprocess's real stdout, from the NodeManager.
    let app = sh["externalId"].as_str().unwrap();
    let attempts = get_json(&format!(
        "{}/ws/v1/cluster/apps/{app}/appattempts",
        c.resourcemanager
    ))
    .await;
    let container = attempts["appAttempts"]["appAttempt"][0]["containerId"]
        .as_str()
        .unwrap()
        .to_string();
    let stdout = client()
        .get(format!(
            "{}/ws/v1/node/containerlogs/{container}/stdout",
            c.nodemanager
        ))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let expected = "Stdoutput arg=[${x}]\nStdoutput arg=[#{y} \\n $HOME]\nStdoutput arg=[bob/alice/el-bob]\nStdoutput arg=[adhoc]\nStdoutput env=[hi bob]\n";
    assert!(stdout.contains(expected), "{stdout}");
    assert!(
        sh["conf"]
            .as_str()
            .unwrap()
            .contains("<argument>${x}</argument>")
    );
    let end = action(&info, "end");
    assert_eq!(end["type"], ":END:");
}

#[tokio::test]
async fn an_undefined_variable_fails_the_action_at_run_time() {
    let sb = sandbox().await;
    let c = sb.cluster("alpha");
    let wf = shell_workflow("echo", &["${notDefined}"], &[]);
    let id = run_workflow(&c, "undefined", &wf, &[]).await;
    let info = wait_done(&c, &id).await;
    assert_eq!(info["status"], "FAILED");
    let sh = action(&info, "sh");
    assert_eq!(sh["errorCode"], "EL_ERROR");
    assert_eq!(
        sh["errorMessage"],
        "variable [notDefined] cannot be resolved"
    );
}

#[tokio::test]
async fn prep_start_suspend_resume() {
    let sb = sandbox().await;
    let c = sb.cluster("alpha");
    upload(
        &c,
        "/user/alice/later/workflow.xml",
        "alice",
        shell_workflow("true", &[], &[]).as_bytes(),
    )
    .await;
    let r = post_jobs(&c, "", &job_props(&c, "later")).await;
    let id = r.json::<Value>().await.unwrap()["id"]
        .as_str()
        .unwrap()
        .to_string();
    assert_eq!(job_info(&c, &id).await["status"], "PREP");
    let http = client();
    let r = http
        .put(format!("{}/v1/job/{id}?action=start", c.oozie))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    let info = wait_done(&c, &id).await;
    assert_eq!(info["status"], "SUCCEEDED");
    let r = http
        .put(format!("{}/v1/job/{id}", c.oozie))
        .send()
        .await
        .unwrap();
    assert_eq!(r.headers()["oozie-error-code"], "E0305");
    let r = http
        .put(format!("{}/v1/job/{id}?action=explode", c.oozie))
        .send()
        .await
        .unwrap();
    assert_eq!(r.headers()["oozie-error-code"], "E0303");
}

#[tokio::test]
async fn live_logs_while_running_and_kill_stops_the_subprocess() {
    let sb = sandbox().await;
    let c = sb.cluster("alpha");
    let script = b"#!/bin/sh\necho started\nsleep 30\necho never\n";
    upload(&c, "/user/alice/slow/slow.sh", "alice", script).await;
    let id = run_workflow(
        &c,
        "slow",
        &shell_workflow("slow.sh", &[], &["slow.sh"]),
        &[],
    )
    .await;
    let info = wait_job(&c, &id, |j| {
        j["actions"]
            .as_array()
            .unwrap()
            .iter()
            .any(|a| a["name"] == "sh" && a["status"] == "RUNNING")
    })
    .await;
    let app = action(&info, "sh")["externalId"]
        .as_str()
        .unwrap()
        .to_string();
    let attempts = get_json(&format!(
        "{}/ws/v1/cluster/apps/{app}/appattempts",
        c.resourcemanager
    ))
    .await;
    let container = attempts["appAttempts"]["appAttempt"][0]["containerId"]
        .as_str()
        .unwrap()
        .to_string();
    let url = format!(
        "{}/ws/v1/node/containerlogs/{container}/stdout?size=-4096",
        c.nodemanager
    );
    let deadline = std::time::Instant::now() + Duration::from_secs(10);
    loop {
        let text = client()
            .get(&url)
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        if text.contains("started\n") {
            assert!(
                text.contains(&format!(
                    "End of LogType:stdout.This log file belongs to a running container ({container}) and so may not be complete."
                )),
                "{text}"
            );
            break;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "no live output: {text}"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    let container_json = get_json(&format!(
        "{}/ws/v1/node/containers/{container}",
        c.nodemanager
    ))
    .await;
    assert_eq!(container_json["container"]["state"], "RUNNING");

    let k = client()
        .put(format!("{}/v1/job/{id}?action=kill", c.oozie))
        .send()
        .await
        .unwrap();
    assert_eq!(k.status(), 200);
    let rm = wait_until_app_done(&c, &app).await;
    assert_eq!(rm["app"]["state"], "KILLED");
    let text = client()
        .get(&url)
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(!text.contains("never"), "{text}");
    assert!(text.contains("End of LogType:stdout.\n"), "{text}");
}
