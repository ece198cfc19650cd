//! `hjob run KIND … --dry-run`: show what would be staged and submitted,
//! touch nothing.
//!
//! Human output: the workflow XML on stdout, a summary on stderr (cluster,
//! app path, files to upload with sizes, job properties). With
//! `--output json`: one document `{"cluster", "app_name", "app_path",
//! "workflow_xml", "properties", "uploads": [{"local", "hdfs", "bytes",
//! "blake3"}]}`. When the admins have disabled submission the job is still
//! rendered and their message is shown; the exit status stays 0.

use serde_json::json;

use super::Context;
use crate::error::ExitStatus;
use crate::job::PreparedJob;
use crate::state::StateDocument;

/// Prints a prepared job without staging or submitting it.
pub async fn dry_run(
    ctx: &Context<'_>,
    prepared: &PreparedJob,
    state: &StateDocument,
) -> anyhow::Result<ExitStatus> {
    let submission = &state.submission;
    if !submission.enabled {
        let message = submission
            .message
            .as_deref()
            .map(|m| format!(": {m}"))
            .unwrap_or_default();
        let until = submission
            .until
            .as_deref()
            .map(|u| format!(" (expected back at {u})"))
            .unwrap_or_default();
        ctx.ui.notice(&format!(
            "ad hoc submission is disabled{message}{until}; this dry run still renders, but a real run would exit 3"
        ));
    } else if let Some(message) = &submission.message {
        ctx.ui.notice(message);
    }

    if ctx.ui.is_json() {
        let uploads: Vec<_> = prepared
            .uploads
            .iter()
            .map(|u| {
                json!({
                    "local": u.local.display().to_string(),
                    "hdfs": u.hdfs,
                    "bytes": u.bytes,
                    "blake3": u.blake3,
                })
            })
            .collect();
        ctx.ui.json(&json!({
            "cluster": prepared.cluster,
            "app_name": prepared.app_name,
            "app_path": prepared.app_path,
            "workflow_xml": prepared.workflow_xml,
            "properties": prepared.properties,
            "uploads": uploads,
        }));
        return Ok(ExitStatus::Success);
    }

    ctx.ui.result(&prepared.workflow_xml);
    let mut summary = vec![
        "dry run: nothing was uploaded or submitted".to_owned(),
        format!("cluster:   {}", prepared.cluster),
        format!("app name:  {}", prepared.app_name),
        format!("app path:  {}", prepared.app_path),
        format!("schema:    workflow {}", prepared.schema.as_str()),
        "uploads:".to_owned(),
    ];
    for upload in &prepared.uploads {
        summary.push(format!(
            "  {} ({}) -> {}",
            upload.local.display(),
            human_bytes(upload.bytes),
            upload.hdfs
        ));
    }
    summary.push(format!(
        "  workflow.xml ({}) -> {}/workflow.xml",
        human_bytes(prepared.workflow_xml.len() as u64),
        prepared.app_dir
    ));
    summary.push("job properties:".to_owned());
    for (name, value) in &prepared.properties {
        summary.push(format!("  {name}={value}"));
    }
    ctx.ui.status(&summary.join("\n"));
    Ok(ExitStatus::Success)
}

/// A size for people: bytes under 1 KiB, then KiB, MiB, GiB with one decimal.
fn human_bytes(bytes: u64) -> String {
    const UNITS: [&str; 4] = ["KiB", "MiB", "GiB", "TiB"];
    if bytes < 1024 {
        return format!("{bytes} B");
    }
    let mut value = bytes as f64 / 1024.0;
    let mut unit = 0;
    while value >= 1024.0 && unit + 1 < UNITS.len() {
        value /= 1024.0;
        unit += 1;
    }
    format!("{value:.1} {}", UNITS[unit])
}

#[cfg(test)]
mod tests {
    use super::human_bytes;

    #[test]
    fn sizes_read_at_a_glance() {
        assert_eq!(human_bytes(9), "9 B");
        assert_eq!(human_bytes(2048), "2.0 KiB");
        assert_eq!(human_bytes(5 * 1024 * 1024 + 512 * 1024), "5.5 MiB");
    }
}
