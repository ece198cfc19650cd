//! The job: from `hjob run KIND …` to a [`PreparedJob`] ready to stage and
//! submit.
//!
//! Three steps, kept apart so the pure parts stay pure:
//! 1. [`JobSpec::new`] (pure): validates every user value (what XML cannot
//!    carry, what Oozie would trim, `-D` without `=`, EL in the name, …) and
//!    decides names, queue and schema.
//! 2. [`plan_files`] (I/O): size of every local file to ship, and its
//!    BLAKE3 hash (its content-addressed place in the HDFS cache) when it is
//!    remembered, small, or a dry run asks; staging hashes the others while
//!    it uploads them. [`plan_uploads`] hashes every file.
//! 3. [`build_context`] + [`crate::workflow::render`] (pure): the workflow
//!    XML, checked structurally.
//!
//! [`prepare`] runs the three and adds the job properties.
//!
//! HDFS layout: each submission gets `/user/<user>/.hjob/runs/<id>/`
//! (holding `workflow.xml`); each shipped file lives at
//! `/user/<user>/.hjob/cache/<blake3>/<file name>` and the workflow names it
//! as `${nameNode}/user/…`.

use std::collections::BTreeMap;
use std::hash::{BuildHasher, Hasher};
use std::io::Read;
use std::path::{Path, PathBuf};
use std::time::SystemTime;

use clap::Parser;
use serde::Serialize;

use crate::cli::run::{CommonRunArgs, RunKind};
use crate::config::Settings;
use crate::error::HjobError;
use crate::hash_cache::{HashCache, Stamp};
use crate::state::ResolvedCluster;
use crate::workflow::el::{self, Trim, check_value, escape_value};
use crate::workflow::{self, Property, SchemaVersion, TemplateContext, Templates};

/// The main class of every Scalding job.
pub const SCALDING_TOOL: &str = "com.twitter.scalding.Tool";

/// The queue used when neither `--queue` nor the cluster names one.
pub const DEFAULT_QUEUE: &str = "default";

/// Action configuration properties Oozie refuses (JA010), with the flag to
/// use instead.
const DISALLOWED_DEFINES: [(&str, &str); 5] = [
    ("user.name", "--user"),
    ("mapred.job.tracker", "the cluster's job_tracker"),
    ("mapreduce.jobtracker.address", "the cluster's job_tracker"),
    ("yarn.resourcemanager.address", "the cluster's job_tracker"),
    ("fs.default.name", "the cluster's name_node"),
];

/// The property carrying the queue in each action's configuration.
pub const QUEUE_PROPERTY: &str = "mapreduce.job.queuename";

/// Options of a kind defined by a user template:
/// `hjob run <kind> [common options] [-- ARGS…]`.
#[derive(Debug, Clone, Parser)]
pub struct CustomRunArgs {
    #[command(flatten)]
    pub common: CommonRunArgs,
    /// Arguments for the template (`args`), after `--`.
    #[arg(last = true, value_name = "ARGS")]
    pub args: Vec<String>,
}

/// A parsed `hjob run`: the kind as clap saw it, plus the parsed options of
/// a user-defined kind. Parsing is pure, so it happens before the state
/// lookup.
#[derive(Debug, Clone)]
pub struct RunRequest {
    /// The kind and its arguments.
    pub kind: RunKind,
    /// For a user-defined kind: its common options and arguments.
    pub custom: Option<CustomRunArgs>,
    /// For a user kind copied from a built-in one (see
    /// [`crate::workflow::TemplateSource::base_kind`]): the user kind's
    /// name, whose template renders the built-in kind's options in `kind`.
    pub template: Option<String>,
}

/// Re-parses a user kind's words with a built-in kind's flags.
#[derive(Debug, clap::Parser)]
#[command(name = "hjob run")]
struct DerivedKind {
    #[command(subcommand)]
    kind: RunKind,
}

/// What a user kind copied from a built-in kind asked for.
#[derive(Debug)]
pub enum Derived {
    /// Run it.
    Request(Box<RunRequest>),
    /// `--help` was given: the built-in kind's help.
    Help(String),
}

impl RunRequest {
    /// Parses a user-defined kind's options; built-in kinds are already parsed.
    pub fn parse(kind: RunKind) -> Result<Self, HjobError> {
        let custom = match &kind {
            RunKind::Custom(words) => {
                let name = words.first().map_or("", String::as_str);
                let rest = words.iter().skip(1).cloned();
                let parsed = CustomRunArgs::try_parse_from(
                    std::iter::once(format!("hjob run {name}")).chain(rest),
                )
                .map_err(|e| {
                    let text = e.to_string();
                    let text = text.trim().trim_start_matches("error: ").to_owned();
                    HjobError::usage_hint(
                        text,
                        format!("user kinds take the common options and `-- ARGS…`: hjob run {name} [--name N] [--queue Q] [-D K=V] [--file F] [--archive A] [--dry-run] [-- ARGS…]"),
                    )
                })?;
                Some(parsed)
            }
            _ => None,
        };
        Ok(RunRequest {
            kind,
            custom,
            template: None,
        })
    }

    /// Parses user kind `name`'s words (`words[0]` is the name) with the
    /// flags of built-in kind `base`, so a template copied from `base`
    /// takes `base`'s options and renders exactly as `base` does.
    pub fn derived(base: &str, words: &[String]) -> Result<Derived, HjobError> {
        let name = words.first().map_or("", String::as_str);
        let parsed = DerivedKind::try_parse_from(
            ["hjob run".to_owned(), base.to_owned()]
                .into_iter()
                .chain(words.iter().skip(1).cloned()),
        );
        match parsed {
            Ok(DerivedKind { kind }) => Ok(Derived::Request(Box::new(RunRequest {
                kind,
                custom: None,
                template: Some(name.to_owned()),
            }))),
            Err(e) if e.kind() == clap::error::ErrorKind::DisplayHelp => Ok(Derived::Help(
                e.render()
                    .to_string()
                    .replace(&format!("hjob run {base}"), &format!("hjob run {name}")),
            )),
            Err(e) => {
                let text = e.to_string();
                let text = text
                    .trim()
                    .trim_start_matches("error: ")
                    .replace(&format!("hjob run {base}"), &format!("hjob run {name}"));
                Err(HjobError::usage_hint(
                    text,
                    format!(
                        "`{name}` is a copy of the built-in `{base}` template, so it takes `hjob run {base}`'s options (see `hjob run {name} --help`)"
                    ),
                ))
            }
        }
    }

    /// The kind's name as typed (a derived user kind's own name).
    pub fn kind_name(&self) -> &str {
        self.template.as_deref().unwrap_or_else(|| self.kind.name())
    }

    /// The options every kind shares.
    pub fn common(&self) -> &CommonRunArgs {
        match (&self.custom, self.kind.common()) {
            (_, Some(common)) => common,
            (Some(custom), None) => &custom.common,
            (None, None) => {
                static EMPTY: std::sync::OnceLock<CommonRunArgs> = std::sync::OnceLock::new();
                EMPTY.get_or_init(CommonRunArgs::default)
            }
        }
    }
}

/// For a user-defined kind asked for `--help`: the help text to print.
pub fn custom_kind_help(kind: &RunKind) -> Option<String> {
    let RunKind::Custom(words) = kind else {
        return None;
    };
    let name = words.first().map_or("", String::as_str);
    match CustomRunArgs::try_parse_from(
        std::iter::once(format!("hjob run {name}")).chain(words.iter().skip(1).cloned()),
    ) {
        Err(e) if e.kind() == clap::error::ErrorKind::DisplayHelp => Some(e.render().to_string()),
        _ => None,
    }
}

/// Generates a submission id, `YYYYMMDDTHHMMSS-<8 hex>` in UTC.
pub fn new_submission_id(now: SystemTime) -> String {
    let stamp: String = crate::timefmt::rfc3339(now)
        .chars()
        .filter(|c| !matches!(c, '-' | ':' | 'Z'))
        .collect();
    let mut hasher = std::collections::hash_map::RandomState::new().build_hasher();
    hasher.write_u128(
        now.duration_since(SystemTime::UNIX_EPOCH)
            .map(|d| d.as_nanos())
            .unwrap_or_default(),
    );
    hasher.write_u32(std::process::id());
    format!("{stamp}-{:08x}", hasher.finish() as u32)
}

/// The 8-hex suffix of a submission id (the whole id if it has no `-`).
pub fn short_id(submission_id: &str) -> &str {
    submission_id
        .rsplit_once('-')
        .map_or(submission_id, |(_, short)| short)
}

/// What a job spec needs besides the command line.
#[derive(Debug, Clone)]
pub struct SpecInputs<'a> {
    /// The user the job runs as.
    pub user: &'a str,
    /// This submission's id.
    pub submission_id: &'a str,
    /// The cluster's default queue.
    pub cluster_queue: Option<&'a str>,
    /// The cluster's HiveServer2 JDBC URL.
    pub hive2_jdbc_url: Option<&'a str>,
    /// The configured workflow schema (`0.5` or `1.0`).
    pub default_schema: &'a str,
}

/// A local file the job ships, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LocalFile {
    /// The flag it came from (`--jar`, `--script`, `--file`, `--archive`).
    pub role: &'static str,
    /// The path as given.
    pub path: PathBuf,
    /// Its file name, which is also its link name on the cluster.
    pub name: String,
}

/// How the Hive query is given.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum HiveSource {
    /// `--script FILE` (index into [`JobSpec::local_files`]).
    Script(usize),
    /// `-e QUERY`.
    Query(String),
}

/// What the action runs, per kind. Local files are indexes into
/// [`JobSpec::local_files`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ActionSpec {
    /// java action (also scalding, with the Tool as main class).
    Java {
        jar: usize,
        main_class: String,
        java_opts: Option<String>,
        args: Vec<String>,
    },
    /// spark action.
    Spark {
        app: usize,
        class: Option<String>,
        spark_opts: Option<String>,
        args: Vec<String>,
    },
    /// hive2 action.
    Hive {
        source: HiveSource,
        params: Vec<String>,
        jdbc_url: String,
    },
    /// shell action.
    Shell {
        script: Option<usize>,
        exec: String,
        args: Vec<String>,
        env: Vec<String>,
    },
    /// A user-defined kind: only the common options and its arguments.
    Custom { args: Vec<String> },
}

/// A validated job, before any file is read. Values are as the user typed
/// them; escaping happens in [`build_context`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct JobSpec {
    /// The kind whose options and values it has (a built-in kind, or a user
    /// kind with only the common options).
    pub kind: String,
    /// The template that renders it: `kind`, or a derived user kind.
    pub template: String,
    pub app_name: String,
    pub user: String,
    pub submission_id: String,
    pub queue: String,
    pub schema: SchemaVersion,
    /// `-D` pairs, in order, a repeated key keeping its first position and last value.
    pub defines: Vec<(String, String)>,
    /// Every local file to ship, in order: the kind's own file first.
    pub local_files: Vec<LocalFile>,
    /// Indexes of `--file` entries.
    pub files: Vec<usize>,
    /// Indexes of `--archive` entries.
    pub archives: Vec<usize>,
    pub action: ActionSpec,
}

/// Checks a list of program arguments, naming each by position.
fn check_args(args: &[String]) -> Result<(), HjobError> {
    for (i, arg) in args.iter().enumerate() {
        check_value(&format!("argument {}", i + 1), arg, Trim::Refuse)?;
    }
    Ok(())
}

/// Checks the arguments of a kind Oozie runs through its java launcher
/// (java, scalding, spark): besides [`check_args`], none may be empty. Real
/// Oozie 5.2.1 hands an empty `<arg/>` to the launcher as null, and
/// `LauncherMain.printArgs` fails on it (JA018 NullPointerException) before
/// the program starts; a shell `<argument/>` arrives as "".
fn check_launcher_args(args: &[String]) -> Result<(), HjobError> {
    check_args(args)?;
    if let Some(i) = args.iter().position(|a| a.is_empty()) {
        return Err(HjobError::usage_hint(
            format!(
                "argument {} is empty: Oozie's java launcher receives an empty argument as null and the action fails (JA018 NullPointerException) before the program starts",
                i + 1
            ),
            "leave the empty argument out, or pass a value the program reads as empty (e.g. \"-\")",
        ));
    }
    Ok(())
}

/// Splits `K=V` at the first `=`, with a message naming the flag.
fn split_pair<'a>(
    flag: &str,
    text: &'a str,
    example: &str,
) -> Result<(&'a str, &'a str), HjobError> {
    match text.split_once('=') {
        Some((key, value)) if !key.is_empty() => Ok((key, value)),
        Some(_) => Err(HjobError::usage_hint(
            format!("{flag} {text:?} has an empty key"),
            format!("write {flag} KEY=VALUE, for example {flag} {example}"),
        )),
        None => Err(HjobError::usage_hint(
            format!("{flag} {text:?} has no `=`"),
            format!("write {flag} KEY=VALUE, for example {flag} {example}"),
        )),
    }
}

/// Checks `K=V` entries (`--env`, `--param`), which Oozie passes as one string.
fn check_pairs(flag: &str, pairs: &[String], example: &str) -> Result<(), HjobError> {
    for pair in pairs {
        split_pair(flag, pair, example)?;
        check_value(&format!("{flag} {pair:?}"), pair, Trim::Refuse)?;
    }
    Ok(())
}

/// Trims an option string whose surrounding whitespace means nothing
/// (`--java-opts`, `--spark-opts`); empty becomes `None`.
fn opts(flag: &str, value: Option<&str>) -> Result<Option<String>, HjobError> {
    let Some(value) = value.map(str::trim).filter(|v| !v.is_empty()) else {
        return Ok(None);
    };
    check_value(flag, value, Trim::Keep)?;
    Ok(Some(value.to_owned()))
}

/// Checks a class name given on the command line.
fn class_name(flag: &str, value: &str) -> Result<String, HjobError> {
    if value.is_empty() {
        return Err(HjobError::usage_hint(
            format!("{flag} is empty"),
            format!("give a fully qualified class, for example {flag} com.example.Main"),
        ));
    }
    check_value(flag, value, Trim::Refuse)?;
    Ok(value.to_owned())
}

/// Whether a file name can be used as-is in an HDFS path and a `#link`
/// fragment: letters, digits and `._+=@,-`.
fn is_shippable_name(name: &str) -> bool {
    !name.is_empty()
        && name != "."
        && name != ".."
        && name.chars().all(|c| {
            c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '+' | '=' | '@' | ',' | '-')
        })
}

/// Adds a local file to ship, checking its name; returns its index.
fn push_local_file(
    files: &mut Vec<LocalFile>,
    role: &'static str,
    path: &Path,
) -> Result<usize, HjobError> {
    let name = shippable_name(path);
    if !is_shippable_name(&name) {
        return Err(HjobError::usage_hint(
            format!(
                "{role} {}: the file name {name:?} cannot be shipped as is (it becomes an HDFS path and a link name on the cluster)",
                path.display()
            ),
            "rename the file (or copy it) to a name made of letters, digits and . _ + = @ , -",
        ));
    }
    files.push(LocalFile {
        role,
        path: path.to_path_buf(),
        name,
    });
    Ok(files.len() - 1)
}

/// Requires a `.jar` name for a java action's jar: Oozie puts a `<file>` on
/// the launcher's classpath only when its name ends in `.jar`.
fn require_jar_name(path: &Path) -> Result<(), HjobError> {
    if shippable_name(path).ends_with(".jar") {
        Ok(())
    } else {
        Err(HjobError::usage_hint(
            format!("--jar {} does not end in .jar", path.display()),
            "Oozie adds a shipped file to the classpath only when its name ends in .jar; rename or copy it to NAME.jar",
        ))
    }
}

/// The file name of a path (empty when it has none or it is not UTF-8).
fn shippable_name(path: &Path) -> String {
    path.file_name()
        .and_then(|n| n.to_str())
        .unwrap_or_default()
        .to_owned()
}

impl JobSpec {
    /// Builds and validates the spec. Pure: no file is touched.
    pub fn new(request: &RunRequest, inputs: &SpecInputs<'_>) -> Result<Self, HjobError> {
        // A derived user kind renders its own template with the built-in
        // kind's values (`kind` included), so it renders what that kind does.
        let kind = request.kind.name().to_owned();
        let template = request.kind_name().to_owned();
        let common = request.common();
        let mut local_files = Vec::new();
        let mut add_file =
            |role: &'static str, path: &Path| push_local_file(&mut local_files, role, path);

        let action = match &request.kind {
            RunKind::Scalding(a) => {
                require_jar_name(&a.jar)?;
                let jar = add_file("--jar", &a.jar)?;
                let job_class = class_name("the job class", &a.job_class)?;
                check_launcher_args(&a.args)?;
                let mut args = vec![job_class, "--hdfs".to_owned()];
                args.extend(a.args.iter().cloned());
                ActionSpec::Java {
                    jar,
                    main_class: SCALDING_TOOL.to_owned(),
                    java_opts: None,
                    args,
                }
            }
            RunKind::Java(a) => {
                require_jar_name(&a.jar)?;
                let jar = add_file("--jar", &a.jar)?;
                let main_class = class_name("--main-class", &a.main_class)?;
                let java_opts = opts("--java-opts", a.java_opts.as_deref())?;
                check_launcher_args(&a.args)?;
                ActionSpec::Java {
                    jar,
                    main_class,
                    java_opts,
                    args: a.args.clone(),
                }
            }
            RunKind::Spark(a) => {
                let app = add_file("--jar", &a.jar)?;
                let class = a
                    .class
                    .as_deref()
                    .map(|c| class_name("--class", c))
                    .transpose()?;
                let spark_opts = opts("--spark-opts", a.spark_opts.as_deref())?;
                check_launcher_args(&a.args)?;
                ActionSpec::Spark {
                    app,
                    class,
                    spark_opts,
                    args: a.args.clone(),
                }
            }
            RunKind::Hive(a) => {
                let source = match (&a.script, &a.query) {
                    (Some(script), None) => HiveSource::Script(add_file("--script", script)?),
                    (None, Some(query)) if !query.trim().is_empty() => {
                        check_value("the -e query", query, Trim::Keep)?;
                        HiveSource::Query(query.clone())
                    }
                    (None, Some(_)) => {
                        return Err(HjobError::usage_hint(
                            "the -e query is empty",
                            "give a query, for example -e 'SELECT 1', or a file with --script",
                        ));
                    }
                    _ => {
                        return Err(HjobError::usage_hint(
                            "hive needs exactly one of --script FILE and -e QUERY",
                            "for example: hjob run hive -e 'SELECT COUNT(*) FROM logs'",
                        ));
                    }
                };
                check_pairs("--param", &a.params, "day=2026-11-22")?;
                let jdbc_url = a
                    .jdbc_url
                    .as_deref()
                    .or(inputs.hive2_jdbc_url)
                    .filter(|u| !u.trim().is_empty())
                    .ok_or_else(|| {
                        HjobError::usage_hint(
                            "no HiveServer2 JDBC URL: the cluster has no hive2_jdbc_url and --jdbc-url was not given",
                            "pass --jdbc-url jdbc:hive2://HOST:10000/default, or set hive2_jdbc_url under [clusters.<name>] in your config",
                        )
                    })?;
                check_value("--jdbc-url", jdbc_url, Trim::Refuse)?;
                ActionSpec::Hive {
                    source,
                    params: a.params.clone(),
                    jdbc_url: jdbc_url.to_owned(),
                }
            }
            RunKind::Shell(a) => {
                check_pairs("--env", &a.env, "DAY=2026-11-22")?;
                check_args(&a.command)?;
                match &a.script {
                    Some(script) => {
                        let index = add_file("--script", script)?;
                        ActionSpec::Shell {
                            script: Some(index),
                            exec: shippable_name(script),
                            args: a.command.clone(),
                            env: a.env.clone(),
                        }
                    }
                    None => {
                        let Some((exec, args)) = a.command.split_first() else {
                            return Err(HjobError::usage_hint(
                                "shell needs a command or a script",
                                "give one: hjob run shell -- echo hello, or hjob run shell --script run.sh -- ARGS",
                            ));
                        };
                        if exec.is_empty() {
                            return Err(HjobError::usage_hint(
                                "the shell command (the first word after --) is empty",
                                "write the command first: hjob run shell -- echo hello",
                            ));
                        }
                        ActionSpec::Shell {
                            script: None,
                            exec: exec.clone(),
                            args: args.to_vec(),
                            env: a.env.clone(),
                        }
                    }
                }
            }
            RunKind::Custom(_) => {
                let args = request
                    .custom
                    .as_ref()
                    .map(|c| c.args.clone())
                    .unwrap_or_default();
                check_args(&args)?;
                ActionSpec::Custom { args }
            }
        };

        let files = common
            .files
            .iter()
            .map(|f| add_file("--file", f))
            .collect::<Result<Vec<_>, _>>()?;
        let archives = common
            .archives
            .iter()
            .map(|f| add_file("--archive", f))
            .collect::<Result<Vec<_>, _>>()?;
        check_link_names(&local_files, &action)?;

        let mut defines: Vec<(String, String)> = Vec::new();
        for define in &common.define {
            let (key, value) = split_pair("-D", define, "mapreduce.map.memory.mb=4096")?;
            check_value(&format!("-D key {key:?}"), key, Trim::Refuse)?;
            check_value(&format!("-D value of {key}"), value, Trim::Refuse)?;
            if let Some((_, instead)) = DISALLOWED_DEFINES.iter().find(|(k, _)| *k == key) {
                return Err(HjobError::usage_hint(
                    format!(
                        "-D {key} is not allowed: Oozie refuses it in an action's configuration (JA010)"
                    ),
                    format!("drop it; hjob sets it from {instead}"),
                ));
            }
            match defines.iter_mut().find(|(k, _)| k == key) {
                Some(slot) => slot.1 = value.to_owned(),
                None => defines.push((key.to_owned(), value.to_owned())),
            }
        }

        let queue = common
            .queue
            .as_deref()
            .or(inputs.cluster_queue)
            .unwrap_or(DEFAULT_QUEUE)
            .to_owned();
        if queue.is_empty()
            || !queue
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.'))
        {
            return Err(HjobError::usage_hint(
                format!("invalid queue name {queue:?}"),
                "YARN queue names use letters, digits, '_', '-' and '.' (for example root.adhoc)",
            ));
        }

        let app_name = match &common.name {
            Some(name) => {
                el::check_app_name(name)?;
                name.clone()
            }
            None => format!(
                "hjob-{template}-{}-{}",
                inputs.user,
                short_id(inputs.submission_id)
            ),
        };

        let schema_text = common.schema.as_deref().unwrap_or(inputs.default_schema);
        let schema = SchemaVersion::parse(schema_text).ok_or_else(|| {
            HjobError::usage_hint(
                format!("unknown workflow schema {schema_text:?}"),
                "use 0.5 (Oozie 4.3 and 5.x) or 1.0 (Oozie 5.x only)",
            )
        })?;

        Ok(JobSpec {
            kind,
            template,
            app_name,
            user: inputs.user.to_owned(),
            submission_id: inputs.submission_id.to_owned(),
            queue,
            schema,
            defines,
            local_files,
            files,
            archives,
            action,
        })
    }

    /// The HDFS directory of this submission (holds `workflow.xml`).
    pub fn app_dir(&self) -> String {
        format!("/user/{}/.hjob/runs/{}", self.user, self.submission_id)
    }
}

/// Refuses two shipped files that would get the same link name in the
/// container (the kind's own jar or script, `--file`, `--archive`).
fn check_link_names(files: &[LocalFile], action: &ActionSpec) -> Result<(), HjobError> {
    let spark_app = match action {
        ActionSpec::Spark { app, .. } => Some(*app),
        ActionSpec::Hive {
            source: HiveSource::Script(script),
            ..
        } => Some(*script),
        _ => None,
    };
    let mut seen: BTreeMap<&str, &LocalFile> = BTreeMap::new();
    for (i, file) in files.iter().enumerate() {
        if Some(i) == spark_app {
            continue;
        }
        if let Some(first) = seen.get(file.name.as_str()) {
            if first.path == file.path && first.role == file.role {
                continue;
            }
            return Err(HjobError::usage_hint(
                format!(
                    "{} {} and {} {} would both be named `{}` on the cluster",
                    first.role,
                    first.path.display(),
                    file.role,
                    file.path.display(),
                    file.name
                ),
                "ship each name once: rename or drop one of them",
            ));
        }
        seen.insert(&file.name, file);
    }
    Ok(())
}

/// Refuses a shell command that names a file on this machine which the job
/// does not ship (`hjob run shell -- ./smoke.sh`): the action runs in an
/// empty container on the cluster, so it could only fail there. Only
/// relative paths are checked (an absolute one such as `/bin/echo` names a
/// file every node has), and `./NAME` is fine when `--file`/`--archive`
/// ships NAME. Reads the file system (it is the one check that must).
pub fn check_shell_command_is_shipped(spec: &JobSpec) -> Result<(), HjobError> {
    let ActionSpec::Shell {
        script: None, exec, ..
    } = &spec.action
    else {
        return Ok(());
    };
    let path = Path::new(exec);
    if !exec.contains('/') || path.is_absolute() || !path.is_file() {
        return Ok(());
    }
    let shipped = spec
        .files
        .iter()
        .chain(&spec.archives)
        .filter_map(|i| spec.local_files.get(*i))
        .any(|f| exec.strip_prefix("./") == Some(f.name.as_str()));
    if shipped {
        return Ok(());
    }
    Err(HjobError::usage_hint(
        format!(
            "`{exec}` is a file on this machine, and the job does not ship it: the command runs on a cluster node, where it does not exist"
        ),
        format!("ship and run it with --script: hjob run shell --script {exec} -- ARGS"),
    ))
}

/// A local file to upload and where it goes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Upload {
    /// The local path as given.
    pub local: PathBuf,
    /// Its HDFS path (no scheme): `/user/<user>/.hjob/cache/<blake3>/<name>`.
    pub hdfs: String,
    /// Its size.
    pub bytes: u64,
    /// Its BLAKE3 hash, lower-case hex.
    pub blake3: String,
}

/// A local file to ship, as planned before staging: its BLAKE3 hash is known
/// when the hash cache remembers this version of the file (or when it was
/// hashed for a dry run); otherwise staging hashes it while uploading it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ShippedFile {
    /// The local path as given.
    pub local: PathBuf,
    /// Its name on HDFS (the last part of its cache path).
    pub name: String,
    /// Its size when planned.
    pub bytes: u64,
    /// Its BLAKE3 hash, lower-case hex, when already known.
    pub blake3: Option<String>,
    /// The version of the file the hash belongs to.
    pub stamp: Option<Stamp>,
}

/// The content-addressed cache of a user's shipped files on HDFS.
pub fn cache_root(user: &str) -> String {
    format!("/user/{user}/.hjob/cache")
}

/// The cache path of a file with this content and name.
pub fn cache_path(user: &str, blake3: &str, name: &str) -> String {
    format!("{}/{blake3}/{name}", cache_root(user))
}

/// Reads every local file of the spec: size, BLAKE3 hash and cache path. One
/// upload per distinct HDFS path, in the spec's order. Hashes of unchanged
/// files come from `hashes` instead of reading the file again.
pub fn plan_uploads(spec: &JobSpec, hashes: &mut HashCache) -> Result<Vec<Upload>, HjobError> {
    Ok(plan_files(spec, hashes, true)?
        .into_iter()
        .filter_map(|f| {
            let blake3 = f.blake3?;
            Some(Upload {
                hdfs: cache_path(&spec.user, &blake3, &f.name),
                local: f.local,
                bytes: f.bytes,
                blake3,
            })
        })
        .collect())
}

/// Files smaller than this are hashed before staging even when their hash
/// is not remembered (a few milliseconds), so a copy already on HDFS is
/// found without uploading it; larger ones are hashed while they upload,
/// read once. The price: a large file new to this machine but already on
/// HDFS (a jar copied from elsewhere) is uploaded once more, and its
/// upload then kept as the one copy.
pub const HASH_FIRST_LIMIT: u64 = 8 * 1024 * 1024;

/// Checks every local file of the spec (it exists, is no directory) and
/// takes its size, and its BLAKE3 hash when `hashes` remembers it. With
/// `hash_unknown` (or below [`HASH_FIRST_LIMIT`]), files whose hash is not
/// remembered are read and hashed here; otherwise they are left for
/// staging to hash while uploading. One
/// entry per distinct cache path (or, unhashed, per distinct local path and
/// name), in the spec's order.
pub fn plan_files(
    spec: &JobSpec,
    hashes: &mut HashCache,
    hash_unknown: bool,
) -> Result<Vec<ShippedFile>, HjobError> {
    let mut planned: Vec<ShippedFile> = Vec::new();
    for file in &spec.local_files {
        let metadata = check_file(file)?;
        let (bytes, blake3) = match hashes.get(&file.path, &metadata) {
            Some(blake3) => (metadata.len(), Some(blake3)),
            None if hash_unknown || metadata.len() < HASH_FIRST_LIMIT => {
                let (bytes, blake3) = hash_file(file, &metadata, hashes)?;
                (bytes, Some(blake3))
            }
            None => (metadata.len(), None),
        };
        let same = |p: &ShippedFile| {
            p.name == file.name
                && match (&p.blake3, &blake3) {
                    (Some(a), Some(b)) => a == b,
                    _ => p.local == file.path,
                }
        };
        if !planned.iter().any(same) {
            planned.push(ShippedFile {
                local: file.path.clone(),
                name: file.name.clone(),
                bytes,
                blake3,
                stamp: Stamp::of(&metadata),
            });
        }
    }
    Ok(planned)
}

/// The error for a local file that cannot be read, naming its flag.
fn open_error(file: &LocalFile, e: &std::io::Error) -> HjobError {
    let path = &file.path;
    let role = file.role;
    match e.kind() {
        std::io::ErrorKind::NotFound => HjobError::usage_hint(
            format!("{role} {}: no such file", path.display()),
            format!(
                "check the path given to {role} (relative paths start at {})",
                std::env::current_dir()
                    .map(|d| d.display().to_string())
                    .unwrap_or_else(|_| "the current directory".into())
            ),
        ),
        _ => HjobError::usage_hint(
            format!("cannot read {role} {}: {e}", path.display()),
            "check the file's permissions",
        ),
    }
}

/// A local file's metadata, with usage errors that name the flag.
fn check_file(file: &LocalFile) -> Result<std::fs::Metadata, HjobError> {
    let path = &file.path;
    let metadata = std::fs::metadata(path).map_err(|e| open_error(file, &e))?;
    if metadata.is_dir() {
        return Err(HjobError::usage_hint(
            format!("{} {} is a directory", file.role, path.display()),
            "give a file; to ship a directory, pack it (tar czf dir.tgz DIR) and use --archive dir.tgz",
        ));
    }
    Ok(metadata)
}

/// Size and BLAKE3 hash of a local file, with usage errors that name the flag.
fn hash_file(
    file: &LocalFile,
    metadata: &std::fs::Metadata,
    hashes: &mut HashCache,
) -> Result<(u64, String), HjobError> {
    let path = &file.path;
    let mut reader = std::fs::File::open(path).map_err(|e| open_error(file, &e))?;
    let mut hasher = blake3::Hasher::new();
    let mut buffer = vec![0u8; 64 * 1024];
    let mut bytes = 0u64;
    loop {
        let n = reader.read(&mut buffer).map_err(|e| {
            HjobError::usage_hint(
                format!("cannot read {} {}: {e}", file.role, path.display()),
                "check the file (is it a readable regular file?)",
            )
        })?;
        if n == 0 {
            break;
        }
        bytes += n as u64;
        hasher.update(&buffer[..n]);
    }
    let blake3 = hasher.finalize().to_hex().to_string();
    if bytes == metadata.len() {
        hashes.insert(path, metadata, &blake3);
    }
    Ok((bytes, blake3))
}

/// Builds the template context from a spec and its uploads. Pure; every user
/// value goes through [`escape_value`] here and nowhere else.
pub fn build_context(spec: &JobSpec, uploads: &[Upload]) -> Result<TemplateContext, HjobError> {
    let cache_path = |index: usize| -> Result<String, HjobError> {
        let file = spec.local_files.get(index).ok_or_else(|| {
            HjobError::usage(format!(
                "internal error: no local file #{index} in the job spec"
            ))
        })?;
        let upload = uploads
            .iter()
            .find(|u| u.local == file.path && u.hdfs.ends_with(&format!("/{}", file.name)))
            .ok_or_else(|| {
                HjobError::usage(format!(
                    "internal error: {} was not planned for upload",
                    file.path.display()
                ))
            })?;
        Ok(format!("${{nameNode}}{}", escape_value(&upload.hdfs)))
    };
    let linked = |index: usize| -> Result<String, HjobError> {
        let name = spec
            .local_files
            .get(index)
            .map(|f| escape_value(&f.name))
            .unwrap_or_default();
        Ok(format!("{}#{name}", cache_path(index)?))
    };
    let escape_all = |values: &[String]| values.iter().map(|v| escape_value(v)).collect::<Vec<_>>();

    let mut context = TemplateContext::new(&spec.kind, spec.schema);
    context.app_name = el::escape_app_name(&spec.app_name);
    context.user = escape_value(&spec.user);
    context.submission_id = escape_value(&spec.submission_id);
    context.short_id = escape_value(short_id(&spec.submission_id));
    context.configuration.push(Property {
        name: QUEUE_PROPERTY.into(),
        value: "${queueName}".into(),
    });
    for (key, value) in &spec.defines {
        if key == QUEUE_PROPERTY {
            if let Some(slot) = context.configuration.first_mut() {
                slot.value = escape_value(value);
            }
            continue;
        }
        context.configuration.push(Property {
            name: escape_value(key),
            value: escape_value(value),
        });
    }
    match &spec.action {
        ActionSpec::Java {
            jar,
            main_class,
            java_opts,
            args,
        } => {
            context.jar = Some(cache_path(*jar)?);
            // No `#link` fragment: Oozie puts a `<file>` jar on the
            // launcher's classpath only when it has none
            // (JavaActionExecutor.addToCache); with one it is merely cached.
            context.files.push(cache_path(*jar)?);
            context.main_class = Some(escape_value(main_class));
            context.java_opts = java_opts.as_deref().map(escape_value);
            context.args = escape_all(args);
        }
        ActionSpec::Spark {
            app,
            class,
            spark_opts,
            args,
        } => {
            context.jar = Some(cache_path(*app)?);
            context.spark_class = class.as_deref().map(escape_value);
            context.spark_opts = spark_opts.as_deref().map(escape_value);
            context.args = escape_all(args);
        }
        ActionSpec::Hive {
            source,
            params,
            jdbc_url,
        } => {
            match source {
                HiveSource::Script(script) => context.script = Some(cache_path(*script)?),
                HiveSource::Query(query) => context.query = Some(escape_value(query)),
            }
            context.params = escape_all(params);
            context.jdbc_url = Some(escape_value(jdbc_url));
        }
        ActionSpec::Shell {
            script,
            exec,
            args,
            env,
        } => {
            if let Some(script) = script {
                context.files.push(linked(*script)?);
            }
            context.exec = Some(escape_value(exec));
            context.args = escape_all(args);
            context.env = escape_all(env);
        }
        ActionSpec::Custom { args } => context.args = escape_all(args),
    }
    for index in &spec.files {
        context.files.push(linked(*index)?);
    }
    for index in &spec.archives {
        context.archives.push(linked(*index)?);
    }
    Ok(context)
}

/// The Oozie submit configuration of a job.
pub fn job_properties(
    spec: &JobSpec,
    cluster: &ResolvedCluster,
    app_path: &str,
) -> BTreeMap<String, String> {
    let mut properties = BTreeMap::new();
    let mut set = |k: &str, v: &str| {
        properties.insert(k.to_owned(), v.to_owned());
    };
    set("user.name", &spec.user);
    set("oozie.wf.application.path", app_path);
    set("nameNode", cluster.cluster.name_node.trim_end_matches('/'));
    set("jobTracker", &cluster.cluster.job_tracker);
    set("queueName", &spec.queue);
    set("oozie.use.system.libpath", "true");
    set(crate::submit::SUBMISSION_ID_PROPERTY, &spec.submission_id);
    set("hjob.version", env!("CARGO_PKG_VERSION"));
    properties
}

/// A job ready to stage and submit.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PreparedJob {
    /// The cluster it goes to.
    pub cluster: String,
    /// The job kind.
    pub kind: String,
    /// The submission id.
    pub submission_id: String,
    /// The workflow name (literal).
    pub app_name: String,
    /// The app directory on HDFS (no scheme): `/user/<u>/.hjob/runs/<id>`.
    pub app_dir: String,
    /// The app path as submitted: `<name_node>/user/<u>/.hjob/runs/<id>`.
    pub app_path: String,
    /// The rendered, checked `workflow.xml`.
    pub workflow_xml: String,
    /// The Oozie submit configuration.
    pub properties: BTreeMap<String, String>,
    /// Local files to upload whose hash is known (workflow.xml not
    /// included): every file of a dry run.
    pub uploads: Vec<Upload>,
    /// Every local file to ship, hashed or not.
    #[serde(skip)]
    pub files: Vec<ShippedFile>,
    /// The workflow schema rendered.
    pub schema: SchemaVersion,
    /// What the workflow is rendered from, to render it again once staging
    /// knows every file's hash ([`PreparedJob::workflow_for`]).
    #[serde(skip)]
    pub spec: JobSpec,
    #[serde(skip)]
    pub template: crate::workflow::TemplateSource,
}

impl PreparedJob {
    /// The workflow XML naming these uploads (one per shipped file).
    pub fn workflow_for(&self, uploads: &[Upload]) -> Result<String, HjobError> {
        let context = build_context(&self.spec, uploads)?;
        workflow::render(&self.template, &context)
    }
}

/// A BLAKE3 hash that no content has in practice, standing in for hashes not
/// known yet when the workflow is first rendered and checked.
const HASH_STAND_IN: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// What [`prepare`] needs.
#[derive(Debug, Clone, Copy)]
pub struct PrepareInput<'a> {
    /// The parsed command line.
    pub request: &'a RunRequest,
    /// Resolved settings (user, schema).
    pub settings: &'a Settings,
    /// The active cluster after config overrides.
    pub cluster: &'a ResolvedCluster,
    /// The templates available.
    pub templates: &'a Templates,
    /// This submission's id (see [`new_submission_id`]).
    pub submission_id: &'a str,
    /// Hash every local file now (a dry run shows the hashes); otherwise
    /// files whose hash is not remembered are hashed while staging uploads
    /// them.
    pub hash_all: bool,
}

/// Checks everything about a request that needs neither the state service
/// nor a local file: `-D`, `--env`, `--param`, class names, arguments,
/// shippable names. `run` calls it before the state lookup, so a
/// command-line mistake exits 2 without a network call. The cluster's own
/// values are not known yet: a hive job without `--jdbc-url` is assumed to
/// get the cluster's (that is checked again in [`prepare`]).
pub fn check_request(request: &RunRequest, settings: &Settings) -> Result<(), HjobError> {
    JobSpec::new(
        request,
        &SpecInputs {
            user: &settings.user.value,
            submission_id: "00000000T000000-00000000",
            cluster_queue: None,
            hive2_jdbc_url: Some("jdbc:hive2://the-clusters-own:10000/default"),
            default_schema: &settings.workflow_schema.value,
        },
    )
    .map(drop)
}

/// Validates, plans the uploads (reads the local files), renders and checks
/// the workflow, and lists the job properties.
pub fn prepare(input: &PrepareInput<'_>) -> Result<PreparedJob, HjobError> {
    let cluster = &input.cluster.cluster;
    let spec = JobSpec::new(
        input.request,
        &SpecInputs {
            user: &input.settings.user.value,
            submission_id: input.submission_id,
            cluster_queue: cluster.queue.as_deref(),
            hive2_jdbc_url: cluster.hive2_jdbc_url.as_deref(),
            default_schema: &input.settings.workflow_schema.value,
        },
    )?;
    let template = input.templates.require(&spec.template)?;
    check_shell_command_is_shipped(&spec)?;
    let mut hashes = HashCache::load(input.settings.data_dir.as_deref());
    let files = plan_files(&spec, &mut hashes, input.hash_all)?;
    hashes.save();
    // Files not hashed yet render with a stand-in hash, so the template is
    // checked before anything is uploaded; staging renders it again.
    let placeholders: Vec<Upload> = files
        .iter()
        .map(|f| {
            let blake3 = f.blake3.clone().unwrap_or_else(|| HASH_STAND_IN.into());
            Upload {
                local: f.local.clone(),
                hdfs: cache_path(&spec.user, &blake3, &f.name),
                bytes: f.bytes,
                blake3,
            }
        })
        .collect();
    let context = build_context(&spec, &placeholders)?;
    let workflow_xml = workflow::render(template, &context)?;
    let uploads = placeholders
        .into_iter()
        .zip(&files)
        .filter(|(_, f)| f.blake3.is_some())
        .map(|(u, _)| u)
        .collect();
    let app_dir = spec.app_dir();
    let app_path = format!("{}{app_dir}", cluster.name_node.trim_end_matches('/'));
    let properties = job_properties(&spec, input.cluster, &app_path);
    Ok(PreparedJob {
        cluster: input.cluster.name.clone(),
        kind: spec.template.clone(),
        submission_id: spec.submission_id.clone(),
        app_name: spec.app_name.clone(),
        app_dir,
        app_path,
        workflow_xml,
        properties,
        uploads,
        files,
        schema: spec.schema,
        template: template.clone(),
        spec,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cli::run::{CommonRunArgs, ShellArgs};

    fn inputs() -> SpecInputs<'static> {
        SpecInputs {
            user: "alice",
            submission_id: "20261122T103501-7f3a9c01",
            cluster_queue: None,
            hive2_jdbc_url: None,
            default_schema: "0.5",
        }
    }

    fn shell(common: CommonRunArgs, command: &[&str]) -> RunRequest {
        RunRequest::parse(RunKind::Shell(ShellArgs {
            script: None,
            env: Vec::new(),
            common,
            command: command.iter().map(|s| s.to_string()).collect(),
        }))
        .unwrap()
    }

    #[test]
    fn submission_ids_have_the_documented_shape() {
        let id = new_submission_id(
            SystemTime::UNIX_EPOCH + std::time::Duration::from_secs(1_795_343_701),
        );
        assert_eq!(id.len(), 24, "{id}");
        assert_eq!(&id[8..9], "T");
        assert_eq!(&id[15..16], "-");
        assert!(id[16..].chars().all(|c| c.is_ascii_hexdigit()), "{id}");
        assert_eq!(short_id(&id), &id[16..]);
    }

    #[test]
    fn defaults_name_queue_and_schema() {
        let spec = JobSpec::new(&shell(CommonRunArgs::default(), &["echo"]), &inputs()).unwrap();
        assert_eq!(spec.app_name, "hjob-shell-alice-7f3a9c01");
        assert_eq!(spec.queue, DEFAULT_QUEUE);
        assert_eq!(spec.schema, SchemaVersion::V0_5);
        assert_eq!(
            spec.app_dir(),
            "/user/alice/.hjob/runs/20261122T103501-7f3a9c01"
        );
    }

    #[test]
    fn repeated_defines_keep_their_first_place_and_last_value() {
        let common = CommonRunArgs {
            define: vec!["a=1".into(), "b=2".into(), "a=3".into(), "c=x=y".into()],
            schema: Some("1.0".into()),
            ..Default::default()
        };
        let spec = JobSpec::new(&shell(common, &["echo"]), &inputs()).unwrap();
        assert_eq!(
            spec.defines,
            [
                ("a".into(), "3".into()),
                ("b".into(), "2".into()),
                ("c".into(), "x=y".into())
            ]
        );
        assert_eq!(spec.schema, SchemaVersion::V1_0);
    }

    #[test]
    fn a_queue_define_replaces_the_default_queue_property() {
        let common = CommonRunArgs {
            define: vec![format!("{QUEUE_PROPERTY}=special")],
            ..Default::default()
        };
        let spec = JobSpec::new(&shell(common, &["echo"]), &inputs()).unwrap();
        let context = build_context(&spec, &[]).unwrap();
        assert_eq!(context.configuration.len(), 1);
        assert_eq!(context.configuration[0].value, "special");
    }

    #[test]
    fn user_kinds_parse_the_common_options() {
        let kind = RunKind::Custom(
            ["pig", "--queue", "q", "--dry-run", "--", "-f", "x"]
                .iter()
                .map(|s| s.to_string())
                .collect(),
        );
        let request = RunRequest::parse(kind).unwrap();
        assert!(request.common().dry_run);
        assert_eq!(request.common().queue.as_deref(), Some("q"));
        assert_eq!(request.custom.unwrap().args, ["-f", "x"]);

        let help = RunKind::Custom(vec!["pig".into(), "--help".into()]);
        assert!(custom_kind_help(&help).unwrap().contains("hjob run pig"));
        let bad = RunKind::Custom(vec!["pig".into(), "--bogus".into()]);
        assert!(RunRequest::parse(bad).is_err());
    }

    #[test]
    fn unshippable_file_names_are_refused_before_any_io() {
        let common = CommonRunArgs {
            files: vec![PathBuf::from("/nonexistent/my file#1.txt")],
            ..Default::default()
        };
        let err = JobSpec::new(&shell(common, &["echo"]), &inputs()).unwrap_err();
        assert!(err.to_string().contains("cannot be shipped"), "{err}");
    }
}
