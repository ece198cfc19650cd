//! `hjob-sandbox`: runs the sandbox (state service plus two emulated
//! clusters) until Ctrl-C or SIGTERM. The first stdout lines are shell
//! `export` lines for `HJOB_STATE_URL` and `HJOB_ADMIN_TOKEN`; a human
//! summary goes to stderr.

use std::io::Write as _;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::Parser;
use hjob_sandbox::{ActionOutcome, Fault, Sandbox, SandboxOptions, parse_duration};

/// A local stand-in for Oozie, WebHDFS, YARN and the hjob state service.
#[derive(Debug, Parser)]
#[command(name = "hjob-sandbox", version)]
struct Args {
    /// Keep HDFS content, container logs and the state store here
    /// (default: a temp dir removed on exit).
    #[arg(long, value_name = "DIR")]
    dir: Option<PathBuf>,
    /// Use fixed ports: state on N, then five per cluster (oozie,
    /// namenode, rm, nm, datanode) for alpha and beta.
    #[arg(long, value_name = "N")]
    port_base: Option<u16>,
    /// Inject a fault: <service>:503xN, <service>:down,
    /// latency:<service>=<dur>, oozie:reset-after-submitxN,
    /// datanode:drop-uploadxN (services: state, oozie, namenode,
    /// datanode, rm, nm).
    #[arg(long, value_name = "SPEC")]
    fault: Vec<String>,
    /// How long simulated java/spark/hive actions run (e.g. 200ms, 2s).
    #[arg(long, value_name = "DUR", default_value = "2s")]
    action_duration: String,
    /// How simulated actions end: ok, or fail[:EXIT_CODE].
    #[arg(long, value_name = "OUTCOME", default_value = "ok")]
    action_outcome: String,
    /// Delay between workflow steps.
    #[arg(long, value_name = "DUR", default_value = "200ms")]
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

fn options(args: &Args) -> anyhow::Result<SandboxOptions> {
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
async fn run(args: Args) -> anyhow::Result<()> {
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
    eprintln!("Use it with: eval \"$(hjob-sandbox ... | head -2)\"  or --env-file FILE.");
    eprintln!("Stop with Ctrl-C.");
    wait_for_signal().await;
    eprintln!("hjob-sandbox: stopping");
    sandbox.shutdown().await;
    Ok(())
}

#[tokio::main]
async fn main() -> ExitCode {
    let args = Args::parse();
    match run(args).await {
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
