//! `hjob-sandbox`: runs the sandbox (state service plus two emulated
//! clusters) until Ctrl-C or SIGTERM. The first stdout lines are shell
//! `export` lines for `HJOB_STATE_URL` and `HJOB_ADMIN_TOKEN`; a human
//! summary goes to stderr. `hjob-sandbox exec -- CMD…` runs one command
//! against a sandbox that lives exactly as long as the command.

use std::ffi::OsString;
use std::io::Write as _;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};
use hjob_sandbox::{ActionOutcome, Fault, Sandbox, SandboxOptions, parse_duration};

/// A local stand-in for Oozie, WebHDFS, YARN and the hjob state service.
#[derive(Debug, Parser)]
#[command(
    name = "hjob-sandbox",
    version,
    after_help = "Examples:\n  hjob-sandbox exec -- hjob run shell -- echo hello   # one command, then stop\n  hjob-sandbox exec -- bash                           # a shell with HJOB_STATE_URL set\n  hjob-sandbox --dir /tmp/hjob-sandbox --env-file /tmp/hjob.env   # keep running; source the file elsewhere"
)]
struct Args {
    #[command(subcommand)]
    command: Option<Command>,
    #[command(flatten)]
    options: Options,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Start a sandbox in a temp dir, run CMD with its environment
    /// (HJOB_STATE_URL, HJOB_ADMIN_TOKEN, HJOB_SANDBOX_DIR), stop the
    /// sandbox, remove the temp dir and exit with CMD's exit code.
    #[command(
        after_help = "Examples:\n  hjob-sandbox exec -- hjob run shell -- echo hello\n  hjob-sandbox exec --action-outcome fail:2 -- hjob run java --jar app.jar --main-class Main"
    )]
    Exec {
        /// The command and its arguments.
        #[arg(
            required = true,
            trailing_var_arg = true,
            allow_hyphen_values = true,
            value_name = "CMD"
        )]
        command: Vec<OsString>,
    },
}

#[derive(Debug, clap::Args)]
struct Options {
    /// Keep HDFS content, container logs and the state store here
    /// (default: a temp dir removed on exit).
    #[arg(long, global = true, value_name = "DIR")]
    dir: Option<PathBuf>,
    /// Use fixed ports: state on N, then five per cluster (oozie,
    /// namenode, rm, nm, datanode) for alpha and beta.
    #[arg(long, global = true, value_name = "N")]
    port_base: Option<u16>,
    /// Inject a fault: <service>:503xN, <service>:down,
    /// latency:<service>=<dur>, oozie:reset-after-submitxN,
    /// datanode:drop-uploadxN (services: state, oozie, namenode,
    /// datanode, rm, nm).
    #[arg(long, global = true, value_name = "SPEC")]
    fault: Vec<String>,
    /// How long simulated java/spark/hive actions run (e.g. 200ms, 2s).
    #[arg(long, global = true, value_name = "DUR", default_value = "2s")]
    action_duration: String,
    /// How simulated actions end: ok, or fail[:EXIT_CODE].
    #[arg(long, global = true, value_name = "OUTCOME", default_value = "ok")]
    action_outcome: String,
    /// Delay between workflow steps.
    #[arg(long, global = true, value_name = "DUR", default_value = "200ms")]
    step_delay: String,
    /// Also write the export lines to this file once ready.
    #[arg(long, value_name = "FILE")]
    env_file: Option<PathBuf>,
}

fn parse_outcome(text: &str) -> anyhow::Result<ActionOutcome> {
    match text.split_once(':') {
        None if text == "ok" => Ok(ActionOutcome::Succeed),
        None if text == "fail" => Ok(ActionOutcome::Fail { exit_code: 1 }),
        Some(("fail", code)) => Ok(ActionOutcome::Fail {
            exit_code: code.parse()?,
        }),
        _ => anyhow::bail!("bad --action-outcome `{text}` (ok, fail or fail:CODE)"),
    }
}

fn options(args: &Options) -> anyhow::Result<SandboxOptions> {
    let mut options = SandboxOptions::new()
        .action_duration(parse_duration(&args.action_duration)?)
        .action_outcome(parse_outcome(&args.action_outcome)?)
        .step_delay(parse_duration(&args.step_delay)?);
    if let Some(dir) = &args.dir {
        options = options.dir(dir);
    }
    if let Some(base) = args.port_base {
        options = options.port_base(base);
    }
    for spec in &args.fault {
        options = options.fault(spec.parse::<Fault>()?);
    }
    Ok(options)
}

async fn wait_for_signal() {
    let ctrl_c = tokio::signal::ctrl_c();
    #[cfg(unix)]
    {
        let mut term =
            match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
                Ok(t) => t,
                Err(_) => {
                    let _ = ctrl_c.await;
                    return;
                }
            };
        tokio::select! {
            _ = ctrl_c => {}
            _ = term.recv() => {}
        }
    }
    #[cfg(not(unix))]
    {
        let _ = ctrl_c.await;
    }
}

#[allow(
    clippy::print_stdout,
    clippy::print_stderr,
    reason = "the binary's whole interface is what it prints"
)]
async fn run(args: Options) -> anyhow::Result<()> {
    let sandbox = Sandbox::start(options(&args)?).await?;
    let exports = format!(
        "export HJOB_STATE_URL={}\nexport HJOB_ADMIN_TOKEN={}\n",
        sandbox.state_url(),
        sandbox.admin_token()
    );
    print!("{exports}");
    let _ = std::io::stdout().flush();
    if let Some(file) = &args.env_file {
        let tmp = file.with_extension("tmp");
        std::fs::write(&tmp, &exports)?;
        std::fs::rename(&tmp, file)?;
    }
    eprintln!(
        "hjob-sandbox is running (data in {})",
        sandbox.dir().display()
    );
    eprintln!(
        "  state service  {}  (admin token {})",
        sandbox.state_url(),
        sandbox.admin_token()
    );
    for (i, c) in sandbox.clusters().iter().enumerate() {
        let active = if i == 0 { " (active)" } else { "" };
        eprintln!("  cluster {}{active}", c.name);
        eprintln!("    oozie        {}", c.oozie);
        eprintln!("    webhdfs      {}", c.webhdfs_url());
        eprintln!("    datanode     {}", c.datanode);
        eprintln!("    yarn rm      {}", c.resourcemanager);
        eprintln!("    yarn nm      {}", c.nodemanager);
        eprintln!("    name node    {}", c.name_node());
    }
    match &args.env_file {
        Some(file) => eprintln!("Use it from another shell with: . {}", file.display()),
        None => eprintln!(
            "Use it from another shell by pasting the two export lines above (or start it with --env-file FILE and source FILE)."
        ),
    }
    eprintln!("For one command, `hjob-sandbox exec -- CMD` starts and stops a sandbox around it.");
    eprintln!("Stop with Ctrl-C.");
    wait_for_signal().await;
    eprintln!("hjob-sandbox: stopping");
    sandbox.shutdown().await;
    Ok(())
}

/// `exec`: the command's exit code, or 126/127 as a shell would when it
/// cannot be run.
async fn exec(options: &Options, command: &[OsString]) -> ExitCode {
    if options.env_file.is_some() {
        #[allow(clippy::print_stderr, reason = "usage error report")]
        {
            eprintln!(
                "hjob-sandbox: error: --env-file is for a long-running sandbox; `exec` passes the environment to CMD itself"
            );
        }
        return ExitCode::from(2);
    }
    let sandbox_options = match self::options(options) {
        Ok(o) => o,
        Err(e) => {
            #[allow(clippy::print_stderr, reason = "usage error report")]
            {
                eprintln!("hjob-sandbox: error: {e:#}");
            }
            return ExitCode::from(2);
        }
    };
    let Some((program, args)) = command.split_first() else {
        return ExitCode::from(2);
    };
    let mut command = tokio::process::Command::new(program);
    command.args(args);
    match hjob_sandbox::exec(sandbox_options, command).await {
        Ok(status) => ExitCode::from(hjob_sandbox::exit_code(status)),
        Err(e) => {
            #[allow(clippy::print_stderr, reason = "fatal error report")]
            {
                eprintln!("hjob-sandbox exec: error: {e}");
            }
            ExitCode::from(e.exit_code())
        }
    }
}

#[tokio::main]
async fn main() -> ExitCode {
    let args = Args::parse();
    if let Some(Command::Exec { command }) = &args.command {
        return exec(&args.options, command).await;
    }
    match run(args.options).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            #[allow(clippy::print_stderr, reason = "fatal error report")]
            {
                eprintln!("hjob-sandbox: error: {e:#}");
            }
            ExitCode::from(2)
        }
    }
}
