//! `hjob run KIND …`: the job kinds and their flags.

use std::path::PathBuf;

use clap::{Args, Subcommand};

/// Arguments of `hjob run`.
#[derive(Debug, Args, Clone)]
#[command(
    subcommand_value_name = "KIND",
    subcommand_help_heading = "Kinds",
    after_help = "Examples:
  hjob run shell -- echo hello
  hjob run shell --script etl.sh --env DAY=2026-11-22
  hjob run scalding --jar wordcount.jar com.example.WordCount -- --input in --output out
  hjob run java --jar etl.jar --main-class com.example.Etl -D mapreduce.map.memory.mb=4096 -- in out
  hjob run spark --jar app.py --spark-opts '--executor-memory 4g' -- 2026-11-22
  hjob run hive -e 'SELECT COUNT(*) FROM logs' --param day=2026-11-22
  hjob run shell --detach --output json --script nightly.sh   # CI: submit, read the id
  hjob run java --jar etl.jar --main-class X --dry-run      # render and check only"
)]
pub struct RunArgs {
    #[command(subcommand)]
    pub kind: RunKind,
}

/// The built-in job kinds. A kind added by a user template runs as
/// `hjob run <kind> [common options] [-- ARGS…]`.
#[derive(Debug, Subcommand, Clone)]
pub enum RunKind {
    /// A Scalding job: java action running com.twitter.scalding.Tool.
    Scalding(ScaldingArgs),
    /// A plain Java / MapReduce driver: java action.
    Java(JavaArgs),
    /// A Spark application (jar or .py) on YARN in cluster mode.
    Spark(SparkArgs),
    /// A Hive query or script through HiveServer2 (hive2 action).
    Hive(HiveArgs),
    /// A shell command or script, with its output captured.
    Shell(ShellArgs),
    /// A kind defined by a user template.
    #[command(external_subcommand)]
    Custom(Vec<String>),
}

impl RunKind {
    /// The options every kind shares, when the kind is a built-in one.
    pub fn common(&self) -> Option<&CommonRunArgs> {
        match self {
            RunKind::Scalding(a) => Some(&a.common),
            RunKind::Java(a) => Some(&a.common),
            RunKind::Spark(a) => Some(&a.common),
            RunKind::Hive(a) => Some(&a.common),
            RunKind::Shell(a) => Some(&a.common),
            RunKind::Custom(_) => None,
        }
    }

    /// The kind's name as typed.
    pub fn name(&self) -> &str {
        match self {
            RunKind::Scalding(_) => "scalding",
            RunKind::Java(_) => "java",
            RunKind::Spark(_) => "spark",
            RunKind::Hive(_) => "hive",
            RunKind::Shell(_) => "shell",
            RunKind::Custom(args) => args.first().map_or("", String::as_str),
        }
    }
}

/// Options shared by every kind.
#[derive(Debug, Args, Clone, Default)]
pub struct CommonRunArgs {
    /// Job name (default: hjob-<kind>-<user>-<short id>).
    #[arg(long)]
    pub name: Option<String>,
    /// YARN queue (default: the cluster's).
    #[arg(long)]
    pub queue: Option<String>,
    /// Hadoop configuration for the action, KEY=VALUE (repeatable).
    #[arg(short = 'D', value_name = "KEY=VALUE")]
    pub define: Vec<String>,
    /// Ship an extra file with the job (repeatable).
    #[arg(long = "file", value_name = "PATH")]
    pub files: Vec<PathBuf>,
    /// Ship an archive, unpacked on the cluster (repeatable).
    #[arg(long = "archive", value_name = "PATH")]
    pub archives: Vec<PathBuf>,
    /// Workflow schema: 0.5 (Oozie 4.3 and 5.x) or 1.0 (Oozie 5.x).
    #[arg(long, value_name = "VERSION", value_parser = ["0.5", "1.0"])]
    pub schema: Option<String>,
    /// Render and check the workflow, print it, submit nothing.
    #[arg(long)]
    pub dry_run: bool,
    /// Submit, print the job id and exit without waiting.
    #[arg(long, conflicts_with = "dry_run")]
    pub detach: bool,
    /// Stop waiting after this long (exit 5; the job keeps running), e.g. 30m.
    #[arg(long, value_name = "DURATION")]
    pub timeout: Option<String>,
    /// Kill the job when interrupted with Ctrl-C (default: leave it running).
    #[arg(long)]
    pub kill_on_interrupt: bool,
    /// Don't stream the job's own stdout/stderr while waiting.
    #[arg(long)]
    pub no_follow: bool,
}

/// `hjob run scalding`.
#[derive(Debug, Args, Clone)]
pub struct ScaldingArgs {
    /// The job's jar (a fat jar with Scalding inside).
    #[arg(long, value_name = "JAR")]
    pub jar: PathBuf,
    /// The Scalding job class, e.g. com.example.WordCount.
    pub job_class: String,
    #[command(flatten)]
    pub common: CommonRunArgs,
    /// Arguments for the job, after `--`.
    #[arg(last = true, value_name = "ARGS")]
    pub args: Vec<String>,
}

/// `hjob run java`.
#[derive(Debug, Args, Clone)]
pub struct JavaArgs {
    /// The job's jar.
    #[arg(long, value_name = "JAR")]
    pub jar: PathBuf,
    /// The main class.
    #[arg(long, value_name = "CLASS")]
    pub main_class: String,
    /// JVM options for the launcher, e.g. "-Xmx2g".
    #[arg(long, value_name = "OPTS", allow_hyphen_values = true)]
    pub java_opts: Option<String>,
    #[command(flatten)]
    pub common: CommonRunArgs,
    /// Arguments for the main class, after `--`.
    #[arg(last = true, value_name = "ARGS")]
    pub args: Vec<String>,
}

/// `hjob run spark`.
#[derive(Debug, Args, Clone)]
pub struct SparkArgs {
    /// The application: a jar, or a .py file.
    #[arg(long, value_name = "JAR|FILE.py")]
    pub jar: PathBuf,
    /// The main class (jar applications).
    #[arg(long, value_name = "CLASS")]
    pub class: Option<String>,
    /// Extra spark-submit options, e.g. "--executor-memory 4g".
    #[arg(long, value_name = "OPTS", allow_hyphen_values = true)]
    pub spark_opts: Option<String>,
    #[command(flatten)]
    pub common: CommonRunArgs,
    /// Arguments for the application, after `--`.
    #[arg(last = true, value_name = "ARGS")]
    pub args: Vec<String>,
}

/// `hjob run hive`.
#[derive(Debug, Args, Clone)]
#[command(group(clap::ArgGroup::new("query_source").required(true).args(["script", "query"])))]
pub struct HiveArgs {
    /// A HiveQL script file.
    #[arg(long, value_name = "FILE")]
    pub script: Option<PathBuf>,
    /// A HiveQL query (it may start with `-`, e.g. a `--` comment).
    #[arg(short = 'e', value_name = "QUERY", allow_hyphen_values = true)]
    pub query: Option<String>,
    /// A script parameter, K=V (repeatable).
    #[arg(long = "param", value_name = "K=V")]
    pub params: Vec<String>,
    /// HiveServer2 JDBC URL (default: the cluster's hive2_jdbc_url).
    #[arg(long, value_name = "URL")]
    pub jdbc_url: Option<String>,
    #[command(flatten)]
    pub common: CommonRunArgs,
}

/// `hjob run shell`.
#[derive(Debug, Args, Clone)]
pub struct ShellArgs {
    /// A script to ship and run (its arguments follow `--`).
    #[arg(long, value_name = "FILE")]
    pub script: Option<PathBuf>,
    /// An environment variable for the command, K=V (repeatable).
    #[arg(long = "env", value_name = "K=V")]
    pub env: Vec<String>,
    #[command(flatten)]
    pub common: CommonRunArgs,
    /// The command and its arguments (or the script's arguments), after `--`.
    #[arg(last = true, value_name = "CMD ARGS")]
    pub command: Vec<String>,
}
