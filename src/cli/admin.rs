//! `hjob admin …`: changing the state service.

use clap::{Args, Subcommand};

/// Admin subcommands. Each change is a read-modify-write with `If-Match`,
/// retried when someone else changed the document first.
#[derive(Debug, Subcommand, Clone)]
#[command(after_help = "Examples:
  hjob admin disable --message 'NameNode upgrade' --until 2h --yes
  hjob admin enable
  hjob admin use basset --yes
  hjob admin set-cluster pug --oozie-url http://pug-oozie:11000/oozie --webhdfs-url http://pug-nn:9870/webhdfs/v1 \\
      --name-node hdfs://pug-nn:8020 --job-tracker pug-rm:8032
  hjob admin audit --limit 5

The token comes from HJOB_ADMIN_TOKEN or the config key admin_token_file.")]
pub enum AdminCommand {
    /// Show the whole state document.
    #[command(
        after_help = "Examples:\n  hjob admin status\n  hjob admin status --output json | jq .version"
    )]
    Status,
    /// Stop ad hoc submission everywhere, with a message for users.
    #[command(
        after_help = "Examples:\n  hjob admin disable --message 'Basset NameNode upgrade' --until 2h\n  hjob admin disable --message 'Upgrade' --until 2026-11-22T14:00:00Z --yes   # scripts need --yes"
    )]
    Disable(DisableArgs),
    /// Allow ad hoc submission again.
    #[command(
        after_help = "Examples:\n  hjob admin enable\n  hjob admin enable --message 'Basset is back; pug stays active until Monday'"
    )]
    Enable(EnableArgs),
    /// Send ad hoc jobs to another cluster.
    #[command(
        after_help = "Examples:\n  hjob admin use basset\n  hjob admin use pug --yes   # scripts need --yes"
    )]
    Use(UseArgs),
    /// Add or change a cluster's endpoints.
    #[command(after_help = "Examples:
  hjob admin set-cluster pug --oozie-url http://pug-oozie:11000/oozie --webhdfs-url http://pug-nn:9870/webhdfs/v1 \\
      --name-node hdfs://pug-nn:8020 --job-tracker pug-rm:8032 --yarn-url http://pug-rm:8088 --queue adhoc
  hjob admin set-cluster pug --queue etl      # change one field of an existing cluster

A new cluster needs --oozie-url, --webhdfs-url, --name-node and --job-tracker.")]
    SetCluster(SetClusterArgs),
    /// Remove a cluster (not the active one).
    #[command(after_help = "Examples:\n  hjob admin remove-cluster pug")]
    RemoveCluster(RemoveClusterArgs),
    /// Show the last changes, newest first.
    #[command(
        after_help = "Examples:\n  hjob admin audit\n  hjob admin audit --limit 100 --output json"
    )]
    Audit(AuditArgs),
}

/// `hjob admin disable`.
#[derive(Debug, Args, Clone)]
pub struct DisableArgs {
    /// Why, and what users should do (shown to everyone who runs a job).
    #[arg(long)]
    pub message: String,
    /// When submission is expected back: an RFC 3339 time or a duration from now (e.g. 2h).
    #[arg(long, value_name = "TIME|DURATION")]
    pub until: Option<String>,
    /// Do not ask for confirmation.
    #[arg(short, long)]
    pub yes: bool,
}

/// `hjob admin enable`.
#[derive(Debug, Args, Clone)]
pub struct EnableArgs {
    /// A notice to keep showing users (default: none).
    #[arg(long)]
    pub message: Option<String>,
}

/// `hjob admin use`.
#[derive(Debug, Args, Clone)]
pub struct UseArgs {
    /// The cluster to make active.
    pub cluster: String,
    /// Do not ask for confirmation.
    #[arg(short, long)]
    pub yes: bool,
}

/// `hjob admin set-cluster`.
#[derive(Debug, Args, Clone)]
pub struct SetClusterArgs {
    /// The cluster's name.
    pub name: String,
    /// Oozie base URL, e.g. http://oozie:11000/oozie.
    #[arg(long)]
    pub oozie_url: Option<String>,
    /// WebHDFS or HttpFS base URL ending in /webhdfs/v1.
    #[arg(long)]
    pub webhdfs_url: Option<String>,
    /// nameNode for workflows, e.g. hdfs://nn:8020.
    #[arg(long)]
    pub name_node: Option<String>,
    /// jobTracker (ResourceManager address), e.g. rm:8032.
    #[arg(long)]
    pub job_tracker: Option<String>,
    /// ResourceManager web/REST base URL.
    #[arg(long)]
    pub yarn_url: Option<String>,
    /// Default YARN queue.
    #[arg(long)]
    pub queue: Option<String>,
    /// HiveServer2 JDBC URL for hive jobs.
    #[arg(long)]
    pub hive2_jdbc_url: Option<String>,
}

/// `hjob admin remove-cluster`.
#[derive(Debug, Args, Clone)]
pub struct RemoveClusterArgs {
    /// The cluster to remove.
    pub name: String,
}

/// `hjob admin audit`.
#[derive(Debug, Args, Clone)]
pub struct AuditArgs {
    /// How many entries.
    #[arg(long, default_value_t = 20)]
    pub limit: usize,
}
