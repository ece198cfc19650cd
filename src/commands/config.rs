//! `hjob config show|path`: the resolved configuration and where each value
//! came from.

use serde_json::json;

use super::Context;
use crate::cli::ConfigCommand;
use crate::error::ExitStatus;

/// Prints the resolved settings or the consulted files.
pub fn config(ctx: &Context<'_>, command: &ConfigCommand) -> anyhow::Result<ExitStatus> {
    let settings = &ctx.settings;
    match command {
        ConfigCommand::Show => {
            if ctx.ui.is_json() {
                let values: Vec<_> = settings
                    .shown
                    .iter()
                    .map(|(k, v, s)| json!({"key": k, "value": v, "source": s.to_string()}))
                    .collect();
                ctx.ui.json(&json!({ "values": values }));
            } else {
                let width = settings
                    .shown
                    .iter()
                    .map(|(k, _, _)| k.len())
                    .max()
                    .unwrap_or(0);
                let mut out = String::new();
                for (key, value, source) in &settings.shown {
                    out.push_str(&format!("{key:<width$} = {value:<30} # {source}\n"));
                }
                ctx.ui.result(&out);
            }
        }
        ConfigCommand::Path => {
            if ctx.ui.is_json() {
                let files: Vec<_> = settings
                    .files
                    .iter()
                    .map(|(p, exists)| json!({"path": p, "exists": exists}))
                    .collect();
                ctx.ui.json(&json!({ "files": files }));
            } else {
                let mut out = String::new();
                for (path, exists) in &settings.files {
                    let mark = if *exists { "" } else { "  (not found)" };
                    out.push_str(&format!("{}{mark}\n", path.display()));
                }
                ctx.ui.result(&out);
            }
        }
    }
    Ok(ExitStatus::Success)
}
