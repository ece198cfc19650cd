//! Staging through the real `hjob` binary onto the real HDFS: byte-exact
//! files in the content-addressed cache, re-runs that upload nothing,
//! concurrent runs, refused directories, interrupted uploads.

use std::io::Read as _;
use std::process::Stdio;
use std::time::{Duration, Instant};

use serde_json::Value;

use crate::Test;
use crate::rig::{Rig, World, blake3_hex, text, unique};

pub const TESTS: &[Test] = &[
    (
        "staging::a_new_jar_lands_byte_exact_in_the_cache",
        a_new_jar_lands_byte_exact_in_the_cache,
    ),
    (
        "staging::a_rerun_uploads_zero_bytes",
        a_rerun_uploads_zero_bytes,
    ),
    (
        "staging::three_concurrent_runs_with_one_new_jar_leave_one_copy",
        three_concurrent_runs_with_one_new_jar_leave_one_copy,
    ),
    (
        "staging::a_user_without_an_hdfs_home_gets_exit_2_naming_the_path",
        a_user_without_an_hdfs_home_gets_exit_2_naming_the_path,
    ),
    (
        "staging::an_interrupted_upload_leaves_nothing_a_later_run_trips_over",
        an_interrupted_upload_leaves_nothing_a_later_run_trips_over,
    ),
    (
        "staging::files_with_every_allowed_name_character_arrive_exact",
        files_with_every_allowed_name_character_arrive_exact,
    ),
];

/// Random bytes, so every run stages a jar HDFS has never seen.
fn random_bytes(len: usize) -> Vec<u8> {
    let mut bytes = vec![0u8; len];
    std::fs::File::open("/dev/urandom")
        .unwrap()
        .read_exact(&mut bytes)
        .unwrap();
    bytes
}

fn detach_java(world: &World, jar: &std::path::Path, extra: &[&str]) -> std::process::Output {
    let mut args = vec![
        "run",
        "java",
        "--jar",
        jar.to_str().unwrap(),
        "--main-class",
        "rig.Main",
        "--detach",
        "--output",
        "json",
    ];
    args.extend_from_slice(extra);
    world.run(&args)
}

/// `hjob run java --jar JAR --detach --output json`, started, output piped.
fn spawn_java(world: &World, jar: &std::path::Path) -> std::process::Child {
    world
        .hjob()
        .args(["run", "java", "--jar", jar.to_str().unwrap()])
        .args(["--main-class", "rig.Main", "--detach", "--output", "json"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap()
}

fn doc(out: &std::process::Output) -> Value {
    serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!(
            "stdout is not one JSON document ({e}): {}\nstderr: {}",
            text(&out.stdout),
            text(&out.stderr)
        )
    })
}

fn cache_path(rig: &Rig, bytes: &[u8], name: &str) -> String {
    format!("{}/.hjob/cache/{}/{name}", rig.home(), blake3_hex(bytes))
}

fn a_new_jar_lands_byte_exact_in_the_cache(rig: &Rig) {
    let world = World::new(rig);
    let bytes = random_bytes(3 * 1024 * 1024 + 17);
    let jar = world.write("job.jar", &bytes);
    let out = detach_java(&world, &jar, &[]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let doc = doc(&out);
    assert_eq!(doc["uploaded_bytes"], bytes.len() as u64, "{doc}");

    let staged = cache_path(rig, &bytes, "job.jar");
    let back = rig.read(&staged);
    assert_eq!(back.len(), bytes.len());
    assert_eq!(blake3_hex(&back), blake3_hex(&bytes), "{staged} differs");
    // Only the renamed file is left in its cache directory.
    let dir = staged.rsplit_once('/').unwrap().0;
    assert_eq!(rig.list(dir), vec!["job.jar".to_owned()]);

    // The workflow the submission points at is on HDFS too.
    let submissions = world.submissions.lock().unwrap();
    assert_eq!(submissions.len(), 1);
    let app_path = submissions[0]
        .split("<name>oozie.wf.application.path</name>")
        .nth(1)
        .and_then(|rest| rest.split("<value>").nth(1))
        .and_then(|rest| rest.split("</value>").next())
        .expect("oozie.wf.application.path in the submitted configuration")
        .to_owned();
    let workflow = rig.read(&format!(
        "{}/workflow.xml",
        hjob::staging::hdfs_path(&app_path).trim_end_matches('/')
    ));
    assert!(text(&workflow).contains("<java"), "{}", text(&workflow));
    assert!(text(&workflow).contains("rig.Main"));
}

fn a_rerun_uploads_zero_bytes(rig: &Rig) {
    let world = World::new(rig);
    let bytes = random_bytes(1024 * 1024);
    let jar = world.write("again.jar", &bytes);
    let first = detach_java(&world, &jar, &[]);
    assert!(first.status.success(), "{}", text(&first.stderr));
    assert_eq!(doc(&first)["uploaded_bytes"], bytes.len() as u64);

    // A second machine (a fresh home: no remembered hashes) finds the copy.
    let other = World::new(rig);
    let jar2 = other.write("again.jar", &bytes);
    for (who, jar) in [(&world, &jar), (&other, &jar2)] {
        let again = detach_java(who, jar, &[]);
        assert!(again.status.success(), "{}", text(&again.stderr));
        assert_eq!(doc(&again)["uploaded_bytes"], 0, "{}", text(&again.stdout));
    }
}

fn three_concurrent_runs_with_one_new_jar_leave_one_copy(rig: &Rig) {
    let bytes = random_bytes(8 * 1024 * 1024);
    let worlds: Vec<World> = (0..3).map(|_| World::new(rig)).collect();
    let children: Vec<_> = worlds
        .iter()
        .map(|w| {
            let jar = w.write("shared.jar", &bytes);
            spawn_java(w, &jar)
        })
        .collect();
    for child in children {
        let out = child.wait_with_output().unwrap();
        assert!(out.status.success(), "{}", text(&out.stderr));
    }
    let staged = cache_path(rig, &bytes, "shared.jar");
    let dir = staged.rsplit_once('/').unwrap().0;
    assert_eq!(
        rig.list(dir),
        vec!["shared.jar".to_owned()],
        "one copy, no temp files"
    );
    assert_eq!(blake3_hex(&rig.read(&staged)), blake3_hex(&bytes));
}

fn a_user_without_an_hdfs_home_gets_exit_2_naming_the_path(rig: &Rig) {
    // /user is the superuser's (755): a user with no home may not create one.
    let user = unique("nohome").replace('-', "");
    let world = World::as_user(rig, &user);
    let jar = world.write("x.jar", &random_bytes(1000));
    let out = detach_java(&world, &jar, &[]);
    let stderr = text(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    let doc = doc(&out);
    let message = doc["error"]["message"].as_str().unwrap_or_default();
    let hint = doc["error"]["hint"].as_str().unwrap_or_default();
    assert!(message.contains("AccessControlException"), "{doc}");
    assert!(message.contains("/user"), "{doc}");
    assert!(hint.contains(&user) && hint.contains("/user/"), "{doc}");
    assert!(
        world.submissions.lock().unwrap().is_empty(),
        "nothing submitted"
    );
}

fn an_interrupted_upload_leaves_nothing_a_later_run_trips_over(rig: &Rig) {
    let world = World::new(rig);
    let bytes = random_bytes(192 * 1024 * 1024);
    let jar = world.write("big.jar", &bytes);
    // A new jar is uploaded under a temporary name in cache/ (its hash is
    // only known once it is read), then renamed into cache/<blake3>/.
    let cache = format!("{}/.hjob/cache", rig.home());
    let cache_dir = cache_path(rig, &bytes, "big.jar")
        .rsplit_once('/')
        .unwrap()
        .0
        .to_owned();
    let partial = |names: &[String]| names.iter().any(|n| n.starts_with(".big.jar.hjob-upload."));
    let mut child = spawn_java(&world, &jar);
    // Kill it once its partial file is on HDFS: mid-upload.
    let deadline = Instant::now() + Duration::from_secs(120);
    loop {
        if partial(&rig.list(&cache)) {
            break;
        }
        if child.try_wait().unwrap().is_some() {
            panic!("hjob ended before its upload could be interrupted");
        }
        assert!(
            Instant::now() < deadline,
            "no partial upload appeared in {cache}"
        );
        std::thread::sleep(Duration::from_millis(5));
    }
    child.kill().unwrap();
    child.wait().unwrap();
    assert!(
        rig.list(&cache_dir).is_empty(),
        "a killed upload must not be visible under the cache name: {:?}",
        rig.list(&cache_dir)
    );

    let again = detach_java(&world, &jar, &[]);
    assert!(again.status.success(), "{}", text(&again.stderr));
    assert_eq!(doc(&again)["uploaded_bytes"], bytes.len() as u64);
    let staged = cache_path(rig, &bytes, "big.jar");
    assert_eq!(blake3_hex(&rig.read(&staged)), blake3_hex(&bytes));
    assert_eq!(rig.list(&cache_dir), vec!["big.jar".to_owned()]);
    // The killed client's partial file was cleaned up by the next upload.
    assert!(!partial(&rig.list(&cache)), "{:?}", rig.list(&cache));
}

/// hjob ships files under their own names (letters, digits and `._+=@,-`;
/// others are refused before anything is staged).
fn files_with_every_allowed_name_character_arrive_exact(rig: &Rig) {
    let world = World::new(rig);
    let jar_bytes = random_bytes(4096);
    let jar = world.write("job.jar", &jar_bytes);
    let names = ["my_data-v2.txt", "a+b=c@d,e.csv", ".hidden", "x"];
    let mut args: Vec<String> = Vec::new();
    let mut contents = Vec::new();
    for name in names {
        let content = format!("{name}\n{}", unique("content")).into_bytes();
        let path = world.write(name, &content);
        args.push("--file".into());
        args.push(path.to_str().unwrap().to_owned());
        contents.push((name, content));
    }
    let extra: Vec<&str> = args.iter().map(String::as_str).collect();
    let out = detach_java(&world, &jar, &extra);
    assert!(out.status.success(), "{}", text(&out.stderr));
    for (name, content) in contents {
        let staged = cache_path(rig, &content, name);
        assert_eq!(rig.read(&staged), content, "{staged}");
    }
}
