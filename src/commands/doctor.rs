//! `hjob doctor`: checks, in order, the config files, the state service,
//! the active cluster's Oozie, NameNode and a DataNode (the name the
//! NameNode redirects to must resolve and accept connections), the YARN
//! REST API, the clock against each server's `Date` header, and the user's
//! HDFS home. One line each with ✓/✗ and the fix; exit 0 only when every
//! check passes.
//!
//! It reads and never writes: the DataNode is found with the first step of
//! a WebHDFS CREATE, which only redirects (nothing is created until data
//! is sent to the DataNode, and doctor sends none).

use std::time::{Duration, SystemTime};

use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

use crate::config::{Env, FlagOverrides, Settings};
use crate::error::{ExitStatus, Service, hint_of};
use crate::http::{Auth, Http, ServerClock};
use crate::state::{StateClient, resolve_cluster};
use crate::ui::Ui;

/// Clock skew above this fails the clock check.
const MAX_SKEW: Duration = Duration::from_secs(60);

/// One check's outcome.
#[derive(Debug, Clone)]
struct Check {
    name: &'static str,
    outcome: Outcome,
    detail: String,
    fix: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Outcome {
    Passed,
    /// Failed; the exit status it stands for.
    Failed(ExitStatus),
    /// Not run, because a check it needs failed.
    Skipped,
}

impl Check {
    fn passed(name: &'static str, detail: impl Into<String>) -> Check {
        Check {
            name,
            outcome: Outcome::Passed,
            detail: detail.into(),
            fix: None,
        }
    }

    fn failed(
        name: &'static str,
        exit: ExitStatus,
        detail: impl Into<String>,
        fix: impl Into<String>,
    ) -> Check {
        Check {
            name,
            outcome: Outcome::Failed(exit),
            detail: detail.into(),
            fix: Some(fix.into()),
        }
    }

    fn skipped(name: &'static str, why: &str) -> Check {
        Check {
            name,
            outcome: Outcome::Skipped,
            detail: format!("skipped: {why}"),
            fix: None,
        }
    }
}

/// The checks after the config, in the order they are shown.
const LATER: [&str; 7] = [
    "state service",
    "oozie",
    "namenode",
    "datanode",
    "yarn",
    "clock",
    "hdfs home",
];

/// Runs every check and reports them.
pub async fn doctor(env: &Env, flags: &FlagOverrides, ui: &Ui) -> anyhow::Result<ExitStatus> {
    let checks = match crate::config::load(env, flags) {
        Ok(settings) => {
            crate::auth::configure(&settings);
            let mut checks = vec![config_check(&settings), kerberos_check().await];
            checks.extend(cluster_checks(&settings).await);
            checks
        }
        Err(e) => {
            let hint = e.hint();
            let mut checks = vec![Check::failed(
                "config",
                ExitStatus::Usage,
                e.to_string(),
                hint.unwrap_or_else(|| "fix the config file named above".into()),
            )];
            checks.extend(
                std::iter::once(&"kerberos")
                    .chain(LATER.iter())
                    .map(|n| Check::skipped(n, "the config is invalid")),
            );
            checks
        }
    };
    Ok(report(ui, &checks))
}

fn config_check(settings: &Settings) -> Check {
    let read: Vec<String> = settings
        .files
        .iter()
        .filter(|(_, exists)| *exists)
        .map(|(p, _)| p.display().to_string())
        .collect();
    let files = if read.is_empty() {
        "no config file".to_owned()
    } else {
        read.join(", ")
    };
    match &settings.state_url {
        Some(url) => Check::passed(
            "config",
            format!("{files}; state_url {} (from {})", url.value, url.source),
        ),
        None => Check::failed(
            "config",
            ExitStatus::Usage,
            format!("{files}; no state_url"),
            "set HJOB_STATE_URL, or state_url in ~/.config/hjob/config.toml",
        ),
    }
}

/// The run's Kerberos identity: the keytab's principal, or the ticket
/// cache's, with the time left. No ticket passes (clusters without Kerberos
/// need none); the cluster checks below then say whether a server wanted one.
async fn kerberos_check() -> Check {
    use crate::auth::{KerberosSource, gssapi::KerberosErrorKind};
    let source = crate::auth::store().kerberos_source();
    let acquired = {
        let source = source.clone();
        tokio::task::spawn_blocking(move || {
            crate::auth::acquire(&source).and_then(|credentials| credentials.info())
        })
        .await
    };
    let from = match &source {
        KerberosSource::Keytab { keytab, .. } => format!(" (keytab {})", keytab.display()),
        KerberosSource::TicketCache => String::new(),
    };
    match acquired {
        Ok(Ok(info)) => Check::passed(
            "kerberos",
            format!(
                "{}{from}, ticket valid for {}",
                info.principal,
                info.lifetime_secs.map_or("ever".into(), |s| {
                    humantime::format_duration(Duration::from_secs(u64::from(s))).to_string()
                })
            ),
        ),
        Ok(Err(e))
            if source == KerberosSource::TicketCache
                && matches!(
                    e.kind,
                    KerberosErrorKind::NoTicket | KerberosErrorKind::NoLibrary
                ) =>
        {
            Check::passed(
                "kerberos",
                "no ticket (kerberized clusters need one: `kinit`, or --keytab FILE --principal NAME)",
            )
        }
        Ok(Err(e)) => Check::failed(
            "kerberos",
            ExitStatus::Usage,
            format!("{e}{from}"),
            crate::auth::kerberos_hint(&e, &source),
        ),
        Err(e) => Check::failed("kerberos", ExitStatus::Usage, e.to_string(), "report this"),
    }
}

/// `user.name=…` (and `doAs`/`doas` under `--do-as`), as the clients send
/// it ([`crate::auth::identity`]), for a probe's query string.
fn identity_query(user: &str, do_as_key: &'static str) -> String {
    url::form_urlencoded::Serializer::new(String::new())
        .extend_pairs(crate::auth::identity(user, do_as_key))
        .finish()
}

/// Says how a server authenticated hjob, when it asked.
fn authenticated(url: &str) -> &'static str {
    match crate::auth::Origin::of(url) {
        Some(origin) if crate::auth::store().wants_negotiate(&origin) => " · Kerberos accepted",
        _ => "",
    }
}

/// What one HTTP probe saw.
struct Seen {
    status: StatusCode,
    /// The server's `Date`, with the local time halfway through the exchange.
    clock: Option<ServerClock>,
    location: Option<String>,
    body: String,
}

/// Why a probe got no answer: the error's text, and its own fix and exit
/// status when it has them (a refused credential is exit 2 with its fix,
/// not "check that this machine reaches it").
#[derive(Debug, Clone)]
struct ProbeError {
    text: String,
    hint: Option<String>,
    exit: ExitStatus,
}

impl std::fmt::Display for ProbeError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.text)
    }
}

impl From<anyhow::Error> for ProbeError {
    fn from(e: anyhow::Error) -> Self {
        ProbeError {
            text: format!("{e:#}"),
            hint: hint_of(&e),
            exit: crate::error::exit_status_of(&e),
        }
    }
}

impl From<&String> for ProbeError {
    fn from(text: &String) -> Self {
        ProbeError {
            text: text.clone(),
            hint: None,
            exit: ExitStatus::Service,
        }
    }
}

impl From<&ProbeError> for ProbeError {
    fn from(e: &ProbeError) -> Self {
        e.clone()
    }
}

/// One request, sent once with the service's client.
async fn probe(http: &Http, method: Method, url: &str) -> Result<Seen, ProbeError> {
    let before = SystemTime::now();
    let response = http.send_once(http.request(method, url), url).await?;
    let after = SystemTime::now();
    let local = before + after.duration_since(before).unwrap_or_default() / 2;
    let clock = ServerClock::of(&response, local);
    let location = response
        .headers()
        .get(reqwest::header::LOCATION)
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned);
    let status = response.status();
    let body = response.text().await.unwrap_or_default();
    Ok(Seen {
        status,
        clock,
        location,
        body,
    })
}

/// Signed skew of a server's clock against ours, in whole seconds.
fn skew(seen: &Seen) -> Option<i64> {
    seen.clock.as_ref().map(ServerClock::skew_secs)
}

/// The clients of the cluster's services, one each, reused by every probe.
struct Clients {
    oozie: Http,
    webhdfs: Http,
    yarn: Http,
}

impl Clients {
    fn new(settings: &Settings) -> anyhow::Result<Clients> {
        let http = |service| Http::new(service, &settings.http, Auth::None);
        Ok(Clients {
            oozie: http(Service::Oozie)?,
            webhdfs: http(Service::WebHdfs)?,
            yarn: http(Service::Yarn)?,
        })
    }
}

fn unreachable(
    name: &'static str,
    what: &str,
    url: &str,
    error: impl Into<ProbeError>,
    fix: &str,
) -> Check {
    let error = error.into();
    Check::failed(
        name,
        error.exit,
        format!("{what} at {}: {}", crate::http::redact_url(url), error.text),
        error.hint.unwrap_or_else(|| fix.to_owned()),
    )
}

async fn cluster_checks(settings: &Settings) -> Vec<Check> {
    let mut checks = Vec::new();
    let mut clocks: Vec<(&'static str, i64)> = Vec::new();
    let skip_rest = |checks: &mut Vec<Check>, why: &str| {
        let done = checks.len();
        checks.extend(LATER[done..].iter().map(|n| Check::skipped(n, why)));
    };

    // The state service: one read, whose `Date` is its clock.
    let read = async {
        let client = StateClient::new(settings)?;
        let fetched = client.fetch().await?;
        anyhow::Ok((client, fetched))
    };
    let (client, state) = match read.await {
        Ok((client, fetched)) => {
            if let Some(clock) = &fetched.clock {
                clocks.push(("state service", clock.skew_secs()));
            }
            (client, fetched.document)
        }
        Err(e) => {
            checks.push(Check::failed(
                "state service",
                crate::error::exit_status_of(&e),
                format!("{e:#}"),
                hint_of(&e)
                    .unwrap_or_else(|| "check that the state service is up and reachable".into()),
            ));
            skip_rest(
                &mut checks,
                "the state service is needed to find the cluster",
            );
            return checks;
        }
    };
    // Several servers (a replicated state service): each one's /healthz,
    // so a dead or degraded replica shows before the next one fails.
    let mut replicas = Vec::new();
    let mut replicas_down = 0;
    let servers = client.base_urls();
    if servers.len() > 1 {
        for server in servers {
            let shown = crate::http::redact_url(server);
            match probe(client.http(), Method::GET, &format!("{server}/healthz")).await {
                Ok(seen) if seen.status.is_success() && seen.body.trim() == "ok" => {
                    replicas.push(format!("{shown} ok"));
                }
                Ok(seen) if seen.status.is_success() => {
                    replicas_down += 1;
                    replicas.push(format!(
                        "{shown} degraded (writes refused, reads from a snapshot): {}",
                        seen.body.trim()
                    ));
                }
                Ok(seen) => {
                    replicas_down += 1;
                    replicas.push(format!("{shown} HTTP {}", seen.status));
                }
                Err(e) => {
                    replicas_down += 1;
                    replicas.push(format!("{shown} unreachable: {e}"));
                }
            }
        }
    }
    let Some(active) = state.active() else {
        checks.push(Check::failed(
            "state service",
            ExitStatus::Service,
            format!("the active cluster {:?} has no entry", state.active_cluster),
            "ask the admins to fix the state document (hjob admin use CLUSTER)",
        ));
        skip_rest(&mut checks, "there is no active cluster");
        return checks;
    };
    let switch = if state.submission.enabled {
        "submission enabled".to_owned()
    } else {
        format!(
            "submission DISABLED{}",
            state
                .submission
                .message
                .as_deref()
                .map(|m| format!(": {}", crate::ui::visible(m)))
                .unwrap_or_default()
        )
    };
    let detail = format!("active cluster {}; {switch}", state.active_cluster);
    if replicas_down > 0 {
        checks.push(Check::failed(
            "state service",
            ExitStatus::Service,
            format!("{detail}; servers: {}", replicas.join("; ")),
            "the other servers answer, so hjob still works; restart the failed state server or check its ZooKeeper link",
        ));
    } else if !replicas.is_empty() {
        checks.push(Check::passed(
            "state service",
            format!("{detail}; servers: {}", replicas.join(", ")),
        ));
    } else {
        checks.push(Check::passed("state service", detail));
    }
    let cluster = resolve_cluster(&state.active_cluster, active, settings).cluster;
    let user = &settings.user.value;
    let clients = match Clients::new(settings) {
        Ok(clients) => clients,
        Err(e) => {
            let e = ProbeError::from(e);
            checks.push(Check::failed(
                "oozie",
                e.exit,
                format!("no HTTP client: {e}"),
                e.hint.unwrap_or_else(|| "report this".into()),
            ));
            skip_rest(&mut checks, "there is no HTTP client");
            return checks;
        }
    };

    // Oozie.
    let oozie_url = format!(
        "{}/v1/admin/status?{}",
        cluster.oozie_url.trim_end_matches('/'),
        identity_query(user, "doAs")
    );
    match probe(&clients.oozie, Method::GET, &oozie_url).await {
        Ok(seen) if seen.status.is_success() => {
            let mode = serde_json::from_str::<Value>(&seen.body)
                .ok()
                .and_then(|v| v["systemMode"].as_str().map(str::to_owned))
                .unwrap_or_else(|| "unknown".into());
            if let Some(s) = skew(&seen) {
                clocks.push(("oozie", s));
            }
            if mode == "NORMAL" || mode == "unknown" {
                checks.push(Check::passed(
                    "oozie",
                    format!(
                        "{} (system mode {mode}){}",
                        cluster.oozie_url,
                        authenticated(&cluster.oozie_url)
                    ),
                ));
            } else {
                checks.push(Check::failed(
                    "oozie",
                    ExitStatus::Service,
                    format!("{} is in system mode {mode}", cluster.oozie_url),
                    "Oozie accepts no jobs in this mode; ask the cluster's admins",
                ));
            }
        }
        Ok(seen) => checks.push(unreachable(
            "oozie",
            "Oozie",
            &cluster.oozie_url,
            &format!("HTTP {}", seen.status),
            "check oozie_url in the state document (or [clusters.NAME] in your config)",
        )),
        Err(e) => checks.push(unreachable(
            "oozie",
            "Oozie",
            &cluster.oozie_url,
            &e,
            "check that this machine reaches Oozie (VPN, proxy) and that oozie_url is right",
        )),
    }

    // The NameNode, and with it the HDFS home.
    let webhdfs = cluster.webhdfs_url.trim_end_matches('/');
    let home_url = format!(
        "{webhdfs}/user/{user}?op=GETFILESTATUS&{}",
        identity_query(user, "doas")
    );
    let home = match probe(&clients.webhdfs, Method::GET, &home_url).await {
        Ok(seen) if seen.status.is_success() || seen.status == StatusCode::NOT_FOUND => {
            if let Some(s) = skew(&seen) {
                clocks.push(("namenode", s));
            }
            checks.push(Check::passed(
                "namenode",
                format!(
                    "{}{}",
                    cluster.webhdfs_url,
                    authenticated(&cluster.webhdfs_url)
                ),
            ));
            Some(seen)
        }
        Ok(seen) => {
            checks.push(unreachable(
                "namenode",
                "WebHDFS",
                &cluster.webhdfs_url,
                &format!("HTTP {}", seen.status),
                "check webhdfs_url in the state document (it ends in /webhdfs/v1)",
            ));
            None
        }
        Err(e) => {
            checks.push(unreachable(
                "namenode",
                "WebHDFS",
                &cluster.webhdfs_url,
                &e,
                "check that this machine reaches the NameNode's HTTP port and that webhdfs_url is right",
            ));
            None
        }
    };

    // A DataNode: where the NameNode sends uploads.
    if home.is_none() {
        checks.push(Check::skipped(
            "datanode",
            "the NameNode is needed to find one",
        ));
    } else {
        checks.push(datanode_check(settings, &clients.webhdfs, webhdfs, user).await);
    }

    // YARN.
    match &cluster.yarn_url {
        None => checks.push(Check::failed(
            "yarn",
            ExitStatus::Usage,
            "the cluster has no yarn_url: no live output, no stderr tail, no YARN logs",
            "ask the admins to add yarn_url to the cluster in the state service, or set it under [clusters.NAME] in your config",
        )),
        Some(yarn) => {
            let url = format!("{}/v1/cluster/info", crate::yarn::rest_root(yarn));
            match probe(&clients.yarn, Method::GET, &url).await {
                Ok(seen) if seen.status.is_success() => {
                    if let Some(s) = skew(&seen) {
                        clocks.push(("resourcemanager", s));
                    }
                    let state = serde_json::from_str::<Value>(&seen.body)
                        .ok()
                        .and_then(|v| v["clusterInfo"]["haState"].as_str().map(str::to_owned));
                    checks.push(Check::passed(
                        "yarn",
                        match state {
                            Some(s) => format!("{yarn} ({s})"),
                            None => yarn.clone(),
                        },
                    ));
                }
                Ok(seen) => checks.push(unreachable(
                    "yarn",
                    "the ResourceManager",
                    yarn,
                    &format!("HTTP {}", seen.status),
                    "check yarn_url (the ResourceManager's web address, e.g. http://rm:8088)",
                )),
                Err(e) => checks.push(unreachable(
                    "yarn",
                    "the ResourceManager",
                    yarn,
                    &e,
                    "check that this machine reaches the ResourceManager and that yarn_url is right",
                )),
            }
        }
    }

    // The clock.
    checks.push(clock_check(&clocks));

    // The HDFS home.
    checks.push(match home {
        None => Check::skipped("hdfs home", "the NameNode is needed to read it"),
        Some(seen) if seen.status == StatusCode::NOT_FOUND => Check::failed(
            "hdfs home",
            ExitStatus::JobFailed,
            format!("/user/{user} does not exist"),
            format!(
                "hjob stages jobs under /user/{user}/.hjob; ask the cluster's admins to create /user/{user} owned by {user}"
            ),
        ),
        Some(seen) => {
            let status: Value = serde_json::from_str(&seen.body).unwrap_or(Value::Null);
            let file = &status["FileStatus"];
            let kind = file["type"].as_str().unwrap_or("?");
            let owner = file["owner"].as_str().unwrap_or("?");
            if kind != "DIRECTORY" {
                Check::failed(
                    "hdfs home",
                    ExitStatus::JobFailed,
                    format!("/user/{user} is a {kind}, not a directory"),
                    format!("ask the cluster's admins to make /user/{user} a directory owned by {user}"),
                )
            } else if owner != user.as_str() {
                Check::failed(
                    "hdfs home",
                    ExitStatus::JobFailed,
                    format!("/user/{user} is owned by {owner}, not {user}"),
                    format!("ask the cluster's admins to chown /user/{user} to {user}"),
                )
            } else {
                Check::passed("hdfs home", format!("/user/{user}, owned by {user}"))
            }
        }
    });
    checks
}

/// Finds the DataNode the NameNode redirects uploads to (the first step
/// of a CREATE, which creates nothing), then resolves its name (after
/// `[webhdfs] host_rewrites`) and connects to it.
async fn datanode_check(settings: &Settings, http: &Http, webhdfs: &str, user: &str) -> Check {
    let url = format!(
        "{webhdfs}/user/{user}/.hjob/doctor-probe?op=CREATE&overwrite=true&{}",
        identity_query(user, "doas")
    );
    let seen = match probe(http, Method::PUT, &url).await {
        Ok(seen) => seen,
        Err(e) => {
            return Check::failed(
                "datanode",
                ExitStatus::Service,
                format!("asking the NameNode for a DataNode: {e}"),
                "check that this machine reaches the NameNode",
            );
        }
    };
    let Some(location) = seen.location.filter(|_| seen.status.is_redirection()) else {
        return if seen.status.is_success() {
            Check::passed(
                "datanode",
                "the WebHDFS endpoint takes uploads itself (HttpFS or a gateway): no DataNode to reach",
            )
        } else {
            Check::failed(
                "datanode",
                ExitStatus::Service,
                format!("the NameNode answered HTTP {} to CREATE", seen.status),
                format!("check that {user} may write /user/{user}"),
            )
        };
    };
    let Ok(parsed) = url::Url::parse(&location) else {
        return Check::failed(
            "datanode",
            ExitStatus::Service,
            format!("the NameNode redirected to {location:?}, which is not a URL"),
            "report this to the cluster's admins",
        );
    };
    let named = parsed.host_str().unwrap_or_default().to_owned();
    let host = settings
        .host_rewrites
        .get(&named)
        .cloned()
        .unwrap_or_else(|| named.clone());
    let port = parsed.port_or_known_default().unwrap_or(9864);
    let shown = if host == named {
        format!("{host}:{port}")
    } else {
        format!("{named} (rewritten to {host}):{port}")
    };
    let rewrite_fix = format!(
        "map it to a name this machine resolves and reaches: [webhdfs] host_rewrites = {{ \"{named}\" = \"reachable-host\" }} in your config"
    );
    let connect_timeout = settings.http.connect_timeout;
    let addresses = match tokio::time::timeout(
        connect_timeout,
        tokio::net::lookup_host((host.as_str(), port)),
    )
    .await
    {
        Ok(Ok(found)) => found.collect::<Vec<_>>(),
        Ok(Err(e)) => {
            return Check::failed(
                "datanode",
                ExitStatus::Service,
                format!("{shown}: the name does not resolve ({e})"),
                rewrite_fix,
            );
        }
        Err(_) => {
            return Check::failed(
                "datanode",
                ExitStatus::Service,
                format!("{shown}: resolving the name timed out"),
                rewrite_fix,
            );
        }
    };
    let mut last_error = "no address".to_owned();
    for address in &addresses {
        match tokio::time::timeout(connect_timeout, tokio::net::TcpStream::connect(address)).await {
            Ok(Ok(_)) => {
                return Check::passed(
                    "datanode",
                    format!(
                        "{shown} resolves to {} and accepts connections",
                        address.ip()
                    ),
                );
            }
            Ok(Err(e)) => last_error = e.to_string(),
            Err(_) => last_error = "connecting timed out".into(),
        }
    }
    Check::failed(
        "datanode",
        ExitStatus::Service,
        format!("{shown}: {last_error}"),
        rewrite_fix,
    )
}

fn clock_check(clocks: &[(&'static str, i64)]) -> Check {
    let Some((worst, seconds)) = clocks.iter().max_by_key(|(_, s)| s.unsigned_abs()) else {
        return Check::skipped("clock", "no server answered with a Date header");
    };
    let names: Vec<&str> = clocks.iter().map(|(n, _)| *n).collect();
    let detail = format!(
        "largest difference {}{seconds}s ({worst}); compared with {}",
        if *seconds > 0 { "+" } else { "" },
        names.join(", ")
    );
    if seconds.unsigned_abs() > MAX_SKEW.as_secs() {
        Check::failed(
            "clock",
            ExitStatus::JobFailed,
            detail,
            "set this machine's clock (timedatectl set-ntp true, or chrony/ntpd); job times and time-based credentials depend on it",
        )
    } else {
        Check::passed("clock", detail)
    }
}

/// Prints the checks and returns the exit status: 0 when all passed, else
/// the first failure's (2 config, 4 a service, 1 anything else).
fn report(ui: &Ui, checks: &[Check]) -> ExitStatus {
    let exit = checks
        .iter()
        .find_map(|c| match c.outcome {
            Outcome::Failed(exit) => Some(exit),
            _ => None,
        })
        .unwrap_or(ExitStatus::Success);
    if ui.is_json() {
        let items: Vec<Value> = checks
            .iter()
            .map(|c| {
                json!({
                    "name": c.name,
                    "status": match c.outcome {
                        Outcome::Passed => "passed",
                        Outcome::Failed(_) => "failed",
                        Outcome::Skipped => "skipped",
                    },
                    "detail": c.detail,
                    "fix": c.fix,
                })
            })
            .collect();
        ui.json(&json!({
            "ok": exit == ExitStatus::Success,
            "checks": items,
            "exit_code": exit.code(),
        }));
        return exit;
    }
    let mut out = String::new();
    for c in checks {
        let mark = match c.outcome {
            Outcome::Passed => console::style("✓").green().to_string(),
            Outcome::Failed(_) => console::style("✗").red().to_string(),
            Outcome::Skipped => console::style("-").dim().to_string(),
        };
        out.push_str(&format!("{mark} {:<13} {}\n", c.name, c.detail));
        if let Some(fix) = &c.fix {
            out.push_str(&format!("  {:<13} fix: {fix}\n", ""));
        }
    }
    ui.result(&out);
    exit
}
