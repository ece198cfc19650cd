//! `hjob completions SHELL` and the hidden `hjob man`: generated from the
//! clap definition, so they never drift from the real flags.

use clap::CommandFactory;
use serde_json::json;

use crate::cli::{Cli, CompletionsArgs};
use crate::error::ExitStatus;
use crate::ui::Ui;

/// Renders the completion script for a shell.
pub fn completion_script(shell: clap_complete::Shell) -> String {
    let mut buf = Vec::new();
    clap_complete::generate(shell, &mut Cli::command(), "hjob", &mut buf);
    String::from_utf8_lossy(&buf).into_owned()
}

/// Renders the man page (roff).
pub fn man_page() -> anyhow::Result<String> {
    let mut buf = Vec::new();
    clap_mangen::Man::new(Cli::command()).render(&mut buf)?;
    Ok(String::from_utf8_lossy(&buf).into_owned())
}

/// Prints the completion script.
pub fn completions(args: &CompletionsArgs, ui: &Ui) -> anyhow::Result<ExitStatus> {
    let script = completion_script(args.shell);
    if ui.is_json() {
        ui.json(&json!({ "shell": args.shell.to_string(), "script": script }));
    } else {
        ui.result(&script);
    }
    Ok(ExitStatus::Success)
}

/// Prints the man page.
pub fn man(ui: &Ui) -> anyhow::Result<ExitStatus> {
    let page = man_page()?;
    if ui.is_json() {
        ui.json(&json!({ "man": page }));
    } else {
        ui.result(&page);
    }
    Ok(ExitStatus::Success)
}
