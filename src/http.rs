//! The shared HTTP layer under every service client (state, Oozie, WebHDFS,
//! YARN): one reqwest client, timeouts, retries with capped exponential
//! backoff and jitter for idempotent calls only, authentication, and mapping
//! of transport failures to [`HjobError::Service`] with redacted URLs.
//!
//! Redirects are never followed automatically: WebHDFS's two-step CREATE must
//! be done by hand (reqwest would re-send or drop the body, and drops
//! credentials across hosts), and no other service redirects.

use std::fmt;
use std::time::{Duration, Instant};

use reqwest::{Method, RequestBuilder, Response, StatusCode};

use crate::config::HttpSettings;
use crate::error::{HjobError, Service};

/// A secret (token, password) whose `Debug` and `Display` never show it.
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(String);

impl Secret {
    /// Wraps a secret value.
    pub fn new(value: impl Into<String>) -> Self {
        Secret(value.into())
    }

    /// The secret itself, for building a header.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Secret(redacted)")
    }
}

impl fmt::Display for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("(redacted)")
    }
}

/// How requests to one service authenticate. Hadoop's pseudo auth
/// (`user.name`) is a query parameter each client adds itself.
#[derive(Debug, Clone, Default)]
pub enum Auth {
    /// No credentials.
    #[default]
    None,
    /// `Authorization: Bearer <token>` (the state service's admin API).
    Bearer(Secret),
    /// `Authorization: Basic` (Knox).
    Basic { user: String, password: Secret },
}

/// Query parameters whose values are secrets.
const SECRET_PARAMS: [&str; 3] = ["delegation", "token", "password"];

/// Shows a URL without credentials or query secrets. This is the one place
/// that decides what of a URL people may see: every URL shown (human and
/// JSON output, errors) goes through it. A URL with nothing to hide is
/// returned as written.
pub fn redact_url(url: &str) -> String {
    match url::Url::parse(url) {
        Ok(parsed)
            if parsed.username().is_empty()
                && parsed.password().is_none()
                && !parsed
                    .query_pairs()
                    .any(|(k, _)| SECRET_PARAMS.contains(&k.as_ref())) =>
        {
            url.to_owned()
        }
        Ok(mut parsed) => {
            let _ = parsed.set_username("");
            let _ = parsed.set_password(None);
            let pairs: Vec<(String, String)> = parsed
                .query_pairs()
                .map(|(k, v)| {
                    let secret = SECRET_PARAMS.contains(&k.as_ref());
                    (
                        k.into_owned(),
                        if secret {
                            "REDACTED".into()
                        } else {
                            v.into_owned()
                        },
                    )
                })
                .collect();
            if pairs.is_empty() {
                parsed.set_query(None);
            } else {
                parsed.query_pairs_mut().clear().extend_pairs(pairs);
            }
            parsed.to_string()
        }
        Err(_) => url.to_owned(),
    }
}

/// Whether a status is worth retrying for an idempotent call.
pub fn is_retryable_status(status: StatusCode) -> bool {
    status.is_server_error()
        || status == StatusCode::REQUEST_TIMEOUT
        || status == StatusCode::TOO_MANY_REQUESTS
}

/// Explains a reqwest transport error in a few words.
pub fn describe_transport_error(error: &reqwest::Error) -> String {
    let mut text = if error.is_timeout() {
        "timed out".to_owned()
    } else if error.is_connect() {
        "connection failed".to_owned()
    } else if error.is_body() || error.is_decode() {
        "bad response body".to_owned()
    } else if error.is_request() {
        "request failed".to_owned()
    } else {
        "HTTP error".to_owned()
    };
    let mut source = std::error::Error::source(error);
    let mut last = None;
    while let Some(cause) = source {
        last = Some(cause.to_string());
        source = cause.source();
    }
    if let Some(last) = last {
        text.push_str(": ");
        text.push_str(&last);
    }
    text
}

/// One service's view of the shared HTTP layer.
#[derive(Debug, Clone)]
pub struct Http {
    /// For `http://` URLs: a client with no TLS roots at all, so that a
    /// command that only speaks plain HTTP never loads the system's CA store
    /// (that load was ~95% of the instructions of `hjob run --detach`).
    plain: reqwest::Client,
    service: Service,
    settings: HttpSettings,
    auth: Auth,
}

/// What happened on the last try of a call that was not answered usefully.
#[derive(Debug)]
pub enum Failure {
    /// No response: connect error, reset, timeout.
    Transport(reqwest::Error),
    /// A response with a retryable status, after the last try.
    Status(Response),
}

static CRYPTO: std::sync::Once = std::sync::Once::new();

/// The client for `https://` URLs, with the platform's certificate
/// verifier: built on the first https request, once per process, and shared
/// by every service (they all use the same HTTP settings).
static TLS_CLIENT: std::sync::OnceLock<reqwest::Client> = std::sync::OnceLock::new();

fn client_builder(settings: &HttpSettings) -> reqwest::ClientBuilder {
    reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .connect_timeout(settings.connect_timeout)
        .user_agent(concat!("hjob/", env!("CARGO_PKG_VERSION")))
}

/// Whether a URL needs TLS.
fn is_https(url: &str) -> bool {
    url.get(..6)
        .is_some_and(|s| s.eq_ignore_ascii_case("https:"))
}

impl Http {
    /// Builds the client for one service.
    pub fn new(service: Service, settings: &HttpSettings, auth: Auth) -> anyhow::Result<Self> {
        CRYPTO.call_once(|| {
            let _ = rustls::crypto::ring::default_provider().install_default();
        });
        // No roots: a plain-HTTP client never verifies a certificate, and an
        // https URL never reaches it.
        let plain = client_builder(settings)
            .tls_certs_only(std::iter::empty())
            .build()?;
        Ok(Http {
            plain,
            service,
            settings: settings.clone(),
            auth,
        })
    }

    /// The client for a URL: the TLS one, built once, for https only.
    fn client_for(&self, url: &str) -> &reqwest::Client {
        if !is_https(url) {
            return &self.plain;
        }
        TLS_CLIENT.get_or_init(|| {
            client_builder(&self.settings).build().unwrap_or_else(|e| {
                // The platform verifier could not start (no CA store):
                // certificate checks then fail with an error naming them.
                tracing::warn!("cannot load the system's TLS roots: {e}");
                self.plain.clone()
            })
        })
    }

    /// The service this client talks to.
    pub fn service(&self) -> Service {
        self.service
    }

    /// The HTTP settings in force.
    pub fn settings(&self) -> &HttpSettings {
        &self.settings
    }

    /// Starts a request with authentication applied and the per-try timeout set.
    pub fn request(&self, method: Method, url: &str) -> RequestBuilder {
        self.request_without_timeout(method, url)
            .timeout(self.settings.timeout)
    }

    /// Starts a request with authentication but no overall timeout (large
    /// uploads; the connect timeout still applies).
    pub fn request_without_timeout(&self, method: Method, url: &str) -> RequestBuilder {
        let builder = self.client_for(url).request(method, url);
        match &self.auth {
            Auth::None => builder,
            Auth::Bearer(token) => builder.bearer_auth(token.expose()),
            Auth::Basic { user, password } => builder.basic_auth(user, Some(password.expose())),
        }
    }

    /// Sends a request once, mapping a transport failure to a service error.
    pub async fn send_once(&self, builder: RequestBuilder, url: &str) -> anyhow::Result<Response> {
        builder
            .send()
            .await
            .map_err(|e| self.transport_error(url, &e).into())
    }

    /// Sends an idempotent request, retrying connect errors, timeouts, 5xx,
    /// 408 and 429 with capped exponential backoff and jitter, up to the
    /// configured number of tries and never past `deadline`. Other statuses
    /// (including 4xx) are returned for the caller to interpret.
    pub async fn send_idempotent(
        &self,
        url: &str,
        deadline: Option<Instant>,
        build: impl Fn() -> RequestBuilder,
    ) -> Result<Response, Failure> {
        let tries = self.settings.retries.max(1);
        let mut delay = self.settings.backoff_initial.min(self.settings.backoff_max);
        let mut attempt = 1;
        loop {
            let mut builder = build();
            if let Some(deadline) = deadline {
                let left = deadline.saturating_duration_since(Instant::now());
                builder = builder.timeout(
                    left.min(self.settings.timeout)
                        .max(Duration::from_millis(1)),
                );
            }
            let outcome = builder.send().await;
            let (failure, retry_after) = match outcome {
                Ok(response) if !is_retryable_status(response.status()) => return Ok(response),
                Ok(response) => {
                    let retry_after = response
                        .headers()
                        .get(reqwest::header::RETRY_AFTER)
                        .and_then(|v| v.to_str().ok())
                        .and_then(|v| v.trim().parse::<u64>().ok())
                        .map(Duration::from_secs);
                    (Failure::Status(response), retry_after)
                }
                Err(error) => (Failure::Transport(error), None),
            };
            let wait = backoff_wait(delay, retry_after, self.settings.backoff_max);
            let out_of_time = deadline.is_some_and(|d| Instant::now() + wait >= d);
            if attempt >= tries || out_of_time {
                return Err(failure);
            }
            tracing::debug!(
                "{} {}: try {attempt} of {tries} failed ({}); retrying in {wait:?}",
                self.service,
                redact_url(url),
                describe_failure(&failure)
            );
            tokio::time::sleep(wait).await;
            delay = next_delay(delay, self.settings.backoff_max);
            attempt += 1;
        }
    }

    /// Like [`Http::send_idempotent`], with a final failure turned into the
    /// service error that names the URL and the last cause.
    pub async fn send_retrying(
        &self,
        url: &str,
        deadline: Option<Instant>,
        build: impl Fn() -> RequestBuilder,
    ) -> anyhow::Result<Response> {
        match self.send_idempotent(url, deadline, build).await {
            Ok(response) => Ok(response),
            Err(failure) => Err(self.failure_error(url, failure).await.into()),
        }
    }

    /// Turns a final [`Failure`] into a service error naming the URL and cause.
    pub async fn failure_error(&self, url: &str, failure: Failure) -> HjobError {
        match failure {
            Failure::Transport(e) => self.transport_error(url, &e),
            Failure::Status(response) => {
                let status = response.status();
                let body = response.text().await.unwrap_or_default();
                self.status_error(url, status, &body)
            }
        }
    }

    /// A service error for a transport failure.
    pub fn transport_error(&self, url: &str, error: &reqwest::Error) -> HjobError {
        HjobError::Service {
            service: self.service,
            url: redact_url(url),
            message: describe_transport_error(error),
            hint: Some(format!(
                "check that the {} is up and reachable from this machine",
                self.service
            )),
        }
    }

    /// A service error for an unexpected status.
    pub fn status_error(&self, url: &str, status: StatusCode, body: &str) -> HjobError {
        let first_line = body.lines().next().unwrap_or("").trim();
        let mut message = format!("HTTP {status}");
        if !first_line.is_empty() {
            message.push_str(": ");
            message.push_str(&first_line.chars().take(300).collect::<String>());
        }
        HjobError::Service {
            service: self.service,
            url: redact_url(url),
            message,
            hint: None,
        }
    }
}

/// One line describing a failure, for logs.
pub fn describe_failure(failure: &Failure) -> String {
    match failure {
        Failure::Transport(e) => describe_transport_error(e),
        Failure::Status(r) => format!("HTTP {}", r.status()),
    }
}

/// The pause before the next try: the server's `Retry-After` if it gave one,
/// else the current backoff delay; never more than `max`, and jittered.
pub fn backoff_wait(delay: Duration, retry_after: Option<Duration>, max: Duration) -> Duration {
    jitter(retry_after.unwrap_or(delay).min(max))
}

/// The backoff delay after `delay`: doubled, capped at `max`.
pub fn next_delay(delay: Duration, max: Duration) -> Duration {
    delay.saturating_mul(2).min(max)
}

/// Spreads a delay over [delay/2, delay] so many clients do not retry in step.
pub fn jitter(delay: Duration) -> Duration {
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.subsec_nanos())
        .unwrap_or(0);
    let fraction = 0.5 + f64::from(nanos % 1000) / 2000.0;
    delay.mul_f64(fraction)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn settings() -> HttpSettings {
        HttpSettings {
            timeout: Duration::from_secs(5),
            connect_timeout: Duration::from_secs(2),
            retries: 1,
            backoff_initial: Duration::from_millis(1),
            backoff_max: Duration::from_millis(1),
            state_deadline: Duration::from_secs(1),
            submit_outage_limit: Duration::from_secs(1),
        }
    }

    #[test]
    fn plain_http_never_touches_the_tls_client() {
        let http = Http::new(Service::Oozie, &settings(), Auth::None).unwrap();
        assert!(std::ptr::eq(
            http.client_for("http://oozie:11000/oozie"),
            &http.plain
        ));
        assert!(std::ptr::eq(http.client_for("HTTP://oozie/"), &http.plain));
        // https gets the one TLS client of the process, with the system's
        // roots, the same for every service.
        let tls = http.client_for("HTTPS://knox:8443/gateway");
        assert!(!std::ptr::eq(tls, &http.plain));
        let other = Http::new(Service::WebHdfs, &settings(), Auth::None).unwrap();
        assert!(std::ptr::eq(other.client_for("https://nn/"), tls));
    }

    #[test]
    fn urls_are_redacted() {
        let shown = redact_url("http://bob:pw@h:1/p?delegation=abc&user.name=bob");
        assert!(!shown.contains("pw"), "{shown}");
        assert!(!shown.contains("abc"), "{shown}");
        assert!(shown.contains("user.name=bob"), "{shown}");
    }

    #[test]
    fn secrets_never_print() {
        let secret = Secret::new("s3cr3t");
        assert!(!format!("{secret:?} {secret}").contains("s3cr3t"));
        let auth = Auth::Bearer(secret);
        assert!(!format!("{auth:?}").contains("s3cr3t"));
    }

    #[test]
    fn retryable_statuses() {
        assert!(is_retryable_status(StatusCode::SERVICE_UNAVAILABLE));
        assert!(is_retryable_status(StatusCode::TOO_MANY_REQUESTS));
        assert!(is_retryable_status(StatusCode::REQUEST_TIMEOUT));
        assert!(!is_retryable_status(StatusCode::BAD_REQUEST));
        assert!(!is_retryable_status(StatusCode::PRECONDITION_FAILED));
    }

    #[test]
    fn backoff_is_capped_by_backoff_max() {
        let max = Duration::from_millis(300);
        let mut delay = Duration::from_millis(100);
        for _ in 0..40 {
            delay = next_delay(delay, max);
            assert!(delay <= max);
            assert!(backoff_wait(delay, None, max) <= max);
        }
        assert_eq!(delay, max);
        // A huge Retry-After (or a huge doubled delay) is capped too.
        let long = Some(Duration::from_secs(3600));
        assert!(backoff_wait(delay, long, max) <= max);
        assert!(backoff_wait(Duration::MAX, None, max) <= max);
        assert_eq!(next_delay(Duration::MAX, max), max);
    }

    #[test]
    fn jitter_stays_within_half_and_full() {
        for _ in 0..100 {
            let d = jitter(Duration::from_millis(1000));
            assert!(d >= Duration::from_millis(500) && d <= Duration::from_millis(1000));
        }
    }
}
