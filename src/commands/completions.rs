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

/// Renders the man page (roff): one page, `hjob(1)`, since no other is
/// installed. clap_mangen writes the title, name, synopsis, description
/// and options; the subcommands are listed here as `hjob run` (not as
/// separate `hjob-run(1)` pages), each with its full help, and every help
/// text is set without filling so examples keep their line breaks.
pub fn man_page() -> anyhow::Result<String> {
    let mut cmd = Cli::command();
    cmd.build();
    let man = clap_mangen::Man::new(cmd.clone());
    let mut buf = Vec::new();
    man.render_title(&mut buf)?;
    man.render_name_section(&mut buf)?;
    man.render_synopsis_section(&mut buf)?;
    man.render_description_section(&mut buf)?;
    man.render_options_section(&mut buf)?;
    let mut page = String::from_utf8_lossy(&buf).into_owned();
    page.push_str(".SH COMMANDS\n");
    let mut commands = Vec::new();
    command_paths(&cmd, &mut Vec::new(), &mut commands);
    for (path, help) in commands {
        page.push_str(&format!(".SS \"hjob {}\"\n", roff_line(&path)));
        page.push_str(&no_fill(&help));
    }
    if let Some(extra) = cmd.get_after_help() {
        page.push_str(".SH \"EXAMPLES, ENVIRONMENT AND EXIT STATUS\"\n");
        page.push_str(&no_fill(&extra.to_string()));
    }
    buf.clear();
    man.render_version_section(&mut buf)?;
    page.push_str(&String::from_utf8_lossy(&buf));
    Ok(page)
}

/// Every visible subcommand under `cmd`, depth first, with its help text.
fn command_paths(cmd: &clap::Command, prefix: &mut Vec<String>, out: &mut Vec<(String, String)>) {
    for sub in cmd.get_subcommands() {
        if sub.is_hide_set() || sub.get_name() == "help" {
            continue;
        }
        prefix.push(sub.get_name().to_owned());
        // The global options are described once, under OPTIONS.
        let mut sub_cmd = sub
            .clone()
            .bin_name(format!("hjob {}", prefix.join(" ")))
            .term_width(100)
            .mut_args(|a| if a.is_global_set() { a.hide(true) } else { a });
        let help = sub_cmd.render_help().to_string();
        out.push((prefix.join(" "), help));
        command_paths(sub, prefix, out);
        prefix.pop();
    }
}

/// A line of text for roff: backslashes and dashes escaped, and a leading
/// `.` or `'` kept from being read as a request.
fn roff_line(line: &str) -> String {
    let escaped = line.replace('\\', "\\e").replace('-', "\\-");
    if escaped.starts_with('.') || escaped.starts_with('\'') {
        format!("\\&{escaped}")
    } else {
        escaped
    }
}

/// Text set line by line, without filling or adjusting (`.nf` … `.fi`).
fn no_fill(text: &str) -> String {
    let mut out = String::from(".nf\n");
    for line in text.trim_end().lines() {
        out.push_str(&roff_line(line));
        out.push('\n');
    }
    out.push_str(".fi\n");
    out
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
