//! `hjob templates list|show`: the job kinds and where their workflow
//! templates come from (built in, or the user template directory, config
//! key `templates_dir`).

use serde_json::json;

use super::Context;
use crate::cli::TemplatesCommand;
use crate::error::ExitStatus;
use crate::workflow::{CONTEXT_VARIABLES, TemplateOrigin, TemplateSource, Templates};

/// Runs `hjob templates …`.
pub fn templates(ctx: &Context<'_>, command: &TemplatesCommand) -> anyhow::Result<ExitStatus> {
    let templates = Templates::load(ctx.settings.templates_dir.value.as_deref())?;
    match command {
        TemplatesCommand::List => list(ctx, &templates),
        TemplatesCommand::Show { kind } => show(ctx, &templates, kind),
    }
}

/// The origin as a word, and the file when there is one.
fn origin_parts(template: &TemplateSource) -> (&'static str, Option<String>) {
    match &template.origin {
        TemplateOrigin::BuiltIn => ("built-in", None),
        TemplateOrigin::User(path) => ("user", Some(path.display().to_string())),
    }
}

fn list(ctx: &Context<'_>, templates: &Templates) -> anyhow::Result<ExitStatus> {
    let dir = templates.user_dir().map(|d| d.display().to_string());
    if ctx.ui.is_json() {
        let items: Vec<_> = templates
            .list()
            .map(|t| {
                let (origin, path) = origin_parts(t);
                json!({
                    "kind": t.kind,
                    "origin": origin,
                    "path": path,
                    "overrides_builtin": t.overrides_builtin,
                    "error": crate::workflow::check_syntax(t).err().map(|e| e.to_string()),
                })
            })
            .collect();
        ctx.ui
            .json(&json!({ "templates_dir": dir, "templates": items }));
        return Ok(ExitStatus::Success);
    }
    let width = templates.list().map(|t| t.kind.len()).max().unwrap_or(4);
    let mut out = String::new();
    for t in templates.list() {
        let (origin, path) = origin_parts(t);
        let mut line = format!("{:<width$}  {origin}", t.kind);
        if let Some(path) = path {
            line.push_str(&format!(" {path}"));
        }
        if t.overrides_builtin {
            line.push_str(" (overrides the built-in template)");
        }
        if let Err(e) = crate::workflow::check_syntax(t) {
            line.push_str(&format!("  BROKEN: {e}"));
        }
        out.push_str(line.trim_end());
        out.push('\n');
    }
    ctx.ui.result(&out);
    ctx.ui.status(&match dir {
        Some(dir) => format!("user templates: {dir}/<kind>.xml.tera"),
        None => "user templates: none (set templates_dir in the config)".to_owned(),
    });
    Ok(ExitStatus::Success)
}

fn show(ctx: &Context<'_>, templates: &Templates, kind: &str) -> anyhow::Result<ExitStatus> {
    let template = templates.require(kind)?;
    let (origin, path) = origin_parts(template);
    if ctx.ui.is_json() {
        ctx.ui.json(&json!({
            "kind": template.kind,
            "origin": origin,
            "path": path,
            "overrides_builtin": template.overrides_builtin,
            "source": template.source,
            "variables": CONTEXT_VARIABLES,
        }));
        return Ok(ExitStatus::Success);
    }
    ctx.ui.result(&template.source);
    ctx.ui.status(&format!(
        "{} template for `{kind}`{}; variables (already XML- and EL-escaped): {CONTEXT_VARIABLES}",
        origin,
        path.map(|p| format!(" ({p})")).unwrap_or_default()
    ));
    Ok(ExitStatus::Success)
}
