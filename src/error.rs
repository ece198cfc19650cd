//! Exit statuses and the errors that choose them.
//!
//! Every way `hjob` can end maps to one [`ExitStatus`]; the table is part of
//! hjob's fixed interface (scripts rely on it). Errors that pick a particular
//! code are [`HjobError`] variants; any other error is a service or internal
//! failure and maps through [`exit_status_of`].

use std::fmt;

/// How `hjob` ended, as scripts see it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExitStatus {
    /// 0: the job succeeded (or was submitted with `--detach`, or rendered with `--dry-run`).
    Success,
    /// 1: the job ended FAILED or KILLED.
    JobFailed,
    /// 2: bad usage, input or config.
    Usage,
    /// 3: ad hoc submission is disabled by the admins.
    Disabled,
    /// 4: a service was unreachable or kept erroring after retries.
    Service,
    /// 5: `--timeout` was reached; the job is left running.
    Timeout,
    /// 130: interrupted; the job is left running.
    Interrupted,
}

impl ExitStatus {
    /// The process exit code.
    pub fn code(self) -> u8 {
        match self {
            ExitStatus::Success => 0,
            ExitStatus::JobFailed => 1,
            ExitStatus::Usage => 2,
            ExitStatus::Disabled => 3,
            ExitStatus::Service => 4,
            ExitStatus::Timeout => 5,
            ExitStatus::Interrupted => 130,
        }
    }
}

impl From<ExitStatus> for std::process::ExitCode {
    fn from(status: ExitStatus) -> Self {
        std::process::ExitCode::from(status.code())
    }
}

/// The exit-code table as a literal, for `concat!` in help texts.
#[macro_export]
macro_rules! exit_codes_help {
    () => {
        "\
Exit codes:
  0    job succeeded (or submitted with --detach, or rendered with --dry-run)
  1    job ended FAILED or KILLED
  2    bad usage, input or config
  3    ad hoc submission disabled by the admins (their message is printed)
  4    a service was unreachable or kept erroring after retries
  5    --timeout reached (the job is left running)
  130  interrupted (the job is left running; its id is printed)"
    };
}

/// The help text listing every exit code (shown in `hjob --help`).
pub const EXIT_CODES_HELP: &str = exit_codes_help!();

/// An error that decides hjob's exit status and may carry a hint.
#[derive(Debug, thiserror::Error)]
pub enum HjobError {
    /// Bad usage, input or config (exit 2).
    #[error("{message}")]
    Usage {
        message: String,
        hint: Option<String>,
    },
    /// Ad hoc submission is disabled (exit 3).
    #[error("ad hoc job submission is disabled{}", .message.as_deref().map(|m| format!(": {}", crate::ui::visible(m))).unwrap_or_default())]
    Disabled {
        message: Option<String>,
        until: Option<String>,
    },
    /// A service was unreachable, answered garbage, or kept failing (exit 4).
    #[error("{service} at {url}: {message}")]
    Service {
        service: Service,
        url: String,
        message: String,
        hint: Option<String>,
    },
}

impl HjobError {
    /// A usage/config error with no hint.
    pub fn usage(message: impl Into<String>) -> Self {
        HjobError::Usage {
            message: message.into(),
            hint: None,
        }
    }

    /// A usage/config error with a hint saying how to fix it.
    pub fn usage_hint(message: impl Into<String>, hint: impl Into<String>) -> Self {
        HjobError::Usage {
            message: message.into(),
            hint: Some(hint.into()),
        }
    }

    /// The exit status this error stands for.
    pub fn exit_status(&self) -> ExitStatus {
        match self {
            HjobError::Usage { .. } => ExitStatus::Usage,
            HjobError::Disabled { .. } => ExitStatus::Disabled,
            HjobError::Service { .. } => ExitStatus::Service,
        }
    }

    /// A line telling the user what to do next, when there is one.
    pub fn hint(&self) -> Option<String> {
        match self {
            HjobError::Usage { hint, .. } | HjobError::Service { hint, .. } => hint.clone(),
            HjobError::Disabled { until, .. } => Some(match until {
                Some(until) => format!(
                    "submission is expected back at {until}{}; nothing was submitted. Check with `hjob cluster`",
                    crate::timefmt::relative_to_now(until)
                        .map(|r| format!(" ({r})"))
                        .unwrap_or_default()
                ),
                None => "nothing was submitted; check with `hjob cluster` when the admins have re-enabled submission".into(),
            }),
        }
    }
}

/// The outside systems hjob talks to, for error messages and retries.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Service {
    State,
    Oozie,
    WebHdfs,
    Yarn,
}

impl fmt::Display for Service {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Service::State => "state service",
            Service::Oozie => "Oozie",
            Service::WebHdfs => "WebHDFS",
            Service::Yarn => "YARN",
        })
    }
}

/// Every [`HjobError`] in an error, outermost first. anyhow's own
/// `downcast_ref` sees a context layer's type, which `chain()` does not.
fn hjob_errors(error: &anyhow::Error) -> impl Iterator<Item = &HjobError> {
    error.downcast_ref::<HjobError>().into_iter().chain(
        error
            .chain()
            .filter_map(|cause| cause.downcast_ref::<HjobError>()),
    )
}

/// Finds the exit status an error chain stands for: the first [`HjobError`]
/// in the chain decides; anything else is a service failure (4), except I/O
/// errors on local files, which the commands wrap as usage errors themselves.
pub fn exit_status_of(error: &anyhow::Error) -> ExitStatus {
    hjob_errors(error)
        .next()
        .map(HjobError::exit_status)
        .unwrap_or(ExitStatus::Service)
}

/// Adds "nothing was submitted" to a usage or service error's hint (once),
/// for failures that end a run before its submit.
pub fn nothing_submitted(mut error: anyhow::Error) -> anyhow::Error {
    const SAID: &str = "nothing was submitted";
    if let Some(HjobError::Service { hint, .. } | HjobError::Usage { hint, .. }) =
        error.downcast_mut::<HjobError>()
    {
        *hint = Some(with_said(hint.take(), SAID));
    }
    error
}

fn with_said(hint: Option<String>, said: &str) -> String {
    match hint {
        Some(hint) if hint.contains(said) => hint,
        Some(hint) => format!("{hint}; {said}"),
        None => said.to_owned(),
    }
}

/// Finds the first hint in an error chain.
pub fn hint_of(error: &anyhow::Error) -> Option<String> {
    hjob_errors(error).find_map(HjobError::hint)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_match_the_documented_table() {
        let table = [
            (ExitStatus::Success, 0),
            (ExitStatus::JobFailed, 1),
            (ExitStatus::Usage, 2),
            (ExitStatus::Disabled, 3),
            (ExitStatus::Service, 4),
            (ExitStatus::Timeout, 5),
            (ExitStatus::Interrupted, 130),
        ];
        for (status, code) in table {
            assert_eq!(status.code(), code);
            assert!(EXIT_CODES_HELP.contains(&format!("  {code} ")));
        }
    }

    #[test]
    fn the_first_hjob_error_in_a_chain_decides() {
        let err = anyhow::Error::new(HjobError::usage("bad flag")).context("while parsing");
        assert_eq!(exit_status_of(&err), ExitStatus::Usage);
        let plain = anyhow::anyhow!("connection refused");
        assert_eq!(exit_status_of(&plain), ExitStatus::Service);
        let outer = anyhow::anyhow!("refused").context(HjobError::usage_hint("outer", "do this"));
        assert_eq!(exit_status_of(&outer), ExitStatus::Usage);
        assert_eq!(hint_of(&outer).as_deref(), Some("do this"));
    }
}
