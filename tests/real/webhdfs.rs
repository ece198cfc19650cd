//! hjob's WebHDFS client against the real NameNode and DataNode: every
//! operation staging depends on, the two-step CREATE with the DataNode's
//! `100 Continue`, RemoteException errors, and safe mode.

use std::collections::BTreeMap;
use std::io::{BufRead as _, BufReader, Read as _, Write as _};
use std::net::TcpStream;
use std::process::Stdio;

use hjob::config::HttpSettings;
use hjob::webhdfs::{RemoteException, WebHdfsClient};

use crate::Test;
use crate::rig::{Rig, World, blake3_hex, block_on, get_json, text, unique};

pub const TESTS: &[Test] = &[
    (
        "webhdfs::the_namenode_is_real_apache_hadoop",
        the_namenode_is_real_apache_hadoop,
    ),
    (
        "webhdfs::create_redirects_to_the_datanode_which_answers_100_continue",
        create_redirects_to_the_datanode_which_answers_100_continue,
    ),
    (
        "webhdfs::the_client_round_trips_every_operation_staging_uses",
        the_client_round_trips_every_operation_staging_uses,
    ),
    (
        "webhdfs::errors_are_remote_exceptions_the_client_understands",
        errors_are_remote_exceptions_the_client_understands,
    ),
    (
        "webhdfs::safe_mode_is_retried_then_exit_4_naming_it",
        safe_mode_is_retried_then_exit_4_naming_it,
    ),
    (
        "webhdfs::a_run_rides_out_safe_mode_that_ends_during_its_retries",
        a_run_rides_out_safe_mode_that_ends_during_its_retries,
    ),
];

pub fn settings() -> HttpSettings {
    HttpSettings {
        timeout: std::time::Duration::from_secs(30),
        connect_timeout: std::time::Duration::from_secs(5),
        retries: 3,
        backoff_initial: std::time::Duration::from_millis(20),
        backoff_max: std::time::Duration::from_millis(200),
        state_deadline: std::time::Duration::from_secs(10),
        submit_outage_limit: std::time::Duration::from_secs(10),
        ca_bundle: None,
    }
}

fn client(rig: &Rig) -> WebHdfsClient {
    WebHdfsClient::new(&rig.webhdfs_url, &rig.user, &settings(), BTreeMap::new()).unwrap()
}

fn the_namenode_is_real_apache_hadoop(rig: &Rig) {
    let jmx = get_json(&format!(
        "{}/jmx?qry=Hadoop:service=NameNode,name=NameNodeInfo",
        rig.namenode_http
    ));
    let version = jmx["beans"][0]["SoftwareVersion"]
        .as_str()
        .unwrap_or_default();
    assert!(version.starts_with("3."), "NameNodeInfo: {jmx}");
    let live = jmx["beans"][0]["LiveNodes"].as_str().unwrap_or_default();
    assert!(
        live.contains("127.0.0.1"),
        "one live DataNode on loopback: {live}"
    );
}

fn create_redirects_to_the_datanode_which_answers_100_continue(rig: &Rig) {
    let path = format!("{}/{}/f.txt", rig.home(), unique("create"));
    let url = format!("{}&overwrite=true", rig.webhdfs(&path, "CREATE"));
    let location = block_on(async {
        let client = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .unwrap();
        let response = client
            .put(&url)
            .header("content-length", "0")
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 307);
        response.headers()["location"].to_str().unwrap().to_owned()
    });
    let dn = url::Url::parse(&location).unwrap();
    let expected = url::Url::parse(&rig.datanode_http).unwrap();
    assert_eq!(
        dn.port(),
        expected.port(),
        "the 307 goes to the DataNode: {location}"
    );

    // Step 2 by hand, to see the interim answer a client waits for.
    let body = b"hello, datanode\n";
    let mut stream = TcpStream::connect((dn.host_str().unwrap(), dn.port().unwrap())).unwrap();
    let target = &location[location.find(dn.path()).unwrap()..];
    write!(
        stream,
        "PUT {target} HTTP/1.1\r\nHost: {}:{}\r\nContent-Type: application/octet-stream\r\nContent-Length: {}\r\nExpect: 100-continue\r\n\r\n",
        dn.host_str().unwrap(),
        dn.port().unwrap(),
        body.len()
    )
    .unwrap();
    let mut reader = BufReader::new(stream.try_clone().unwrap());
    let mut line = String::new();
    reader.read_line(&mut line).unwrap();
    assert!(line.starts_with("HTTP/1.1 100"), "interim answer: {line:?}");
    let mut blank = String::new();
    reader.read_line(&mut blank).unwrap();
    stream.write_all(body).unwrap();
    let mut status = String::new();
    reader.read_line(&mut status).unwrap();
    assert!(status.starts_with("HTTP/1.1 201"), "{status:?}");
    let mut rest = String::new();
    let _ = reader.read_to_string(&mut rest);
    assert_eq!(rig.read(&path), body);
}

fn the_client_round_trips_every_operation_staging_uses(rig: &Rig) {
    let client = client(rig);
    let dir = format!("{}/{}", rig.home(), unique("client"));
    block_on(async {
        assert!(client.status(&dir).await.unwrap().is_none());
        client.mkdirs(&format!("{dir}/a/b"), "755").await.unwrap();
        let status = client.status(&format!("{dir}/a/b")).await.unwrap().unwrap();
        assert_eq!(status.kind, "DIRECTORY");
        assert_eq!(status.permission.as_deref(), Some("755"));
        assert_eq!(status.owner.as_deref(), Some(rig.user.as_str()));

        let small = format!("{dir}/a/small.txt");
        client
            .create_from_bytes(&small, b"small\n".to_vec(), false)
            .await
            .unwrap();
        let status = client.status(&small).await.unwrap().unwrap();
        assert_eq!((status.kind.as_str(), status.length), ("FILE", 6));
        // OPEN (through the DataNode) and SETTIMES, as `hjob gc` and a
        // cache hit use them.
        assert_eq!(
            client.read_small(&small, 1024).await.unwrap().as_deref(),
            Some(&b"small\n"[..])
        );
        assert!(
            client
                .read_small(&format!("{dir}/nope"), 1024)
                .await
                .unwrap()
                .is_none()
        );
        assert!(
            client.read_small(&small, 3).await.is_err(),
            "over the limit"
        );
        client
            .set_times(&small, Some(1_000_000), Some(2_000_000))
            .await
            .unwrap();
        let status = client.status(&small).await.unwrap().unwrap();
        assert_eq!(
            (status.modification_time, status.access_time),
            (1_000_000, 2_000_000)
        );
        client
            .set_times(&small, None, Some(3_000_000))
            .await
            .unwrap();
        let status = client.status(&small).await.unwrap().unwrap();
        assert_eq!(
            (status.modification_time, status.access_time),
            (1_000_000, 3_000_000)
        );

        let local = tempfile::NamedTempFile::new().unwrap();
        let content: Vec<u8> = (0..300_000u32).flat_map(|i| i.to_le_bytes()).collect();
        std::fs::write(local.path(), &content).unwrap();
        let big = format!("{dir}/a/big.bin");
        let sent = client
            .create_from_file(
                &big,
                local.path(),
                true,
                Some(std::sync::Arc::new(|_| {})),
                |_| {},
            )
            .await
            .unwrap();
        assert_eq!(sent.len, content.len() as u64);
        assert_eq!(sent.blake3.as_deref(), Some(blake3_hex(&content).as_str()));

        let renamed = format!("{dir}/a/renamed.bin");
        assert!(client.rename(&big, &renamed).await.unwrap());
        assert!(!client.rename(&big, &renamed).await.unwrap(), "source gone");
        assert!(client.status(&big).await.unwrap().is_none());
        assert_eq!(rig.read(&renamed), content);

        assert!(client.delete(&dir, true).await.unwrap());
        assert!(!client.delete(&dir, true).await.unwrap(), "already gone");
    });
}

fn errors_are_remote_exceptions_the_client_understands(rig: &Rig) {
    let client = client(rig);
    let dir = format!("{}/{}", rig.home(), unique("errors"));
    block_on(async {
        // Another user's tree: AccessControlException, named with a hint.
        let error = client
            .mkdirs("/user/someone-else/x", "755")
            .await
            .unwrap_err();
        let remote = error
            .chain()
            .find_map(|c| c.downcast_ref::<RemoteException>())
            .expect("a RemoteException");
        assert_eq!(remote.exception, "AccessControlException");
        assert_eq!(
            remote.java_class_name.as_deref(),
            Some("org.apache.hadoop.security.AccessControlException")
        );
        assert!(format!("{error:#}").contains("/user"), "{error:#}");

        // Creating over an existing file without overwrite: the DataNode
        // step refuses with FileAlreadyExistsException.
        let file = format!("{dir}/once.txt");
        client
            .create_from_bytes(&file, b"1".to_vec(), false)
            .await
            .unwrap();
        let error = client
            .create_from_bytes(&file, b"2".to_vec(), false)
            .await
            .unwrap_err();
        let remote = error
            .chain()
            .find_map(|c| c.downcast_ref::<RemoteException>())
            .unwrap_or_else(|| panic!("a RemoteException: {error:#}"));
        assert_eq!(remote.exception, "FileAlreadyExistsException", "{error:#}");
        assert_eq!(rig.read(&file), b"1");
        client.delete(&dir, true).await.unwrap();
    });
}

/// Puts the NameNode in safe mode until dropped.
struct SafeMode<'a>(&'a Rig);

impl<'a> SafeMode<'a> {
    fn enter(rig: &'a Rig) -> Self {
        assert_eq!(rig.control("/safemode/enter", "")["safemode"], true);
        SafeMode(rig)
    }
}

impl Drop for SafeMode<'_> {
    fn drop(&mut self) {
        self.0.control("/safemode/leave", "");
    }
}

fn safe_mode_is_retried_then_exit_4_naming_it(rig: &Rig) {
    let world = World::new(rig);
    let jar = world.write("sm.jar", unique("safe-mode jar").as_bytes());
    let out = {
        let _safe = SafeMode::enter(rig);
        world.run(&[
            "-v",
            "run",
            "java",
            "--jar",
            jar.to_str().unwrap(),
            "--main-class",
            "M",
            "--detach",
            "--output",
            "json",
        ])
    };
    let stderr = text(&out.stderr);
    assert_eq!(out.status.code(), Some(4), "{stderr}");
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let message = doc["error"]["message"].as_str().unwrap_or_default();
    assert!(message.contains("SafeModeException"), "{doc}");
    assert!(
        doc["error"]["hint"]
            .as_str()
            .unwrap_or_default()
            .contains("safe mode"),
        "{doc}"
    );
    assert!(
        stderr.contains("retrying"),
        "safe mode is retried first: {stderr}"
    );
    assert!(
        world.submissions.lock().unwrap().is_empty(),
        "nothing submitted"
    );
}

fn a_run_rides_out_safe_mode_that_ends_during_its_retries(rig: &Rig) {
    let world = World::new(rig);
    std::fs::write(
        world.home.path().join("hjob.toml"),
        "[http]\nretries = 30\nbackoff_initial = \"100ms\"\nbackoff_max = \"500ms\"\n",
    )
    .unwrap();
    let jar = world.write("sm2.jar", unique("ride it out").as_bytes());
    let safe = SafeMode::enter(rig);
    let mut child = world
        .hjob()
        .args([
            "-v",
            "run",
            "java",
            "--jar",
            jar.to_str().unwrap(),
            "--main-class",
            "M",
        ])
        .args(["--detach", "--output", "json"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    // Leave safe mode once hjob has been refused and is retrying.
    let stderr = child.stderr.take().unwrap();
    let mut seen = String::new();
    let mut lines = BufReader::new(stderr).lines();
    for line in lines.by_ref() {
        let line = line.unwrap();
        seen.push_str(&line);
        seen.push('\n');
        if line.contains("retrying") {
            break;
        }
    }
    assert!(seen.contains("retrying"), "hjob never retried: {seen}");
    drop(safe);
    let rest: Vec<String> = lines.map_while(Result::ok).collect();
    let out = child.wait_with_output().unwrap();
    assert!(out.status.success(), "{seen}{}", rest.join("\n"));
    assert_eq!(world.submissions.lock().unwrap().len(), 1);
    assert!(text(&out.stdout).contains("\"uploaded_bytes\""));
}
