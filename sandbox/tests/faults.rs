//! Fault injection, the request log, the state service and the
//! thread-backed handle used from sync tests.

mod common;

use std::time::{Duration, Instant};

use common::{client, get_json, job_props, post_jobs, sandbox, shell_workflow, upload};
use hjob_sandbox::{Fault, Sandbox, SandboxOptions, Service};
use serde_json::Value;

#[tokio::test]
async fn oozie_503_then_normal_and_the_request_log() {
    let sb = sandbox().await;
    let c = sb.cluster("alpha");
    sb.fail_next(Service::Oozie, 2);
    let http = client();
    for _ in 0..2 {
        let r = http
            .post(format!("{}/v1/jobs", c.oozie))
            .header("Content-Type", "application/xml")
            .body("<configuration/>")
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 503);
        assert_eq!(r.headers()["oozie-error-code"], "E0002");
        assert_eq!(
            r.headers()["oozie-error-message"],
            "E0002: System is in safe mode"
        );
    }
    let ok = http
        .get(format!("{}/v1/admin/status", c.oozie))
        .send()
        .await
        .unwrap();
    assert_eq!(ok.status(), 200);
    let read = http
        .post(format!("{}/v1/jobs", c.oozie))
        .header("Content-Type", "text/plain")
        .body("<configuration/>")
        .send()
        .await
        .unwrap();
    assert_eq!(read.status(), 400);
    let log = sb.requests(Service::Oozie);
    assert_eq!(log.len(), 4);
    assert_eq!(log[0].method, "POST");
    assert_eq!(log[0].path, "/oozie/v1/jobs");
    assert_eq!(log[0].status, 503);
    assert_eq!(log[2].status, 200);
    assert!(log[2].bytes_out > 0);
    assert_eq!(log[2].cluster.as_deref(), Some("alpha"));
    assert_eq!(log[3].bytes_in, "<configuration/>".len() as u64);
    sb.clear_requests();
    assert!(sb.requests(Service::Oozie).is_empty());

    sb.set_latency(Service::Oozie, Duration::from_millis(150));
    let t = Instant::now();
    http.get(format!("{}/versions", c.oozie))
        .send()
        .await
        .unwrap();
    assert!(t.elapsed() >= Duration::from_millis(150));
}

#[tokio::test]
async fn reset_after_submit_leaves_the_job_behind() {
    let sb = sandbox().await;
    let c = sb.cluster("alpha");
    upload(
        &c,
        "/user/alice/reset/workflow.xml",
        "alice",
        shell_workflow("true", &[], &[]).as_bytes(),
    )
    .await;
    let mut props = job_props(&c, "reset");
    props.push(("hjob.submission.id".into(), "sub-123".into()));
    sb.reset_after_submit(1);
    let refs: Vec<(&str, &str)> = props
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    let err = client()
        .post(format!("{}/v1/jobs?action=start", c.oozie))
        .header("Content-Type", "application/xml")
        .body(common::conf_xml(&refs))
        .send()
        .await;
    assert!(err.is_err(), "the connection is reset without an answer");
    // The job exists, and its conf names the submission.
    let list = get_json(&format!("{}/v1/jobs?filter=user%3Dalice", c.oozie)).await;
    let id = list["workflows"][0]["id"].as_str().unwrap().to_string();
    let info = common::job_info(&c, &id).await;
    assert!(
        info["conf"]
            .as_str()
            .unwrap()
            .contains("<value>sub-123</value>")
    );
    let post = sb
        .requests(Service::Oozie)
        .into_iter()
        .find(|r| r.method == "POST")
        .unwrap();
    assert_eq!(post.status, 0, "no answer was sent");
    // The next submission answers normally.
    assert_eq!(post_jobs(&c, "", &props).await.status(), 201);
}

#[tokio::test]
async fn datanode_drop_mid_upload_leaves_a_partial_file() {
    let sb = sandbox().await;
    let c = sb.cluster("alpha");
    sb.drop_datanode_upload(1);
    let http = client();
    let step1 = http
        .put(format!(
            "{}/user/alice/big.bin?op=CREATE&user.name=alice",
            c.webhdfs_url()
        ))
        .send()
        .await
        .unwrap();
    let location = step1.headers()["location"].to_str().unwrap().to_string();
    let chunks: Vec<Result<Vec<u8>, std::io::Error>> =
        (0..64).map(|_| Ok(vec![7u8; 64 * 1024])).collect();
    let body = reqwest::Body::wrap_stream(futures_util::stream::iter(chunks));
    let r = http.put(&location).body(body).send().await;
    assert!(
        r.is_err(),
        "connection dropped: {:?}",
        r.map(|r| r.status())
    );
    let st: Value = get_json(&format!(
        "{}/user/alice/big.bin?op=GETFILESTATUS&user.name=alice",
        c.webhdfs_url()
    ))
    .await;
    let len = st["FileStatus"]["length"].as_u64().unwrap();
    assert!(len > 0 && len < 64 * 64 * 1024, "partial length {len}");
}

#[tokio::test]
async fn state_service_serves_two_clusters_and_can_go_down() {
    let sb = sandbox().await;
    let state = get_json(&format!("{}/v1/state", sb.state_url())).await;
    assert_eq!(state["active_cluster"], "alpha");
    assert_eq!(state["submission"]["enabled"], true);
    let alpha = sb.cluster("alpha");
    assert_eq!(
        state["clusters"]["alpha"]["oozie_url"],
        alpha.oozie.as_str()
    );
    assert_eq!(
        state["clusters"]["beta"]["webhdfs_url"],
        sb.cluster("beta").webhdfs_url().as_str()
    );
    assert!(!sb.admin_token().is_empty());

    sb.fail_next(Service::State, 1);
    let r = client()
        .get(format!("{}/v1/state", sb.state_url()))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 503);

    sb.service_down(Service::State, true);
    let deadline = Instant::now() + Duration::from_secs(5);
    loop {
        let r = reqwest::Client::builder()
            .build()
            .unwrap()
            .get(format!("{}/v1/state", sb.state_url()))
            .send()
            .await;
        if r.is_err() {
            break;
        }
        assert!(Instant::now() < deadline, "state service still answers");
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    sb.service_down(Service::State, false);
    let deadline = Instant::now() + Duration::from_secs(5);
    loop {
        if let Ok(r) = client()
            .get(format!("{}/v1/state", sb.state_url()))
            .send()
            .await
        {
            assert_eq!(r.status(), 200);
            break;
        }
        assert!(Instant::now() < deadline, "state service did not come back");
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
}

#[test]
fn the_blocking_handle_works_from_sync_code() {
    let sb = Sandbox::start_blocking(
        SandboxOptions::new().fault("oozie:503x1".parse::<Fault>().unwrap()),
    )
    .expect("starts");
    let url = format!("{}/versions", sb.cluster("beta").oozie);
    let statuses = std::thread::spawn(move || {
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        rt.block_on(async {
            let http = client();
            let a = http.get(&url).send().await.unwrap().status().as_u16();
            let b = http.get(&url).send().await.unwrap().status().as_u16();
            (a, b)
        })
    })
    .join()
    .unwrap();
    assert_eq!(statuses, (503, 200));
    assert_eq!(sb.requests(Service::Oozie).len(), 2);
    drop(sb);
}
