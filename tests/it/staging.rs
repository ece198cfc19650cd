//! Staging new files (over `HASH_FIRST_LIMIT`, 8 MiB): read once (hashed
//! while uploading), written under a
//! temporary name and renamed into `cache/<blake3>/`; one copy when two
//! runs ship the same jar; a jar changed during its upload is read again,
//! never staged torn; and the requests of a first run and a re-run, which
//! the README lists.

use std::path::{Path, PathBuf};
use std::process::{Output, Stdio};
use std::time::{Duration, Instant};

use hjob_sandbox::{RequestRecord, Service};

use super::e2e::{World, client_settings, json_doc, text, write_file};

fn code(out: &Output) -> i32 {
    out.status.code().unwrap_or(-1)
}

fn blake3_hex(bytes: &[u8]) -> String {
    blake3::hash(bytes).to_hex().to_string()
}

/// The sandbox's copy of alice's `.hjob/cache`.
fn cache_dir(world: &World) -> PathBuf {
    world
        .sandbox
        .dir()
        .join("alpha/hdfs/user/alice/.hjob/cache")
}

/// Names in a directory, sorted (empty when it does not exist).
fn names(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .map(|entries| {
            entries
                .flatten()
                .map(|e| e.file_name().to_string_lossy().into_owned())
                .collect()
        })
        .unwrap_or_default();
    names.sort();
    names
}

fn op(record: &RequestRecord) -> String {
    record
        .query
        .as_deref()
        .unwrap_or("")
        .split('&')
        .find_map(|kv| kv.strip_prefix("op="))
        .unwrap_or("")
        .to_owned()
}

fn java(world: &World, jar: &Path, data_home: Option<&Path>) -> std::process::Command {
    let mut cmd = world.hjob();
    cmd.args(["run", "java", "--jar", jar.to_str().unwrap()])
        .args(["--main-class", "X", "--detach", "--output", "json"]);
    if let Some(home) = data_home {
        cmd.env("XDG_DATA_HOME", home);
    }
    cmd
}

/// Polls until `condition` holds, for at most `limit`.
fn eventually(limit: Duration, what: &str, mut condition: impl FnMut() -> bool) {
    let deadline = Instant::now() + limit;
    while !condition() {
        assert!(Instant::now() < deadline, "timed out waiting for {what}");
        std::thread::sleep(Duration::from_millis(10));
    }
}

#[test]
fn a_new_jar_is_read_once_uploaded_under_a_temporary_name_and_renamed_into_its_cache_dir() {
    let world = World::new();
    // Over HASH_FIRST_LIMIT: hashed while it uploads.
    let bytes: Vec<u8> = (0..9 * 1024 * 1024 + 5).map(|i| (i % 253) as u8).collect();
    let hash = blake3_hex(&bytes);
    let jar = write_file(world.home.path(), "job.jar", &bytes);
    let out = java(&world, &jar, None).output().unwrap();
    assert_eq!(code(&out), 0, "{}", text(&out.stderr));
    assert_eq!(json_doc(&out)["uploaded_bytes"], bytes.len() as u64);

    let all = world.sandbox.all_requests();
    // Nothing asked about cache/<blake3>/ before the upload: the hash was
    // not known before the file was read for it.
    let put = all
        .iter()
        .position(|r| r.service == Service::DataNode && r.path.contains("job.jar"))
        .expect("a DataNode PUT of the jar");
    assert!(
        all[..put].iter().all(|r| !r.path.contains(&hash)),
        "{:#?}",
        &all[..put]
    );
    // Written under a temporary name in cache/, then renamed into place.
    assert!(
        all[put]
            .path
            .contains("/user/alice/.hjob/cache/.job.jar.hjob-upload."),
        "{}",
        all[put].path
    );
    assert_eq!(all[put].bytes_in, bytes.len() as u64);
    let rename = all
        .iter()
        .find(|r| op(r) == "RENAME")
        .expect("a RENAME into the cache");
    assert!(
        rename.query.as_deref().unwrap().contains(&format!(
            "destination=%2Fuser%2Falice%2F.hjob%2Fcache%2F{hash}%2Fjob.jar"
        )),
        "{rename:?}"
    );
    let cache = cache_dir(&world);
    assert_eq!(
        std::fs::read(cache.join(&hash).join("job.jar")).unwrap(),
        bytes
    );
    assert_eq!(names(&cache), vec![hash.clone()], "no temporary file left");
    // The workflow names the cache path.
    let posted = world
        .sandbox
        .requests(Service::Oozie)
        .into_iter()
        .filter(|r| r.method == "POST")
        .count();
    assert_eq!(posted, 1);
    let runs = world.sandbox.dir().join("alpha/hdfs/user/alice/.hjob/runs");
    let run = names(&runs).pop().unwrap();
    let workflow = std::fs::read_to_string(runs.join(run).join("workflow.xml")).unwrap();
    assert!(
        workflow.contains(&format!("/user/alice/.hjob/cache/{hash}/job.jar")),
        "{workflow}"
    );

    // The hash learnt while uploading is remembered: a re-run reads
    // nothing and uploads nothing.
    world.sandbox.clear_requests();
    let again = java(&world, &jar, None).output().unwrap();
    assert_eq!(code(&again), 0, "{}", text(&again.stderr));
    assert_eq!(json_doc(&again)["uploaded_bytes"], 0);
}

#[test]
fn a_jar_already_in_the_cache_after_its_upload_is_kept_once_and_the_temporary_file_removed() {
    let world = World::new();
    let bytes = vec![3u8; 9 * 1024 * 1024];
    let hash = blake3_hex(&bytes);
    let jar = write_file(world.home.path(), "shared.jar", &bytes);
    let first = java(&world, &jar, None).output().unwrap();
    assert_eq!(code(&first), 0, "{}", text(&first.stderr));

    // Another machine (no remembered hash) ships the same jar: it uploads
    // it (the hash is only known at the end), finds the copy in place,
    // keeps that one and removes its own.
    world.sandbox.clear_requests();
    let other_home = tempfile::tempdir().unwrap();
    let second = java(&world, &jar, Some(other_home.path()))
        .output()
        .unwrap();
    assert_eq!(code(&second), 0, "{}", text(&second.stderr));
    let all = world.sandbox.all_requests();
    let ops: Vec<String> = all
        .iter()
        .filter(|r| r.service == Service::NameNode)
        .map(op)
        .collect();
    let rename = ops.iter().position(|o| o == "RENAME").unwrap();
    assert_eq!(
        &ops[rename..rename + 3],
        ["RENAME", "GETFILESTATUS", "DELETE"],
        "{ops:?}"
    );
    let cache = cache_dir(&world);
    assert_eq!(names(&cache), vec![hash.clone()], "no temporary file left");
    assert_eq!(names(&cache.join(&hash)), vec!["shared.jar".to_owned()]);
    assert_eq!(
        std::fs::read(cache.join(&hash).join("shared.jar")).unwrap(),
        bytes
    );

    // Three at once, none knowing the hash: every run succeeds, one copy.
    let bytes = vec![4u8; 10 * 1024 * 1024];
    let hash = blake3_hex(&bytes);
    let jar = write_file(world.home.path(), "together.jar", &bytes);
    world
        .sandbox
        .set_latency(Service::DataNode, Duration::from_millis(300));
    let homes: Vec<_> = (0..3).map(|_| tempfile::tempdir().unwrap()).collect();
    let children: Vec<_> = homes
        .iter()
        .map(|home| {
            java(&world, &jar, Some(home.path()))
                .stdout(Stdio::piped())
                .stderr(Stdio::piped())
                .spawn()
                .unwrap()
        })
        .collect();
    for child in children {
        let out = child.wait_with_output().unwrap();
        assert_eq!(code(&out), 0, "{}", text(&out.stderr));
    }
    world.sandbox.set_latency(Service::DataNode, Duration::ZERO);
    assert_eq!(names(&cache.join(&hash)), vec!["together.jar".to_owned()]);
    assert_eq!(
        std::fs::read(cache.join(&hash).join("together.jar")).unwrap(),
        bytes
    );
    assert!(
        names(&cache).iter().all(|n| !n.starts_with('.')),
        "no temporary file left: {:?}",
        names(&cache)
    );
}

/// Runs a java job shipping `name` holding `old`, and while its upload is
/// held mid-way (the DataNode waits before reading the body) writes `new`
/// over it, as a build would; returns the run's output.
fn rewritten_during_its_upload(world: &World, name: &str, old: &[u8], new: &[u8]) -> Output {
    let jar = write_file(world.home.path(), name, old);
    world
        .sandbox
        .set_latency(Service::DataNode, Duration::from_secs(2));
    let child = java(world, &jar, None)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    eventually(
        Duration::from_secs(20),
        "the jar's upload in flight",
        || {
            world
                .sandbox
                .requests(Service::DataNode)
                .iter()
                .any(|r| r.method == "PUT" && r.path.contains(name) && r.status == 0)
        },
    );
    std::fs::write(&jar, new).unwrap();
    world.sandbox.set_latency(Service::DataNode, Duration::ZERO);
    child.wait_with_output().unwrap()
}

#[test]
fn a_jar_changed_during_its_upload_is_read_again_and_never_staged_torn() {
    let world = World::new();
    let old = vec![1u8; 24 * 1024 * 1024];
    // A build writes the jar again meanwhile (a new, longer version).
    let mut new = vec![2u8; 25 * 1024 * 1024];
    new[0] = 9;
    let out = rewritten_during_its_upload(&world, "big.jar", &old, &new);
    assert_eq!(code(&out), 0, "{}", text(&out.stderr));
    assert!(
        text(&out.stderr).contains("changed while it was uploaded; reading it again"),
        "{}",
        text(&out.stderr)
    );
    assert_eq!(json_doc(&out)["uploaded_bytes"], new.len() as u64);
    // Only the new version is in the cache, complete; nothing torn, no
    // temporary file.
    let cache = cache_dir(&world);
    let hash = blake3_hex(&new);
    assert_eq!(names(&cache), vec![hash.clone()]);
    assert_eq!(
        std::fs::read(cache.join(&hash).join("big.jar")).unwrap(),
        new
    );
    let puts = world
        .sandbox
        .requests(Service::DataNode)
        .into_iter()
        .filter(|r| r.method == "PUT" && r.path.contains("big.jar"))
        .count();
    assert_eq!(puts, 2, "the torn upload, then the new version");
    // The workflow was written as soon as a hash was known (maybe the old
    // version's): the one submitted names the new version.
    assert_eq!(the_workflows(&world).len(), 1);
    let workflow = &the_workflows(&world)[0];
    assert!(
        workflow.contains(&format!("/cache/{hash}/big.jar")),
        "{workflow}"
    );
    assert!(
        !workflow.contains(&format!("/cache/{}/", blake3_hex(&old))),
        "{workflow}"
    );
}

/// Every run's workflow in the sandbox's copy of alice's `.hjob/runs`.
fn the_workflows(world: &World) -> Vec<String> {
    let runs = cache_dir(world).parent().unwrap().join("runs");
    names(&runs)
        .iter()
        .map(|id| std::fs::read_to_string(runs.join(id).join("workflow.xml")).unwrap())
        .collect()
}

/// The lines of the README block that follows `marker`, up to its end.
fn readme_block(marker: &str) -> Vec<String> {
    let readme =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/README.md")).unwrap();
    let start = readme
        .find(marker)
        .unwrap_or_else(|| panic!("README has no {marker:?}"));
    let block = &readme[start..];
    let body = block.split("```text\n").nth(1).unwrap();
    body.split("\n```")
        .next()
        .unwrap()
        .lines()
        .map(|l| l.split("  #").next().unwrap().trim_end().to_owned())
        .collect()
}

/// One request as the README lists it: `SERVICE METHOD OP-or-path`.
fn describe(r: &RequestRecord) -> String {
    let what = match r.service {
        Service::NameNode | Service::DataNode => {
            let o = op(r);
            let path = r.path.trim_start_matches("/webhdfs/v1/user/alice/.hjob");
            let path = if path.contains(".hjob-upload.") {
                let (dir, name) = path.rsplit_once('/').unwrap();
                format!(
                    "{dir}/.{}.hjob-upload.…",
                    name[1..].split(".hjob-upload.").next().unwrap()
                )
            } else {
                path.to_owned()
            };
            let path = path
                .split('/')
                .map(|s| {
                    if s.len() == 64 {
                        "<blake3>"
                    } else if s.len() == 24 && s.contains('T') {
                        "<id>"
                    } else {
                        s
                    }
                })
                .collect::<Vec<_>>()
                .join("/");
            format!("{o} {path}")
        }
        _ => r.path.split('/').take(4).collect::<Vec<_>>().join("/"),
    };
    format!("{:?} {} {what}", r.service, r.method)
}

fn sorted(mut lines: Vec<String>) -> Vec<String> {
    lines.sort();
    lines
}

#[test]
fn the_readme_lists_the_requests_of_a_first_run_and_a_rerun() {
    let world = World::new();
    let jar = write_file(world.home.path(), "job.jar", &vec![8u8; 9 * 1024 * 1024]);
    let run = |world: &World| {
        world.sandbox.clear_requests();
        let out = java(world, &jar, None).output().unwrap();
        assert_eq!(code(&out), 0, "{}", text(&out.stderr));
        world
            .sandbox
            .all_requests()
            .iter()
            .map(describe)
            .collect::<Vec<_>>()
    };
    let first = run(&world);
    let again = run(&world);
    world.sandbox.clear_requests();
    let out = world.run(&["run", "shell", "--detach", "--", "true"]);
    assert_eq!(code(&out), 0, "{}", text(&out.stderr));
    let shell: Vec<String> = world.sandbox.all_requests().iter().map(describe).collect();
    // The same requests (the clean-up listing runs beside the upload, so
    // the order may differ there).
    for (marker, seen) in [
        ("<!-- requests: first run -->", first),
        ("<!-- requests: re-run -->", again),
        ("<!-- requests: shell -->", shell),
    ] {
        assert_eq!(
            sorted(readme_block(marker)),
            sorted(seen.clone()),
            "{marker}: the sandbox saw\n{}",
            seen.join("\n")
        );
    }
}

#[test]
fn a_small_new_file_is_hashed_first_and_found_in_the_cache_without_an_upload() {
    let world = World::new();
    let bytes = vec![6u8; 1024 * 1024];
    let jar = write_file(world.home.path(), "small.jar", &bytes);
    let first = java(&world, &jar, None).output().unwrap();
    assert_eq!(code(&first), 0, "{}", text(&first.stderr));
    // Another machine (no remembered hash): under the limit, it hashes
    // first and finds the copy.
    let other_home = tempfile::tempdir().unwrap();
    let again = java(&world, &jar, Some(other_home.path()))
        .output()
        .unwrap();
    assert_eq!(code(&again), 0, "{}", text(&again.stderr));
    assert_eq!(json_doc(&again)["uploaded_bytes"], 0);
}

/// Runs a java job shipping a new jar of `size` bytes named `name`, each
/// DataNode answer held 2 s, and checks that the workflow's CREATE went
/// out before the jar's RENAME (it did not wait for the jar's upload),
/// and that it was written once. Returns the jar's hash.
fn workflow_beside_a_slow_upload(world: &World, name: &str, size: usize) -> String {
    let content = vec![7u8; size];
    let jar = write_file(world.home.path(), name, &content);
    world
        .sandbox
        .set_latency(Service::DataNode, Duration::from_secs(2));
    let out = java(world, &jar, None).output().unwrap();
    world.sandbox.set_latency(Service::DataNode, Duration::ZERO);
    assert_eq!(code(&out), 0, "{}", text(&out.stderr));
    let all = world.sandbox.all_requests();
    let position = |what: &dyn Fn(&RequestRecord) -> bool| {
        all.iter()
            .position(what)
            .unwrap_or_else(|| panic!("{all:#?}"))
    };
    let workflow_create = position(&|r| {
        r.service == Service::NameNode && op(r) == "CREATE" && r.path.ends_with("/workflow.xml")
    });
    let jar_upload = position(&|r| r.service == Service::DataNode && r.path.contains(name));
    let jar_rename = position(&|r| r.service == Service::NameNode && op(r) == "RENAME");
    assert!(
        workflow_create < jar_rename && jar_upload < jar_rename,
        "the workflow waited for the jar: {:#?}",
        all.iter().map(describe).collect::<Vec<_>>()
    );
    let workflow_puts = all
        .iter()
        .filter(|r| r.service == Service::DataNode && r.path.ends_with("/workflow.xml"))
        .count();
    assert_eq!(workflow_puts, 1, "written once");
    blake3_hex(&content)
}

#[test]
fn with_every_hash_known_the_workflow_goes_up_while_the_jar_does() {
    // A real NameNode can take 0.4 s to close even a small file: the
    // workflow's CREATE does not wait for the jar's upload when its cache
    // path is known from the start (the jar is small: hashed first).
    let world = World::new();
    workflow_beside_a_slow_upload(&world, "side.jar", 2 * 1024 * 1024);
}

#[test]
fn a_new_jars_workflow_goes_up_once_its_hash_is_known_before_its_upload_ends() {
    // 9 MiB, new: hashed while it uploads. Its hash is known long before
    // the (slow) DataNode answers, and the workflow goes up then.
    let world = World::new();
    let hash = workflow_beside_a_slow_upload(&world, "early.jar", 9 * 1024 * 1024);
    // It names the jar's cache path.
    let workflows = the_workflows(&world);
    assert_eq!(workflows.len(), 1);
    assert!(
        workflows[0].contains(&format!("/cache/{hash}/early.jar")),
        "{}",
        workflows[0]
    );
}

#[test]
fn a_small_jar_changed_after_it_was_hashed_is_hashed_again_and_its_workflow_rewritten() {
    // Small: hashed before staging, so its workflow goes up at once naming
    // that hash. Rewritten while its upload is held: the upload is thrown
    // away, the new version hashed while it uploads, and the workflow
    // written again naming it.
    let world = World::new();
    let old = vec![1u8; 2 * 1024 * 1024];
    let new = vec![2u8; 3 * 1024 * 1024];
    let out = rewritten_during_its_upload(&world, "small.jar", &old, &new);
    assert_eq!(code(&out), 0, "{}", text(&out.stderr));
    let hash = blake3_hex(&new);
    assert_eq!(
        std::fs::read(cache_dir(&world).join(&hash).join("small.jar")).unwrap(),
        new
    );
    // Nothing under the old version's path: its upload, beside it under a
    // temporary name, was removed (the empty directory is gc's).
    assert_eq!(
        names(&cache_dir(&world).join(blake3_hex(&old))),
        Vec::<String>::new()
    );
    let workflows = the_workflows(&world);
    assert_eq!(workflows.len(), 1);
    assert!(
        workflows[0].contains(&format!("/cache/{hash}/small.jar")),
        "{}",
        workflows[0]
    );
    let workflow_puts = world
        .sandbox
        .requests(Service::DataNode)
        .iter()
        .filter(|r| r.path.ends_with("/workflow.xml"))
        .count();
    assert_eq!(workflow_puts, 2, "written at once, then again");
}

#[test]
fn a_jar_that_cannot_be_staged_leaves_no_run_directory_though_its_workflow_was_written() {
    // Small: hashed first, so its workflow goes up at once (held by a slow
    // DataNode) while the jar fails on the NameNode alone: a file stands
    // where its cache directory would go. The workflow's write is let end,
    // then the run directory is removed: nothing is submitted, nothing is
    // left behind.
    let world = World::new();
    let content = vec![3u8; 100_000];
    let jar = write_file(world.home.path(), "blocked.jar", &content);
    let cluster = world.sandbox.cluster(
        world.sandbox.state_document()["active_cluster"]
            .as_str()
            .unwrap(),
    );
    let hdfs = hjob::webhdfs::WebHdfsClient::new(
        &cluster.webhdfs_url(),
        "alice",
        &client_settings(),
        Default::default(),
    )
    .unwrap();
    let blocker = format!("/user/alice/.hjob/cache/{}", blake3_hex(&content));
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap()
        .block_on(hdfs.create_from_bytes(&blocker, b"not a directory".to_vec(), false))
        .unwrap();
    world.sandbox.clear_requests();
    world
        .sandbox
        .set_latency(Service::DataNode, Duration::from_millis(500));
    let out = java(&world, &jar, None).output().unwrap();
    world.sandbox.set_latency(Service::DataNode, Duration::ZERO);
    assert_eq!(code(&out), 4, "{}", text(&out.stderr));
    assert!(
        text(&out.stderr).contains(&format!(
            "hint: {blocker} is a file where hjob needs a directory: move it aside"
        )),
        "{}",
        text(&out.stderr)
    );
    let all = world.sandbox.all_requests();
    let steps: Vec<String> = all.iter().map(describe).collect();
    assert!(
        all.iter().any(|r| r.service == Service::DataNode
            && r.path.ends_with("/workflow.xml")
            && r.status == 201),
        "the workflow was written: {steps:#?}"
    );
    assert!(
        all.iter().any(|r| r.service == Service::NameNode
            && op(r) == "DELETE"
            && r.path.contains("/runs/")),
        "{steps:#?}"
    );
    assert!(
        all.iter().all(|r| r.service != Service::Oozie),
        "{steps:#?}"
    );
    let runs = world.sandbox.dir().join("alpha/hdfs/user/alice/.hjob/runs");
    assert_eq!(names(&runs), Vec::<String>::new(), "{steps:#?}");
}
