//! Shared helpers for the sandbox's behaviour tests: a started sandbox with
//! short timings, a plain HTTP client (no redirects, nothing from hjob),
//! WebHDFS upload, Oozie submit and polling with deadlines.

#![allow(dead_code, reason = "each test binary uses a subset")]

use std::path::PathBuf;
use std::time::{Duration, Instant};

use hjob_sandbox::{ClusterUrls, Sandbox, SandboxOptions};
use serde_json::Value;

/// The shared conformance kit, read in place.
pub fn shared(path: &str) -> PathBuf {
    PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/../../shared")).join(path)
}

/// A sandbox with fast timings.
pub async fn sandbox() -> Sandbox {
    sandbox_with(SandboxOptions::new()).await
}

pub async fn sandbox_with(options: SandboxOptions) -> Sandbox {
    Sandbox::start(
        options
            .step_delay(Duration::from_millis(1))
            .action_duration(Duration::from_millis(50)),
    )
    .await
    .expect("sandbox starts")
}

/// A client that never follows redirects.
pub fn client() -> reqwest::Client {
    // hjob enables reqwest's `rustls-no-provider`: install one (idempotent).
    let _ = rustls::crypto::ring::default_provider().install_default();
    reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .expect("client")
}

/// Step 1 of CREATE of `path` as `user`: the DataNode URL to send to.
pub async fn datanode_location(c: &ClusterUrls, path: &str, user: &str, overwrite: bool) -> String {
    let step1 = client()
        .put(format!(
            "{}{path}?op=CREATE&overwrite={overwrite}&user.name={user}",
            c.webhdfs_url()
        ))
        .send()
        .await
        .expect("step 1");
    assert_eq!(step1.status(), 307, "step 1 of {path}");
    step1.headers()["location"].to_str().unwrap().to_string()
}

/// Two-step CREATE of `path` as `user`.
pub async fn upload(c: &ClusterUrls, path: &str, user: &str, bytes: &[u8]) {
    let location = datanode_location(c, path, user, true).await;
    let step2 = client()
        .put(location)
        .body(bytes.to_vec())
        .send()
        .await
        .expect("step 2");
    assert_eq!(
        step2.status(),
        201,
        "step 2 of {path}: {:?}",
        step2.text().await
    );
}

/// A Hadoop configuration document.
pub fn conf_xml(props: &[(&str, &str)]) -> String {
    let mut s = String::from("<configuration>\n");
    for (k, v) in props {
        s.push_str(&format!(
            "  <property><name>{k}</name><value>{}</value></property>\n",
            v.replace('&', "&amp;").replace('<', "&lt;")
        ));
    }
    s.push_str("</configuration>\n");
    s
}

/// The usual job properties for an app under `/user/alice/<app>`.
pub fn job_props(c: &ClusterUrls, app: &str) -> Vec<(String, String)> {
    vec![
        ("user.name".into(), "alice".into()),
        (
            "oozie.wf.application.path".into(),
            format!("{}/user/alice/{app}", c.name_node()),
        ),
        ("nameNode".into(), c.name_node()),
        ("jobTracker".into(), c.job_tracker()),
        ("resourceManager".into(), c.job_tracker()),
        ("queueName".into(), "default".into()),
    ]
}

/// POSTs a submission; returns the raw response.
pub async fn post_jobs(
    c: &ClusterUrls,
    query: &str,
    props: &[(String, String)],
) -> reqwest::Response {
    let refs: Vec<(&str, &str)> = props
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    client()
        .post(format!("{}/v1/jobs{query}", c.oozie))
        .header("Content-Type", "application/xml;charset=UTF-8")
        .body(conf_xml(&refs))
        .send()
        .await
        .expect("submit")
}

/// Uploads `workflow` as `/user/alice/<app>/workflow.xml` and submits it
/// with `action=start`; returns the job id.
pub async fn run_workflow(
    c: &ClusterUrls,
    app: &str,
    workflow: &str,
    extra: &[(&str, &str)],
) -> String {
    upload(
        c,
        &format!("/user/alice/{app}/workflow.xml"),
        "alice",
        workflow.as_bytes(),
    )
    .await;
    let mut props = job_props(c, app);
    props.extend(extra.iter().map(|(k, v)| (k.to_string(), v.to_string())));
    let r = post_jobs(c, "?action=start", &props).await;
    assert_eq!(
        r.status(),
        201,
        "{:?}",
        r.headers().get("oozie-error-message")
    );
    let body: Value = r.json().await.unwrap();
    body["id"].as_str().unwrap().to_string()
}

pub async fn get_json(url: &str) -> Value {
    let r = client().get(url).send().await.expect("GET");
    assert!(r.status().is_success(), "GET {url}: {}", r.status());
    r.json().await.expect("JSON")
}

/// The job's info JSON.
pub async fn job_info(c: &ClusterUrls, id: &str) -> Value {
    get_json(&format!("{}/v1/job/{id}", c.oozie)).await
}

/// Polls the job until `pred` holds (10 s deadline).
pub async fn wait_job(c: &ClusterUrls, id: &str, pred: impl Fn(&Value) -> bool) -> Value {
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        let info = job_info(c, id).await;
        if pred(&info) {
            return info;
        }
        assert!(
            Instant::now() < deadline,
            "timed out waiting on {id}: {info:#}"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

/// Waits until the job is SUCCEEDED, KILLED or FAILED.
pub async fn wait_done(c: &ClusterUrls, id: &str) -> Value {
    wait_job(c, id, |j| {
        matches!(
            j["status"].as_str(),
            Some("SUCCEEDED" | "KILLED" | "FAILED")
        )
    })
    .await
}

/// The action named `name` of a job JSON.
pub fn action<'a>(job: &'a Value, name: &str) -> &'a Value {
    job["actions"]
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["name"] == name)
        .unwrap_or_else(|| panic!("no action {name} in {job:#}"))
}

/// A one-shell-action workflow.
pub fn shell_workflow(exec: &str, args: &[&str], files: &[&str]) -> String {
    let mut body = format!("<exec>{exec}</exec>");
    for a in args {
        body.push_str(&format!("<argument>{a}</argument>"));
    }
    for f in files {
        body.push_str(&format!("<file>{f}</file>"));
    }
    format!(
        r#"<workflow-app xmlns="uri:oozie:workflow:1.0" name="shell-test">
  <start to="sh"/>
  <action name="sh">
    <shell xmlns="uri:oozie:shell-action:1.0">
      <resource-manager>${{resourceManager}}</resource-manager>
      <name-node>${{nameNode}}</name-node>
      {body}
    </shell>
    <ok to="end"/>
    <error to="fail"/>
  </action>
  <kill name="fail"><message>Shell failed [${{wf:errorMessage(wf:lastErrorNode())}}]</message></kill>
  <end name="end"/>
</workflow-app>
"#
    )
}

/// A one-java-action workflow (simulated).
pub fn java_workflow() -> String {
    r#"<workflow-app xmlns="uri:oozie:workflow:1.0" name="java-test">
  <start to="run"/>
  <action name="run">
    <java>
      <resource-manager>${resourceManager}</resource-manager>
      <name-node>${nameNode}</name-node>
      <main-class>com.example.Main</main-class>
      <arg>${'$'}{literal}</arg>
      <arg>${wf:user()}</arg>
    </java>
    <ok to="end"/>
    <error to="fail"/>
  </action>
  <kill name="fail"><message>Java failed [${wf:errorMessage(wf:lastErrorNode())}]</message></kill>
  <end name="end"/>
</workflow-app>
"#
    .to_string()
}
