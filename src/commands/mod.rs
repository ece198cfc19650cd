//! One file per subcommand; [`dispatch`] resolves settings and calls the
//! matching command, which returns the exit status.

mod admin;
mod cluster;
mod completions;
mod config;
mod dry_run;
mod kill;
mod launch;
mod list;
mod locate;
mod logs;
mod run;
mod state_server;
mod status;
mod templates;
mod wait;

use crate::cli::{Cli, Command};
use crate::config::{Env, FlagOverrides, Settings};
use crate::error::ExitStatus;
use crate::ui::Ui;

/// Everything a command needs: the environment snapshot, the resolved
/// settings and the reporter.
pub struct Context<'a> {
    pub env: Env,
    pub settings: Settings,
    pub ui: &'a Ui,
}

/// Runs the parsed command line.
pub async fn dispatch(cli: Cli, env: Env, ui: &Ui) -> anyhow::Result<ExitStatus> {
    match &cli.command {
        Command::Completions(args) => return completions::completions(args, ui),
        Command::Man => return completions::man(ui),
        Command::StateServer(args) => return state_server::state_server(args.clone(), ui).await,
        _ => {}
    }
    let flags = FlagOverrides {
        config: cli.global.config.clone(),
        state_url: cli.global.state_url.clone(),
        user: cli.global.user.clone(),
    };
    let settings = crate::config::load(&env, &flags)?;
    let ctx = Context { env, settings, ui };
    match cli.command {
        Command::Run(args) => run::run(&ctx, args).await,
        Command::Cluster => cluster::cluster(&ctx).await,
        Command::Admin(command) => admin::admin(&ctx, command).await,
        Command::Config(command) => config::config(&ctx, &command),
        Command::Status(args) => status::status(&ctx, args).await,
        Command::Wait(args) => wait::wait(&ctx, args).await,
        Command::Kill(args) => kill::kill(&ctx, args).await,
        Command::Logs(args) => logs::logs(&ctx, args).await,
        Command::List(args) => list::list(&ctx, args).await,
        Command::Templates(command) => templates::templates(&ctx, &command),
        Command::Completions(_) | Command::Man | Command::StateServer(_) => {
            unreachable!("handled above")
        }
    }
}
