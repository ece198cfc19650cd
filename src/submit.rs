//! Submitting exactly once.
//!
//! The submit POST is never blindly retried. When it fails in a way that
//! proves no job was made (connection refused, safe mode 503), it is sent
//! again after a backoff. When the failure is ambiguous (reset or timeout
//! after the request went out), hjob looks its own submission up, by user
//! and app name, then by the `hjob.submission.id` property in each
//! candidate's configuration, and adopts the job it finds; it resubmits only
//! when no such job exists.

use std::collections::BTreeMap;
use std::time::Duration;

use crate::error::{HjobError, Service};
use crate::http::{jitter, next_delay};
use crate::oozie::{OozieClient, OozieError, SubmitError};
use crate::ui::Ui;

/// The property that identifies a submission.
pub const SUBMISSION_ID_PROPERTY: &str = "hjob.submission.id";

/// How a submission went.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Submitted {
    pub id: String,
    /// True when the job was found by lookup after an ambiguous failure.
    pub adopted: bool,
    /// POSTs sent.
    pub attempts: u32,
}

/// Finds the job of a submission id, if Oozie has one.
pub async fn find_submission(
    oozie: &OozieClient,
    user: &str,
    app_name: &str,
    submission_id: &str,
) -> anyhow::Result<Option<String>> {
    // Oozie's jobs filter is `name=value;…` with no escaping: the real
    // Oozie 5.2.1 answers a name holding `;` or `=` with 400 E0420 "Invalid
    // jobs filter". Such a name is matched here among the user's newest jobs.
    let filterable = !app_name.contains([';', '=']);
    let list = if filterable {
        oozie
            .list(&[("user", user), ("name", app_name)], 1, 50)
            .await?
    } else {
        oozie.list(&[("user", user)], 1, 500).await?
    };
    for candidate in list
        .workflows
        .into_iter()
        .filter(|w| w.app_name.as_deref() == Some(app_name))
    {
        let job = oozie.info(&candidate.id).await?;
        if job.conf_property(SUBMISSION_ID_PROPERTY).as_deref() == Some(submission_id) {
            return Ok(Some(job.id));
        }
    }
    Ok(None)
}

fn is_safe_mode(error: &anyhow::Error) -> bool {
    error
        .chain()
        .filter_map(|c| c.downcast_ref::<OozieError>())
        .any(|e| e.code == "E0002" || e.status == 503)
}

/// One submission: its properties and how to find it again.
#[derive(Debug, Clone)]
pub struct SubmitRequest<'a> {
    pub properties: &'a BTreeMap<String, String>,
    pub user: &'a str,
    pub app_name: &'a str,
    pub submission_id: &'a str,
    /// POSTs at most (each after proof or lookup that no job exists).
    pub tries: u32,
    /// First pause between POSTs (and lookups); doubles up to `backoff_max`.
    pub backoff: Duration,
    pub backoff_max: Duration,
}

/// Submits once, adopting or retrying as described in the module docs.
pub async fn submit_once(
    oozie: &OozieClient,
    request: &SubmitRequest<'_>,
    ui: &Ui,
) -> anyhow::Result<Submitted> {
    let SubmitRequest {
        properties,
        user: _,
        app_name: _,
        submission_id,
        tries,
        backoff,
        backoff_max,
    } = *request;
    let tries = tries.max(1);
    let mut attempts = 0;
    let mut delay = backoff.min(backoff_max);
    loop {
        attempts += 1;
        let last_try = attempts >= tries;
        match oozie.submit(properties).await {
            Ok(id) => {
                return Ok(Submitted {
                    id,
                    adopted: false,
                    attempts,
                });
            }
            Err(SubmitError::Rejected(error)) => {
                let transient = is_safe_mode(&error)
                    || error.chain().any(|c| {
                        c.downcast_ref::<HjobError>().is_some_and(|e| {
                            matches!(e, HjobError::Service { message, .. } if message.starts_with("connection failed"))
                        })
                    });
                if !transient || last_try {
                    return Err(error);
                }
                ui.warn(&format!(
                    "Oozie did not take the submission ({}); trying again",
                    error
                        .chain()
                        .last()
                        .map(ToString::to_string)
                        .unwrap_or_default()
                ));
            }
            Err(SubmitError::Ambiguous(error)) => {
                ui.warn("the submission's answer was lost; checking whether Oozie created the job");
                match lookup_with_retries(oozie, request).await {
                    Ok(Some(id)) => {
                        return Ok(Submitted {
                            id,
                            adopted: true,
                            attempts,
                        });
                    }
                    Ok(None) if !last_try => {}
                    Ok(None) => return Err(error),
                    Err(lookup_error) => {
                        return Err(HjobError::Service {
                            service: Service::Oozie,
                            url: oozie.base_url().to_owned(),
                            message: format!(
                                "the submission may or may not have created a job, and Oozie could not be asked ({lookup_error:#})"
                            ),
                            hint: Some(format!(
                                "look for submission {submission_id} with `hjob list` before running the job again"
                            )),
                        }
                        .into());
                    }
                }
            }
        }
        tokio::time::sleep(jitter(delay)).await;
        delay = next_delay(delay, backoff_max);
    }
}

/// Looks the submission up, asking again (after a capped, jittered
/// backoff) when Oozie cannot answer; each read inside is retried too.
async fn lookup_with_retries(
    oozie: &OozieClient,
    request: &SubmitRequest<'_>,
) -> anyhow::Result<Option<String>> {
    let mut delay = request.backoff.min(request.backoff_max);
    let mut attempt = 1;
    loop {
        match find_submission(oozie, request.user, request.app_name, request.submission_id).await {
            Ok(found) => return Ok(found),
            Err(e) if attempt >= request.tries.max(1) => return Err(e),
            Err(_) => {
                tokio::time::sleep(jitter(delay)).await;
                delay = next_delay(delay, request.backoff_max);
                attempt += 1;
            }
        }
    }
}
