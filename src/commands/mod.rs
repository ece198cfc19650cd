//! One file per subcommand; [`dispatch`] resolves settings and calls the
//! matching command, which returns the exit status.

mod admin;
mod cluster;
mod completions;
mod config;
mod doctor;
mod dry_run;
mod gc;
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

/// Runs the parsed command line. Completions, the man page and the state
/// server need no client settings; every other command resolves them first.
pub async fn dispatch(cli: Cli, env: Env, ui: &Ui) -> anyhow::Result<ExitStatus> {
    let flags = FlagOverrides {
        config: cli.global.config.clone(),
        state_url: cli.global.state_url.clone(),
        user: cli.global.user.clone(),
        keytab: cli.global.keytab.clone(),
        principal: cli.global.principal.clone(),
        do_as: cli.global.do_as.clone(),
    };
    let settings = || {
        let settings = crate::config::load(&env, &flags)?;
        crate::auth::configure(&settings);
        Ok::<_, crate::error::HjobError>(settings)
    };
    let context = |settings: Settings| Context {
        env: env.clone(),
        settings,
        ui,
    };
    match cli.command {
        Command::Completions(args) => completions::completions(&args, ui),
        Command::Man => completions::man(ui),
        Command::StateServer(args) => state_server::state_server(args, ui).await,
        // doctor reports a broken config as its first check.
        Command::Doctor => doctor::doctor(&env, &flags, ui).await,
        Command::Run(args) => run::run(&context(settings()?), args).await,
        Command::Cluster => cluster::cluster(&context(settings()?)).await,
        Command::Admin(command) => admin::admin(&context(settings()?), command).await,
        Command::Config(command) => config::config(&context(settings()?), &command),
        Command::Status(args) => status::status(&context(settings()?), args).await,
        Command::Wait(args) => wait::wait(&context(settings()?), args).await,
        Command::Kill(args) => kill::kill(&context(settings()?), args).await,
        Command::Logs(args) => logs::logs(&context(settings()?), args).await,
        Command::List(args) => list::list(&context(settings()?), args).await,
        Command::Gc(args) => gc::gc(&context(settings()?), args).await,
        Command::Templates(command) => templates::templates(&context(settings()?), &command),
    }
}
