//! The shared Oozie conformance kit against the sandbox: every invalid
//! sample is rejected with the code its comment names, every valid one is
//! accepted, and each recorded real Oozie JSON answer has the same field
//! names and JSON types as the sandbox's answer to the same request
//! (recorded ⊆ sandbox: 3.2 lacks keys 4.x+ added).

mod common;

use common::{
    client, get_json, job_props, post_jobs, run_workflow, sandbox, shared, upload, wait_done,
};
use serde_json::Value;

/// What real Oozie 5.2.1 answered each invalid sample (recorded on the rig
/// by `tests/real/oozie.rs`): status, oozie-error-code, oozie-error-message.
fn real_answers() -> Value {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/fixtures/real-oozie/invalid-samples.json"
    );
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

#[tokio::test]
async fn every_invalid_sample_is_rejected_with_its_code() {
    let sb = sandbox().await;
    let c = sb.cluster("alpha");
    let dir = shared("conformance/oozie/samples/invalid");
    let mut checked = 0;
    let mut differ = Vec::new();
    for entry in std::fs::read_dir(&dir).unwrap() {
        let path = entry.unwrap().path();
        let xml = std::fs::read_to_string(&path).unwrap();
        let name = path.file_stem().unwrap().to_string_lossy().to_string();
        // The real server's code, not the sample's comment: for doctype.xml
        // the comment says E0701 but real Oozie answers E0700.
        let real = &real_answers()[&name];
        let code = real["code"]
            .as_str()
            .unwrap_or_else(|| panic!("{name}: not recorded"));
        upload(
            &c,
            &format!("/user/alice/{name}/workflow.xml"),
            "alice",
            xml.as_bytes(),
        )
        .await;
        let r = post_jobs(&c, "", &job_props(&c, &name)).await;
        assert_eq!(r.status(), 400, "{name}");
        assert_eq!(
            r.headers()["oozie-error-code"].to_str().unwrap(),
            code,
            "{name}: {:?}",
            r.headers().get("oozie-error-message")
        );
        let message = r.headers()["oozie-error-message"].to_str().unwrap();
        assert!(
            message.starts_with(&format!("{code}: ")),
            "{name}: {message}"
        );
        // Beyond XSD errors (the sandbox's come from xmllint, the real ones
        // from Xerces), the message is the real one, word for word.
        if !real["message"].as_str().unwrap().starts_with("E0701: ") && message != real["message"] {
            differ.push(format!(
                "{name}: sandbox {message:?}, real {}",
                real["message"]
            ));
        }
        let body = r.text().await.unwrap();
        assert!(body.contains("\"httpStatusCode\":400"), "{name}: {body}");
        checked += 1;
    }
    assert!(checked >= 17, "only {checked} samples");
    assert!(
        differ.is_empty(),
        "messages differ from real Oozie:\n{}",
        differ.join("\n")
    );
}

#[tokio::test]
async fn every_valid_sample_is_accepted() {
    let sb = sandbox().await;
    let c = sb.cluster("alpha");
    let dir = shared("conformance/oozie/samples/valid");
    for entry in std::fs::read_dir(&dir).unwrap() {
        let path = entry.unwrap().path();
        let xml = std::fs::read_to_string(&path).unwrap();
        let name = path
            .file_stem()
            .unwrap()
            .to_string_lossy()
            .replace('.', "-");
        upload(
            &c,
            &format!("/user/alice/{name}/workflow.xml"),
            "alice",
            xml.as_bytes(),
        )
        .await;
        let r = post_jobs(&c, "", &job_props(&c, &name)).await;
        assert_eq!(
            r.status(),
            201,
            "{name}: {:?}",
            r.headers().get("oozie-error-message")
        );
        let body: Value = r.json().await.unwrap();
        let id = body["id"].as_str().unwrap();
        assert!(id.ends_with("-oozie-oozi-W"), "{id}");
        let info = common::job_info(&c, id).await;
        assert_eq!(info["status"], "PREP");
    }
}

fn kind(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "bool",
        Value::Number(_) => "number",
        Value::String(_) => "string",
        Value::Array(_) => "array",
        Value::Object(_) => "object",
    }
}

/// Every key of `recorded` is in `ours` with the same JSON type; arrays:
/// each recorded element matches some element of ours.
fn same_shape(recorded: &Value, ours: &Value, at: &str) -> Result<(), String> {
    // The Knox recording (an older Oozie) writes an action's `cred` as the
    // string "null"; real Oozie 5.2.1, which the sandbox follows, as null.
    if at.ends_with(".cred") && recorded == "null" && ours.is_null() {
        return Ok(());
    }
    if kind(recorded) != kind(ours) {
        return Err(format!(
            "{at}: recorded {} but sandbox {}",
            kind(recorded),
            kind(ours)
        ));
    }
    match (recorded, ours) {
        (Value::Object(r), Value::Object(o)) => {
            for (k, rv) in r {
                let ov = o.get(k).ok_or_else(|| format!("{at}.{k}: missing"))?;
                same_shape(rv, ov, &format!("{at}.{k}"))?;
            }
            Ok(())
        }
        (Value::Array(r), Value::Array(o)) => {
            for (i, rv) in r.iter().enumerate() {
                let errors: Vec<String> = o
                    .iter()
                    .filter_map(|ov| same_shape(rv, ov, &format!("{at}[{i}]")).err())
                    .collect();
                if errors.len() == o.len() {
                    return Err(format!("{at}[{i}]: no element matches: {errors:?}"));
                }
            }
            Ok(())
        }
        _ => Ok(()),
    }
}

fn recorded(name: &str) -> Value {
    let text =
        std::fs::read_to_string(shared(&format!("conformance/oozie/recorded/{name}"))).unwrap();
    serde_json::from_str(&text).unwrap()
}

#[tokio::test]
async fn recorded_answers_have_the_sandbox_shapes() {
    let sb = sandbox().await;
    let c = sb.cluster("alpha");
    let http = client();

    let versions = get_json(&format!("{}/versions", c.oozie)).await;
    same_shape(&recorded("knox-oozie-versions.json"), &versions, "versions").unwrap();
    assert_eq!(versions, serde_json::json!([0, 1, 2]));

    let status = http
        .get(format!("{}/v1/admin/status", c.oozie))
        .send()
        .await
        .unwrap();
    assert_eq!(
        status.headers()["content-type"],
        "application/json;charset=UTF-8"
    );
    let status: Value = status.json().await.unwrap();
    same_shape(&recorded("knox-oozie-admin-status.json"), &status, "status").unwrap();
    let build = get_json(&format!("{}/v1/admin/build-version", c.oozie)).await;
    same_shape(
        &recorded("knox-oozie-admin-build-version.json"),
        &build,
        "build",
    )
    .unwrap();

    // A finished job with one real action, as in the recording.
    let wf = common::shell_workflow("echo", &["hello"], &[]);
    let id = run_workflow(&c, "shapes", &wf, &[]).await;
    same_shape(
        &recorded("knox-oozie-jobs-submit-response.json"),
        &serde_json::json!({ "id": id }),
        "submit",
    )
    .unwrap();
    let info = wait_done(&c, &id).await;
    assert_eq!(info["status"], "SUCCEEDED");
    same_shape(&recorded("knox-oozie-job.json"), &info, "job").unwrap();
    let show_info = get_json(&format!("{}/v1/job/{id}?show=info", c.oozie)).await;
    same_shape(
        &recorded("knox-oozie-job-show-info.json"),
        &show_info,
        "show=info",
    )
    .unwrap();

    // show=definition is the stored XML verbatim.
    let def = http
        .get(format!("{}/v1/job/{id}?show=definition", c.oozie))
        .send()
        .await
        .unwrap();
    assert!(
        def.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("application/xml")
    );
    assert_eq!(def.text().await.unwrap(), wf);
    let log = http
        .get(format!("{}/v1/job/{id}?show=log", c.oozie))
        .send()
        .await
        .unwrap();
    assert!(
        log.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/plain")
    );
    assert!(log.text().await.unwrap().contains(&format!("JOB[{id}]")));

    // The list while a job runs (simulated java action held for a while).
    sb.set_action_duration(std::time::Duration::from_secs(30));
    let running = run_workflow(&c, "shapes-running", &common::java_workflow(), &[]).await;
    let list = get_json(&format!(
        "{}/v1/jobs?filter=user%3Dalice%3Bstatus%3DRUNNING&offset=1&len=50",
        c.oozie
    ))
    .await;
    same_shape(&recorded("knox-oozie-jobs-sample.json"), &list, "jobs").unwrap();
    assert_eq!(list["workflows"][0]["id"], running.as_str());
    let empty = get_json(&format!("{}/v1/jobs?filter=user%3Dnobody", c.oozie)).await;
    same_shape(
        &recorded("knox-oozie-jobs-empty.json"),
        &empty,
        "jobs-empty",
    )
    .unwrap();
    assert_eq!(empty["total"], 0);
    let kill = http
        .put(format!("{}/v1/job/{running}?action=kill", c.oozie))
        .send()
        .await
        .unwrap();
    assert_eq!(kill.status(), 200);
}

/// The real Oozie 5.2.1 answers recorded on the rig by `tests/real/oozie.rs`
/// (`real_answers_keep_the_recorded_shapes`): the sandbox gives the same
/// shapes, the same versions, and the same error code, message and JSON
/// error body for an unknown job.
#[tokio::test]
async fn real_oozie_answers_have_the_sandbox_shapes() {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/fixtures/real-oozie/answers.json"
    );
    let real: Value = serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    let sb = sandbox().await;
    let c = sb.cluster("alpha");
    let http = client();

    assert_eq!(
        get_json(&format!("{}/versions", c.oozie)).await,
        real["versions"]
    );
    let build = get_json(&format!("{}/v2/admin/build-version", c.oozie)).await;
    same_shape(&real["build_version"], &build, "build").unwrap();
    let status = get_json(&format!("{}/v1/admin/status", c.oozie)).await;
    same_shape(&real["status"], &status, "status").unwrap();

    // As hjob renders it (the recorded job came from `hjob run shell`).
    let wf = common::shell_workflow("echo", &["recorded"], &[])
        .replace("\n    </shell>", "<capture-output/>\n    </shell>");
    let id = run_workflow(&c, "real-shapes", &wf, &[]).await;
    wait_done(&c, &id).await;
    for (key, version) in [("job_info_v1", "v1"), ("job_info_v2", "v2")] {
        let info = get_json(&format!("{}/{version}/job/{id}?show=info", c.oozie)).await;
        same_shape(&real[key], &info, key).unwrap();
    }
    let jobs = get_json(&format!(
        "{}/v1/jobs?jobtype=wf&len=2&filter=user%3Dalice",
        c.oozie
    ))
    .await;
    same_shape(&real["jobs"], &jobs, "jobs").unwrap();

    let missing = format!("9999999{}", &id[7..]);
    let r = http
        .get(format!("{}/v1/job/{missing}?show=info", c.oozie))
        .send()
        .await
        .unwrap();
    let want = &real["unknown_job"];
    assert_eq!(r.status().as_u16(), want["status"].as_u64().unwrap() as u16);
    assert_eq!(
        r.headers()["oozie-error-code"],
        want["code"].as_str().unwrap()
    );
    assert_eq!(
        r.headers()["oozie-error-message"].to_str().unwrap(),
        want["message"]
            .as_str()
            .unwrap()
            .replace("JOB_ID", &missing)
    );
    let body: Value = r.json().await.unwrap();
    same_shape(&want["body"], &body, "error body").unwrap();
}
