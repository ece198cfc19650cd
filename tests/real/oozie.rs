//! The real `hjob` binary against real Apache Oozie 5.2.1 on the rig (its
//! REST servlets in the rig's JVM, launchers on the rig's MiniYARNCluster),
//! through the rig's real `hjob state-server`: endings, exit codes, error
//! codes and messages, logs, EL escaping of arguments, and the codes the real
//! Oozie gives the shared conformance kit's invalid workflows.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Output;
use std::time::{Duration, Instant};

use serde_json::Value;

use crate::Test;
use crate::rig::{Rig, block_on, get_json, hjob_command, home_with, text, unique};

pub const TESTS: &[Test] = &[
    (
        "oozie::build_version_is_the_real_5_2_1",
        build_version_is_the_real_5_2_1,
    ),
    (
        "oozie::run_shell_succeeds_with_exit_0_and_a_log_link_the_rm_answers",
        run_shell_succeeds_with_exit_0_and_a_log_link_the_rm_answers,
    ),
    (
        "oozie::run_shows_the_jobs_own_output_once_plain_in_a_pipe",
        run_shows_the_jobs_own_output_once_plain_in_a_pipe,
    ),
    (
        "oozie::argument_vectors_come_back_byte_exact_with_schema_0_5_and_1_0",
        argument_vectors_come_back_byte_exact_with_schema_0_5_and_1_0,
    ),
    (
        "oozie::a_shell_exiting_7_ends_failed_exit_1_with_the_real_error_and_its_stderr_in_logs",
        a_shell_exiting_7_ends_failed_exit_1_with_the_real_error_and_its_stderr_in_logs,
    ),
    (
        "oozie::kill_ends_a_running_job_killed",
        kill_ends_a_running_job_killed,
    ),
    (
        "oozie::detach_then_wait_status_json_and_list",
        detach_then_wait_status_json_and_list,
    ),
    (
        "oozie::java_with_a_jar_compiled_now_gets_its_args_properties_file_and_archive",
        java_with_a_jar_compiled_now_gets_its_args_properties_file_and_archive,
    ),
    (
        "oozie::spark_hive_and_scalding_are_accepted_and_end_on_the_missing_runtime",
        spark_hive_and_scalding_are_accepted_and_end_on_the_missing_runtime,
    ),
    (
        "oozie::a_lost_submit_answer_is_adopted_and_exactly_one_job_exists",
        a_lost_submit_answer_is_adopted_and_exactly_one_job_exists,
    ),
    (
        "oozie::logs_follow_streams_a_running_action_and_ends_with_the_job",
        logs_follow_streams_a_running_action_and_ends_with_the_job,
    ),
    (
        "oozie::the_job_record_survives_a_change_of_the_active_cluster",
        the_job_record_survives_a_change_of_the_active_cluster,
    ),
    (
        "oozie::the_real_oozie_trims_arguments_and_fails_empty_java_args",
        the_real_oozie_trims_arguments_and_fails_empty_java_args,
    ),
    (
        "oozie::real_answers_keep_the_recorded_shapes",
        real_answers_keep_the_recorded_shapes,
    ),
    (
        "oozie::invalid_samples_get_the_recorded_real_oozie_codes",
        invalid_samples_get_the_recorded_real_oozie_codes,
    ),
    (
        "oozie::do_as_runs_the_job_as_the_user_and_refusals_exit_2_with_nothing_submitted",
        do_as_runs_the_job_as_the_user_and_refusals_exit_2_with_nothing_submitted,
    ),
];

/// A hermetic home for `hjob`, pointed at the rig's real state server
/// (whose active cluster is the rig's HDFS, YARN and Oozie).
struct Real {
    home: tempfile::TempDir,
    rig: Rig,
}

impl Real {
    fn new(rig: &Rig) -> Real {
        let home = home_with(
            "[http]\ntimeout = \"60s\"\nbackoff_initial = \"50ms\"\nbackoff_max = \"1s\"\nstate_deadline = \"20s\"\n",
        );
        Real {
            home,
            rig: rig.clone(),
        }
    }

    fn run(&self, args: &[&str]) -> Output {
        hjob_command(self.home.path(), &self.rig.state_url, &self.rig.user)
            .args(args)
            .output()
            .expect("hjob runs")
    }

    fn write(&self, name: &str, content: &[u8]) -> PathBuf {
        let path = self.home.path().join(name);
        std::fs::write(&path, content).unwrap();
        path
    }

    /// `hjob ARGS --output json`: the one JSON document on stdout.
    fn json(&self, args: &[&str]) -> (Output, Value) {
        // Before the subcommand's arguments: after `--` it would be one.
        let mut all = vec!["--output", "json"];
        all.extend(args);
        let out = self.run(&all);
        let doc = serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
            panic!(
                "hjob {args:?} printed no JSON ({e}); exit {:?}\nstdout: {}\nstderr: {}",
                out.status.code(),
                text(&out.stdout),
                text(&out.stderr)
            )
        });
        (out, doc)
    }

    /// Submits with --detach; answers the job id.
    fn detach(&self, args: &[&str]) -> String {
        let mut all = args.to_vec();
        all.insert(2, "--detach"); // after `run KIND`
        let (out, doc) = self.json(&all);
        assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
        doc["id"].as_str().expect("an id").to_owned()
    }

    fn status(&self, id: &str) -> Value {
        let (out, doc) = self.json(&["status", id]);
        assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
        doc
    }

    /// `hjob logs ID` stdout.
    fn logs(&self, id: &str) -> String {
        let out = self.run(&["logs", id]);
        assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
        text(&out.stdout)
    }
}

fn code(out: &Output) -> Option<i32> {
    out.status.code()
}

fn oozie(rig: &Rig) -> &str {
    rig.oozie_url.as_deref().expect(
        "rig.json has no oozie_url: this rig predates Oozie; restart it with rig/run.sh stop DIR && rig/run.sh start DIR",
    )
}

fn action<'a>(status: &'a Value, name: &str) -> &'a Value {
    status["actions"]
        .as_array()
        .and_then(|a| a.iter().find(|x| x["name"] == name))
        .unwrap_or_else(|| panic!("no action {name} in {status}"))
}

fn build_version_is_the_real_5_2_1(rig: &Rig) {
    let v = get_json(&format!("{}/v2/admin/build-version", oozie(rig)));
    assert_eq!(v["buildVersion"], "5.2.1", "{v}");
    assert_eq!(
        get_json(&format!("{}/versions", oozie(rig))),
        serde_json::json!([0, 1, 2])
    );
    let s = get_json(&format!("{}/v2/admin/status", oozie(rig)));
    assert_eq!(s["systemMode"], "NORMAL", "{s}");
}

/// `hjob run` streams the action's own output from the real NodeManager
/// while the job runs: every byte of the launcher's stdout and stderr once
/// (the real launcher writes far more than one poll's window at start: its
/// environment and class path), with no terminal escapes in a pipe.
fn run_shows_the_jobs_own_output_once_plain_in_a_pipe(rig: &Rig) {
    let real = Real::new(rig);
    let out_mark = unique("live-out");
    let err_mark = unique("live-err");
    let script = format!("echo {out_mark}; echo {err_mark} >&2");
    // With JSON, the streamed output goes to stderr, whole.
    let (out, doc) = real.json(&["run", "shell", "--", "sh", "-c", &script]);
    assert_eq!(code(&out), Some(0), "{}", text(&out.stderr));
    let streamed = text(&out.stderr);
    assert!(
        !streamed.contains('\u{1b}'),
        "escape codes in a pipe: {streamed:?}"
    );
    assert!(!streamed.contains("bytes skipped"), "a gap was shown");
    // The launcher's own files, as YARN keeps them.
    let app = doc["actions"][0]["external_id"]
        .as_str()
        .expect("a launcher")
        .to_owned();
    let yarn = hjob::yarn::YarnClient::new(&rig.yarn_url, &crate::webhdfs::settings()).unwrap();
    let container = block_on(yarn.am_container(&app))
        .unwrap()
        .expect("its container");
    let mut files = String::new();
    for file in ["stdout", "stderr"] {
        let log = block_on(yarn.container_log(&container, file)).unwrap();
        files.push_str(&log.unwrap_or_default());
    }
    for mark in [&out_mark, &err_mark] {
        let expected = files.matches(mark.as_str()).count();
        assert!(expected >= 1, "{mark} not in the launcher's logs");
        assert_eq!(
            streamed.matches(mark.as_str()).count(),
            expected,
            "{mark}: {streamed}"
        );
    }
    // The streamed launcher stdout holds the whole file: its last line too.
    let last = files
        .lines()
        .rfind(|l| l.starts_with("Callback notification"))
        .map(str::to_owned);
    if let Some(last) = last {
        assert!(streamed.contains(&last), "{last:?} not streamed");
    }
}

fn run_shell_succeeds_with_exit_0_and_a_log_link_the_rm_answers(rig: &Rig) {
    let real = Real::new(rig);
    let word = unique("hello");
    let (out, doc) = real.json(&["run", "shell", "--", "echo", &word]);
    assert_eq!(code(&out), Some(0), "{doc}\n{}", text(&out.stderr));
    assert_eq!(doc["status"], "SUCCEEDED", "{doc}");
    let id = doc["id"].as_str().unwrap();

    let status = real.status(id);
    let link = status["log_urls"][0].as_str().expect("a log link");
    assert!(
        link.starts_with(&format!("{}/proxy/application_", rig.yarn_url)),
        "the log link {link} is not the rig's ResourceManager proxy ({})",
        rig.yarn_url
    );
    // The real RM's web proxy answers it (a finished application redirects
    // to its RM page).
    let link = link.to_owned();
    let answer = block_on(async move {
        reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .unwrap()
            .get(&link)
            .send()
            .await
            .map(|r| (r.status().as_u16(), r.headers().get("location").cloned()))
    })
    .expect("the RM answers the log link");
    assert!(
        answer.0 == 200 || (answer.0 == 302 && answer.1.is_some()),
        "log link answered {answer:?}"
    );

    let logs = real.logs(id);
    assert!(logs.contains(&format!("Stdoutput {word}")), "{logs}");
}

/// Arguments built to trip EL, XML and shell quoting: `${…}`, `#{…}`, `\`,
/// quotes, `<&>`, `]]>`, unicode, empty strings, whitespace, newlines.
fn corpus() -> Vec<String> {
    let atoms: Vec<&str> = vec![
        "",
        "plain",
        "${x}",
        "${'$'}",
        "${wf:id()}",
        "${wf:user()}",
        "${nameNode}",
        "$${x}",
        "\\${x}",
        "${",
        "}",
        "$",
        "$$",
        "#{x}",
        "#{",
        "#",
        "\\",
        "\\\\",
        "\\n",
        "'",
        "\"",
        "'\"'",
        "`id`",
        "$(id)",
        "$HOME",
        "<",
        ">",
        "&",
        "&amp;",
        "<&>",
        "]]>",
        "<![CDATA[x]]>",
        "<!-- c -->",
        "a=b",
        "a;b",
        "a|b",
        "*",
        "?",
        "~",
        "--flag",
        "-D",
        "%s",
        "%n",
        "é",
        "日本語",
        "Ünïcödé ${x}",
        "\u{FFFD}\u{202E}",
        "tab\there",
        "two\nlines",
        "a b  c",
        "mid\r\nCRLF",
    ];
    let mut all: Vec<String> = atoms.iter().map(|s| s.to_string()).collect();
    'outer: for (i, a) in atoms.iter().enumerate() {
        for b in atoms.iter().skip(i + 1).step_by(7) {
            all.push(format!("{a}{b}"));
            if all.len() >= 220 {
                break 'outer;
            }
        }
    }
    // hjob refuses arguments with surrounding whitespace (Oozie trims them);
    // oozie::surrounding_whitespace_is_refused covers those.
    all.retain(|s| s.trim_matches(|c: char| c <= ' ').len() == s.len());
    all
}

/// Prints each argument as `A:` and its bytes in hex, one per line.
const ECHO_ARGS: &str =
    r#"for a in "$@"; do printf 'A:'; printf '%s' "$a" | od -An -v -tx1 | tr -d ' \n'; echo; done"#;

fn argument_vectors_come_back_byte_exact_with_schema_0_5_and_1_0(rig: &Rig) {
    let real = Real::new(rig);
    let corpus = corpus();
    assert!(corpus.len() >= 200);
    let batches: Vec<&[String]> = corpus.chunks(corpus.len().div_ceil(2)).collect();
    let mut jobs = Vec::new();
    for schema in ["0.5", "1.0"] {
        for batch in &batches {
            let mut args = vec![
                "run",
                "shell",
                "--schema",
                schema,
                "--",
                "sh",
                "-c",
                ECHO_ARGS,
                "echo-args",
            ];
            args.extend(batch.iter().map(|s| s.as_str()));
            jobs.push((schema, *batch, real.detach(&args)));
        }
    }
    let mut checked = 0;
    for (schema, batch, id) in jobs {
        let (out, doc) = real.json(&["wait", &id]);
        assert_eq!(
            code(&out),
            Some(0),
            "schema {schema}: {doc}\n{}",
            text(&out.stderr)
        );
        let logs = real.logs(&id);
        let got: Vec<String> = logs
            .lines()
            .filter_map(|l| l.strip_prefix("Stdoutput A:"))
            .map(|hex| {
                String::from_utf8(hex::decode(hex.trim_end()).expect("hex"))
                    .expect("utf-8 argument")
            })
            .collect();
        assert_eq!(
            got.len(),
            batch.len(),
            "schema {schema}, job {id}: {} arguments came back for {} sent",
            got.len(),
            batch.len()
        );
        for (sent, back) in batch.iter().zip(&got) {
            assert_eq!(sent, back, "schema {schema}, job {id}: argument changed");
            checked += 1;
        }
    }
    assert!(checked >= 400, "{checked}");
}

fn a_shell_exiting_7_ends_failed_exit_1_with_the_real_error_and_its_stderr_in_logs(rig: &Rig) {
    let real = Real::new(rig);
    let mark = unique("to-stderr");
    let script = format!("echo to-stdout; echo {mark} >&2; exit 7");
    let (out, doc) = real.json(&["run", "shell", "--", "sh", "-c", &script]);
    assert_eq!(code(&out), Some(1), "{doc}\n{}", text(&out.stderr));
    assert_eq!(doc["status"], "FAILED", "{doc}");
    // The job's own output was streamed while it ran (to stderr, since
    // stdout holds the one JSON document), and the probable cause carries
    // the tail of the action's stderr, fetched from the real NodeManager.
    assert!(
        text(&out.stderr).contains("to-stdout"),
        "{}",
        text(&out.stderr)
    );
    let tail = doc["error"]["stderr_tail"].as_str().unwrap_or_default();
    assert!(tail.contains(&mark), "{doc}");
    // Oozie reports exit code [1]; hjob finds the command's own in the log.
    assert_eq!(doc["error"]["command_exit_code"], 7, "{doc}");
    let id = doc["id"].as_str().unwrap();
    let status = real.status(id);
    let tail = status["error"]["stderr_tail"].as_str().unwrap_or_default();
    assert!(tail.contains(&mark), "status: {status}");
    // Oozie's own ending: the failed action leads to the kill node.
    assert_eq!(status["oozie_status"], "KILLED", "{status}");
    let shell = action(&status, "shell");
    assert_eq!(shell["status"], "ERROR", "{status}");
    // Real Oozie 5.2.1: ShellMain turns any non-zero exit into the
    // launcher's exit code 1; the script's own code is only in the log.
    assert_eq!(shell["error_code"], "1", "{status}");
    assert_eq!(
        shell["error_message"],
        "Main Class [org.apache.oozie.action.hadoop.ShellMain], exit code [1]",
        "{status}"
    );
    let logs = real.logs(id);
    let stderr_at = logs
        .find("==> action shell: stderr <==")
        .unwrap_or_else(|| panic!("no stderr section in\n{logs}"));
    assert!(logs[stderr_at..].contains(&mark), "{logs}");
    assert!(logs.contains("Exit code of the Shell command 7"), "{logs}");
}

/// Polls `hjob status` until `done` holds (the rig's events, no fixed sleep
/// as the assertion).
fn until(real: &Real, id: &str, what: &str, done: impl Fn(&Value) -> bool) -> Value {
    let deadline = Instant::now() + Duration::from_secs(240);
    loop {
        let s = real.status(id);
        if done(&s) {
            return s;
        }
        assert!(Instant::now() < deadline, "{id}: never {what}: {s}");
        std::thread::sleep(Duration::from_millis(500));
    }
}

fn kill_ends_a_running_job_killed(rig: &Rig) {
    let real = Real::new(rig);
    let id = real.detach(&["run", "shell", "--", "sleep", "600"]);
    until(&real, &id, "had a running launcher", |s| {
        s["actions"]
            .as_array()
            .and_then(|a| a.iter().find(|x| x["name"] == "shell"))
            .is_some_and(|a| {
                a["status"] == "RUNNING"
                    && a["external_id"]
                        .as_str()
                        .is_some_and(|e| e.starts_with("application_"))
            })
    });
    let out = real.run(&["kill", "--yes", &id]);
    assert_eq!(code(&out), Some(0), "{}", text(&out.stderr));
    let s = until(&real, &id, "ended", |s| s["status"] != "RUNNING");
    assert_eq!(s["status"], "KILLED", "{s}");
    assert_eq!(s["oozie_status"], "KILLED", "{s}");
    let (out, doc) = real.json(&["wait", &id]);
    assert_ne!(code(&out), Some(0), "{doc}");
    assert_eq!(doc["status"], "KILLED", "{doc}");
}

fn detach_then_wait_status_json_and_list(rig: &Rig) {
    let real = Real::new(rig);
    let name = unique("detached");
    let id = real.detach(&["run", "shell", "--name", &name, "--", "echo", "later"]);
    let (out, doc) = real.json(&["wait", &id]);
    assert_eq!(code(&out), Some(0), "{doc}\n{}", text(&out.stderr));
    assert_eq!(doc["status"], "SUCCEEDED", "{doc}");

    let s = real.status(&id);
    assert_eq!(s["id"], id.as_str());
    assert_eq!(s["name"], name.as_str());
    assert_eq!(s["status"], "SUCCEEDED");
    assert_eq!(s["oozie_status"], "SUCCEEDED");
    assert_eq!(s["exit_code"], 0);
    assert_eq!(s["user"], rig.user.as_str());
    assert_eq!(s["cluster"], "rig");
    assert!(s["created"].is_string() && s["ended"].is_string(), "{s}");
    assert!(
        s["oozie_url"]
            .as_str()
            .is_some_and(|u| u.starts_with(oozie(rig))),
        "{s}"
    );
    let shell = action(&s, "shell");
    assert_eq!(shell["status"], "OK", "{s}");
    assert!(
        shell["external_id"]
            .as_str()
            .is_some_and(|e| e.starts_with("application_")),
        "{s}"
    );

    let ids = |args: &[&str]| -> Vec<String> {
        let (out, doc) = real.json(args);
        assert_eq!(code(&out), Some(0), "{}", text(&out.stderr));
        let jobs = doc
            .as_array()
            .or_else(|| doc["jobs"].as_array())
            .unwrap_or_else(|| panic!("hjob {args:?}: no job list in {doc}"));
        jobs.iter()
            .filter_map(|j| j["id"].as_str().map(str::to_owned))
            .collect()
    };
    assert!(ids(&["list"]).contains(&id), "hjob list lacks {id}");
    assert!(
        ids(&["list", "--status", "SUCCEEDED"]).contains(&id),
        "hjob list --status SUCCEEDED lacks {id}"
    );
    assert!(
        !ids(&["list", "--status", "KILLED"]).contains(&id),
        "hjob list --status KILLED has {id}"
    );
}

/// Compiles `class` (in package-less `source`) with javac into a jar.
fn compile_jar(dir: &Path, class: &str, source: &str) -> PathBuf {
    let src = dir.join(format!("{class}.java"));
    std::fs::write(&src, source).unwrap();
    let javac = java_tool("javac");
    let out = std::process::Command::new(&javac)
        .args(["--release", "8", "-d"])
        .arg(dir.join("classes"))
        .arg(&src)
        .output()
        .unwrap_or_else(|e| panic!("cannot run {javac}: {e} (install a JDK 17)"));
    assert!(out.status.success(), "javac: {}", text(&out.stderr));
    let jar = dir.join(format!("{class}.jar"));
    let out = std::process::Command::new(java_tool("jar"))
        .arg("cf")
        .arg(&jar)
        .arg("-C")
        .arg(dir.join("classes"))
        .arg(".")
        .output()
        .unwrap();
    assert!(out.status.success(), "jar: {}", text(&out.stderr));
    jar
}

fn java_tool(tool: &str) -> String {
    match std::env::var("JAVA_HOME") {
        Ok(home) if Path::new(&home).join("bin").join(tool).exists() => {
            format!("{home}/bin/{tool}")
        }
        _ => tool.to_owned(),
    }
}

const JAVA_MAIN: &str = r#"
import java.io.File;
import java.nio.file.Files;

public class RigMain {
    public static void main(String[] args) throws Exception {
        for (String a : args) {
            StringBuilder hex = new StringBuilder();
            for (byte b : a.getBytes("UTF-8")) hex.append(String.format("%02x", b));
            System.out.println("ARG:" + hex);
        }
        System.out.println("PROP:" + System.getProperty("rig.prop"));
        System.out.println("FILE:" + new String(Files.readAllBytes(new File("rig-note.txt").toPath()), "UTF-8").trim());
        File unpacked = new File("rig-bundle.zip");
        System.out.println("ARCHIVE:" + unpacked.isDirectory() + ":" + new File(unpacked, "inside.txt").isFile());
    }
}
"#;

fn java_with_a_jar_compiled_now_gets_its_args_properties_file_and_archive(rig: &Rig) {
    let real = Real::new(rig);
    let work = tempfile::tempdir().unwrap();
    let jar = compile_jar(work.path(), "RigMain", JAVA_MAIN);
    let note = unique("note");
    let file = real.write("rig-note.txt", format!("{note}\n").as_bytes());
    let zip = real.home.path().join("rig-bundle.zip");
    {
        let inside = work.path().join("inside.txt");
        std::fs::write(&inside, "x").unwrap();
        let out = std::process::Command::new(java_tool("jar"))
            .arg("cfM")
            .arg(&zip)
            .arg("-C")
            .arg(work.path())
            .arg("inside.txt")
            .output()
            .unwrap();
        assert!(out.status.success(), "zip: {}", text(&out.stderr));
    }
    let args = ["a b", "${x}", "#{y}", "\\", "é&<>]]>", "'\""];
    let mut cmd = vec![
        "run",
        "java",
        "--jar",
        jar.to_str().unwrap(),
        "--main-class",
        "RigMain",
        "-D",
        "rig.prop=from-hjob",
        "--file",
        file.to_str().unwrap(),
        "--archive",
        zip.to_str().unwrap(),
        "--",
    ];
    cmd.extend(args);
    let (out, doc) = real.json(&cmd);
    assert_eq!(code(&out), Some(0), "{doc}\n{}", text(&out.stderr));
    let id = doc["id"].as_str().unwrap();
    let logs = real.logs(id);
    let got: Vec<String> = logs
        .lines()
        .filter_map(|l| l.strip_prefix("ARG:"))
        .map(|h| String::from_utf8(hex::decode(h.trim_end()).unwrap()).unwrap())
        .collect();
    assert_eq!(got, args, "{logs}");
    assert!(logs.contains(&format!("FILE:{note}")), "{logs}");
    assert!(logs.contains("ARCHIVE:true:true"), "{logs}");
    // -D lands in the action's configuration; a java action's main sees
    // Hadoop configuration, not JVM system properties.
    let s = real.status(id);
    assert_eq!(s["status"], "SUCCEEDED", "{s}");

    // The real launcher turns an empty argument into null and fails
    // (JA018); hjob refuses it before staging anything.
    let out = real.run(&[
        "run",
        "java",
        "--jar",
        jar.to_str().unwrap(),
        "--main-class",
        "RigMain",
        "--",
        "a",
        "",
    ]);
    assert_eq!(code(&out), Some(2), "{}", text(&out.stderr));
    assert!(
        text(&out.stderr).contains("argument 2 is empty"),
        "{}",
        text(&out.stderr)
    );

    let def = block_on({
        let url = format!("{}/v2/job/{id}?show=definition", oozie(rig));
        async move { reqwest::get(&url).await.unwrap().text().await.unwrap() }
    });
    assert!(def.contains("<name>rig.prop</name>"), "{def}");
    assert!(def.contains("<value>from-hjob</value>"), "{def}");
}

fn spark_hive_and_scalding_are_accepted_and_end_on_the_missing_runtime(rig: &Rig) {
    let real = Real::new(rig);
    let work = tempfile::tempdir().unwrap();
    let jar = compile_jar(
        work.path(),
        "Nothing",
        "public class Nothing { public static void main(String[] a) {} }",
    );
    let jar = jar.to_str().unwrap();
    let py = real.write("app.py", b"print('never runs here')\n");
    let jobs = [
        (
            "spark",
            real.detach(&[
                "run",
                "spark",
                "--jar",
                py.to_str().unwrap(),
                "--",
                "2026-12-01",
            ]),
            "org.apache.oozie.action.hadoop.SparkMain",
        ),
        (
            "hive",
            real.detach(&[
                "run",
                "hive",
                "-e",
                "SELECT 1",
                "--jdbc-url",
                "jdbc:hive2://127.0.0.1:1/default",
            ]),
            "org.apache.oozie.action.hadoop.Hive2Main",
        ),
        (
            "scalding",
            real.detach(&[
                "run",
                "scalding",
                "--jar",
                jar,
                "com.example.WordCount",
                "--",
                "--input",
                "in",
            ]),
            "com.twitter.scalding.Tool",
        ),
    ];
    for (kind, id, missing) in jobs {
        // Submission was accepted (schema, action namespace, parameters);
        // the launcher then cannot find the runtime the rig lacks.
        let (out, doc) = real.json(&["wait", &id]);
        assert_eq!(code(&out), Some(1), "{kind}: {doc}");
        let s = real.status(&id);
        let a = action(&s, kind);
        assert_eq!(a["status"], "ERROR", "{kind}: {s}");
        assert_eq!(a["error_code"], "JA018", "{kind}: {s}");
        assert_eq!(
            a["error_message"],
            format!("java.lang.ClassNotFoundException: Class {missing} not found"),
            "{kind}: {s}"
        );
    }
}

/// Where the shared conformance kit lives (beside the repository).
fn shared(path: &str) -> PathBuf {
    PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/../shared")).join(path)
}

fn fixture_path() -> PathBuf {
    PathBuf::from(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/sandbox/tests/fixtures/real-oozie/invalid-samples.json"
    ))
}

/// Submits each invalid sample through Oozie's REST API and compares the
/// real answer (status, oozie-error-code, oozie-error-message) with the
/// recorded fixture the sandbox is checked against. HJOB_RECORD=1 rewrites
/// the fixture from the real answers.
fn invalid_samples_get_the_recorded_real_oozie_codes(rig: &Rig) {
    let dir = shared("conformance/oozie/samples/invalid");
    let mut entries: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e} (the shared conformance kit)", dir.display()))
        .map(|e| e.unwrap().path())
        .collect();
    entries.sort();
    let base = format!("{}/{}", rig.home(), unique("invalid"));
    let mut answers = BTreeMap::new();
    for path in &entries {
        let name = path.file_stem().unwrap().to_string_lossy().to_string();
        let xml = std::fs::read(path).unwrap();
        let app = format!("{base}/{name}");
        put(rig, &format!("{app}/workflow.xml"), xml);
        let conf = format!(
            "<configuration>{}{}{}{}</configuration>",
            prop("user.name", &rig.user),
            prop(
                "oozie.wf.application.path",
                &format!("{}{app}", rig.name_node)
            ),
            prop("nameNode", &rig.name_node),
            prop("jobTracker", &rig.job_tracker),
        );
        let url = format!("{}/v1/jobs?user.name={}", oozie(rig), rig.user);
        let (status, code, message) = block_on(async move {
            let r = reqwest::Client::new()
                .post(&url)
                .header("content-type", "application/xml;charset=UTF-8")
                .body(conf)
                .send()
                .await
                .unwrap();
            let h = |k: &str| {
                r.headers()
                    .get(k)
                    .map(|v| String::from_utf8_lossy(v.as_bytes()).into_owned())
                    .unwrap_or_default()
            };
            (
                r.status().as_u16(),
                h("oozie-error-code"),
                h("oozie-error-message"),
            )
        });
        answers.insert(
            name,
            serde_json::json!({"status": status, "code": code, "message": message}),
        );
    }
    assert!(answers.len() >= 17, "only {} samples", answers.len());
    let got = serde_json::to_string_pretty(&answers).unwrap() + "\n";
    if std::env::var_os("HJOB_RECORD").is_some() {
        std::fs::create_dir_all(fixture_path().parent().unwrap()).unwrap();
        std::fs::write(fixture_path(), &got).unwrap();
    }
    let recorded = std::fs::read_to_string(fixture_path()).unwrap_or_else(|e| {
        panic!(
            "{}: {e} (record it: HJOB_RECORD=1 cargo test --test real -- invalid_samples)",
            fixture_path().display()
        )
    });
    assert_eq!(
        got, recorded,
        "the real Oozie's answers differ from the recorded fixture"
    );
    for (name, a) in &answers {
        assert_eq!(a["status"], 400, "{name}: {a}");
    }
}

fn prop(name: &str, value: &str) -> String {
    format!("<property><name>{name}</name><value>{value}</value></property>")
}

/// WebHDFS two-step CREATE (overwrite) as the rig's user.
fn put(rig: &Rig, path: &str, body: Vec<u8>) {
    let url = rig.webhdfs(path, "CREATE&overwrite=true");
    block_on(async move {
        let client = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .unwrap();
        let r = client.put(&url).send().await.unwrap();
        let location = r.headers()["location"].to_str().unwrap().to_owned();
        let r = client.put(&location).body(body).send().await.unwrap();
        assert_eq!(r.status().as_u16(), 201, "{path}");
    });
}

/// A loopback HTTP proxy in front of the real Oozie that, for the next
/// `POST …/v1/jobs`, lets the real server answer and then closes the
/// client's connection without passing the answer on: the job exists, the
/// client never hears of it.
struct LossyProxy {
    url: String,
    dropped: std::sync::Arc<std::sync::atomic::AtomicUsize>,
}

fn lossy_proxy(upstream: &str) -> LossyProxy {
    use std::io::{BufRead as _, BufReader, Read as _, Write as _};
    use std::net::{TcpListener, TcpStream};
    use std::sync::atomic::{AtomicUsize, Ordering};
    let up = url::Url::parse(upstream).unwrap();
    let up_addr = format!("{}:{}", up.host_str().unwrap(), up.port().unwrap());
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}{}", listener.local_addr().unwrap(), up.path());
    let dropped = std::sync::Arc::new(AtomicUsize::new(0));
    let counter = dropped.clone();
    std::thread::spawn(move || {
        for client in listener.incoming() {
            let Ok(client) = client else { continue };
            let up_addr = up_addr.clone();
            let counter = counter.clone();
            std::thread::spawn(move || {
                let mut reader = BufReader::new(client.try_clone().unwrap());
                let mut client = client;
                // One request per connection (the answer says `connection: close`).
                // One request: head, then Content-Length bytes.
                let mut head = Vec::new();
                let mut length = 0usize;
                loop {
                    let mut line = String::new();
                    match reader.read_line(&mut line) {
                        Ok(0) | Err(_) => return,
                        Ok(_) => {}
                    }
                    let lower = line.to_ascii_lowercase();
                    if let Some(v) = lower.strip_prefix("content-length:") {
                        length = v.trim().parse().unwrap_or(0);
                    }
                    if lower.starts_with("connection:") {
                        continue;
                    }
                    if line == "\r\n" {
                        head.extend_from_slice(b"connection: close\r\n\r\n");
                        break;
                    }
                    head.extend_from_slice(line.as_bytes());
                }
                let mut body = vec![0u8; length];
                if reader.read_exact(&mut body).is_err() {
                    return;
                }
                let first = String::from_utf8_lossy(&head)
                    .lines()
                    .next()
                    .unwrap_or("")
                    .to_owned();
                let is_submit = first.starts_with("POST ") && first.contains("/v1/jobs");
                let mut upstream = TcpStream::connect(&up_addr).unwrap();
                upstream.write_all(&head).unwrap();
                upstream.write_all(&body).unwrap();
                let mut answer = Vec::new();
                let _ = upstream.read_to_end(&mut answer);
                if is_submit && counter.load(Ordering::SeqCst) == 0 {
                    // The server answered (the job exists); the client
                    // loses the answer.
                    counter.fetch_add(1, Ordering::SeqCst);
                    let _ = client.shutdown(std::net::Shutdown::Both);
                    return;
                }
                // The answer says `connection: close`.
                let _ = client.write_all(&answer);
                let _ = client.shutdown(std::net::Shutdown::Both);
            });
        }
    });
    LossyProxy { url, dropped }
}

/// A state service whose one cluster is the rig's, with Oozie at `oozie_url`.
fn serve_state(rig: &Rig, oozie_url: &str) -> String {
    use axum::routing::get;
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    listener.set_nonblocking(true).unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let state = serde_json::json!({
        "version": 1,
        "active_cluster": "rig",
        "submission": {"enabled": true},
        "clusters": {"rig": {
            "oozie_url": oozie_url,
            "webhdfs_url": rig.webhdfs_url,
            "name_node": rig.name_node,
            "job_tracker": rig.job_tracker,
            "yarn_url": rig.yarn_url,
            "queue": "default"
        }}
    })
    .to_string();
    let app = axum::Router::new().route(
        "/v1/state",
        get(move || {
            let state = state.clone();
            async move {
                (
                    [("content-type", "application/json"), ("etag", "\"1\"")],
                    state,
                )
            }
        }),
    );
    std::thread::spawn(move || {
        block_on(async move {
            axum::serve(tokio::net::TcpListener::from_std(listener).unwrap(), app)
                .await
                .unwrap();
        });
    });
    base
}

/// Every workflow job on the real Oozie with this app name.
fn jobs_named(rig: &Rig, name: &str) -> Vec<String> {
    let url = format!(
        "{}/v2/jobs?jobtype=wf&len=1000&filter={}",
        oozie(rig),
        url::form_urlencoded::byte_serialize(format!("user={}", rig.user).as_bytes())
            .collect::<String>()
    );
    let list = get_json(&url);
    list["workflows"]
        .as_array()
        .unwrap_or_else(|| panic!("no workflows in {list}"))
        .iter()
        .filter(|w| w["appName"] == name)
        .map(|w| w["id"].as_str().unwrap().to_owned())
        .collect()
}

fn a_lost_submit_answer_is_adopted_and_exactly_one_job_exists(rig: &Rig) {
    let tag = unique("lost");
    for name in [
        format!("{tag}-plain"),
        format!("{tag};semi;colon"),
        format!("{tag}=eq=ual"),
        format!("{tag} with spaces"),
        format!("{tag}-ünï-名前"),
    ] {
        let proxy = lossy_proxy(oozie(rig));
        let state = serve_state(rig, &proxy.url);
        let home = tempfile::tempdir().unwrap();
        std::fs::write(
            home.path().join("hjob.toml"),
            "[http]\ntimeout = \"60s\"\nbackoff_initial = \"50ms\"\nbackoff_max = \"1s\"\nstate_deadline = \"20s\"\n",
        )
        .unwrap();
        let out = hjob_command(home.path(), &state, &rig.user)
            .args([
                "--output", "json", "run", "shell", "--detach", "--name", &name, "--", "true",
            ])
            .output()
            .unwrap();
        assert_eq!(
            proxy.dropped.load(std::sync::atomic::Ordering::SeqCst),
            1,
            "{name}: the proxy never dropped a submit answer"
        );
        assert_eq!(code(&out), Some(0), "{name}: {}", text(&out.stderr));
        let doc: Value = serde_json::from_slice(&out.stdout).unwrap();
        assert_eq!(doc["adopted"], true, "{name}: {doc}");
        let id = doc["id"].as_str().unwrap();
        let jobs = jobs_named(rig, &name);
        assert_eq!(jobs, vec![id.to_owned()], "{name}: jobs on the real Oozie");
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

/// Every key of `a` is in `b` with the same JSON type (nulls match
/// anything: a value that is sometimes absent); arrays: each element of `a`
/// matches some element of `b`.
fn same_shape(a: &Value, b: &Value, at: &str) -> Result<(), String> {
    if a.is_null() || b.is_null() {
        return Ok(());
    }
    if kind(a) != kind(b) {
        return Err(format!("{at}: {} vs {}", kind(a), kind(b)));
    }
    match (a, b) {
        (Value::Object(x), Value::Object(y)) => {
            for (k, v) in x {
                let w = y.get(k).ok_or_else(|| format!("{at}.{k}: missing"))?;
                same_shape(v, w, &format!("{at}.{k}"))?;
            }
            Ok(())
        }
        (Value::Array(x), Value::Array(y)) => {
            for (i, v) in x.iter().enumerate() {
                if !y.iter().any(|w| same_shape(v, w, at).is_ok()) {
                    return Err(format!("{at}[{i}]: no element matches"));
                }
            }
            Ok(())
        }
        _ => Ok(()),
    }
}

fn answers_path() -> PathBuf {
    PathBuf::from(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/sandbox/tests/fixtures/real-oozie/answers.json"
    ))
}

/// GET → (status, content-type, oozie-error-code, oozie-error-message, body).
fn fetch(url: &str) -> (u16, String, String, String, String) {
    let url = url.to_owned();
    block_on(async move {
        let r = reqwest::get(&url).await.unwrap();
        let h = |k: &str| {
            r.headers()
                .get(k)
                .map(|v| String::from_utf8_lossy(v.as_bytes()).into_owned())
                .unwrap_or_default()
        };
        let (status, ct, code, message) = (
            r.status().as_u16(),
            h("content-type"),
            h("oozie-error-code"),
            h("oozie-error-message"),
        );
        (status, ct, code, message, r.text().await.unwrap())
    })
}

/// The real Oozie's answers hjob depends on (versions, build, status, job
/// info from v1 and v2, the jobs list, an error with its headers and JSON
/// body, a log line), with their shapes locked in a fixture the sandbox's
/// conformance test is checked against. HJOB_RECORD=1 rewrites it.
fn real_answers_keep_the_recorded_shapes(rig: &Rig) {
    let real = Real::new(rig);
    let (out, doc) = real.json(&["run", "shell", "--", "echo", "recorded"]);
    assert_eq!(code(&out), Some(0), "{doc}\n{}", text(&out.stderr));
    let id = doc["id"].as_str().unwrap().to_owned();
    let o = oozie(rig);
    let json = |path: &str| -> Value {
        let (status, _, _, _, body) = fetch(&format!("{o}{path}"));
        assert_eq!(status, 200, "{path}: {body}");
        serde_json::from_str(&body).unwrap_or_else(|e| panic!("{path}: {e}: {body}"))
    };
    let (_, status_type, _, _, _) = fetch(&format!("{o}/v1/admin/status"));
    let missing = id.replacen(&id[..7], "9999999", 1);
    let (err_status, err_type, err_code, err_message, err_body) =
        fetch(&format!("{o}/v1/job/{missing}?show=info"));
    let (_, _, _, _, log) = fetch(&format!("{o}/v1/job/{id}?show=log"));
    let log_line = log
        .lines()
        .find(|l| l.contains(&format!("JOB[{id}]")))
        .unwrap_or_else(|| panic!("no log line names the job:\n{log}"))
        .replace(&id, "JOB_ID");
    let filter: String =
        url::form_urlencoded::byte_serialize(format!("user={}", rig.user).as_bytes()).collect();
    let fresh = serde_json::json!({
        "versions": json("/versions"),
        "build_version": json("/v2/admin/build-version"),
        "status": json("/v1/admin/status"),
        "status_content_type": status_type,
        "job_info_v1": json(&format!("/v1/job/{id}?show=info")),
        "job_info_v2": json(&format!("/v2/job/{id}?show=info")),
        "jobs": json(&format!("/v1/jobs?jobtype=wf&len=2&filter={filter}")),
        "unknown_job": {
            "status": err_status,
            "content_type": err_type,
            "code": err_code,
            "message": err_message.replace(&missing, "JOB_ID"),
            "body": serde_json::from_str::<Value>(&err_body)
                .unwrap_or_else(|e| panic!("error body is not JSON ({e}): {err_body}")),
        },
        "log_line": log_line,
    });
    if std::env::var_os("HJOB_RECORD").is_some() {
        std::fs::write(
            answers_path(),
            serde_json::to_string_pretty(&fresh).unwrap() + "\n",
        )
        .unwrap();
    }
    let recorded: Value = serde_json::from_str(
        &std::fs::read_to_string(answers_path()).unwrap_or_else(|e| {
            panic!(
                "{}: {e} (record it: HJOB_RECORD=1 cargo test --test real -- real_answers)",
                answers_path().display()
            )
        }),
    )
    .unwrap();
    same_shape(&recorded, &fresh, "recorded").unwrap();
    same_shape(&fresh, &recorded, "fresh").unwrap();
    for key in ["versions", "build_version", "status_content_type"] {
        assert_eq!(recorded[key], fresh[key], "{key}");
    }
    for key in ["status", "code", "message", "content_type"] {
        assert_eq!(
            recorded["unknown_job"][key], fresh["unknown_job"][key],
            "{key}"
        );
    }
}

/// `hjob logs --follow` streams the real launcher's stdout while the action
/// runs, then ends with the job's exit code.
fn logs_follow_streams_a_running_action_and_ends_with_the_job(rig: &Rig) {
    use std::io::{BufRead as _, BufReader};
    let real = Real::new(rig);
    let first = unique("first");
    // The rig's containers run on this machine: the command waits for a
    // local file the test creates once it has seen the first line.
    let gate = tempfile::tempdir().unwrap();
    let marker = gate.path().join("go");
    let script = format!(
        "echo {first}; while [ ! -e '{}' ]; do sleep 0.2; done; echo second-line",
        marker.display()
    );
    let id = real.detach(&["run", "shell", "--", "sh", "-c", &script]);
    let mut child = hjob_command(real.home.path(), &rig.state_url, &rig.user)
        .args(["logs", "--follow", &id])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let stdout = child.stdout.take().unwrap();
    let mut lines = BufReader::new(stdout).lines();
    let mut seen = Vec::new();
    loop {
        let line = lines
            .next()
            .unwrap_or_else(|| panic!("--follow ended before the first line:\n{}", seen.join("\n")))
            .unwrap();
        let hit = line.contains(&format!("Stdoutput {first}"));
        seen.push(line);
        if hit {
            break;
        }
    }
    // Seen while the action still runs (it waits for the marker).
    let s = real.status(&id);
    assert_eq!(s["status"], "RUNNING", "{s}");
    std::fs::write(&marker, b"").unwrap();
    let rest: Vec<String> = lines.map(|l| l.unwrap()).collect();
    let status = child.wait().unwrap();
    assert_eq!(status.code(), Some(0), "{}", rest.join("\n"));
    assert!(
        rest.iter().any(|l| l.contains("Stdoutput second-line")),
        "{}",
        rest.join("\n")
    );
}

/// An `hjob state-server` of the test's own (the rig's is shared by every
/// test), killed on drop.
struct OwnStateServer {
    child: std::process::Child,
    url: String,
    token: String,
    _dir: tempfile::TempDir,
}

impl Drop for OwnStateServer {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn own_state_server(rig: &Rig) -> OwnStateServer {
    use std::io::{BufRead as _, BufReader};
    let dir = tempfile::tempdir().unwrap();
    let token = unique("token");
    std::fs::write(dir.path().join("tokens"), format!("tester:{token}\n")).unwrap();
    let closed = "http://127.0.0.1:9";
    let seed = serde_json::json!({
        "version": 1,
        "active_cluster": "rig",
        "submission": {"enabled": true},
        "clusters": {
            "rig": {
                "oozie_url": oozie(rig),
                "webhdfs_url": rig.webhdfs_url,
                "name_node": rig.name_node,
                "job_tracker": rig.job_tracker,
                "yarn_url": rig.yarn_url,
                "queue": "default"
            },
            "elsewhere": {
                "oozie_url": format!("{closed}/oozie"),
                "webhdfs_url": format!("{closed}/webhdfs/v1"),
                "name_node": "hdfs://127.0.0.1:9",
                "job_tracker": "127.0.0.1:9",
                "yarn_url": closed,
                "queue": "default"
            }
        }
    });
    std::fs::write(dir.path().join("seed.json"), seed.to_string()).unwrap();
    let mut child = std::process::Command::new(crate::rig::hjob_bin())
        .args(["state-server", "--listen", "127.0.0.1:0", "--store"])
        .arg(dir.path().join("state.json"))
        .arg("--init")
        .arg(dir.path().join("seed.json"))
        .arg("--tokens")
        .arg(dir.path().join("tokens"))
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    // The listening line (on either stream).
    let (tx, rx) = std::sync::mpsc::channel::<String>();
    let out = child.stdout.take().unwrap();
    let err = child.stderr.take().unwrap();
    for stream in [
        Box::new(out) as Box<dyn std::io::Read + Send>,
        Box::new(err) as Box<dyn std::io::Read + Send>,
    ] {
        let tx = tx.clone();
        std::thread::spawn(move || {
            for line in BufReader::new(stream).lines().map_while(Result::ok) {
                let _ = tx.send(line);
            }
        });
    }
    let url = loop {
        let line = rx
            .recv_timeout(Duration::from_secs(30))
            .expect("hjob state-server printed no 'listening on' line");
        if let Some(at) = line.find("listening on http://") {
            let rest = &line[at + "listening on ".len()..];
            break rest
                .split(|c: char| c.is_whitespace())
                .next()
                .unwrap()
                .to_owned();
        }
    };
    OwnStateServer {
        child,
        url,
        token,
        _dir: dir,
    }
}

/// A job keeps its cluster: after an admin moves ad hoc jobs to another
/// cluster, `status`, `wait` and `logs` still reach the real Oozie it runs
/// on, while a new run goes to the new (here unreachable) cluster.
fn the_job_record_survives_a_change_of_the_active_cluster(rig: &Rig) {
    let state = own_state_server(rig);
    let home = tempfile::tempdir().unwrap();
    std::fs::write(
        home.path().join("hjob.toml"),
        "[http]\ntimeout = \"60s\"\nbackoff_initial = \"50ms\"\nbackoff_max = \"200ms\"\nstate_deadline = \"20s\"\n",
    )
    .unwrap();
    let hjob = |args: &[&str]| -> Output {
        hjob_command(home.path(), &state.url, &rig.user)
            .env("HJOB_ADMIN_TOKEN", &state.token)
            .args(args)
            .output()
            .unwrap()
    };
    let json = |args: &[&str]| -> (Output, Value) {
        let mut all = vec!["--output", "json"];
        all.extend(args);
        let out = hjob(&all);
        let doc = serde_json::from_slice(&out.stdout).unwrap_or(Value::Null);
        (out, doc)
    };
    let gate = tempfile::tempdir().unwrap();
    let marker = gate.path().join("go");
    let script = format!(
        "while [ ! -e '{}' ]; do sleep 0.2; done; echo after-the-switch",
        marker.display()
    );
    let (out, doc) = json(&["run", "shell", "--detach", "--", "sh", "-c", &script]);
    assert_eq!(code(&out), Some(0), "{}", text(&out.stderr));
    let id = doc["id"].as_str().unwrap().to_owned();

    let out = hjob(&["admin", "use", "elsewhere", "--yes"]);
    assert_eq!(code(&out), Some(0), "{}", text(&out.stderr));
    let (_, cluster) = json(&["cluster"]);
    assert!(cluster.to_string().contains("elsewhere"), "{cluster}");

    let (out, s) = json(&["status", &id]);
    assert_eq!(code(&out), Some(0), "{}", text(&out.stderr));
    assert_eq!(s["cluster"], "rig", "{s}");
    assert_eq!(s["status"], "RUNNING", "{s}");

    std::fs::write(&marker, b"").unwrap();
    let (out, done) = json(&["wait", &id]);
    assert_eq!(code(&out), Some(0), "{done}\n{}", text(&out.stderr));
    assert_eq!(done["status"], "SUCCEEDED", "{done}");
    let logs = hjob(&["logs", &id]);
    assert!(
        text(&logs.stdout).contains("Stdoutput after-the-switch"),
        "{}",
        text(&logs.stdout)
    );

    // A new run goes to the new active cluster, which does not answer.
    let out = hjob(&["run", "shell", "--detach", "--", "true"]);
    assert_ne!(code(&out), Some(0));
    assert!(
        text(&out.stderr).contains("127.0.0.1:9"),
        "{}",
        text(&out.stderr)
    );
}

/// Submits `workflow` (already on HDFS at `app`) and starts it; answers the id.
fn submit_raw(rig: &Rig, app: &str) -> String {
    let conf = format!(
        "<configuration>{}{}{}{}</configuration>",
        prop("user.name", &rig.user),
        prop(
            "oozie.wf.application.path",
            &format!("{}{app}", rig.name_node)
        ),
        prop("nameNode", &rig.name_node),
        prop("jobTracker", &rig.job_tracker),
    );
    let url = format!("{}/v1/jobs?action=start&user.name={}", oozie(rig), rig.user);
    let answer = block_on(async move {
        let r = reqwest::Client::new()
            .post(&url)
            .header("content-type", "application/xml;charset=UTF-8")
            .body(conf)
            .send()
            .await
            .unwrap();
        let status = r.status().as_u16();
        (status, r.text().await.unwrap())
    });
    assert_eq!(answer.0, 201, "{}", answer.1);
    let doc: Value = serde_json::from_str(&answer.1).unwrap();
    doc["id"].as_str().unwrap().to_owned()
}

fn wait_raw(rig: &Rig, id: &str) -> Value {
    let deadline = Instant::now() + Duration::from_secs(240);
    loop {
        let info = get_json(&format!("{}/v1/job/{id}?show=info", oozie(rig)));
        if info["status"] != "RUNNING" && info["status"] != "PREP" {
            return info;
        }
        assert!(Instant::now() < deadline, "{id} never ended: {info}");
        std::thread::sleep(Duration::from_millis(500));
    }
}

/// What hjob's refusals rest on, shown on the real server with hand-written
/// workflows: Oozie trims a shell `<argument>`, and hands an empty java
/// `<arg/>` to the launcher as null (JA018) while a shell one arrives empty.
fn the_real_oozie_trims_arguments_and_fails_empty_java_args(rig: &Rig) {
    let real = Real::new(rig);
    let base = format!("{}/{}", rig.home(), unique("raw"));
    let shell = r#"<workflow-app xmlns="uri:oozie:workflow:0.5" name="raw-shell">
  <start to="sh"/>
  <action name="sh">
    <shell xmlns="uri:oozie:shell-action:0.3">
      <job-tracker>${jobTracker}</job-tracker>
      <name-node>${nameNode}</name-node>
      <exec>sh</exec>
      <argument>-c</argument>
      <argument>for a in "$@"; do echo "[$a]"; done</argument>
      <argument>x</argument>
      <argument>  padded  </argument>
      <argument></argument>
    </shell>
    <ok to="end"/>
    <error to="fail"/>
  </action>
  <kill name="fail"><message>failed</message></kill>
  <end name="end"/>
</workflow-app>
"#;
    put(
        rig,
        &format!("{base}/shell/workflow.xml"),
        shell.as_bytes().to_vec(),
    );
    let work = tempfile::tempdir().unwrap();
    let jar = compile_jar(
        work.path(),
        "RawMain",
        "public class RawMain { public static void main(String[] a) { System.out.println(\"ran \" + a.length); } }",
    );
    put(
        rig,
        &format!("{base}/java/lib/RawMain.jar"),
        std::fs::read(jar).unwrap(),
    );
    let java = r#"<workflow-app xmlns="uri:oozie:workflow:0.5" name="raw-java">
  <start to="java"/>
  <action name="java">
    <java>
      <job-tracker>${jobTracker}</job-tracker>
      <name-node>${nameNode}</name-node>
      <main-class>RawMain</main-class>
      <arg>a</arg>
      <arg></arg>
    </java>
    <ok to="end"/>
    <error to="fail"/>
  </action>
  <kill name="fail"><message>failed</message></kill>
  <end name="end"/>
</workflow-app>
"#;
    put(
        rig,
        &format!("{base}/java/workflow.xml"),
        java.as_bytes().to_vec(),
    );

    let shell_id = submit_raw(rig, &format!("{base}/shell"));
    let java_id = submit_raw(rig, &format!("{base}/java"));

    let info = wait_raw(rig, &shell_id);
    assert_eq!(info["status"], "SUCCEEDED", "{info}");
    let logs = real.logs(&shell_id);
    let got: Vec<&str> = logs
        .lines()
        .filter_map(|l| l.strip_prefix("Stdoutput "))
        .collect();
    assert_eq!(got, ["[padded]", "[]"], "{logs}");

    let info = wait_raw(rig, &java_id);
    assert_eq!(info["status"], "KILLED", "{info}");
    let a = info["actions"]
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["name"] == "java")
        .unwrap();
    assert_eq!(a["errorCode"], "JA018", "{info}");
    assert!(
        a["errorMessage"]
            .as_str()
            .is_some_and(|m| m.contains("\"arg\" is null")),
        "{info}"
    );
}

/// `--do-as` against the real proxy-user rules of the rig (rig/Rig.java,
/// OozieRig.java): `rigsvc` may act for the rig's user on HDFS and Oozie;
/// `rigsvc2` on HDFS only; `nobody` nowhere.
fn do_as_runs_the_job_as_the_user_and_refusals_exit_2_with_nothing_submitted(rig: &Rig) {
    let real = Real::new(rig);
    let name = unique("doas-ok");
    let (out, doc) = real.json(&[
        "--user", "rigsvc", "--do-as", &rig.user, "run", "shell", "--name", &name, "--", "echo",
        "ok",
    ]);
    assert_eq!(code(&out), Some(0), "{doc}\n{}", text(&out.stderr));
    let id = doc["id"].as_str().unwrap();
    let info = get_json(&format!("{}/v2/job/{id}?show=info", oozie(rig)));
    assert_eq!(
        info["user"],
        rig.user.as_str(),
        "the job runs as the user acted for: {info}"
    );

    for (service_user, refused_by) in [
        ("nobody", "HDFS refused the proxy user"),
        ("rigsvc2", "refused the proxy user"),
    ] {
        let name = unique("doas-refused");
        let out = real.run(&[
            "--user",
            service_user,
            "--do-as",
            &rig.user,
            "run",
            "shell",
            "--name",
            &name,
            "--",
            "echo",
            "no",
        ]);
        let stderr = text(&out.stderr);
        assert_eq!(code(&out), Some(2), "{service_user}: {stderr}");
        assert!(stderr.contains(refused_by), "{service_user}: {stderr}");
        assert!(
            stderr.contains("proxy-user rules"),
            "the hint names the fix: {stderr}"
        );
        if service_user == "rigsvc2" {
            assert!(
                stderr.contains("Oozie"),
                "Oozie is the one refusing rigsvc2: {stderr}"
            );
        }
        assert!(
            jobs_named(rig, &name).is_empty(),
            "{service_user}: a job was submitted"
        );
    }
}
