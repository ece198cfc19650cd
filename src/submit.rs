//! Submitting exactly once.
//!
//! The submit POST is never blindly retried. When it fails in a way that
//! proves no job was made (connection refused, safe mode 503), it is sent
//! again after a backoff, for as long as `[http] submit_outage_limit`
//! allows (60 s by default), so a short Oozie outage at the moment of
//! submit does not fail the run. When the failure is ambiguous (reset or
//! timeout after the request went out, or a gateway's 502 or 504 that
//! is not Oozie's own answer), hjob looks its own submission up
//! and adopts the job it finds; it resubmits only when no such job exists.
//!
//! The lookup lists the user's jobs of the app's name created since shortly
//! before the submit (`filter=startcreatedtime=…;name=…;user=…`, through
//! [`OozieClient::jobs_pages`], which matches a name the filter cannot
//! carry over the pages instead) and matches the `hjob.submission.id`
//! property in each candidate's configuration.

use std::collections::BTreeMap;
use std::time::{Duration, Instant, SystemTime};

use crate::error::{HjobError, Service};
use crate::http::{jitter, next_delay};
use crate::oozie::{self, OozieClient, OozieError, SubmitError};
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

/// How far before the submit the lookup's time window starts: room for
/// clock skew between this machine and Oozie.
const LOOKUP_SLACK: Duration = Duration::from_secs(3600);

/// Candidates read at most in one lookup (pages of 50).
const LOOKUP_MAX_CANDIDATES: u64 = 2000;

/// The `startcreatedtime` value for a time: Oozie's filter date format,
/// `yyyy-MM-dd'T'HH:mm'Z'` (UTC, minutes).
pub fn filter_time(time: SystemTime) -> String {
    let text = humantime::format_rfc3339_seconds(time).to_string();
    format!("{}Z", &text[..16])
}

/// Finds the job of a submission id, if Oozie has one: the user's jobs
/// created since `since` (less [`LOOKUP_SLACK`]), newest first, whose app
/// name is `app_name` and whose configuration carries `submission_id`.
pub async fn find_submission(
    oozie: &OozieClient,
    user: &str,
    app_name: &str,
    submission_id: &str,
    since: SystemTime,
) -> anyhow::Result<Option<String>> {
    let start = filter_time(since.checked_sub(LOOKUP_SLACK).unwrap_or(since));
    // A name the filter cannot carry is matched over the pages instead.
    let mut filter = vec![("startcreatedtime", start.as_str()), ("name", app_name)];
    if oozie::filter_safe(user) {
        filter.push(("user", user));
    }
    let mut pages = oozie.jobs_pages(&filter, 50);
    let mut read = 0u64;
    while let Some(page) = pages.next_page().await? {
        for candidate in page {
            // The list has no configuration: each candidate is read.
            let job = oozie.info(&candidate.id).await?;
            if job.conf_property(SUBMISSION_ID_PROPERTY).as_deref() == Some(submission_id) {
                return Ok(Some(job.id));
            }
            read += 1;
        }
        if read >= LOOKUP_MAX_CANDIDATES {
            break;
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
    /// POSTs at most after lookups that found no job; reads in a lookup
    /// are retried as many times.
    pub tries: u32,
    /// How long refusals and 503s are ridden out (resending, since they
    /// prove no job was made) and a lookup waits for Oozie to answer.
    pub outage_limit: Duration,
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
        outage_limit,
        backoff,
        backoff_max,
    } = *request;
    let tries = tries.max(1);
    let started = Instant::now();
    let since = SystemTime::now();
    let mut attempts = 0;
    let mut not_found = 0;
    let mut refused_since: Option<Instant> = None;
    let mut delay = backoff.min(backoff_max);
    loop {
        attempts += 1;
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
                let first = refused_since.is_none();
                let outage = *refused_since.get_or_insert_with(Instant::now);
                if !transient || outage.elapsed() + delay >= outage_limit {
                    return Err(error);
                }
                if first {
                    ui.warn(&format!(
                        "Oozie did not take the submission ({}); trying again for up to {}",
                        error
                            .chain()
                            .last()
                            .map(ToString::to_string)
                            .unwrap_or_default(),
                        humantime::format_duration(outage_limit)
                    ));
                }
            }
            Err(SubmitError::Ambiguous(error)) => {
                refused_since = None;
                ui.warn("the submission's answer was lost; checking whether Oozie created the job");
                match lookup_with_retries(oozie, request, since).await {
                    Ok(Some(id)) => {
                        return Ok(Submitted {
                            id,
                            adopted: true,
                            attempts,
                        });
                    }
                    Ok(None) => {
                        not_found += 1;
                        if not_found >= tries {
                            return Err(error);
                        }
                    }
                    Err(lookup_error) => {
                        return Err(HjobError::Service {
                            service: Service::Oozie,
                            url: crate::http::redact_url(oozie.base_url()),
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
        tracing::debug!("submit attempt {attempts} after {:?}", started.elapsed());
        tokio::time::sleep(jitter(delay)).await;
        delay = next_delay(delay, backoff_max);
    }
}

/// Looks the submission up, asking again (after a capped, jittered
/// backoff) while Oozie cannot answer, for up to `tries` times or the
/// outage limit, whichever is longer; each read inside is retried too.
async fn lookup_with_retries(
    oozie: &OozieClient,
    request: &SubmitRequest<'_>,
    since: SystemTime,
) -> anyhow::Result<Option<String>> {
    let mut delay = request.backoff.min(request.backoff_max);
    let started = Instant::now();
    let mut attempt = 1;
    loop {
        match find_submission(
            oozie,
            request.user,
            request.app_name,
            request.submission_id,
            since,
        )
        .await
        {
            Ok(found) => return Ok(found),
            Err(e)
                if attempt >= request.tries.max(1)
                    && started.elapsed() + delay >= request.outage_limit =>
            {
                return Err(e);
            }
            Err(_) => {
                tokio::time::sleep(jitter(delay)).await;
                delay = next_delay(delay, request.backoff_max);
                attempt += 1;
            }
        }
    }
}
