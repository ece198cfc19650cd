//! Workflow rendering: snapshots of every kind, schema validation of every
//! kind × schema with `../shared/conformance/oozie/validate.sh`, a property
//! test that arbitrary values survive XML and both of Oozie's EL engines
//! unchanged, user templates, and `hjob run KIND … --dry-run` end to end.

use std::path::PathBuf;
use std::process::Command;

use clap::Parser;
use hjob::cli::{Cli, Command as CliCommand};
use hjob::job::{self, JobSpec, RunRequest, SpecInputs};
use hjob::workflow::{self, Templates};

mod dry_run;
mod el_model;
mod properties;

/// The submission id every rendering test uses.
pub const SUBMISSION_ID: &str = "20261122T103501-7f3a9c01";

/// The conformance kit, read from `../shared` next to the repository.
pub fn conformance_dir() -> PathBuf {
    PathBuf::from(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../shared/conformance/oozie"
    ))
}

/// Whether xmllint is available. Under CI its absence is a failure (with
/// the install hint); locally the validation tests are skipped.
pub fn xmllint_available() -> bool {
    let found = Command::new("xmllint")
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success());
    if !found && std::env::var_os("CI").is_some() {
        panic!(
            "xmllint is missing; install it with `apt-get install -y libxml2-utils` (.ci/run does)"
        );
    }
    found
}

/// Local files the kinds ship, with fixed contents (so cache paths are stable).
pub struct Fixture {
    pub dir: tempfile::TempDir,
}

impl Fixture {
    pub fn new() -> Self {
        let dir = tempfile::tempdir().unwrap();
        for (name, content) in [
            ("job.jar", "jar bytes"),
            ("app.py", "print('hi')\n"),
            ("query.hql", "SELECT * FROM t WHERE day = '${day}';\n"),
            ("run.sh", "#!/bin/sh\necho \"$@\"\n"),
            ("lookup.csv", "a,b\n"),
            ("deps.tgz", "not really a tarball"),
        ] {
            std::fs::write(dir.path().join(name), content).unwrap();
        }
        Fixture { dir }
    }

    pub fn path(&self, name: &str) -> String {
        self.dir.path().join(name).display().to_string()
    }
}

/// Parses `hjob run …` words into a request.
pub fn request(words: &[String]) -> Result<RunRequest, String> {
    let cli = Cli::try_parse_from(
        ["hjob", "run"]
            .iter()
            .map(|s| s.to_string())
            .chain(words.iter().cloned()),
    )
    .map_err(|e| e.to_string())?;
    let CliCommand::Run(args) = cli.command else {
        return Err("not a run command".into());
    };
    RunRequest::parse(args.kind).map_err(|e| e.to_string())
}

/// Runs the pipeline (spec → uploads → context → render) with the built-in
/// templates, as `alice` on a cluster with queue `adhoc`.
pub fn render_words(words: &[String], schema: &str) -> Result<String, String> {
    render_with(&Templates::builtin(), words, schema)
}

/// Like [`render_words`] with the given templates.
pub fn render_with(
    templates: &Templates,
    words: &[String],
    schema: &str,
) -> Result<String, String> {
    let request = request(words)?;
    let spec = JobSpec::new(
        &request,
        &SpecInputs {
            user: "alice",
            submission_id: SUBMISSION_ID,
            cluster_queue: Some("adhoc"),
            hive2_jdbc_url: Some("jdbc:hive2://hs2.example.com:10000/default"),
            default_schema: schema,
        },
    )
    .map_err(|e| e.to_string())?;
    let template = templates.require(&spec.kind).map_err(|e| e.to_string())?;
    let uploads = job::plan_uploads(&spec, &mut hjob::hash_cache::HashCache::default())
        .map_err(|e| e.to_string())?;
    let context = job::build_context(&spec, &uploads).map_err(|e| e.to_string())?;
    workflow::render(template, &context).map_err(|e| e.to_string())
}

/// One command line per kind, exercising its options.
pub fn kind_examples(f: &Fixture) -> Vec<(&'static str, Vec<String>)> {
    let s = |v: &[&str]| v.iter().map(|x| x.to_string()).collect::<Vec<_>>();
    vec![
        (
            "scalding",
            s(&[
                "scalding",
                "--jar",
                &f.path("job.jar"),
                "com.example.WordCount",
                "-D",
                "mapreduce.map.memory.mb=4096",
                "--file",
                &f.path("lookup.csv"),
                "--",
                "--input",
                "/data/in?a=1&b=2",
                "--output",
                "out-${day}",
            ]),
        ),
        (
            "java",
            s(&[
                "java",
                "--jar",
                &f.path("job.jar"),
                "--main-class",
                "com.example.Etl",
                "--java-opts=-Xmx2g",
                "--queue",
                "root.etl",
                "--archive",
                &f.path("deps.tgz"),
                "--",
                "in",
                "out",
                "#{not-el}",
                "C:\\dir\\",
            ]),
        ),
        (
            "spark",
            s(&[
                "spark",
                "--jar",
                &f.path("app.py"),
                "--spark-opts=--executor-memory 4g",
                "--name",
                "nightly <spark> & co",
                "--",
                "2026-11-22",
                "${'$'}",
            ]),
        ),
        (
            "spark-jar",
            s(&[
                "spark",
                "--jar",
                &f.path("job.jar"),
                "--class",
                "com.example.SparkMain",
                "-D",
                "spark.yarn.maxAppAttempts=1",
            ]),
        ),
        (
            "hive-script",
            s(&[
                "hive",
                "--script",
                &f.path("query.hql"),
                "--param",
                "day=2026-11-22",
            ]),
        ),
        (
            "hive-query",
            s(&[
                "hive",
                "-e",
                "SELECT COUNT(*) FROM logs WHERE msg LIKE '%$%' AND a < b",
                "--jdbc-url",
                "jdbc:hive2://other:10000/db;ssl=true",
                "--param",
                "x=${y}",
            ]),
        ),
        (
            "shell-command",
            s(&[
                "shell",
                "--env",
                "GREETING=hello world",
                "--",
                "echo",
                "hello",
                "$HOME",
                "\"quoted\"",
            ]),
        ),
        (
            "shell-script",
            s(&[
                "shell",
                "--script",
                &f.path("run.sh"),
                "--file",
                &f.path("lookup.csv"),
                "--",
                "--date",
                "2026-11-22",
            ]),
        ),
    ]
}

#[test]
fn every_kind_renders_to_its_snapshot() {
    let f = Fixture::new();
    for (name, words) in kind_examples(&f) {
        let xml = render_words(&words, "0.5").unwrap_or_else(|e| panic!("{name}: {e}"));
        insta::assert_snapshot!(format!("render_{name}_0_5"), xml);
    }
    let (_, java) = &kind_examples(&f)[1];
    let xml = render_words(java, "1.0").unwrap();
    insta::assert_snapshot!("render_java_1_0", xml);
    let (_, shell) = &kind_examples(&f)[7];
    let xml = render_words(shell, "1.0").unwrap();
    insta::assert_snapshot!("render_shell-script_1_0", xml);
}

#[test]
fn every_kind_and_schema_validates_with_the_conformance_kit() {
    if !xmllint_available() {
        return;
    }
    let f = Fixture::new();
    let out = tempfile::tempdir().unwrap();
    let mut files = Vec::new();
    for schema in ["0.5", "1.0"] {
        for (name, words) in kind_examples(&f) {
            let xml = render_words(&words, schema).unwrap_or_else(|e| panic!("{name}: {e}"));
            let path = out.path().join(format!("{name}-{schema}.xml"));
            std::fs::write(&path, xml).unwrap();
            files.push(path);
        }
    }
    assert_valid(&files);
}

/// Runs validate.sh on files and fails with its output unless all are valid.
pub fn assert_valid(files: &[PathBuf]) {
    let output = Command::new("bash")
        .arg(conformance_dir().join("validate.sh"))
        .args(files)
        .output()
        .expect("running validate.sh");
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(output.status.success(), "validate.sh failed:\n{text}");
    assert_eq!(text.matches(": valid").count(), files.len(), "{text}");
}

/// Validates many files with one xmllint run against the wrapper schema.
pub fn assert_schema_valid(files: &[PathBuf]) {
    for chunk in files.chunks(400) {
        let output = Command::new("xmllint")
            .args(["--noout", "--nonet", "--schema"])
            .arg(conformance_dir().join("validate-workflow.xsd"))
            .args(chunk)
            .output()
            .expect("running xmllint");
        assert!(
            output.status.success(),
            "xmllint failed:\n{}",
            String::from_utf8_lossy(&output.stderr)
        );
    }
}

#[test]
fn bad_input_is_a_usage_error_that_names_the_fix() {
    let f = Fixture::new();
    let s = |v: &[&str]| v.iter().map(|x| x.to_string()).collect::<Vec<_>>();
    let jar = f.path("job.jar");
    let cases: Vec<(Vec<String>, &str)> = vec![
        (
            s(&["java", "--jar", "/nonexistent/x.jar", "--main-class", "A"]),
            "no such file",
        ),
        (
            s(&["shell", "--file", &f.path(""), "--", "true"]),
            "directory",
        ),
        (
            s(&["java", "--jar", &f.path("job.zip"), "--main-class", "A"]),
            "does not end in .jar",
        ),
        (
            s(&["java", "--jar", &jar, "--main-class", "A", "-D", "novalue"]),
            "has no `=`",
        ),
        (
            s(&["java", "--jar", &jar, "--main-class", "A", "-D", "=x"]),
            "empty key",
        ),
        (
            s(&[
                "java",
                "--jar",
                &jar,
                "--main-class",
                "A",
                "-D",
                "user.name=bob",
            ]),
            "JA010",
        ),
        (
            s(&[
                "java",
                "--jar",
                &jar,
                "--main-class",
                "A",
                "--",
                "a",
                "b\u{0}",
            ]),
            "argument 2 contains U+0000 (NUL)",
        ),
        (
            s(&["java", "--jar", &jar, "--main-class", "A", "--", " padded"]),
            "whitespace",
        ),
        (
            s(&[
                "java",
                "--jar",
                &jar,
                "--main-class",
                "A",
                "--name",
                "x-${wf:user()}",
            ]),
            "E0803",
        ),
        (
            s(&["java", "--jar", &jar, "--main-class", "A", "--queue", "a b"]),
            "queue",
        ),
        (
            s(&["java", "--jar", &jar, "--main-class", "A", "--file", &jar]),
            "both be named",
        ),
        (s(&["shell"]), "command or a script"),
        (s(&["shell", "--env", "NOEQUALS", "--", "echo"]), "--env"),
        (s(&["hive", "-e", "SELECT 1", "--param", "x"]), "--param"),
        (
            s(&["nosuchkind", "--", "x"]),
            "unknown job kind `nosuchkind`",
        ),
    ];
    for (words, expected) in cases {
        let err = render_words(&words, "0.5").unwrap_err();
        assert!(err.contains(expected), "{words:?}: {err}");
    }
    let no_jdbc = request(&s(&["hive", "-e", "SELECT 1"])).unwrap();
    let err = JobSpec::new(
        &no_jdbc,
        &SpecInputs {
            user: "alice",
            submission_id: SUBMISSION_ID,
            cluster_queue: None,
            hive2_jdbc_url: None,
            default_schema: "0.5",
        },
    )
    .unwrap_err();
    assert!(err.hint().unwrap().contains("--jdbc-url"), "{err}");
}

#[test]
fn user_templates_add_kinds_and_report_errors_with_lines() {
    let f = Fixture::new();
    let dir = tempfile::tempdir().unwrap();
    let pig = Templates::builtin().get("shell").unwrap().source.clone();
    std::fs::write(
        dir.path().join("pig.xml.tera"),
        pig.replace("{{ exec }}", "pig"),
    )
    .unwrap();
    std::fs::write(
        dir.path().join("broken.xml.tera"),
        "<workflow-app>\n  <start to=\"{{ nope }}\"/>\n</workflow-app>\n",
    )
    .unwrap();
    let templates = Templates::load(Some(dir.path())).unwrap();
    let words: Vec<String> = ["pig", "--file", &f.path("lookup.csv"), "--", "-f", "x.pig"]
        .iter()
        .map(|s| s.to_string())
        .collect();
    let xml = render_with(&templates, &words, "0.5").unwrap();
    assert!(xml.contains("<exec>pig</exec>"), "{xml}");
    assert!(xml.contains("<argument>-f</argument>"), "{xml}");
    assert!(xml.contains("lookup.csv#lookup.csv</file>"), "{xml}");
    assert!(xml.contains("name=\"hjob-pig-alice-7f3a9c01\""), "{xml}");

    let err = render_with(&templates, &["broken".to_string()], "0.5").unwrap_err();
    assert!(err.contains("broken.xml.tera, line 2"), "{err}");
    assert!(err.contains("nope"), "{err}");
}

/// Reads a workflow's `<arg>`-like texts: every element named `tag`.
pub fn texts(xml: &str, tag: &str) -> Vec<String> {
    let doc = roxmltree::Document::parse(xml).unwrap();
    doc.descendants()
        .filter(|n| n.is_element() && n.tag_name().name() == tag)
        .map(|n| n.text().unwrap_or_default().to_owned())
        .collect()
}
