//! hjob: submit ad hoc Hadoop jobs through Oozie, on the cluster the central
//! state service names, and only while it allows ad hoc submission.
//!
//! Data flows one way: CLI args + config → state lookup → job spec →
//! rendered workflow → staging on HDFS → Oozie submit → wait → report.
//! Each outside system has one thin typed client over the shared [`http`]
//! layer; rendering and the job spec are pure; all output goes through
//! [`ui::Ui`].

pub mod auth;
pub mod cli;
pub mod commands;
pub mod config;
pub mod error;
pub mod follow;
pub mod gc;
pub mod git_head;
pub mod hash_cache;
pub mod http;
pub mod interrupt;
pub mod job;
pub mod job_records;
pub mod local_file;
pub mod oozie;
pub mod report;
pub mod staging;
pub mod state;
pub mod state_server;
pub mod submit;
pub mod timefmt;
pub mod ui;
pub mod wait;
pub mod webhdfs;
pub mod workflow;
pub mod yarn;

use std::process::ExitCode;

use clap::Parser;

use crate::cli::Cli;
use crate::config::Env;
use crate::ui::Ui;

/// Runs hjob with the process's arguments and environment.
pub fn main() -> ExitCode {
    let env = Env::from_process();
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            // Clap stops before the global flags exist, so `--output json`
            // is read from the raw arguments: a script that asked for JSON
            // still gets its one document.
            let format = if cli::asks_for_json(std::env::args_os().skip(1)) {
                ui::OutputFormat::Json
            } else {
                ui::OutputFormat::Human
            };
            let ui = Ui::new(format, ui::ColorChoice::Auto, false, 0, &env);
            return ui.clap_error(&e).into();
        }
    };
    let ui = Ui::new(
        cli.global.output,
        cli.global.color,
        cli.global.quiet,
        cli.global.verbose,
        &env,
    );
    init_tracing(cli.global.verbose, &cli.command);
    // One thread: a command waits on the network, one answer at a time or
    // a few side by side, and wakes no other thread to read each (a file's
    // upload and hash, and the state server's connections, have threads of
    // their own).
    let runtime = match tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            return ui
                .error(&anyhow::Error::new(e).context("starting the async runtime"))
                .into();
        }
    };
    let status = match runtime.block_on(commands::dispatch(cli, env, &ui)) {
        Ok(status) => status,
        Err(e) => ui.error(&e),
    };
    // Whatever is still running (nothing the command waited for) ends
    // with the process: joining the runtime's threads only costs time.
    runtime.shutdown_background();
    status.into()
}

/// Sends diagnostics to stderr: warnings by default, more with `-v` (the
/// state server shows its info lines too); colour codes only on a terminal.
fn init_tracing(verbose: u8, command: &cli::Command) {
    let default = match (verbose, command) {
        (0, cli::Command::StateServer(_)) => "warn,hjob=info",
        (0, _) => "warn",
        (1, _) => "info,hjob=debug",
        _ => "debug,hjob=trace",
    };
    let filter = tracing_subscriber::EnvFilter::try_from_env("HJOB_LOG")
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new(default));
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .with_ansi(std::io::IsTerminal::is_terminal(&std::io::stderr()))
        .with_target(false)
        .try_init();
}
