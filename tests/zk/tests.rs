//! The scenarios of the replicated state service.

use std::collections::{BTreeMap, BTreeSet};
use std::process::Stdio;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use hjob_sandbox::{Sandbox, SandboxOptions, Service};
use serde_json::{Value, json};

use crate::harness::{Ensemble, Reply, StateServer, TOKEN, hjob, request, wait_for};

pub type Test = (&'static str, fn(&str));

pub const TESTS: &[Test] = &[
    (
        "a_write_through_one_server_is_served_by_the_other",
        a_write_through_one_server_is_served_by_the_other,
    ),
    (
        "fifty_concurrent_admins_through_both_servers_lose_nothing",
        fifty_concurrent_admins_through_both_servers_lose_nothing,
    ),
    (
        "killing_the_zookeeper_leader_under_writers_loses_no_acknowledged_write",
        killing_the_zookeeper_leader_under_writers_loses_no_acknowledged_write,
    ),
    (
        "jobs_run_through_a_killed_state_server_and_fail_closed_after_max_stale",
        jobs_run_through_a_killed_state_server_and_fail_closed_after_max_stale,
    ),
    (
        "the_kill_switch_thrown_through_one_server_stops_a_run_reading_the_other",
        the_kill_switch_thrown_through_one_server_stops_a_run_reading_the_other,
    ),
    (
        "an_auth_file_locks_the_znodes_and_migrate_copies_a_file_store",
        an_auth_file_locks_the_znodes_and_migrate_copies_a_file_store,
    ),
    (
        "the_file_and_zookeeper_stores_answer_every_write_alike",
        the_file_and_zookeeper_stores_answer_every_write_alike,
    ),
];

fn seed() -> Value {
    json!({
        "version": 1,
        "active_cluster": "pug",
        "submission": {"enabled": true},
        "clusters": {
            "pug": {
                "oozie_url": "http://127.0.0.1:9/oozie",
                "webhdfs_url": "http://127.0.0.1:9/webhdfs/v1",
                "name_node": "hdfs://127.0.0.1:8020",
                "job_tracker": "127.0.0.1:8032"
            }
        }
    })
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

fn version_of(server: &StateServer) -> Option<u64> {
    let reply = server.state();
    (reply.status == 200)
        .then(|| serde_json::from_str::<Value>(&reply.body).ok())
        .flatten()
        .and_then(|v| v["version"].as_u64())
}

/// Every audit entry's version, checked to be each of `1..=last` once.
fn assert_audit_exact(server: &StateServer, last: u64) {
    let mut seen: BTreeMap<u64, usize> = BTreeMap::new();
    for entry in server.audit() {
        *seen.entry(entry["version"].as_u64().unwrap()).or_default() += 1;
    }
    let duplicates: Vec<_> = seen.iter().filter(|(_, n)| **n > 1).collect();
    assert!(duplicates.is_empty(), "audited twice: {duplicates:?}");
    let missing: Vec<u64> = (1..=last).filter(|v| !seen.contains_key(v)).collect();
    assert!(
        missing.is_empty(),
        "versions without an audit entry: {missing:?}"
    );
    assert_eq!(seen.keys().last(), Some(&last), "audit beyond the document");
}

fn a_write_through_one_server_is_served_by_the_other(cp: &str) {
    let zk = Ensemble::start(cp);
    let store = zk.store("hjob/visible");
    let a = StateServer::start(zk.dir.path(), &store, &seed(), &[]);
    let b = StateServer::start(zk.dir.path(), &store, &seed(), &[]);
    let mut latencies = Vec::new();
    for n in 0..20 {
        let mut doc = a.document();
        let version = doc["version"].as_u64().unwrap();
        doc["submission"]["message"] = json!(format!("note {n}"));
        let started = Instant::now();
        let reply = a.put(&doc, version);
        assert_eq!(reply.status, 200, "{}", reply.body);
        // Measured from the acknowledgement on A to B serving it.
        let acked = started.elapsed();
        let seen = wait_for("B to serve A's write", Duration::from_secs(30), || {
            version_of(&b) == Some(version + 1)
        });
        latencies.push(seen);
        let served = b.document();
        assert_eq!(served["submission"]["message"], format!("note {n}"));
        assert_eq!(
            b.state().header("ETag"),
            Some(format!("\"{}\"", version + 1).as_str())
        );
        let _ = acked;
    }
    latencies.sort();
    println!(
        "BAR visibility_median_ms={:.1} visibility_max_ms={:.1} writes=20 (A acknowledged -> B serves; polled every 5 ms)",
        latencies[latencies.len() / 2].as_secs_f64() * 1000.0,
        latencies[latencies.len() - 1].as_secs_f64() * 1000.0
    );
    // The audit is shared: B lists A's writes, each version once.
    assert_audit_exact(&b, 21);
    assert_eq!(b.healthz().body.trim(), "ok");
    assert_eq!(b.state().header("X-Hjob-Snapshot-Age-Ms"), Some("0"));
}

fn fifty_concurrent_admins_through_both_servers_lose_nothing(cp: &str) {
    let zk = Ensemble::start(cp);
    let store = zk.store("hjob/writers");
    let a = StateServer::start(zk.dir.path(), &store, &seed(), &[]);
    let b = StateServer::start(zk.dir.path(), &store, &seed(), &[]);
    let home = tempfile::tempdir().unwrap();
    let started = Instant::now();
    let children: Vec<_> = (0..50)
        .map(|n| {
            // Half list A first, half B first: writes go through both.
            let urls = if n % 2 == 0 {
                format!("{},{}", a.url, b.url)
            } else {
                format!("{},{}", b.url, a.url)
            };
            hjob(home.path())
                .env("HJOB_STATE_URL", urls)
                .env("HJOB_ADMIN_TOKEN", TOKEN)
                .args(crate::admin_args::set_cluster(n))
                .stdout(Stdio::null())
                .stderr(Stdio::piped())
                .spawn()
                .unwrap()
        })
        .collect();
    for child in children {
        let out = child.wait_with_output().unwrap();
        assert!(out.status.success(), "{}", text(&out.stderr));
    }
    println!(
        "BAR admins=50 through_servers=2 seconds={:.1}",
        started.elapsed().as_secs_f64()
    );
    wait_for(
        "both servers at version 51",
        Duration::from_secs(30),
        || version_of(&a) == Some(51) && version_of(&b) == Some(51),
    );
    for server in [&a, &b] {
        let doc = server.document();
        for n in 0..50 {
            assert_eq!(
                doc["clusters"][format!("c{n}")]["name_node"],
                format!("hdfs://c{n}.example.com:8020"),
                "lost update c{n}"
            );
        }
    }
    assert_audit_exact(&a, 51);
    let added: BTreeSet<String> = a
        .audit()
        .iter()
        .flat_map(|e| e["changes"].as_array().cloned().unwrap_or_default())
        .filter_map(|c| c.as_str().map(str::to_owned))
        .filter(|c| c.ends_with(": added"))
        .collect();
    assert_eq!(added.len(), 50, "{added:?}");
}

/// What one writer saw acknowledged: its marker and the version.
type Acks = Arc<Mutex<Vec<(String, u64, Instant)>>>;

/// A writer through `servers` (alternating): adds clusters `w{id}-{k}`
/// with If-Match; on 412 reads again; on 503 or a broken connection reads
/// again and counts the write as applied only if its cluster is there.
fn writer(id: usize, writes: usize, servers: Vec<String>, acks: Acks) {
    let mut turn = id;
    let state = |turn: usize| format!("{}/v1/state", servers[turn % servers.len()]);
    for k in 0..writes {
        let marker = format!("w{id}-{k}");
        let deadline = Instant::now() + Duration::from_secs(120);
        loop {
            assert!(
                Instant::now() < deadline,
                "{marker}: no server took the write in 120 s"
            );
            turn += 1;
            let read = request("GET", &state(turn), &[], None);
            if read.status != 200 {
                std::thread::sleep(Duration::from_millis(50));
                continue;
            }
            let mut doc: Value = serde_json::from_str(&read.body).unwrap();
            if doc["clusters"].get(&marker).is_some() {
                // An earlier try whose answer was lost did apply.
                acks.lock()
                    .unwrap()
                    .push((marker.clone(), 0, Instant::now()));
                break;
            }
            let version = doc["version"].as_u64().unwrap();
            doc["clusters"][&marker] = json!({
                "oozie_url": "http://127.0.0.1:9/oozie",
                "webhdfs_url": "http://127.0.0.1:9/webhdfs/v1",
                "name_node": "hdfs://127.0.0.1:8020",
                "job_tracker": "127.0.0.1:8032"
            });
            let reply = request(
                "PUT",
                &state(turn),
                &[
                    ("Authorization", &format!("Bearer {TOKEN}")),
                    ("If-Match", &format!("\"{version}\"")),
                    ("Content-Type", "application/json"),
                ],
                Some(&doc.to_string()),
            );
            match reply.status {
                200 => {
                    let new: Value = serde_json::from_str(&reply.body).unwrap();
                    acks.lock().unwrap().push((
                        marker.clone(),
                        new["version"].as_u64().unwrap(),
                        Instant::now(),
                    ));
                    break;
                }
                412 => std::thread::sleep(Duration::from_millis((id % 7) as u64 * 2)),
                _ => std::thread::sleep(Duration::from_millis(50)),
            }
        }
    }
}

fn killing_the_zookeeper_leader_under_writers_loses_no_acknowledged_write(cp: &str) {
    let mut zk = Ensemble::start(cp);
    let store = zk.store("hjob/leader");
    let a = StateServer::start(zk.dir.path(), &store, &seed(), &[]);
    let b = StateServer::start(zk.dir.path(), &store, &seed(), &[]);
    let servers = vec![a.url.clone(), b.url.clone()];
    let acks: Acks = Arc::new(Mutex::new(Vec::new()));
    let (writers, per_writer) = (50, 3);
    let threads: Vec<_> = (0..writers)
        .map(|id| {
            let servers = servers.clone();
            let acks = acks.clone();
            std::thread::spawn(move || writer(id, per_writer, servers, acks))
        })
        .collect();
    wait_for("40 acknowledged writes", Duration::from_secs(120), || {
        acks.lock().unwrap().len() >= 40
    });
    let leader = zk.leader();
    let killed_at = Instant::now();
    zk.kill(leader);
    let before = acks.lock().unwrap().len();
    println!(
        "killed the ZooKeeper leader (zk{}) after {before} acknowledged writes",
        leader + 1
    );
    for t in threads {
        t.join().unwrap();
    }
    let acks = acks.lock().unwrap().clone();
    assert_eq!(acks.len(), writers * per_writer);
    // Resume: the first acknowledgement of a write read after the kill
    // (a version above every one acknowledged before it).
    let highest_before = acks
        .iter()
        .filter(|(_, _, at)| *at <= killed_at)
        .map(|(_, v, _)| *v)
        .max()
        .unwrap_or(0);
    let resumed = acks
        .iter()
        .filter(|(_, v, at)| *at > killed_at && *v > highest_before + 1)
        .map(|(_, _, at)| at.duration_since(killed_at))
        .min();
    let longest_gap = {
        let mut times: Vec<Instant> = acks.iter().map(|(_, _, at)| *at).collect();
        times.sort();
        times
            .windows(2)
            .filter(|w| w[1] > killed_at)
            .map(|w| w[1].duration_since(w[0]))
            .max()
            .unwrap_or_default()
    };
    println!(
        "BAR resume_after_leader_kill_ms={:.0} longest_ack_pause_ms={:.0} writes={} writers={writers} new_leader=zk{}",
        resumed.unwrap_or_default().as_secs_f64() * 1000.0,
        longest_gap.as_secs_f64() * 1000.0,
        acks.len(),
        zk.leader() + 1
    );
    let last = 1 + (writers * per_writer) as u64;
    wait_for(
        "both servers at the last version",
        Duration::from_secs(60),
        || version_of(&a) == Some(last) && version_of(&b) == Some(last),
    );
    let doc = b.document();
    let lost: Vec<&String> = acks
        .iter()
        .map(|(m, _, _)| m)
        .filter(|m| doc["clusters"].get(m.as_str()).is_none())
        .collect();
    assert!(lost.is_empty(), "acknowledged writes lost: {lost:?}");
    let versions: BTreeSet<u64> = acks.iter().map(|(_, v, _)| *v).filter(|v| *v > 0).collect();
    assert_eq!(
        versions.len(),
        acks.iter().filter(|(_, v, _)| *v > 0).count(),
        "two writes acknowledged with one version"
    );
    assert_audit_exact(&a, last);
    println!(
        "BAR lost_acknowledged_writes=0 audit_versions=1..={last} audit_gaps=0 audit_duplicates=0"
    );
}

/// A sandbox and a hermetic hjob home that reads the state from `urls`.
struct Runner {
    sandbox: Sandbox,
    home: tempfile::TempDir,
}

impl Runner {
    fn start() -> Runner {
        let sandbox = Sandbox::start_blocking(
            SandboxOptions::new()
                .action_duration(Duration::from_millis(100))
                .step_delay(Duration::from_millis(5)),
        )
        .expect("sandbox starts");
        let home = tempfile::tempdir().unwrap();
        std::fs::write(
            home.path().join("hjob.toml"),
            "[http]\ntimeout = \"3s\"\nconnect_timeout = \"1s\"\nbackoff_initial = \"10ms\"\nbackoff_max = \"100ms\"\nstate_deadline = \"3s\"\n\
             [wait]\npoll_initial = \"20ms\"\npoll_max = \"100ms\"\noutage_limit = \"10s\"\n",
        )
        .unwrap();
        Runner { sandbox, home }
    }

    fn run(&self, urls: &str, args: &[&str]) -> std::process::Output {
        hjob(self.home.path())
            .env("HJOB_CONFIG", self.home.path().join("hjob.toml"))
            .env("HJOB_STATE_URL", urls)
            .env("HJOB_ADMIN_TOKEN", TOKEN)
            .args(args)
            .output()
            .unwrap()
    }

    fn submissions(&self) -> usize {
        self.sandbox
            .requests(Service::Oozie)
            .iter()
            .filter(|r| r.method == "POST" && r.path.ends_with("/jobs"))
            .count()
    }
}

fn jobs_run_through_a_killed_state_server_and_fail_closed_after_max_stale(cp: &str) {
    let runner = Runner::start();
    let mut zk = Ensemble::start(cp);
    let store = zk.store("hjob/run");
    let seed = runner.sandbox.state_document().clone();
    let stale = ["--max-stale", "8s"];
    let mut a = StateServer::start(zk.dir.path(), &store, &seed, &stale);
    let b = StateServer::start(zk.dir.path(), &store, &seed, &stale);
    let both = format!("{},{}", a.url, b.url);
    let out = runner.run(&both, &["run", "shell", "--", "true"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));

    a.kill();
    for n in 0..3 {
        let out = runner.run(&both, &["run", "shell", "--", "true"]);
        assert_eq!(
            out.status.code(),
            Some(0),
            "run {n} with A killed: {}",
            text(&out.stderr)
        );
    }
    let out = runner.run(&both, &["doctor"]);
    assert!(
        text(&out.stdout).contains("unreachable") || text(&out.stderr).contains("unreachable"),
        "doctor names the dead server: {}{}",
        text(&out.stdout),
        text(&out.stderr)
    );

    // Every ZooKeeper server down: B serves its snapshot (with its age)
    // and refuses writes, until --max-stale.
    zk.kill_all();
    let lost = Instant::now();
    wait_for(
        "B to notice the lost session",
        Duration::from_secs(30),
        || b.healthz().body.contains("degraded"),
    );
    let reply = b.state();
    assert_eq!(reply.status, 200, "{}", reply.body);
    assert!(
        reply.header("Age").is_some() && reply.header("X-Hjob-Snapshot-Age-Ms").is_some(),
        "{reply:?}"
    );
    let doc = b.document();
    let put = b.put(&doc, doc["version"].as_u64().unwrap());
    assert_eq!(put.status, 503, "{}", put.body);
    assert!(put.body.contains("writes are refused"), "{}", put.body);
    let before = runner.submissions();
    let out = runner.run(&both, &["run", "shell", "--", "true"]);
    let within = lost.elapsed();
    if within < Duration::from_secs(8) {
        assert_eq!(
            out.status.code(),
            Some(0),
            "a run within --max-stale: {}",
            text(&out.stderr)
        );
    }
    let out = runner.run(&both, &["admin", "disable", "--message", "x", "--yes"]);
    assert_ne!(
        out.status.code(),
        Some(0),
        "a write with no ZooKeeper: {}",
        text(&out.stderr)
    );

    wait_for("B past --max-stale", Duration::from_secs(60), || {
        b.healthz().status == 503
    });
    let after = runner.submissions();
    let out = runner.run(&both, &["run", "shell", "--", "true"]);
    assert_eq!(
        out.status.code(),
        Some(4),
        "past --max-stale: {}",
        text(&out.stderr)
    );
    assert_eq!(
        runner.submissions(),
        after,
        "nothing submitted past --max-stale"
    );
    let reply = b.state();
    assert_eq!(reply.status, 503);
    assert!(reply.body.contains("max-stale"), "{}", reply.body);
    println!(
        "ZooKeeper down: reads served for ~8 s (a run {within:?} after the loss submitted: {}), then exit 4",
        after > before
    );

    // ZooKeeper back (the session expired meanwhile): B makes a new
    // session, serves and takes writes again, and runs go on.
    zk.restart_killed();
    let started = Instant::now();
    while b.healthz().body.trim() != "ok" {
        assert!(
            started.elapsed() < Duration::from_secs(60),
            "B has no session 60 s after ZooKeeper's quorum: {}\nB's log:\n{}",
            b.healthz().body,
            b.log.lock().unwrap()
        );
        std::thread::sleep(Duration::from_millis(5));
    }
    let back = started.elapsed();
    println!("B back {back:?} after the ensemble's quorum");
    let doc = b.document();
    let put = b.put(&doc, doc["version"].as_u64().unwrap());
    assert_eq!(put.status, 200, "{}", put.body);
    let out = runner.run(&both, &["run", "shell", "--", "true"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
}

fn the_kill_switch_thrown_through_one_server_stops_a_run_reading_the_other(cp: &str) {
    let runner = Runner::start();
    let zk = Ensemble::start(cp);
    let store = zk.store("hjob/switch");
    let seed = runner.sandbox.state_document().clone();
    let a = StateServer::start(zk.dir.path(), &store, &seed, &[]);
    let b = StateServer::start(zk.dir.path(), &store, &seed, &[]);
    let out = runner.run(
        &a.url,
        &["admin", "disable", "--message", "NameNode upgrade", "--yes"],
    );
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let seen = wait_for("B to serve the switch", Duration::from_secs(30), || {
        b.document()["submission"]["enabled"] == json!(false)
    });
    println!("kill switch thrown through A served by B after {seen:?}");
    let before = runner.submissions();
    let out = runner.run(&b.url, &["run", "shell", "--", "true"]);
    assert_eq!(out.status.code(), Some(3), "{}", text(&out.stderr));
    assert!(
        text(&out.stderr).contains("NameNode upgrade"),
        "{}",
        text(&out.stderr)
    );
    assert_eq!(runner.submissions(), before, "nothing submitted");

    // --audit-retention keeps the newest entries.
    let c = StateServer::start(
        zk.dir.path(),
        &zk.store("hjob/retention"),
        &seed,
        &["--audit-retention", "3"],
    );
    for _ in 0..6 {
        let doc = c.document();
        assert_eq!(c.put(&doc, doc["version"].as_u64().unwrap()).status, 200);
    }
    let versions: Vec<u64> = c
        .audit()
        .iter()
        .map(|e| e["version"].as_u64().unwrap())
        .collect();
    assert_eq!(versions, [7, 6, 5]);
}

fn an_auth_file_locks_the_znodes_and_migrate_copies_a_file_store(cp: &str) {
    let zk = Ensemble::start(cp);
    let dir = zk.dir.path();
    // A file store with history, copied into ZooKeeper.
    let file_store = dir.join("state.json");
    let home = tempfile::tempdir().unwrap();
    let mut file_server = StateServer::start(dir, file_store.to_str().unwrap(), &seed(), &[]);
    for n in 0..3 {
        let doc = file_server.document();
        let mut next = doc.clone();
        next["submission"]["message"] = json!(format!("m{n}"));
        assert_eq!(
            file_server
                .put(&next, doc["version"].as_u64().unwrap())
                .status,
            200
        );
    }
    file_server.kill();
    let auth = dir.join("zk.auth");
    std::fs::write(&auth, "hjob:zk-secret-1\n").unwrap();
    let target = zk.store("hjob/migrated");
    let migrate = |extra: &[&str]| {
        hjob(home.path())
            .args(["state-server", "migrate", "--from"])
            .arg(&file_store)
            .args(["--to", &target, "--zk-auth-file"])
            .arg(&auth)
            .args(extra)
            .output()
            .unwrap()
    };
    let out = migrate(&[]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert!(!text(&out.stderr).contains("zk-secret-1"));
    let out = migrate(&[]);
    assert_eq!(out.status.code(), Some(2), "{}", text(&out.stderr));
    assert!(
        text(&out.stderr).contains("--force"),
        "{}",
        text(&out.stderr)
    );
    let out = migrate(&["--force"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));

    let auth_arg = auth.to_str().unwrap();
    let server = StateServer::start(dir, &target, &seed(), &["--zk-auth-file", auth_arg]);
    assert!(!server.log.lock().unwrap().contains("zk-secret-1"));
    assert!(
        !server
            .log
            .lock()
            .unwrap()
            .contains("znodes are created open")
    );
    let doc = server.document();
    assert_eq!(doc["version"], 4);
    assert_eq!(doc["submission"]["message"], "m2");
    assert_audit_exact(&server, 4);
    // Writes through the server work; a ZooKeeper client without the
    // identity may read but not write.
    let reply = server.put(&doc, 4);
    assert_eq!(reply.status, 200, "{}", reply.body);
    let hosts = zk.hosts();
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    runtime.block_on(async {
        let client = zookeeper_client::Client::connect(&hosts).await.unwrap();
        let (data, stat) = client.get_data("/hjob/migrated/state").await.unwrap();
        assert!(String::from_utf8_lossy(&data).contains("\"version\":5"));
        let refused = client
            .set_data("/hjob/migrated/state", b"{}", Some(stat.version))
            .await
            .unwrap_err();
        assert_eq!(refused, zookeeper_client::Error::NoAuth);
        let refused = client
            .create(
                "/hjob/migrated/audit/x",
                b"",
                &zookeeper_client::CreateMode::Persistent
                    .with_acls(zookeeper_client::Acls::anyone_all()),
            )
            .await
            .unwrap_err();
        assert_eq!(refused, zookeeper_client::Error::NoAuth);
    });
    // Without the identity, no server may create a store under a secured
    // parent, and the error says why.
    let seed_file = dir.join("other-seed.json");
    std::fs::write(&seed_file, seed().to_string()).unwrap();
    let out = hjob(home.path())
        .args(["state-server", "--listen", "127.0.0.1:0", "--store"])
        .arg(zk.store("hjob/other"))
        .arg("--init")
        .arg(&seed_file)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2), "{}", text(&out.stderr));
    assert!(
        text(&out.stderr).contains("not authorised by the ACL"),
        "{}",
        text(&out.stderr)
    );
    // A server without the identity on the secured store: refused at
    // startup, saying which flag fixes it.
    let out = hjob(home.path())
        .args([
            "state-server",
            "--listen",
            "127.0.0.1:0",
            "--store",
            &target,
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2), "{}", text(&out.stderr));
    assert!(
        text(&out.stderr).contains("does not let this server write"),
        "{}",
        text(&out.stderr)
    );
    // Without the file the server says the znodes are open.
    let open = StateServer::start(dir, &zk.store("open/hjob"), &seed(), &[]);
    assert!(open.log.lock().unwrap().contains("znodes are created open"));
}

/// One set of store rules: the same PUTs, sent to a file store and to a
/// ZooKeeper store seeded alike, get the same status, `ETag`, error and
/// field, and leave the same documents and audit entries (less the time
/// stamps).
fn the_file_and_zookeeper_stores_answer_every_write_alike(cp: &str) {
    let zk = Ensemble::start(cp);
    let dir = zk.dir.path();
    let file_store = dir.join("state.json");
    let file = StateServer::start(dir, file_store.to_str().unwrap(), &seed(), &[]);
    let zoo = StateServer::start(dir, &zk.store("hjob/alike"), &seed(), &[]);
    let mut changed = seed();
    changed["submission"]["message"] = json!("alike");
    let mut unknown_cluster = seed();
    unknown_cluster["active_cluster"] = json!("corgi");
    let not_an_object = json!([1, 2]);
    // (body, If-Match) in order; the versions go 1 -> 2 -> 3.
    let writes: [(&Value, &str); 9] = [
        (&not_an_object, "\"1\""),
        (&unknown_cluster, "\"1\""),
        (&changed, "\"1\""),
        // Stale: 412 whatever the body, so the admin reads again first.
        (&not_an_object, "\"1\""),
        (&unknown_cluster, "\"1\""),
        (&changed, "\"1\""),
        (&not_an_object, "*"),
        (&changed, "*"),
        (&changed, "\"3\""),
    ];
    let put = |server: &StateServer, body: &Value, if_match: &str| {
        request(
            "PUT",
            &format!("{}/v1/state", server.url),
            &[
                ("Authorization", &format!("Bearer {TOKEN}")),
                ("If-Match", if_match),
                ("Content-Type", "application/json"),
            ],
            Some(&body.to_string()),
        )
    };
    let without_time = |mut v: Value| {
        if let Some(obj) = v.as_object_mut() {
            obj.remove("updated_at");
            obj.remove("at");
        }
        v
    };
    for (n, (body, if_match)) in writes.into_iter().enumerate() {
        let from_file = put(&file, body, if_match);
        let from_zk = put(&zoo, body, if_match);
        let seen = |r: &Reply| {
            (
                r.status,
                r.header("ETag").map(str::to_owned),
                without_time(serde_json::from_str(&r.body).unwrap_or(json!(r.body))),
            )
        };
        assert_eq!(
            seen(&from_zk),
            seen(&from_file),
            "write {n} (If-Match {if_match}, body {body}): ZooKeeper store left, file store right"
        );
    }
    assert_eq!(zoo.document()["version"], 4);
    assert_eq!(without_time(zoo.document()), without_time(file.document()));
    let audit = |server: &StateServer| -> Vec<Value> {
        server.audit().into_iter().map(without_time).collect()
    };
    assert_eq!(audit(&zoo), audit(&file));
}
