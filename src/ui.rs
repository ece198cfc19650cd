//! The one reporter: everything hjob shows a person or a script goes through
//! [`Ui`].
//!
//! Rules (DEVELOPERS.md, style notes): stdout carries the result only (the
//! human summary, or exactly one JSON document with `--output json`); stderr
//! carries progress, notices, warnings, errors and hints. Colour is decided
//! once, here. Progress spinners draw only on a TTY; elsewhere one plain line
//! per change. Writes never panic: a closed pipe (`hjob list | head -1`) is
//! noticed and the rest of the output is dropped quietly.
#![allow(
    clippy::print_stdout,
    clippy::print_stderr,
    reason = "this module is the one place hjob writes to the terminal"
)]

use std::io::{IsTerminal, Write};
use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use console::style;
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

use crate::config::{Env, env_vars};
use crate::error::{ExitStatus, exit_status_of, hint_of};
use crate::follow::{Chunk, Stream};

/// Human text or one JSON document on stdout.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum, Default)]
pub enum OutputFormat {
    #[default]
    Human,
    Json,
}

/// When to use colour.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum, Default)]
pub enum ColorChoice {
    #[default]
    Auto,
    Always,
    Never,
}

/// Whether stdout and stderr get colour. `--color always|never` decide;
/// with `auto`: `NO_COLOR` (set, non-empty) turns colour off, then
/// `CLICOLOR_FORCE` (not `0`) turns it on, then `CLICOLOR=0` turns it off,
/// else each stream is coloured only when it is a terminal and `TERM` is
/// set and not `dumb`.
fn colors(color: ColorChoice, env: &Env, stdout_tty: bool, stderr_tty: bool) -> (bool, bool) {
    let dumb = env.get("TERM").is_none_or(|t| t == "dumb");
    match color {
        ColorChoice::Always => (true, true),
        ColorChoice::Never => (false, false),
        ColorChoice::Auto => {
            if env.non_empty(env_vars::NO_COLOR).is_some() {
                (false, false)
            } else if env
                .non_empty(env_vars::CLICOLOR_FORCE)
                .is_some_and(|v| v != "0")
            {
                (true, true)
            } else if env.get("CLICOLOR").is_some_and(|v| v.trim() == "0") {
                (false, false)
            } else {
                (stdout_tty && !dumb, stderr_tty && !dumb)
            }
        }
    }
}

/// Text from outside hjob (the admins' message, a job's output) made safe
/// for a terminal: control characters are shown in caret notation (`^[`
/// for ESC, `^?` for DEL) or as `\u{9b}` (C1), so they are seen, not
/// executed. Newlines, tabs and the CR of a CRLF stay.
pub fn visible(text: &str) -> std::borrow::Cow<'_, str> {
    let harmful = |c: char, next: Option<char>| {
        c.is_control() && c != '\n' && c != '\t' && !(c == '\r' && next == Some('\n'))
    };
    let mut chars = text.chars().peekable();
    let mut any = false;
    while let Some(c) = chars.next() {
        if harmful(c, chars.peek().copied()) {
            any = true;
            break;
        }
    }
    if !any {
        return std::borrow::Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 8);
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        if !harmful(c, chars.peek().copied()) {
            out.push(c);
        } else if (c as u32) < 0x20 {
            out.push('^');
            out.push(char::from(b'@' + c as u8));
        } else if c == '\u{7f}' {
            out.push_str("^?");
        } else {
            out.push_str(&format!("\\u{{{:x}}}", c as u32));
        }
    }
    std::borrow::Cow::Owned(out)
}

/// `text` with `prefix` (and a space) at the start of each line, where
/// `line_start` says whether the previous chunk ended a line; without a
/// prefix, `text` unchanged.
fn prefix_lines(text: &str, prefix: Option<&str>, line_start: &mut bool) -> String {
    let Some(prefix) = prefix else {
        if !text.is_empty() {
            *line_start = text.ends_with('\n');
        }
        return text.to_owned();
    };
    let mut out = String::new();
    for piece in text.split_inclusive('\n') {
        if *line_start {
            out.push_str(prefix);
            out.push(' ');
        }
        out.push_str(piece);
        *line_start = piece.ends_with('\n');
    }
    out
}

/// The reporter every command writes through.
#[derive(Debug)]
pub struct Ui {
    format: OutputFormat,
    quiet: bool,
    verbose: u8,
    stdin_tty: bool,
    stdout_tty: bool,
    stderr_tty: bool,
    /// Set once stdout was found closed; later writes are dropped.
    stdout_closed: AtomicBool,
    /// Set once a JSON document went to stdout (there is only ever one).
    json_written: AtomicBool,
    /// The spinner on screen, which streamed job output draws around.
    spinner: Mutex<Option<ProgressBar>>,
}

/// Where the job's streamed output stands: whether each destination is at
/// the start of a line (prefixes go there on a terminal).
#[derive(Debug, Clone)]
pub struct JobOutput {
    stdout_at_line_start: bool,
    stderr_at_line_start: bool,
}

impl Default for JobOutput {
    fn default() -> Self {
        JobOutput {
            stdout_at_line_start: true,
            stderr_at_line_start: true,
        }
    }
}

impl Ui {
    /// Builds the reporter from the global flags and the environment, and
    /// decides colour once for the whole process.
    pub fn new(
        format: OutputFormat,
        color: ColorChoice,
        quiet: bool,
        verbose: u8,
        env: &Env,
    ) -> Self {
        let stdout_tty = std::io::stdout().is_terminal();
        let stderr_tty = std::io::stderr().is_terminal();
        let stdin_tty = std::io::stdin().is_terminal();
        let dumb = env.get("TERM").is_none_or(|t| t == "dumb");
        let (out, err) = colors(color, env, stdout_tty, stderr_tty);
        console::set_colors_enabled(out);
        console::set_colors_enabled_stderr(err);
        Ui {
            format,
            quiet,
            verbose,
            stdin_tty,
            stdout_tty,
            stderr_tty: stderr_tty && !dumb,
            stdout_closed: AtomicBool::new(false),
            json_written: AtomicBool::new(false),
            spinner: Mutex::new(None),
        }
    }

    /// The chosen output format.
    pub fn format(&self) -> OutputFormat {
        self.format
    }

    /// Whether JSON output was asked for.
    pub fn is_json(&self) -> bool {
        self.format == OutputFormat::Json
    }

    /// Whether stdout is a terminal (tables are aligned there, tab-separated otherwise).
    pub fn stdout_is_tty(&self) -> bool {
        self.stdout_tty
    }

    /// Whether a prompt can be shown (stdin and stderr are terminals).
    pub fn can_prompt(&self) -> bool {
        self.stdin_tty && self.stderr_tty
    }

    /// Whether animated progress may be drawn on stderr.
    pub fn can_animate(&self) -> bool {
        self.stderr_tty && !self.quiet && self.verbose == 0
    }

    /// Writes the human result to stdout (ignored in JSON mode).
    pub fn result(&self, text: &str) {
        if !self.is_json() {
            self.write_stdout(text);
        }
    }

    /// Writes the one JSON document of this invocation to stdout.
    pub fn json(&self, value: &serde_json::Value) {
        if self.json_written.swap(true, Ordering::SeqCst) {
            tracing::debug!("a second JSON document was suppressed: {value}");
            return;
        }
        let text = if self.stdout_tty {
            serde_json::to_string_pretty(value)
        } else {
            serde_json::to_string(value)
        }
        .unwrap_or_else(|_| "null".into());
        self.write_stdout(&format!("{text}\n"));
    }

    /// Whether a JSON document has been written already.
    pub fn json_was_written(&self) -> bool {
        self.json_written.load(Ordering::SeqCst)
    }

    fn write_stdout(&self, text: &str) {
        if self.stdout_closed.load(Ordering::SeqCst) {
            return;
        }
        let mut out = std::io::stdout().lock();
        if out
            .write_all(text.as_bytes())
            .and_then(|()| out.flush())
            .is_err()
        {
            self.stdout_closed.store(true, Ordering::SeqCst);
        }
    }

    fn write_stderr(&self, text: &str) {
        let mut err = std::io::stderr().lock();
        let _ = writeln!(err, "{text}");
    }

    /// A progress or status line on stderr (hidden with `--quiet`).
    pub fn status(&self, text: &str) {
        if !self.quiet {
            self.write_stderr(text);
        }
    }

    /// A notice that matters even with `--quiet` (for example the admins'
    /// message), on stderr.
    pub fn notice(&self, text: &str) {
        self.write_stderr(&format!(
            "{} {text}",
            style("note:").for_stderr().cyan().bold()
        ));
    }

    /// A warning on stderr.
    pub fn warn(&self, text: &str) {
        self.write_stderr(&format!(
            "{} {text}",
            style("warning:").for_stderr().yellow().bold()
        ));
    }

    /// A hint on stderr.
    pub fn hint(&self, text: &str) {
        self.write_stderr(&format!(
            "{} {text}",
            style("hint:").for_stderr().green().bold()
        ));
    }

    /// Reports an error once: `error: …`, `caused by: …`, `hint: …` on stderr,
    /// and in JSON mode one `{"error": …}` document on stdout (unless the
    /// command already wrote its document).
    pub fn error(&self, error: &anyhow::Error) -> ExitStatus {
        let status = exit_status_of(error);
        if status == ExitStatus::Service
            && error.chain().any(|cause| {
                cause
                    .downcast_ref::<std::io::Error>()
                    .is_some_and(|io| io.kind() == std::io::ErrorKind::BrokenPipe)
            })
        {
            return ExitStatus::Success;
        }
        let mut chain = error.chain();
        let head = chain.next().map(ToString::to_string).unwrap_or_default();
        let mut text = format!("{} {head}", style("error:").for_stderr().red().bold());
        for cause in chain {
            let cause = cause.to_string();
            if !head.contains(&cause) {
                text.push_str(&format!("\n  caused by: {cause}"));
            }
        }
        self.write_stderr(&text);
        let hint = hint_of(error);
        if let Some(hint) = &hint {
            self.hint(hint);
        }
        if self.is_json() && !self.json_was_written() {
            self.json(&serde_json::json!({
                "error": {
                    "message": format!("{error:#}"),
                    "hint": hint,
                    "exit_code": status.code(),
                }
            }));
        }
        status
    }

    /// Reports what clap said about the command line: its usage error (exit
    /// 2), or the help or version asked for (exit 0). In JSON mode stdout
    /// gets one document, `{"error": {message, hint, exit_code}}` or
    /// `{"help"|"version": text}`, and the human text goes to stderr.
    pub fn clap_error(&self, error: &clap::Error) -> ExitStatus {
        use clap::error::ErrorKind;
        let rendered = error.render().to_string();
        if !self.is_json() {
            let _ = error.print();
            return if error.use_stderr() {
                ExitStatus::Usage
            } else {
                ExitStatus::Success
            };
        }
        match error.kind() {
            ErrorKind::DisplayHelp | ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand
                if !error.use_stderr() =>
            {
                self.json(&serde_json::json!({ "help": rendered }));
                ExitStatus::Success
            }
            ErrorKind::DisplayVersion => {
                self.json(&serde_json::json!({ "version": rendered.trim() }));
                ExitStatus::Success
            }
            _ => {
                let _ = error.print();
                let mut lines = rendered.lines().map(str::trim).filter(|l| !l.is_empty());
                let message = lines
                    .next()
                    .map(|l| l.strip_prefix("error: ").unwrap_or(l).to_owned())
                    .unwrap_or_default();
                let hint: Vec<&str> = lines.collect();
                let status = ExitStatus::Usage;
                self.json(&serde_json::json!({
                    "error": {
                        "message": message,
                        "hint": (!hint.is_empty()).then(|| hint.join(" ")),
                        "exit_code": status.code(),
                    }
                }));
                status
            }
        }
    }

    /// Shows a chunk of a job's own output. Human mode: the job's stdout on
    /// stdout and its stderr on stderr; JSON mode: both on stderr, since
    /// stdout holds only the one document. On a terminal each line gets a
    /// prefix naming its stream (`out│`, `err│`, the latter in red); in a
    /// pipe the bytes go through exactly as the job wrote them. Hidden
    /// with `--quiet`.
    pub fn job_output(&self, at: &mut JobOutput, chunk: &Chunk) {
        if self.quiet || chunk.text.is_empty() {
            return;
        }
        let to_stdout = chunk.stream == Stream::Stdout && !self.is_json();
        let tty = if to_stdout {
            self.stdout_tty
        } else {
            self.stderr_tty
        };
        let line_start = if to_stdout {
            &mut at.stdout_at_line_start
        } else {
            &mut at.stderr_at_line_start
        };
        let prefix = tty.then(|| {
            let prefix = match chunk.stream {
                Stream::Stdout => style("out│").dim(),
                Stream::Stderr => style("err│").red(),
            };
            if to_stdout {
                prefix.to_string()
            } else {
                prefix.for_stderr().to_string()
            }
        });
        // On a terminal the job's control characters are shown, not run;
        // in a pipe its bytes pass unchanged.
        let shown = if tty {
            visible(&chunk.text)
        } else {
            std::borrow::Cow::Borrowed(chunk.text.as_str())
        };
        let text = prefix_lines(&shown, prefix.as_deref(), line_start);
        let write = || {
            if to_stdout {
                self.write_stdout(&text);
            } else {
                let mut err = std::io::stderr().lock();
                let _ = err.write_all(text.as_bytes()).and_then(|()| err.flush());
            }
        };
        match self.active_spinner() {
            Some(bar) => bar.suspend(write),
            None => write(),
        }
    }

    /// Ends streamed job output: a last line the job left open is closed,
    /// so hjob's own summary and status lines start on lines of their own.
    pub fn end_job_output(&self, at: &mut JobOutput) {
        if self.quiet {
            return;
        }
        let to_stdout = !self.is_json();
        if !at.stdout_at_line_start && to_stdout {
            self.write_stdout("\n");
        }
        if !at.stderr_at_line_start {
            self.write_stderr("");
        }
        *at = JobOutput::default();
    }

    fn active_spinner(&self) -> Option<ProgressBar> {
        self.spinner
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .clone()
            .filter(|b| !b.is_finished() && !b.is_hidden())
    }

    /// Asks a yes/no question on the terminal; callers check [`Ui::can_prompt`] first.
    pub fn confirm(&self, question: &str) -> anyhow::Result<bool> {
        Ok(dialoguer::Confirm::new()
            .with_prompt(question)
            .default(false)
            .interact()?)
    }

    /// A spinner on stderr when it can animate, else a hidden one (callers then
    /// print plain lines with [`Ui::status`]).
    pub fn spinner(&self) -> ProgressBar {
        if !self.can_animate() {
            return ProgressBar::hidden();
        }
        let bar = ProgressBar::with_draw_target(None, ProgressDrawTarget::stderr());
        bar.set_style(
            ProgressStyle::with_template("{spinner:.cyan} {msg} [{elapsed}]")
                .unwrap_or_else(|_| ProgressStyle::default_spinner()),
        );
        bar.enable_steady_tick(Duration::from_millis(120));
        *self.spinner.lock().unwrap_or_else(|p| p.into_inner()) = Some(bar.clone());
        bar
    }

    /// A byte progress bar for uploads, drawn only when it can animate.
    pub fn byte_bar(&self, len: u64, label: &str) -> ProgressBar {
        if !self.can_animate() {
            return ProgressBar::hidden();
        }
        let bar = ProgressBar::with_draw_target(Some(len), ProgressDrawTarget::stderr());
        bar.set_style(
            ProgressStyle::with_template(
                "{msg} {wide_bar} {bytes}/{total_bytes} {bytes_per_sec} eta {eta}",
            )
            .unwrap_or_else(|_| ProgressStyle::default_bar()),
        );
        bar.set_message(label.to_owned());
        bar
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn prefixes_go_at_line_starts_across_chunks() {
        let mut at = true;
        assert_eq!(
            prefix_lines("a\nb", Some("out│"), &mut at),
            "out│ a\nout│ b"
        );
        assert!(!at);
        assert_eq!(prefix_lines("c\nd\n", Some("out│"), &mut at), "c\nout│ d\n");
        assert!(at);
        let mut plain = true;
        assert_eq!(prefix_lines("x\ny", None, &mut plain), "x\ny");
        assert!(!plain);
    }

    #[test]
    fn control_characters_are_made_visible() {
        assert_eq!(visible("plain\ttext\r\n"), "plain\ttext\r\n");
        assert_eq!(visible("\x1b[2Jgone\x07"), "^[[2Jgone^G");
        assert_eq!(visible("a\rb\x7f\u{9b}c"), "a^Mb^?\\u{9b}c");
    }

    #[test]
    fn colour_follows_flags_then_no_color_clicolor_force_clicolor_then_the_terminal() {
        let env = |pairs: &[(&str, &str)]| {
            let mut all = vec![("TERM", "xterm-256color")];
            all.extend_from_slice(pairs);
            Env::from_pairs(all)
        };
        let auto = ColorChoice::Auto;
        assert_eq!(colors(auto, &env(&[]), true, false), (true, false));
        assert_eq!(colors(auto, &env(&[]), false, false), (false, false));
        assert_eq!(
            colors(auto, &env(&[("NO_COLOR", "1")]), true, true),
            (false, false)
        );
        assert_eq!(
            colors(auto, &env(&[("CLICOLOR", "0")]), true, true),
            (false, false)
        );
        assert_eq!(
            colors(auto, &env(&[("CLICOLOR", "1")]), true, true),
            (true, true)
        );
        assert_eq!(
            colors(
                auto,
                &env(&[("CLICOLOR", "0"), ("CLICOLOR_FORCE", "1")]),
                false,
                false
            ),
            (true, true)
        );
        assert_eq!(
            colors(
                ColorChoice::Never,
                &env(&[("CLICOLOR_FORCE", "1")]),
                true,
                true
            ),
            (false, false)
        );
        assert_eq!(
            colors(
                ColorChoice::Always,
                &env(&[("NO_COLOR", "1")]),
                false,
                false
            ),
            (true, true)
        );
        let dumb = Env::from_pairs([("TERM", "dumb")]);
        assert_eq!(colors(auto, &dumb, true, true), (false, false));
    }
}
