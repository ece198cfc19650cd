//! `hjob run KIND …`: state lookup (the kill switch), then render, stage,
//! submit and wait.

use std::time::SystemTime;

use super::Context;
use super::launch::{self, Launch};
use crate::cli::run::{RunArgs, RunKind};
use crate::error::{ExitStatus, HjobError};
use crate::job::{self, Derived, PrepareInput, RunRequest};
use crate::state::{StateClient, resolve_cluster};
use crate::workflow::Templates;

/// Runs a job. The state is read before anything else happens, so a
/// disabled switch or an unreachable state service submits nothing and
/// reads no local file; only checking the command line comes first (and,
/// for a user kind, finding its template).
pub async fn run(ctx: &Context<'_>, args: RunArgs) -> anyhow::Result<ExitStatus> {
    let request = match &args.kind {
        RunKind::Custom(words) => {
            // Whether a user kind exists, and whose options it takes, is
            // known from the templates dir alone.
            let templates = Templates::load(ctx.settings.templates_dir.value.as_deref())?;
            let template = templates.require(args.kind.name())?;
            let outcome = match template.base_kind() {
                Some(base) => RunRequest::derived(base, words)?,
                None => match job::custom_kind_help(&args.kind) {
                    Some(help) => Derived::Help(help),
                    None => Derived::Request(Box::new(RunRequest::parse(args.kind)?)),
                },
            };
            match outcome {
                Derived::Request(request) => *request,
                Derived::Help(help) => {
                    ctx.ui.result(&help);
                    return Ok(ExitStatus::Success);
                }
            }
        }
        _ => RunRequest::parse(args.kind)?,
    };
    // Command-line mistakes exit 2 before any network call.
    let timeout = super::wait::parse_timeout(request.common().timeout.as_deref())?;
    job::check_request(&request, &ctx.settings)?;
    let client = StateClient::new(&ctx.settings)?;
    let state = client
        .fetch()
        .await
        .map_err(crate::error::nothing_submitted)?
        .document;
    let dry_run = request.common().dry_run;
    if !state.submission.enabled && !dry_run {
        return Err(HjobError::Disabled {
            message: state.submission.message.clone(),
            until: state.submission.until.clone(),
        }
        .into());
    }
    let Some(active) = state.active() else {
        anyhow::bail!("state document has no active cluster entry");
    };
    let cluster = resolve_cluster(&state.active_cluster, active, &ctx.settings);
    let templates = Templates::load(ctx.settings.templates_dir.value.as_deref())?;
    let submission_id = job::new_submission_id(SystemTime::now());
    let prepared = job::prepare(&PrepareInput {
        request: &request,
        settings: &ctx.settings,
        cluster: &cluster,
        templates: &templates,
        submission_id: &submission_id,
        hash_all: dry_run,
    })?;
    if dry_run {
        return super::dry_run::dry_run(ctx, &prepared, &state).await;
    }
    let common = request.common();
    let kill_on_interrupt = common.kill_on_interrupt || ctx.settings.kill_on_interrupt.value;
    let launch = Launch {
        cluster,
        prepared,
        detach: common.detach,
        timeout,
        kill_on_interrupt,
        follow: !common.no_follow,
    };
    launch::launch(ctx, launch).await
}
