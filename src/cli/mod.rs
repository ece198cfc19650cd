//! The command line: clap types only. Doc comments here are the help text.
//!
//! Parsing is separate from resolving (see `config`) and from running (see
//! `commands`): a `debug_assert` test guards the whole definition.

pub mod admin;
pub mod run;

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};

use crate::exit_codes_help;
use crate::ui::{ColorChoice, OutputFormat};

macro_rules! root_after_help {
    () => {
        "\
Examples:
  hjob run shell -- echo hello             run a shell command on the active cluster
  hjob run scalding --jar job.jar com.example.WordCount -- --input in --output out
  hjob run spark --jar app.py --detach --output json   submit, print the id as JSON
  hjob wait 0000012-251122101500000-oozie-oozi-W       re-attach to a job
  hjob cluster                             where ad hoc jobs go now, and whether they may

Environment:
  HJOB_STATE_URL    state service base URL
  HJOB_USER         user jobs run as (default: login name)
  HJOB_CONFIG       extra config file (above ~/.config/hjob/config.toml)
  HJOB_ADMIN_TOKEN  token for `hjob admin` commands
  NO_COLOR          turn colour off (so does CLICOLOR=0; CLICOLOR_FORCE=1 forces it)
  KRB5CCNAME        Kerberos ticket cache for SPNEGO (what kinit filled; KRB5_CONFIG too)

"
    };
}

/// Submit ad hoc Hadoop jobs through Oozie, on whichever cluster the state
/// service says is active.
#[derive(Debug, Parser)]
#[command(
    name = "hjob",
    version,
    propagate_version = true,
    after_help = concat!(root_after_help!(), exit_codes_help!()),
    max_term_width = 100
)]
pub struct Cli {
    #[command(flatten)]
    pub global: GlobalArgs,
    #[command(subcommand)]
    pub command: Command,
}

/// Options every command accepts.
#[derive(Debug, Args, Clone)]
pub struct GlobalArgs {
    /// Output format: human text, or exactly one JSON document on stdout.
    #[arg(long, global = true, value_enum, default_value_t = OutputFormat::Human)]
    pub output: OutputFormat,
    /// More diagnostics on stderr (repeat for more).
    #[arg(short, long, global = true, action = clap::ArgAction::Count)]
    pub verbose: u8,
    /// Only errors and the result.
    #[arg(short, long, global = true, conflicts_with = "verbose")]
    pub quiet: bool,
    /// When to use colour.
    #[arg(long, global = true, value_enum, default_value_t = ColorChoice::Auto)]
    pub color: ColorChoice,
    /// An extra config file, above every other file layer.
    #[arg(long, global = true, value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// State service base URL (overrides HJOB_STATE_URL and config).
    #[arg(long, global = true, value_name = "URL")]
    pub state_url: Option<String>,
    /// User to run jobs as (overrides HJOB_USER and config).
    #[arg(long, global = true, value_name = "USER")]
    pub user: Option<String>,
    /// Kerberos keytab to authenticate with (CI, service accounts), into a
    /// credential cache private to this run; needs --principal.
    #[arg(long, global = true, value_name = "FILE", requires = "principal")]
    pub keytab: Option<PathBuf>,
    /// Kerberos principal to take from --keytab (e.g. ci@EXAMPLE.COM).
    #[arg(long, global = true, value_name = "NAME", requires = "keytab")]
    pub principal: Option<String>,
    /// Act for USER as a Hadoop proxy user (`doAs`): the job runs as USER,
    /// authenticated as you; the cluster's proxy-user rules must allow it.
    #[arg(long, global = true, value_name = "USER")]
    pub do_as: Option<String>,
}

/// Whether raw arguments ask for `--output json` (`--output json` or
/// `--output=json`, before any `--`). Used only when clap refused the
/// command line, so its error can still be one JSON document.
pub fn asks_for_json(args: impl IntoIterator<Item = std::ffi::OsString>) -> bool {
    let mut json = false;
    let mut args = args.into_iter();
    while let Some(arg) = args.next() {
        match arg.to_str() {
            Some("--") => break,
            Some("--output") => json = args.next().is_some_and(|v| v == "json"),
            Some("--output=json") => json = true,
            Some(a) if a.starts_with("--output=") => json = false,
            _ => {}
        }
    }
    json
}

/// hjob's subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Render, stage and submit a job, then wait for it.
    Run(run::RunArgs),
    /// Show a job's status once.
    Status(JobRef),
    /// Wait for a submitted job (re-attach), with the same display and exit codes as run.
    Wait(WaitArgs),
    /// Kill a job.
    Kill(KillArgs),
    /// Show a job's Oozie log and its launcher's stdout/stderr.
    Logs(LogsArgs),
    /// List recent jobs.
    List(ListArgs),
    /// Remove staged files of ended jobs, unused cached files and partial uploads.
    Gc(GcArgs),
    /// Show the active cluster and whether ad hoc submission is enabled.
    #[command(
        visible_alias = "state",
        after_help = "Examples:\n  hjob cluster\n  hjob cluster --output json | jq .submission.enabled"
    )]
    Cluster,
    /// Check the setup: config, state service, Oozie, NameNode, a DataNode, YARN, clock, HDFS home.
    #[command(
        after_help = "Checks, in order: the config files, the state service, the active cluster's Oozie,\nNameNode and a DataNode (the name the NameNode redirects uploads to must resolve and\naccept connections), the YARN REST API, the clock against each server's Date header, and\nyour HDFS home. It changes nothing.\n\nExit: 0 all passed; 2 the config; 4 a service is unreachable; 1 another check failed.\n\nExamples:\n  hjob doctor\n  hjob doctor --output json | jq '.checks[] | select(.status != \"passed\")'"
    )]
    Doctor,
    /// Change the state service (admins).
    #[command(subcommand)]
    Admin(admin::AdminCommand),
    /// Serve the state API.
    StateServer(StateServerArgs),
    /// Show the resolved configuration.
    #[command(
        subcommand,
        after_help = "Examples:\n  hjob config show\n  hjob config path\n  HJOB_STATE_URL=http://localhost:8470 hjob config show --output json"
    )]
    Config(ConfigCommand),
    /// List or show workflow templates.
    #[command(
        subcommand,
        after_help = "Examples:\n  hjob templates list\n  hjob templates show shell > ~/.config/hjob/templates/myshell.xml.tera"
    )]
    Templates(TemplatesCommand),
    /// Print shell completions.
    Completions(CompletionsArgs),
    /// Print the man page (roff).
    #[command(hide = true)]
    Man,
}

/// A job id and, optionally, the cluster it runs on.
#[derive(Debug, Args, Clone)]
#[command(
    after_help = "Examples:\n  hjob status 0000012-251122101500000-oozie-oozi-W\n  hjob logs 0000012-251122101500000-oozie-oozi-W --cluster pug"
)]
pub struct JobRef {
    /// The Oozie job id, as printed by `hjob run`.
    pub id: String,
    /// The cluster the job runs on (default: remembered at submit, else every cluster is asked).
    #[arg(long)]
    pub cluster: Option<String>,
}

/// Arguments of `hjob logs`.
#[derive(Debug, Args, Clone)]
#[command(
    after_help = "Examples:\n  hjob logs 0000012-251122101500000-oozie-oozi-W\n  hjob logs ID --follow          # stream the launcher's output until the job ends\n\nWith --follow, the exit code is the job's, as with `hjob wait`."
)]
pub struct LogsArgs {
    #[command(flatten)]
    pub job: JobRef,
    /// Stream the running actions' stdout/stderr from YARN until the job ends.
    #[arg(short, long)]
    pub follow: bool,
}

/// Arguments of `hjob wait`.
#[derive(Debug, Args, Clone)]
#[command(
    after_help = "Examples:\n  hjob wait 0000012-251122101500000-oozie-oozi-W\n  hjob wait ID --timeout 30m || echo \"exit $?\""
)]
pub struct WaitArgs {
    #[command(flatten)]
    pub job: JobRef,
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

/// Arguments of `hjob kill`.
#[derive(Debug, Args, Clone)]
#[command(after_help = "Examples:\n  hjob kill 0000012-251122101500000-oozie-oozi-W --yes")]
pub struct KillArgs {
    #[command(flatten)]
    pub job: JobRef,
    /// Do not ask for confirmation.
    #[arg(short, long)]
    pub yes: bool,
}

/// Arguments of `hjob list`.
#[derive(Debug, Args, Clone)]
#[command(
    after_help = "Examples:\n  hjob list\n  hjob list --status RUNNING --all-users --limit 100\n  hjob list --name nightly-report"
)]
pub struct ListArgs {
    /// Everyone's jobs, not only mine.
    #[arg(long)]
    pub all_users: bool,
    /// Only jobs in this status (PREP, RUNNING, SUSPENDED, SUCCEEDED, FAILED, KILLED).
    #[arg(long, value_name = "STATUS", ignore_case = true, value_parser = ["PREP", "RUNNING", "SUSPENDED", "SUCCEEDED", "FAILED", "KILLED"])]
    pub status: Vec<String>,
    /// Only jobs with exactly this name (any characters).
    #[arg(long)]
    pub name: Option<String>,
    /// How many jobs to show.
    #[arg(long, default_value_t = 20)]
    pub limit: u32,
    /// The cluster to list (default: the active one).
    #[arg(long)]
    pub cluster: Option<String>,
}

/// Arguments of `hjob gc`.
#[derive(Debug, Args, Clone)]
#[command(after_help = "\
Under /user/<user>/.hjob on the cluster's HDFS, removes:
  runs/<id>/      of jobs that ended more than --runs-days ago, or that have no job in Oozie
                  and were staged that long ago (never of a PREP, RUNNING or SUSPENDED job)
  cache/<sha>/*   files unused (HDFS access time, else modification time) for --cache-days,
                  unless a PREP, RUNNING or SUSPENDED job's workflow refers to them
  cache/<sha>/.*.hjob-upload.*   partial uploads whose writer (on this host) is gone, or
                  that are more than a day old

Examples:
  hjob gc --dry-run                       list what would be removed, remove nothing
  hjob gc                                 remove it
  hjob gc --runs-days 1 --cache-days 7 --cluster pug
  hjob gc --output json | jq -r '.removed[].path'

Exit: 0 done (also when nothing was removed); 2 usage; 4 a service was unreachable or
an entry could not be removed (the others still were).")]
pub struct GcArgs {
    /// Remove the run directory of a job that ended more than this many days ago.
    #[arg(long, value_name = "DAYS", default_value_t = 7)]
    pub runs_days: u32,
    /// Remove cached files unused for more than this many days.
    #[arg(long, value_name = "DAYS", default_value_t = 30)]
    pub cache_days: u32,
    /// List what would be removed, and remove nothing.
    #[arg(long)]
    pub dry_run: bool,
    /// The cluster to clean (default: the active one).
    #[arg(long)]
    pub cluster: Option<String>,
}

/// Arguments of `hjob state-server`.
#[derive(Debug, Args, Clone)]
#[command(
    subcommand_negates_reqs = true,
    args_conflicts_with_subcommands = true,
    after_help = "Examples:\n  hjob state-server --store /var/lib/hjob/state.json --init seed.json --tokens /etc/hjob/tokens\n  hjob state-server --store zk://zk1:2181,zk2:2181,zk3:2181/hjob --zk-auth-file /etc/hjob/zk.auth --tokens /etc/hjob/tokens"
)]
pub struct StateServerArgs {
    #[command(subcommand)]
    pub command: Option<StateServerCommand>,
    /// Address to listen on.
    #[arg(long, default_value = "127.0.0.1:8470")]
    pub listen: String,
    /// The JSON store file, or zk://HOST:PORT[,HOST:PORT…]/PATH for a store replicated on ZooKeeper.
    #[arg(long, value_name = "FILE|zk://…", required = true)]
    pub store: Option<PathBuf>,
    /// ZooKeeper store: a file with one `user:password` line, the digest identity that alone may write the znodes.
    #[arg(long, value_name = "FILE")]
    pub zk_auth_file: Option<PathBuf>,
    /// ZooKeeper store: how long reads are served from the last snapshot after the session is lost (then 503).
    #[arg(long, value_name = "DURATION", default_value = "60s")]
    pub max_stale: String,
    /// ZooKeeper store: audit entries kept (the newest).
    #[arg(long, value_name = "N", default_value_t = 10_000)]
    pub audit_retention: usize,
    /// ZooKeeper store: the session timeout asked for.
    #[arg(long, value_name = "DURATION", default_value = "10s")]
    pub zk_session_timeout: String,
    /// Seed the store from this document when the store does not exist.
    #[arg(long, value_name = "FILE")]
    pub init: Option<PathBuf>,
    /// Admin tokens: one `name:token` per line.
    #[arg(long, value_name = "FILE")]
    pub tokens: Option<PathBuf>,
    /// The store file's permission bits, in octal.
    #[arg(long, value_name = "MODE", default_value = "644")]
    pub store_mode: String,
    /// Log one line per request to stderr (off by default: it costs throughput).
    #[arg(long)]
    pub access_log: bool,
    /// Open connections at most; past it the longest idle one is closed [default: the file limit less 64].
    #[arg(long, value_name = "N")]
    pub max_connections: Option<usize>,
    /// Time a client has to send a request's head, and a PUT its body.
    #[arg(long, value_name = "DURATION", default_value = "10s")]
    pub read_timeout: String,
    /// Time a kept-alive connection may wait for its next request (at most --read-timeout).
    #[arg(long, value_name = "DURATION", default_value = "5s")]
    pub idle_timeout: String,
}

/// `hjob state-server` subcommands.
#[derive(Debug, Subcommand, Clone)]
pub enum StateServerCommand {
    /// Copy a file store (document and audit log) into ZooKeeper.
    #[command(
        after_help = "Examples:\n  hjob state-server migrate --from /var/lib/hjob/state.json --to zk://zk1:2181,zk2:2181,zk3:2181/hjob --zk-auth-file /etc/hjob/zk.auth"
    )]
    Migrate {
        /// The file store to copy (its audit log is read beside it).
        #[arg(long, value_name = "FILE")]
        from: PathBuf,
        /// The ZooKeeper store: zk://HOST:PORT[,HOST:PORT…]/PATH.
        #[arg(long, value_name = "zk://…")]
        to: String,
        /// Replace what is already under PATH.
        #[arg(long)]
        force: bool,
        /// The digest identity (one `user:password` line) that will own the znodes.
        #[arg(long, value_name = "FILE")]
        zk_auth_file: Option<PathBuf>,
    },
}

/// `hjob config` subcommands.
#[derive(Debug, Subcommand)]
pub enum ConfigCommand {
    /// Print each resolved value and the layer it came from.
    #[command(
        after_help = "Examples:\n  hjob config show\n  hjob --state-url http://localhost:8470 config show   # flags are a layer too\n  hjob config show --output json | jq '.values[] | select(.key == \"state_url\")'"
    )]
    Show,
    /// List the config files consulted, lowest layer first.
    #[command(
        after_help = "Examples:\n  hjob config path\n  HJOB_CONFIG=./team.toml hjob config path"
    )]
    Path,
}

/// `hjob templates` subcommands.
#[derive(Debug, Subcommand)]
pub enum TemplatesCommand {
    /// List the available job kinds and where their templates come from.
    #[command(after_help = "Examples:\n  hjob templates list")]
    List,
    /// Print a kind's template source.
    #[command(
        after_help = "Examples:\n  hjob templates show shell\n  hjob templates show spark > ~/.config/hjob/templates/myspark.xml.tera   # then edit, and run as `hjob run myspark`"
    )]
    Show {
        /// The job kind.
        kind: String,
    },
}

/// Arguments of `hjob completions`.
#[derive(Debug, Args, Clone)]
#[command(
    after_help = "Examples:\n  hjob completions bash > ~/.local/share/bash-completion/completions/hjob"
)]
pub struct CompletionsArgs {
    /// The shell.
    #[arg(value_enum)]
    pub shell: clap_complete::Shell,
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    #[test]
    fn the_cli_definition_is_consistent() {
        Cli::command().debug_assert();
    }
}
