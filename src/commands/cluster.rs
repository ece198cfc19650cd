//! `hjob cluster` (alias `hjob state`): where ad hoc jobs go now, and whether
//! they may.

use serde_json::json;

use super::Context;
use crate::error::ExitStatus;
use crate::http::redact_url;
use crate::state::{StateClient, resolve_cluster};
use crate::timefmt::relative_to_now;

/// Shows the active cluster, its endpoints and the submission switch.
pub async fn cluster(ctx: &Context<'_>) -> anyhow::Result<ExitStatus> {
    let client = StateClient::new(&ctx.settings)?;
    let fetched = client.fetch().await?;
    let doc = &fetched.document;
    let Some(active) = doc.active() else {
        anyhow::bail!("state document has no active cluster entry");
    };
    let resolved = resolve_cluster(&doc.active_cluster, active, &ctx.settings);
    let until_relative = doc.submission.until.as_deref().and_then(relative_to_now);
    if ctx.ui.is_json() {
        let clusters: serde_json::Map<String, serde_json::Value> = doc
            .clusters
            .iter()
            .map(|(name, c)| {
                let r = resolve_cluster(name, c, &ctx.settings);
                (
                    name.clone(),
                    serde_json::to_value(r.cluster.redacted()).unwrap_or_default(),
                )
            })
            .collect();
        ctx.ui.json(&json!({
            "state_url": client
                .base_urls()
                .iter()
                .map(|u| redact_url(u))
                .collect::<Vec<_>>()
                .join(","),
            "version": doc.version,
            "active_cluster": doc.active_cluster,
            "submission": {
                "enabled": doc.submission.enabled,
                "message": doc.submission.message,
                "until": doc.submission.until,
                "until_relative": until_relative,
            },
            "cluster": resolved.cluster.redacted(),
            "overridden": resolved.overridden.iter().map(|(f, s)| json!({"field": f, "source": s.to_string()})).collect::<Vec<_>>(),
            "clusters": clusters,
            "updated_at": doc.updated_at,
            "updated_by": doc.updated_by,
        }));
        return Ok(ExitStatus::Success);
    }
    let mut out = String::new();
    out.push_str(&format!("Active cluster:     {}\n", doc.active_cluster));
    let switch = if doc.submission.enabled {
        console::style("enabled").green().to_string()
    } else {
        console::style("DISABLED").red().bold().to_string()
    };
    out.push_str(&format!("Ad hoc submission:  {switch}\n"));
    if let Some(message) = &doc.submission.message {
        out.push_str(&format!(
            "Message:            {}\n",
            crate::ui::visible(message)
        ));
    }
    if let Some(until) = &doc.submission.until {
        let rel = until_relative
            .map(|r| format!(" ({r})"))
            .unwrap_or_default();
        out.push_str(&format!("Until:              {until}{rel}\n"));
    }
    let c = &resolved.cluster.redacted();
    let mut rows = vec![
        ("oozie_url", Some(c.oozie_url.as_str())),
        ("webhdfs_url", Some(c.webhdfs_url.as_str())),
        ("name_node", Some(c.name_node.as_str())),
        ("job_tracker", Some(c.job_tracker.as_str())),
        ("yarn_url", c.yarn_url.as_deref()),
        ("queue", c.queue.as_deref()),
        ("hive2_jdbc_url", c.hive2_jdbc_url.as_deref()),
    ];
    rows.retain(|(_, v)| v.is_some());
    for (field, value) in rows {
        let note = resolved
            .overridden
            .iter()
            .find(|(f, _)| *f == field)
            .map(|(_, s)| format!("  (overridden by {s})"))
            .unwrap_or_default();
        out.push_str(&format!("  {field:<14}    {}{note}\n", value.unwrap_or("")));
    }
    let others: Vec<&str> = doc
        .clusters
        .keys()
        .filter(|n| **n != doc.active_cluster)
        .map(String::as_str)
        .collect();
    if !others.is_empty() {
        out.push_str(&format!("Other clusters:     {}\n", others.join(", ")));
    }
    out.push_str(&format!(
        "State:              version {} from {}",
        doc.version,
        redact_url(client.base_url())
    ));
    if let (Some(at), Some(by)) = (&doc.updated_at, &doc.updated_by) {
        out.push_str(&format!(", updated {at} by {by}"));
    }
    out.push('\n');
    ctx.ui.result(&out);
    Ok(ExitStatus::Success)
}
