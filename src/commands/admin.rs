//! `hjob admin …`: change the state document as an admin.
//!
//! Every change is read-modify-write: read the document and its version,
//! apply the change, write it with `If-Match`; when someone else changed it
//! first (412), read again and reapply, so concurrent admins never lose an
//! update.

use std::time::{Duration, SystemTime};

use serde_json::json;

use super::Context;
use crate::cli::admin::{AdminCommand, SetClusterArgs};
use crate::config::{Source, env_vars, validate_url};
use crate::error::{ExitStatus, HjobError};
use crate::http::{Auth, Secret};
use crate::state::{Cluster, StateClient, StateDocument, WriteOutcome};
use crate::timefmt::{parse_until, relative_to_now, rfc3339};

/// How many times a change is reapplied after 412s before giving up.
const MAX_CONFLICT_RETRIES: u32 = 50;

/// Runs an admin subcommand.
pub async fn admin(ctx: &Context<'_>, command: AdminCommand) -> anyhow::Result<ExitStatus> {
    match command {
        AdminCommand::Status => {
            let client = StateClient::new(&ctx.settings)?;
            // Shown without the credentials any URL may carry.
            let document = client.fetch().await?.document.redacted();
            if ctx.ui.is_json() {
                ctx.ui.json(&serde_json::to_value(&document)?);
            } else {
                ctx.ui
                    .result(&format!("{}\n", serde_json::to_string_pretty(&document)?));
            }
            Ok(ExitStatus::Success)
        }
        AdminCommand::Audit(args) => {
            let client = StateClient::new(&ctx.settings)?;
            let audit = client.audit(args.limit).await?;
            if ctx.ui.is_json() {
                ctx.ui.json(&audit);
            } else {
                let mut out = String::new();
                for entry in audit["entries"].as_array().into_iter().flatten() {
                    let changes: Vec<&str> = entry["changes"]
                        .as_array()
                        .into_iter()
                        .flatten()
                        .filter_map(|c| c.as_str())
                        .collect();
                    out.push_str(&format!(
                        "v{}  {}  {}  {}\n",
                        entry["version"],
                        entry["at"].as_str().unwrap_or("?"),
                        entry["by"].as_str().unwrap_or("?"),
                        changes.join("; ")
                    ));
                }
                if out.is_empty() {
                    out.push_str("no changes recorded\n");
                }
                ctx.ui.result(&out);
            }
            Ok(ExitStatus::Success)
        }
        AdminCommand::Disable(args) => {
            let until = match &args.until {
                Some(text) => Some(rfc3339(parse_until(text, SystemTime::now()).ok_or_else(
                    || {
                        HjobError::usage_hint(
                            format!("invalid --until {text:?}"),
                            "use an RFC 3339 time such as 2026-11-22T14:00:00Z, or a duration from now such as 2h or 90m (at most 100 years)",
                        )
                    },
                )?)),
                None => None,
            };
            confirm(
                ctx,
                args.yes,
                "Disable ad hoc job submission on every machine?",
            )?;
            let message = args.message.clone();
            let doc = change(ctx, |doc| {
                doc.submission.enabled = false;
                doc.submission.message = Some(message.clone());
                doc.submission.until = until.clone();
                Ok(())
            })
            .await?;
            report(ctx, &doc, "ad hoc submission disabled");
            Ok(ExitStatus::Success)
        }
        AdminCommand::Enable(args) => {
            let doc = change(ctx, |doc| {
                doc.submission.enabled = true;
                doc.submission.message = args.message.clone();
                doc.submission.until = None;
                Ok(())
            })
            .await?;
            report(ctx, &doc, "ad hoc submission enabled");
            Ok(ExitStatus::Success)
        }
        AdminCommand::Use(args) => {
            confirm(
                ctx,
                args.yes,
                &format!("Send every new ad hoc job to cluster {:?}?", args.cluster),
            )?;
            let doc = change(ctx, |doc| {
                if !doc.clusters.contains_key(&args.cluster) {
                    let known: Vec<&str> = doc.clusters.keys().map(String::as_str).collect();
                    return Err(HjobError::usage_hint(
                        format!("no cluster named {:?} in the state document", args.cluster),
                        format!(
                            "known clusters: {}; add one with `hjob admin set-cluster`",
                            known.join(", ")
                        ),
                    ));
                }
                doc.active_cluster = args.cluster.clone();
                Ok(())
            })
            .await?;
            report(
                ctx,
                &doc,
                &format!("active cluster is now {}", doc.active_cluster),
            );
            Ok(ExitStatus::Success)
        }
        AdminCommand::SetCluster(args) => {
            validate_set_cluster(&args)?;
            let doc = change(ctx, |doc| apply_set_cluster(doc, &args)).await?;
            report(ctx, &doc, &format!("cluster {} saved", args.name));
            Ok(ExitStatus::Success)
        }
        AdminCommand::RemoveCluster(args) => {
            let doc = change(ctx, |doc| {
                if doc.active_cluster == args.name {
                    return Err(HjobError::usage_hint(
                        format!("{:?} is the active cluster", args.name),
                        "switch first with `hjob admin use OTHER`",
                    ));
                }
                if doc.clusters.remove(&args.name).is_none() {
                    return Err(HjobError::usage(format!(
                        "no cluster named {:?} in the state document",
                        args.name
                    )));
                }
                Ok(())
            })
            .await?;
            report(ctx, &doc, &format!("cluster {} removed", args.name));
            Ok(ExitStatus::Success)
        }
    }
}

/// Asks before a change that affects everyone; without a TTY, `--yes` is required.
fn confirm(ctx: &Context<'_>, yes: bool, question: &str) -> anyhow::Result<()> {
    if yes {
        return Ok(());
    }
    if !ctx.ui.can_prompt() {
        return Err(HjobError::usage_hint(
            "this change affects every hjob user and needs confirmation, but there is no terminal to ask on",
            "pass --yes to confirm non-interactively",
        )
        .into());
    }
    if ctx.ui.confirm(question)? {
        Ok(())
    } else {
        Err(HjobError::usage("cancelled; nothing was changed").into())
    }
}

/// The admin token: `HJOB_ADMIN_TOKEN`, else the file in `admin_token_file`.
fn admin_token(ctx: &Context<'_>) -> anyhow::Result<Secret> {
    if let Some(token) = ctx.env.non_empty(env_vars::HJOB_ADMIN_TOKEN) {
        return Ok(Secret::new(token.trim()));
    }
    if let Some(file) = &ctx.settings.admin_token_file {
        let text = std::fs::read_to_string(&file.value).map_err(|e| {
            HjobError::usage(format!(
                "cannot read admin_token_file {} (from {}): {e}",
                file.value.display(),
                file.source
            ))
        })?;
        let token = text.trim();
        if !token.is_empty() {
            return Ok(Secret::new(token));
        }
    }
    Err(HjobError::usage_hint(
        "no admin token",
        "set HJOB_ADMIN_TOKEN, or admin_token_file in the config, to a token from the state server's --tokens file",
    )
    .into())
}

/// Applies `edit` to the current document and writes it with `If-Match`,
/// re-reading and reapplying after each 412.
async fn change(
    ctx: &Context<'_>,
    edit: impl Fn(&mut StateDocument) -> Result<(), HjobError>,
) -> anyhow::Result<StateDocument> {
    let token = admin_token(ctx)?;
    let client = StateClient::with_auth(&ctx.settings, Auth::Bearer(token))?;
    for attempt in 0..MAX_CONFLICT_RETRIES {
        let fetched = client.fetch().await?;
        let mut doc = fetched.document.clone();
        let version = doc.version;
        edit(&mut doc)?;
        match client.put(&doc, version).await? {
            WriteOutcome::Applied(doc) => return Ok(*doc),
            WriteOutcome::Conflict => {
                tracing::debug!("state changed under us (412) on attempt {attempt}; reapplying");
                let pause = Duration::from_millis(5 + u64::from(attempt) * 7 % 50);
                tokio::time::sleep(pause).await;
            }
        }
    }
    Err(HjobError::Service {
        service: crate::error::Service::State,
        url: client.base_url().to_owned(),
        message: format!(
            "the document kept changing; gave up after {MAX_CONFLICT_RETRIES} attempts"
        ),
        hint: Some("try again".into()),
    }
    .into())
}

fn report(ctx: &Context<'_>, doc: &StateDocument, what: &str) {
    if ctx.ui.is_json() {
        ctx.ui.json(&json!({
            "result": what,
            "version": doc.version,
            "active_cluster": doc.active_cluster,
            "submission": doc.submission,
        }));
    } else {
        let mut text = format!("{what} (state version {})\n", doc.version);
        if let Some(until) = &doc.submission.until {
            let rel = relative_to_now(until)
                .map(|r| format!(" ({r})"))
                .unwrap_or_default();
            text.push_str(&format!("until {until}{rel}\n"));
        }
        ctx.ui.result(&text);
    }
}

fn validate_set_cluster(args: &SetClusterArgs) -> anyhow::Result<()> {
    let source = Source::Flag("hjob admin set-cluster");
    for (flag, value) in [
        ("--oozie-url", &args.oozie_url),
        ("--webhdfs-url", &args.webhdfs_url),
        ("--yarn-url", &args.yarn_url),
    ] {
        if let Some(value) = value {
            validate_url(value, flag, &source)?;
        }
    }
    if let Some(url) = &args.webhdfs_url
        && !url.trim_end_matches('/').ends_with("/webhdfs/v1")
    {
        return Err(HjobError::usage_hint(
            format!("--webhdfs-url {url:?} does not end in /webhdfs/v1"),
            "use the WebHDFS/HttpFS base, for example http://nn:9870/webhdfs/v1",
        )
        .into());
    }
    if !args
        .name
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_'))
        || args.name.is_empty()
    {
        return Err(HjobError::usage_hint(
            format!("invalid cluster name {:?}", args.name),
            "use letters, digits, '-' and '_'",
        )
        .into());
    }
    Ok(())
}

fn apply_set_cluster(doc: &mut StateDocument, args: &SetClusterArgs) -> Result<(), HjobError> {
    match doc.clusters.get_mut(&args.name) {
        Some(cluster) => {
            let set = |slot: &mut String, value: &Option<String>| {
                if let Some(v) = value {
                    *slot = v.clone();
                }
            };
            set(&mut cluster.oozie_url, &args.oozie_url);
            set(&mut cluster.webhdfs_url, &args.webhdfs_url);
            set(&mut cluster.name_node, &args.name_node);
            set(&mut cluster.job_tracker, &args.job_tracker);
            for (slot, value) in [
                (&mut cluster.yarn_url, &args.yarn_url),
                (&mut cluster.queue, &args.queue),
                (&mut cluster.hive2_jdbc_url, &args.hive2_jdbc_url),
            ] {
                if value.is_some() {
                    slot.clone_from(value);
                }
            }
        }
        None => {
            let missing: Vec<&str> = [
                ("--oozie-url", &args.oozie_url),
                ("--webhdfs-url", &args.webhdfs_url),
                ("--name-node", &args.name_node),
                ("--job-tracker", &args.job_tracker),
            ]
            .into_iter()
            .filter(|(_, v)| v.is_none())
            .map(|(flag, _)| flag)
            .collect();
            if !missing.is_empty() {
                return Err(HjobError::usage_hint(
                    format!("new cluster {:?} needs {}", args.name, missing.join(", ")),
                    "a cluster needs --oozie-url, --webhdfs-url, --name-node and --job-tracker",
                ));
            }
            doc.clusters.insert(
                args.name.clone(),
                Cluster {
                    oozie_url: args.oozie_url.clone().unwrap_or_default(),
                    webhdfs_url: args.webhdfs_url.clone().unwrap_or_default(),
                    name_node: args.name_node.clone().unwrap_or_default(),
                    job_tracker: args.job_tracker.clone().unwrap_or_default(),
                    yarn_url: args.yarn_url.clone(),
                    queue: args.queue.clone(),
                    hive2_jdbc_url: args.hive2_jdbc_url.clone(),
                    extra: Default::default(),
                },
            );
        }
    }
    Ok(())
}
