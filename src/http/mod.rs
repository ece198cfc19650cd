//! The shared HTTP layer under every service client (state, Oozie, WebHDFS,
//! YARN): one reqwest client, timeouts, retries with capped exponential
//! backoff and jitter for idempotent calls only, authentication, and mapping
//! of transport failures to [`HjobError::Service`] with redacted URLs.
//!
//! Redirects are never followed automatically: WebHDFS's two-step CREATE must
//! be done by hand (reqwest would re-send or drop the body, and drops
//! credentials across hosts), and no other service redirects.
//!
//! Authentication lives here too ([`crate::auth`] holds the credentials):
//! a `401` with `WWW-Authenticate: Negotiate` is answered with a Kerberos
//! token, a Basic challenge with the origin's Knox credentials or `~/.netrc`,
//! and cookies the server sets are sent back to it alone. A refusal is a
//! [`Failure::Refused`]: never retried, exit 2 with the fix.

use std::fmt;
use std::time::{Duration, Instant, SystemTime};

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::Mutex;

use reqwest::header::{AUTHORIZATION, COOKIE, WWW_AUTHENTICATE};
use reqwest::{Method, RequestBuilder, Response, StatusCode};

use crate::auth::{self, BasicCredentials, Origin};
use crate::config::HttpSettings;
use crate::error::{HjobError, Service};

mod file_body;
pub use file_body::FileBody;

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

/// The credentials a client always sends (the state service's admin
/// token). Hadoop's pseudo auth (`user.name`, `doAs`) is a query parameter
/// each client adds ([`crate::auth::identity`]); Kerberos and Knox
/// credentials are bound to origins in [`crate::auth`] and added when sending.
#[derive(Debug, Clone, Default)]
pub enum Auth {
    /// No credentials.
    #[default]
    None,
    /// `Authorization: Bearer <token>` (the state service's admin API).
    Bearer(Secret),
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
    /// No response on a connection hjob drove itself (a file sent by the
    /// kernel, [`Http::put_file`]).
    Io(IoFailure),
    /// A response with a retryable status, after the last try.
    Status(Response),
    /// Authentication failed or was refused, or TLS trust is broken: never
    /// retried, and the error says what to fix.
    Refused(HjobError),
}

/// A request sent on hjob's own connection that got no answer.
#[derive(Debug)]
pub struct IoFailure {
    /// It failed while connecting (nothing was sent).
    pub connecting: bool,
    /// What failed.
    pub error: std::io::Error,
}

impl fmt::Display for IoFailure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let what = if self.connecting {
            "connection failed"
        } else if matches!(
            self.error.kind(),
            std::io::ErrorKind::TimedOut | std::io::ErrorKind::WouldBlock
        ) {
            "timed out"
        } else {
            "the connection broke"
        };
        write!(f, "{what}: {}", self.error)
    }
}

static CRYPTO: std::sync::Once = std::sync::Once::new();

/// The clients for `https://` URLs, one per CA bundle (`None`: the
/// platform's verifier alone), each built on its first https request, once
/// per process, and shared by every service.
type TlsClients = Mutex<HashMap<Option<PathBuf>, Result<reqwest::Client, String>>>;
static TLS_CLIENTS: std::sync::OnceLock<TlsClients> = std::sync::OnceLock::new();

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

    /// The CA bundle trusted for a URL: its cluster's, else `[http]`'s.
    fn ca_bundle_for(&self, url: &str) -> Option<PathBuf> {
        Origin::of(url)
            .and_then(|origin| auth::store().ca_bundle_for(&origin))
            .or_else(|| self.settings.ca_bundle.clone())
    }

    /// The TLS client for a CA bundle, built once per process.
    fn tls_client(&self, bundle: Option<PathBuf>) -> Result<reqwest::Client, String> {
        let clients = TLS_CLIENTS.get_or_init(Default::default);
        let mut clients = clients.lock().unwrap_or_else(|e| e.into_inner());
        clients
            .entry(bundle.clone())
            .or_insert_with(|| {
                let mut builder = client_builder(&self.settings);
                if let Some(path) = &bundle {
                    let pem = std::fs::read(path).map_err(|e| {
                        format!("cannot read the CA bundle {}: {e}", path.display())
                    })?;
                    let certs = reqwest::Certificate::from_pem_bundle(&pem)
                        .ok()
                        .filter(|c| !c.is_empty())
                        .ok_or_else(|| {
                            format!("the CA bundle {} holds no PEM certificate", path.display())
                        })?;
                    builder = builder.tls_certs_merge(certs);
                }
                builder.build().map_err(|e| match &bundle {
                    Some(path) => format!("cannot use the CA bundle {}: {e}", path.display()),
                    None => format!("cannot load the system's TLS roots: {e}"),
                })
            })
            .clone()
    }

    /// The client for a URL: plain for http, else the TLS client of the
    /// URL's CA bundle. A broken bundle was refused by [`Http::tls_check`]
    /// before any send; the plain client then fails the handshake safely.
    fn client_for(&self, url: &str) -> reqwest::Client {
        if !is_https(url) {
            return self.plain.clone();
        }
        let bundle = self.ca_bundle_for(url);
        self.tls_client(bundle).unwrap_or_else(|e| {
            tracing::warn!("{e}");
            self.plain.clone()
        })
    }

    /// Refuses an https URL whose CA bundle cannot be used.
    fn tls_check(&self, url: &str) -> Result<(), HjobError> {
        if !is_https(url) {
            return Ok(());
        }
        let bundle = self.ca_bundle_for(url);
        let configured = bundle.is_some();
        match self.tls_client(bundle) {
            Ok(_) => Ok(()),
            Err(message) if configured => Err(HjobError::usage_hint(
                message,
                "point ca_bundle (under [http] or [clusters.NAME]) at a readable PEM file of your CA's certificates",
            )),
            Err(message) => Err(HjobError::usage_hint(
                message,
                "install the system's CA certificates (Debian: apt-get install ca-certificates), or set ca_bundle under [http]",
            )),
        }
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
        // The admin token is the state service's own; Kerberos and Knox
        // credentials are added per origin when sending ([`Http::exchange`]).
        match &self.auth {
            Auth::None => builder,
            Auth::Bearer(token) => builder.bearer_auth(token.expose()),
        }
    }

    /// Sends a request once (answering an authentication challenge counts
    /// as the same send), mapping a failure to a service error.
    pub async fn send_once(&self, builder: RequestBuilder, url: &str) -> anyhow::Result<Response> {
        match self.exchange_once(url, builder).await {
            Ok(response) => Ok(response),
            Err(failure) => Err(self.failure_error(url, failure).await.into()),
        }
    }

    /// [`Http::exchange`] for a request built once: a body in memory can be
    /// sent again to answer a challenge; a streamed one cannot, so it goes
    /// with what is known of the origin, and a challenge is a refusal.
    pub async fn exchange_once(
        &self,
        url: &str,
        builder: RequestBuilder,
    ) -> Result<Response, Failure> {
        match builder.try_clone() {
            Some(_) => {
                self.exchange(url, &|| builder.try_clone().expect("cloned above"))
                    .await
            }
            None => self.authenticated(url, builder, None, None).await,
        }
    }

    /// Sends a request once with a local file as its body, authenticated
    /// as [`Http::exchange_once`] sends a streamed body. Over plain HTTP
    /// with no proxy, the kernel sends the file from the page cache on a
    /// connection of hjob's own (see [`file_body`]); elsewhere it is
    /// streamed through the client. No overall timeout: the connect
    /// timeout applies, and over plain HTTP a server that takes no bytes,
    /// or does not answer after the last, for the per-try timeout or 60 s,
    /// whichever is longer, fails the request.
    pub async fn put_file(
        &self,
        url: &str,
        builder: RequestBuilder,
        body: FileBody,
    ) -> Result<Response, Failure> {
        self.authenticated(url, builder, None, Some(body)).await
    }

    /// Sends a built request: with a file body over plain HTTP, on hjob's
    /// own connection; else through the client.
    async fn dispatch(
        &self,
        builder: RequestBuilder,
        file: Option<FileBody>,
    ) -> Result<Response, Failure> {
        let Some(file) = file else {
            return builder.send().await.map_err(Failure::Transport);
        };
        let (client, request) = builder.build_split();
        let mut request = request.map_err(Failure::Transport)?;
        if file_body::can_send_directly(request.url()) {
            let limits = file_body::Limits {
                connect: self.settings.connect_timeout,
                stall: self.settings.timeout.max(file_body::MIN_STALL),
            };
            return file_body::send_directly(request, file, limits).await;
        }
        *request.body_mut() = Some(file.into_stream());
        client.execute(request).await.map_err(Failure::Transport)
    }

    /// Sends one request as the server's authentication asks: credentials
    /// and cookies known for the origin first; then, on a `401` challenge,
    /// once more with a Kerberos token (`Negotiate`) or Basic credentials
    /// (Knox's file, or `~/.netrc`). A `401` without such a challenge is the
    /// caller's to read.
    pub async fn exchange(
        &self,
        url: &str,
        build: &(dyn Fn() -> RequestBuilder + Send + Sync),
    ) -> Result<Response, Failure> {
        self.authenticated(url, build(), Some(build), None).await
    }

    /// The loop behind [`Http::exchange`]: `first` goes out with what is
    /// known of the origin; answering a challenge needs `rebuild` (without
    /// it, as for a streamed upload, a challenge is a refusal).
    async fn authenticated(
        &self,
        url: &str,
        first: RequestBuilder,
        rebuild: Option<&(dyn Fn() -> RequestBuilder + Send + Sync)>,
        file: Option<FileBody>,
    ) -> Result<Response, Failure> {
        self.tls_check(url).map_err(Failure::Refused)?;
        let Some(origin) = Origin::of(url) else {
            return self.dispatch(first, file).await;
        };
        let store = auth::store();
        let mut basic = store.basic_for(&origin).map_err(Failure::Refused)?;
        let mut from_netrc = false;
        let mut negotiate =
            store.wants_negotiate(&origin) && store.cookie_header(&origin).is_none();
        let mut next = first;
        loop {
            // One handshake with an origin at a time (a file's upload, which
            // would hold it throughout, does its own): a request that finds
            // a cookie once the one before it is done sends that instead.
            let _handshake = if negotiate && file.is_none() {
                let handshake = store.handshake(&origin).lock_owned().await;
                if store.cookie_header(&origin).is_some() {
                    negotiate = false;
                }
                Some(handshake)
            } else {
                None
            };
            let builder = self
                .authorize(next, url, &origin, basic.as_ref(), negotiate)
                .await?;
            let response = self.dispatch(builder, file.clone()).await?;
            if from_netrc
                && response.status() != StatusCode::UNAUTHORIZED
                && let Some(credentials) = &basic
            {
                store.remember_basic(&origin, credentials);
            }
            // Cookies that stand for an authentication hjob made are kept;
            // pseudo auth's cookie (user.name) is not, so no later request
            // can pass as another user.
            if negotiate || basic.is_some() {
                store.remember_cookies(&origin, response.headers());
            }
            if response.status() != StatusCode::UNAUTHORIZED {
                return Ok(response);
            }
            let challenge = Challenge::of(&response);
            if let Some(rebuild) = rebuild {
                if challenge.negotiate && !negotiate {
                    // First contact, or a cookie the server no longer takes.
                    store.set_wants_negotiate(&origin);
                    store.forget_cookies(&origin);
                    negotiate = true;
                    next = rebuild();
                    continue;
                }
                if challenge.basic
                    && basic.is_none()
                    && let Some(credentials) = store.netrc_for(&origin).map_err(Failure::Refused)?
                {
                    basic = Some(credentials);
                    from_netrc = true;
                    next = rebuild();
                    continue;
                }
            }
            if !challenge.negotiate && !challenge.basic {
                return Ok(response);
            }
            return Err(Failure::Refused(self.refusal(
                url,
                &origin,
                &challenge,
                negotiate,
                basic.as_ref(),
                from_netrc,
            )));
        }
    }

    /// Adds what the origin gets: its cookies, its Basic credentials, and a
    /// fresh Kerberos token when `negotiate`.
    async fn authorize(
        &self,
        mut builder: RequestBuilder,
        url: &str,
        origin: &Origin,
        basic: Option<&BasicCredentials>,
        negotiate: bool,
    ) -> Result<RequestBuilder, Failure> {
        if let Some(cookie) = auth::store().cookie_header(origin) {
            builder = builder.header(COOKIE, cookie);
        }
        if let Some(credentials) = basic {
            builder = builder.basic_auth(&credentials.user, Some(credentials.password.expose()));
        }
        if negotiate {
            let token = self.negotiate_token(url, origin).await?;
            builder = builder.header(AUTHORIZATION, format!("Negotiate {}", token.expose()));
        }
        Ok(builder)
    }

    /// A Kerberos token for the origin's host, from the run's credentials.
    async fn negotiate_token(&self, url: &str, origin: &Origin) -> Result<Secret, Failure> {
        let store = auth::store();
        let kerberos_error = |e: auth::gssapi::KerberosError| {
            let hint = auth::kerberos_hint(&e, &store.kerberos_source());
            if e.kind == auth::gssapi::KerberosErrorKind::KdcUnreachable {
                HjobError::Service {
                    service: self.service,
                    url: redact_url(url),
                    message: format!("Kerberos: {e}"),
                    hint: Some(hint),
                }
            } else {
                HjobError::usage_hint(
                    format!(
                        "{} at {} asks for Kerberos (SPNEGO), and hjob cannot authenticate: {e}",
                        self.service,
                        redact_url(url)
                    ),
                    hint,
                )
            }
        };
        let credentials = store
            .kerberos()
            .await
            .map_err(|e| Failure::Refused(kerberos_error(e)))?;
        let host = origin.host().to_owned();
        tokio::task::spawn_blocking(move || credentials.negotiate_token(&host).map(Secret::new))
            .await
            .map_err(|e| Failure::Refused(HjobError::usage(format!("Kerberos failed: {e}"))))?
            .map_err(|e| Failure::Refused(kerberos_error(e)))
    }

    /// The error for credentials a server refused (or none to offer).
    fn refusal(
        &self,
        url: &str,
        origin: &Origin,
        challenge: &Challenge,
        sent_negotiate: bool,
        basic: Option<&BasicCredentials>,
        from_netrc: bool,
    ) -> HjobError {
        let at = format!("{} at {}", self.service, redact_url(url));
        let cluster = auth::store()
            .cluster_of(origin)
            .unwrap_or_else(|| "NAME".into());
        if sent_negotiate {
            let source = auth::store().kerberos_source();
            let who = match &source {
                auth::KerberosSource::Keytab { principal, .. } => principal.clone(),
                auth::KerberosSource::TicketCache => "your ticket".into(),
            };
            return HjobError::usage_hint(
                format!("{at} refused the Kerberos credentials of {who} (HTTP 401)"),
                match source {
                    auth::KerberosSource::TicketCache => "check `klist`: the ticket must be for the realm the cluster trusts; `kinit` again, or pass --keytab FILE --principal NAME".to_owned(),
                    auth::KerberosSource::Keytab { .. } => "check that the principal is one the cluster accepts and that the keytab is current (klist -k FILE)".to_owned(),
                },
            );
        }
        match basic {
            Some(credentials) => HjobError::usage_hint(
                format!(
                    "{at} refused the user name and password of {:?} (HTTP 401)",
                    credentials.user
                ),
                if from_netrc {
                    format!("fix the `machine {}` entry of ~/.netrc", origin.host())
                } else {
                    format!(
                        "fix the password in the basic_credentials_file of [clusters.{cluster}]"
                    )
                },
            ),
            None if challenge.basic => HjobError::usage_hint(
                format!(
                    "{at} asks for a user name and password (HTTP Basic), and hjob has none for it"
                ),
                format!(
                    "put `user:password` in a file only you can read (chmod 600) and set basic_credentials_file = \"/path/to/it\" under [clusters.{cluster}] in the config, or add a `machine {}` entry to ~/.netrc",
                    origin.host()
                ),
            ),
            None => HjobError::usage_hint(
                format!("{at} refused the request (HTTP 401)"),
                "check the credentials configured for this cluster",
            ),
        }
    }

    /// Sends an idempotent request, retrying connect errors, timeouts, 5xx,
    /// 408 and 429 with capped exponential backoff and jitter, up to the
    /// configured number of tries and never past `deadline`. Other statuses
    /// (including 4xx) are returned for the caller to interpret. This is
    /// [`Http::send_idempotent_any`] with one URL.
    pub async fn send_idempotent(
        &self,
        url: &str,
        deadline: Option<Instant>,
        build: impl Fn() -> RequestBuilder,
    ) -> Result<Response, Failure> {
        self.send_idempotent_any(&[url], deadline, |_| build())
            .await
            .map(|(_, response)| response)
            .map_err(Unanswered::into_last)
    }

    /// Sends an idempotent request to the first of `urls` (replicas of one
    /// service) that answers: the one loop behind every retried call.
    ///
    /// Each round tries the URLs once, in order, passing over one that
    /// fails (no connection, a timeout, 5xx, 408, 429) to the next at once;
    /// between rounds it waits with capped exponential backoff and jitter,
    /// or as long as a server's `Retry-After` asks (capped the same way).
    /// There are `retries` rounds, and no try or wait goes past `deadline`.
    /// A refused credential or an untrusted certificate ends it at once:
    /// retrying, here or elsewhere, cannot help. `build` makes the request
    /// for one URL; the answer comes with that URL's index.
    ///
    /// # Panics
    ///
    /// If `urls` is empty.
    pub async fn send_idempotent_any<U: AsRef<str>>(
        &self,
        urls: &[U],
        deadline: Option<Instant>,
        build: impl Fn(&str) -> RequestBuilder,
    ) -> Result<(usize, Response), Unanswered> {
        assert!(!urls.is_empty(), "send_idempotent_any needs a URL");
        let rounds = usize::try_from(self.settings.retries.max(1)).unwrap_or(usize::MAX);
        let tries = rounds.saturating_mul(urls.len());
        let mut delay = self.settings.backoff_initial.min(self.settings.backoff_max);
        let mut failures: Vec<Option<Failure>> = urls.iter().map(|_| None).collect();
        // The longest `Retry-After` of the round: the wait before the next
        // round is at least what the servers asked for (up to backoff_max).
        let mut asked: Option<Duration> = None;
        let mut last = 0;
        let mut out_of_time = false;
        for attempt in 0..tries {
            let index = attempt % urls.len();
            let url = urls[index].as_ref();
            let mut builder = build(url);
            if let Some(deadline) = deadline {
                let left = deadline.saturating_duration_since(Instant::now());
                if left.is_zero() && attempt > 0 {
                    out_of_time = true;
                    break;
                }
                builder = builder.timeout(
                    left.min(self.settings.timeout)
                        .max(Duration::from_millis(1)),
                );
            }
            let outcome = self
                .exchange(url, &|| builder.try_clone().expect("a rebuilt request"))
                .await;
            last = index;
            let (failure, retry_after) = match outcome {
                Ok(response) if !is_retryable_status(response.status()) => {
                    return Ok((index, response));
                }
                Ok(response) => {
                    let retry_after = retry_after(&response);
                    (Failure::Status(response), retry_after)
                }
                Err(failure) => (failure, None),
            };
            let described = describe_failure(&failure);
            let fatal = is_fatal(&failure);
            failures[index] = Some(failure);
            if fatal {
                break;
            }
            // A try cut short by the deadline: nothing is left for another.
            if deadline.is_some_and(|d| Instant::now() >= d) {
                out_of_time = true;
                break;
            }
            if attempt + 1 == tries {
                break;
            }
            asked = asked.max(retry_after);
            if index + 1 < urls.len() {
                tracing::debug!(
                    "{} {}: try {} of {tries} failed ({described}); trying {}",
                    self.service,
                    redact_url(url),
                    attempt + 1,
                    redact_url(urls[index + 1].as_ref())
                );
                continue;
            }
            let wait = backoff_wait(delay, asked.take(), self.settings.backoff_max);
            if deadline.is_some_and(|d| Instant::now() + wait >= d) {
                out_of_time = true;
                break;
            }
            tracing::debug!(
                "{} {}: try {} of {tries} failed ({described}); retrying in {wait:?}",
                self.service,
                redact_url(url),
                attempt + 1
            );
            tokio::time::sleep(wait).await;
            delay = next_delay(delay, self.settings.backoff_max);
        }
        Err(Unanswered {
            failures,
            last,
            out_of_time,
        })
    }

    /// Like [`Http::send_idempotent`], with a final failure turned into the
    /// service error that names the URL and the last cause.
    pub async fn send_retrying(
        &self,
        url: &str,
        deadline: Option<Instant>,
        build: impl Fn() -> RequestBuilder,
    ) -> anyhow::Result<Response> {
        match self
            .send_idempotent_any(&[url], deadline, |_| build())
            .await
        {
            Ok((_, response)) => Ok(response),
            Err(unanswered) => Err(self.unanswered_error(&[url], unanswered).await.into()),
        }
    }

    /// The error for [`Http::send_idempotent_any`] getting no answer. One
    /// URL, or a failure that ended the loop at once (a refusal, an
    /// untrusted certificate: exit 2): that failure's error. Several: a
    /// service error naming each URL's last failure.
    pub async fn unanswered_error<U: AsRef<str>>(
        &self,
        urls: &[U],
        mut unanswered: Unanswered,
    ) -> HjobError {
        let fatal = unanswered.failures[unanswered.last]
            .as_ref()
            .is_some_and(is_fatal);
        if urls.len() == 1 || fatal {
            let url = urls[unanswered.last].as_ref();
            return self.failure_error(url, unanswered.into_last()).await;
        }
        let mut causes = Vec::new();
        for (url, failure) in urls.iter().zip(unanswered.failures.iter_mut()) {
            let url = redact_url(url.as_ref());
            let cause = match failure.take() {
                None => "not tried (out of time)".to_owned(),
                Some(Failure::Status(response)) => {
                    let status = response.status();
                    status_message(status, &response.text().await.unwrap_or_default())
                }
                Some(failure) => describe_failure(&failure),
            };
            causes.push(format!("{url}: {cause}"));
        }
        HjobError::Service {
            service: self.service,
            // The servers; the message names each URL with its cause.
            url: urls
                .iter()
                .map(|u| match url::Url::parse(u.as_ref()) {
                    Ok(parsed) => parsed.origin().ascii_serialization(),
                    Err(_) => redact_url(u.as_ref()),
                })
                .collect::<Vec<_>>()
                .join(", "),
            message: format!(
                "none of the {} servers answered: {}",
                urls.len(),
                causes.join("; ")
            ),
            hint: Some(
                "check that at least one of these servers is up and reachable from this machine"
                    .into(),
            ),
        }
    }

    /// Turns a final [`Failure`] into a service error naming the URL and cause.
    pub async fn failure_error(&self, url: &str, failure: Failure) -> HjobError {
        match failure {
            Failure::Refused(error) => error,
            Failure::Transport(e) => self.transport_error(url, &e),
            Failure::Io(failure) => self.io_error(url, &failure),
            Failure::Status(response) => {
                let status = response.status();
                let body = response.text().await.unwrap_or_default();
                self.status_error(url, status, &body)
            }
        }
    }

    /// A service error for a transport failure; an untrusted certificate is
    /// a usage error naming the host and the fix instead.
    pub fn transport_error(&self, url: &str, error: &reqwest::Error) -> HjobError {
        if is_certificate_error(error) {
            return self.certificate_error(url, error);
        }
        self.unreachable(url, describe_transport_error(error))
    }

    /// A service error for a request on hjob's own connection that got no
    /// answer.
    pub fn io_error(&self, url: &str, failure: &IoFailure) -> HjobError {
        self.unreachable(url, failure.to_string())
    }

    /// A service error for a request that got no answer, saying `message`.
    fn unreachable(&self, url: &str, message: String) -> HjobError {
        HjobError::Service {
            service: self.service,
            url: redact_url(url),
            message,
            hint: Some(format!(
                "check that the {} is up and reachable from this machine",
                self.service
            )),
        }
    }

    /// The error for a certificate hjob does not trust (exit 2: retrying
    /// cannot fix it).
    pub fn certificate_error(&self, url: &str, error: &reqwest::Error) -> HjobError {
        let origin = Origin::of(url);
        let host = origin.as_ref().map_or("", Origin::host).to_owned();
        let cluster = origin
            .and_then(|o| auth::store().cluster_of(&o))
            .unwrap_or_else(|| "NAME".into());
        HjobError::usage_hint(
            format!(
                "{} at {}: the TLS certificate of {host} is not trusted ({})",
                self.service,
                redact_url(url),
                describe_transport_error(error)
            ),
            format!(
                "if {host} uses a private CA, set ca_bundle = \"/path/to/ca.pem\" under [clusters.{cluster}] (or [http]) in the config; check that the URL's host name is the one its certificate names"
            ),
        )
    }

    /// A service error for an unexpected status.
    pub fn status_error(&self, url: &str, status: StatusCode, body: &str) -> HjobError {
        HjobError::Service {
            service: self.service,
            url: redact_url(url),
            message: status_message(status, body),
            hint: None,
        }
    }
}

/// `HTTP <status>: <the body's first line>`, for an error.
fn status_message(status: StatusCode, body: &str) -> String {
    let first_line = body.lines().next().unwrap_or("").trim();
    let mut message = format!("HTTP {status}");
    if !first_line.is_empty() {
        message.push_str(": ");
        message.push_str(&first_line.chars().take(300).collect::<String>());
    }
    message
}

/// Why [`Http::send_idempotent_any`] got no usable answer.
#[derive(Debug)]
pub struct Unanswered {
    /// Each URL's last failure, by the URL's index (`None`: not tried
    /// before the deadline or the end).
    pub failures: Vec<Option<Failure>>,
    /// The index of the URL whose failure ended the loop.
    pub last: usize,
    /// Whether the deadline ended the loop (rather than the tries running
    /// out or a failure retrying cannot mend).
    pub out_of_time: bool,
}

impl Unanswered {
    /// The failure that ended the loop.
    pub fn into_last(mut self) -> Failure {
        self.failures[self.last]
            .take()
            .expect("the loop ends on a failure")
    }
}

/// Whether retrying (this URL or another) cannot help: a refusal, or a
/// certificate hjob does not trust.
fn is_fatal(failure: &Failure) -> bool {
    match failure {
        Failure::Refused(_) => true,
        Failure::Transport(error) => is_certificate_error(error),
        Failure::Io(_) | Failure::Status(_) => false,
    }
}

/// A response's `Retry-After`, when given in seconds.
fn retry_after(response: &Response) -> Option<Duration> {
    response
        .headers()
        .get(reqwest::header::RETRY_AFTER)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.trim().parse::<u64>().ok())
        .map(Duration::from_secs)
}

/// A server's clock as its `Date` header showed it, with the local time
/// the answer came, to compare clocks (`hjob doctor`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ServerClock {
    /// The server's `Date`.
    pub server: SystemTime,
    /// Local time at the exchange.
    pub local: SystemTime,
}

impl ServerClock {
    /// The `Date` of a response that came at `local`, if it has one.
    pub fn of(response: &Response, local: SystemTime) -> Option<ServerClock> {
        let date = response.headers().get(reqwest::header::DATE)?;
        let server = httpdate::parse_http_date(date.to_str().ok()?).ok()?;
        Some(ServerClock { server, local })
    }

    /// Signed skew of the server's clock against ours, in whole seconds.
    pub fn skew_secs(&self) -> i64 {
        match self.server.duration_since(self.local) {
            Ok(ahead) => i64::try_from(ahead.as_secs()).unwrap_or(i64::MAX),
            Err(behind) => -i64::try_from(behind.duration().as_secs()).unwrap_or(i64::MAX),
        }
    }
}

/// One line describing a failure, for logs.
pub fn describe_failure(failure: &Failure) -> String {
    match failure {
        Failure::Transport(e) => describe_transport_error(e),
        Failure::Io(failure) => failure.to_string(),
        Failure::Status(r) => format!("HTTP {}", r.status()),
        Failure::Refused(e) => e.to_string(),
    }
}

/// Whether a transport error is a certificate the client does not trust.
pub fn is_certificate_error(error: &reqwest::Error) -> bool {
    let mut source = std::error::Error::source(error);
    while let Some(cause) = source {
        let text = cause.to_string();
        if text.contains("certificate")
            || text.contains("UnknownIssuer")
            || text.contains("NotValidForName")
        {
            return true;
        }
        source = cause.source();
    }
    false
}

/// What a `401`'s `WWW-Authenticate` headers offer.
#[derive(Debug, Default, Clone, Copy)]
struct Challenge {
    negotiate: bool,
    basic: bool,
}

impl Challenge {
    fn of(response: &Response) -> Self {
        let mut challenge = Challenge::default();
        for value in response.headers().get_all(WWW_AUTHENTICATE) {
            let Ok(text) = value.to_str() else { continue };
            for scheme in text
                .split(',')
                .filter_map(|part| part.split_whitespace().next())
            {
                if scheme.eq_ignore_ascii_case("negotiate") {
                    challenge.negotiate = true;
                } else if scheme.eq_ignore_ascii_case("basic") {
                    challenge.basic = true;
                }
            }
        }
        challenge
    }
}

/// The pause before the next try: the server's `Retry-After` if it gave one
/// (as asked: never sooner), else the current backoff delay, jittered;
/// never more than `max`.
pub fn backoff_wait(delay: Duration, retry_after: Option<Duration>, max: Duration) -> Duration {
    match retry_after {
        Some(asked) => asked.min(max),
        None => jitter(delay.min(max)),
    }
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
            ca_bundle: None,
        }
    }

    #[test]
    fn only_https_urls_need_tls() {
        assert!(!is_https("http://oozie:11000/oozie"));
        assert!(!is_https("HTTP://oozie/"));
        assert!(is_https("HTTPS://knox:8443/gateway"));
        assert!(is_https("https://nn/"));
    }

    #[test]
    fn a_broken_ca_bundle_is_refused_before_sending_with_the_fix() {
        let dir = tempfile::tempdir().unwrap();
        let not_pem = dir.path().join("ca.pem");
        std::fs::write(&not_pem, "not a certificate").unwrap();
        let mut with_bundle = settings();
        with_bundle.ca_bundle = Some(not_pem.clone());
        let http = Http::new(Service::Oozie, &with_bundle, Auth::None).unwrap();
        let error = http.tls_check("https://knox:8443/gateway").unwrap_err();
        assert!(
            error.to_string().contains("holds no PEM certificate"),
            "{error}"
        );
        assert!(error.hint().unwrap().contains("ca_bundle"));
        assert_eq!(error.exit_status(), crate::error::ExitStatus::Usage);
        // Plain http never reads it.
        assert!(http.tls_check("http://oozie:11000/").is_ok());
        with_bundle.ca_bundle = Some(dir.path().join("missing.pem"));
        let http = Http::new(Service::Oozie, &with_bundle, Auth::None).unwrap();
        let error = http.tls_check("https://knox:8443/").unwrap_err();
        assert!(
            error.to_string().contains("cannot read the CA bundle"),
            "{error}"
        );
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
    fn a_retry_after_within_the_cap_is_waited_in_full() {
        let max = Duration::from_secs(10);
        let asked = Duration::from_secs(2);
        for _ in 0..50 {
            assert_eq!(
                backoff_wait(Duration::from_millis(100), Some(asked), max),
                asked
            );
        }
    }

    #[test]
    fn jitter_stays_within_half_and_full() {
        for _ in 0..100 {
            let d = jitter(Duration::from_millis(1000));
            assert!(d >= Duration::from_millis(500) && d <= Duration::from_millis(1000));
        }
    }
}
