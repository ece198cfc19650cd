//! Who hjob is to each server, kept inside the shared HTTP layer.
//!
//! - **Kerberos (SPNEGO)** needs no setting: a server that answers `401` with
//!   `WWW-Authenticate: Negotiate` gets a token made from the user's ticket
//!   cache (`KRB5CCNAME`, `KRB5_CONFIG`), or from a keytab when `--keytab` and
//!   `--principal` (or `[auth] keytab`/`principal`) are set, into a
//!   credential cache private to this process. A server that sets a cookie
//!   on the authenticated answer (Hadoop's `hadoop.auth`) gets it back, so a
//!   run authenticates once per server.
//! - **HTTP Basic** (Knox gateways) comes from a cluster's
//!   `basic_credentials_file`, sent only to that cluster's origins, or from
//!   `~/.netrc` when a server asks for it. Both files must be private to the
//!   user, as ssh demands of its keys.
//! - **TLS trust**: `[http] ca_bundle` and `[clusters.NAME] ca_bundle` add
//!   private CAs; nothing turns verification off.
//!
//! Credentials are bound to origins (scheme, host, port), never to a
//! request chain: a redirect to another host carries none of them. The
//! store is the process's own, like the ticket cache it reads: one run, one
//! identity.

pub mod gssapi;

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, OnceLock};

use crate::config::Settings;
use crate::error::HjobError;
use crate::http::Secret;
use crate::state::ResolvedCluster;

/// `scheme://host:port`, the unit credentials and cookies are bound to.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Origin {
    /// `scheme://host:port` as the URL standard serializes it.
    serialized: String,
    /// The host alone (no IPv6 brackets), as Kerberos names the service.
    host: String,
}

impl Origin {
    /// The origin of an absolute http(s) URL.
    pub fn of(url: &str) -> Option<Origin> {
        let parsed = url::Url::parse(url).ok()?;
        match parsed.origin() {
            origin @ url::Origin::Tuple(..) => Some(Origin {
                serialized: origin.ascii_serialization(),
                host: match parsed.host()? {
                    url::Host::Domain(name) => name.to_owned(),
                    url::Host::Ipv4(ip) => ip.to_string(),
                    url::Host::Ipv6(ip) => ip.to_string(),
                },
            }),
            url::Origin::Opaque(_) => None,
        }
    }

    /// The host, as Kerberos names the service (`HTTP@host`).
    pub fn host(&self) -> &str {
        &self.host
    }
}

impl std::fmt::Display for Origin {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.serialized)
    }
}

/// A user name and password for HTTP Basic.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BasicCredentials {
    pub user: String,
    pub password: Secret,
}

/// What one cluster binds to its origins.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
struct Binding {
    cluster: String,
    basic_credentials_file: Option<PathBuf>,
    ca_bundle: Option<PathBuf>,
}

/// Where Kerberos credentials come from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum KerberosSource {
    /// The user's ticket cache (after `kinit`).
    TicketCache,
    /// A keytab, for CI and service accounts.
    Keytab { principal: String, keytab: PathBuf },
}

/// The process's credential store.
#[derive(Default)]
pub struct Store {
    kerberos_source: Mutex<Option<KerberosSource>>,
    real_user: Mutex<Option<String>>,
    kerberos: tokio::sync::OnceCell<Result<Arc<gssapi::Credentials>, gssapi::KerberosError>>,
    bindings: Mutex<HashMap<Origin, Binding>>,
    basic: Mutex<HashMap<PathBuf, Result<BasicCredentials, String>>>,
    /// `~/.netrc` credentials an origin accepted in this run.
    netrc_accepted: Mutex<HashMap<Origin, BasicCredentials>>,
    cookies: Mutex<HashMap<Origin, Vec<(String, String)>>>,
    negotiate: Mutex<HashMap<Origin, bool>>,
    handshakes: Mutex<HashMap<Origin, Arc<tokio::sync::Mutex<()>>>>,
}

static STORE: OnceLock<Store> = OnceLock::new();

/// The process's credential store.
pub fn store() -> &'static Store {
    STORE.get_or_init(Store::default)
}

/// Sets the Kerberos source from the resolved settings (`dispatch` calls it
/// once, before any request).
pub fn configure(settings: &Settings) {
    let source = match (&settings.auth.keytab, &settings.auth.principal) {
        (Some(keytab), Some(principal)) => KerberosSource::Keytab {
            principal: principal.value.clone(),
            keytab: keytab.value.clone(),
        },
        _ => KerberosSource::TicketCache,
    };
    *lock(&store().kerberos_source) = Some(source);
    *lock(&store().real_user) = settings.auth.real_user.clone();
}

/// The query parameters that say who a request is from: `user.name`
/// (Hadoop's pseudo authentication; ignored where Kerberos or Knox decide),
/// plus `do_as_key=user` when a proxy user acts for `user` (`--do-as`;
/// Oozie spells it `doAs`, WebHDFS `doas`).
pub fn identity(user: &str, do_as_key: &'static str) -> Vec<(&'static str, String)> {
    match lock(&store().real_user).as_ref() {
        Some(real) => vec![("user.name", real.clone()), (do_as_key, user.to_owned())],
        None => vec![("user.name", user.to_owned())],
    }
}

/// Binds a cluster's Knox credentials file and CA bundle to the origins of
/// its URLs. [`crate::state::resolve_cluster`] calls it for every cluster a
/// command resolves; the credentials file is read at its first use.
pub fn bind_cluster(resolved: &ResolvedCluster, basic: Option<&Path>, ca_bundle: Option<&Path>) {
    if basic.is_none() && ca_bundle.is_none() {
        return;
    }
    let cluster = &resolved.cluster;
    let binding = Binding {
        cluster: resolved.name.clone(),
        basic_credentials_file: basic.map(Path::to_path_buf),
        ca_bundle: ca_bundle.map(Path::to_path_buf),
    };
    let mut bindings = lock(&store().bindings);
    for url in [
        Some(&cluster.oozie_url),
        Some(&cluster.webhdfs_url),
        cluster.yarn_url.as_ref(),
    ]
    .into_iter()
    .flatten()
    {
        if let Some(origin) = Origin::of(url) {
            bindings.insert(origin, binding.clone());
        }
    }
}

fn lock<T>(mutex: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(|e| e.into_inner())
}

impl Store {
    /// The CA bundle bound to an origin, if its cluster names one.
    pub fn ca_bundle_for(&self, origin: &Origin) -> Option<PathBuf> {
        lock(&self.bindings)
            .get(origin)
            .and_then(|b| b.ca_bundle.clone())
    }

    /// The cluster whose settings an origin belongs to, for messages.
    pub fn cluster_of(&self, origin: &Origin) -> Option<String> {
        lock(&self.bindings).get(origin).map(|b| b.cluster.clone())
    }

    /// The Basic credentials for an origin: its cluster's
    /// `basic_credentials_file` (read and checked at first use), else the
    /// `~/.netrc` entry it accepted earlier in this run.
    pub fn basic_for(&self, origin: &Origin) -> Result<Option<BasicCredentials>, HjobError> {
        let Some(file) = lock(&self.bindings)
            .get(origin)
            .and_then(|b| b.basic_credentials_file.clone())
        else {
            return Ok(lock(&self.netrc_accepted).get(origin).cloned());
        };
        let mut cache = lock(&self.basic);
        let entry = cache
            .entry(file.clone())
            .or_insert_with(|| read_credentials_file(&file));
        match entry {
            Ok(credentials) => Ok(Some(credentials.clone())),
            Err(message) => Err(HjobError::usage_hint(
                message.clone(),
                format!(
                    "put one `user:password` line in {} and make it private: chmod 600 {}",
                    file.display(),
                    file.display()
                ),
            )),
        }
    }

    /// Basic credentials for a host from `~/.netrc`, when a server asks.
    pub fn netrc_for(&self, origin: &Origin) -> Result<Option<BasicCredentials>, HjobError> {
        let Some(home) = std::env::var_os("HOME") else {
            return Ok(None);
        };
        let path = Path::new(&home).join(".netrc");
        let text = match std::fs::read_to_string(&path) {
            Ok(text) => text,
            Err(_) => return Ok(None),
        };
        check_private(&path).map_err(|message| {
            HjobError::usage_hint(message, format!("chmod 600 {}", path.display()))
        })?;
        Ok(netrc_lookup(&text, origin.host()))
    }

    /// Remembers `~/.netrc` credentials an origin accepted, so later
    /// requests (uploads among them) send them at once.
    pub fn remember_basic(&self, origin: &Origin, credentials: &BasicCredentials) {
        lock(&self.netrc_accepted).insert(origin.clone(), credentials.clone());
    }

    /// Whether an origin asked for Negotiate before in this run.
    pub fn wants_negotiate(&self, origin: &Origin) -> bool {
        lock(&self.negotiate).get(origin).copied().unwrap_or(false)
    }

    /// What a Kerberos handshake with an origin holds while it runs: a
    /// request that would start a second one waits, then rides the first
    /// one's cookie.
    pub fn handshake(&self, origin: &Origin) -> Arc<tokio::sync::Mutex<()>> {
        lock(&self.handshakes)
            .entry(origin.clone())
            .or_default()
            .clone()
    }

    /// Remembers that an origin asks for Negotiate.
    pub fn set_wants_negotiate(&self, origin: &Origin) {
        lock(&self.negotiate).insert(origin.clone(), true);
    }

    /// The `Cookie` header for an origin, when it set cookies.
    pub fn cookie_header(&self, origin: &Origin) -> Option<String> {
        let cookies = lock(&self.cookies);
        let list = cookies.get(origin)?;
        if list.is_empty() {
            return None;
        }
        Some(
            list.iter()
                .map(|(k, v)| format!("{k}={v}"))
                .collect::<Vec<_>>()
                .join("; "),
        )
    }

    /// Keeps the cookies an answer from an origin sets (an empty value or
    /// `Max-Age=0` removes one).
    pub fn remember_cookies(&self, origin: &Origin, headers: &reqwest::header::HeaderMap) {
        let mut set = headers
            .get_all(reqwest::header::SET_COOKIE)
            .iter()
            .filter_map(|v| v.to_str().ok())
            .peekable();
        if set.peek().is_none() {
            return;
        }
        let mut cookies = lock(&self.cookies);
        let list = cookies.entry(origin.clone()).or_default();
        for header in set {
            let Some((name, value, removed)) = parse_set_cookie(header) else {
                continue;
            };
            list.retain(|(n, _)| *n != name);
            if !removed {
                list.push((name, value));
            }
        }
    }

    /// Forgets an origin's cookies (the server refused them).
    pub fn forget_cookies(&self, origin: &Origin) {
        lock(&self.cookies).remove(origin);
    }

    /// Where Kerberos credentials come from in this run.
    pub fn kerberos_source(&self) -> KerberosSource {
        lock(&self.kerberos_source)
            .clone()
            .unwrap_or(KerberosSource::TicketCache)
    }

    /// The run's Kerberos credentials, acquired once (blocking work runs
    /// off the async threads).
    pub async fn kerberos(&self) -> Result<Arc<gssapi::Credentials>, gssapi::KerberosError> {
        let source = self.kerberos_source();
        self.kerberos
            .get_or_init(|| async move {
                tokio::task::spawn_blocking(move || acquire(&source).map(Arc::new))
                    .await
                    .unwrap_or_else(|e| {
                        Err(gssapi::KerberosError {
                            kind: gssapi::KerberosErrorKind::Other,
                            message: format!("Kerberos failed: {e}"),
                        })
                    })
            })
            .await
            .clone()
    }
}

/// Acquires credentials from a source (blocking).
pub fn acquire(source: &KerberosSource) -> Result<gssapi::Credentials, gssapi::KerberosError> {
    match source {
        KerberosSource::TicketCache => gssapi::Credentials::from_ticket_cache(),
        KerberosSource::Keytab { principal, keytab } => {
            if let Err(e) = std::fs::File::open(keytab) {
                return Err(gssapi::KerberosError {
                    kind: gssapi::KerberosErrorKind::Other,
                    message: format!("cannot read the keytab {}: {e}", keytab.display()),
                });
            }
            gssapi::Credentials::from_keytab(principal, keytab)
        }
    }
}

/// What to do when a cluster refuses `--do-as`.
pub fn proxy_user_hint() -> String {
    "the cluster's proxy-user rules (hadoop.proxyuser.<you>.hosts/users/groups on HDFS, oozie.service.ProxyUserService.proxyuser.<you>.* on Oozie) must allow you to act for that user: ask the cluster's admins, or run without --do-as".into()
}

/// The fix for a Kerberos failure, in the user's terms.
pub fn kerberos_hint(error: &gssapi::KerberosError, source: &KerberosSource) -> String {
    use gssapi::KerberosErrorKind as Kind;
    match (error.kind, source) {
        (Kind::NoLibrary, _) => "install MIT Kerberos' GSSAPI library (Debian: apt-get install libgssapi-krb5-2)".into(),
        (Kind::KdcUnreachable, _) => "no Kerberos KDC answered: check the realm's kdc entries in krb5.conf (KRB5_CONFIG) and that the KDC is reachable".into(),
        (Kind::UnknownServer, _) => "the KDC has no HTTP/<host> principal for this server: use the host name the cluster's service principal was made for (not an alias or IP)".into(),
        (_, KerberosSource::Keytab { principal, keytab }) => format!(
            "check that {} holds a current key for {principal} (klist -k {}) and that the principal is spelled as the KDC knows it",
            keytab.display(),
            keytab.display()
        ),
        (Kind::Expired, KerberosSource::TicketCache) => {
            "your Kerberos ticket has expired: run `kinit` (or pass --keytab FILE --principal NAME)".into()
        }
        (_, KerberosSource::TicketCache) => {
            "get a Kerberos ticket with `kinit` (check with `klist`), or pass --keytab FILE --principal NAME".into()
        }
    }
}

/// Reads a `user:password` file, refusing one that others may read.
pub fn read_credentials_file(path: &Path) -> Result<BasicCredentials, String> {
    check_private(path)?;
    let text = std::fs::read_to_string(path)
        .map_err(|e| format!("cannot read the credentials file {}: {e}", path.display()))?;
    let line = text
        .lines()
        .map(str::trim)
        .find(|l| !l.is_empty() && !l.starts_with('#'))
        .unwrap_or("");
    match line.split_once(':') {
        Some((user, password)) if !user.is_empty() && !password.is_empty() => {
            Ok(BasicCredentials {
                user: user.to_owned(),
                password: Secret::new(password),
            })
        }
        _ => Err(format!(
            "the credentials file {} must hold one `user:password` line",
            path.display()
        )),
    }
}

/// Refuses a secrets file that its group or others can read or write.
pub fn check_private(path: &Path) -> Result<(), String> {
    use std::os::unix::fs::PermissionsExt;
    let metadata = std::fs::metadata(path)
        .map_err(|e| format!("cannot read the credentials file {}: {e}", path.display()))?;
    let mode = metadata.permissions().mode() & 0o777;
    if mode & 0o077 != 0 {
        return Err(format!(
            "the credentials file {} is readable by others (mode {mode:03o}); it must be private to you",
            path.display()
        ));
    }
    Ok(())
}

/// The `login`/`password` of the netrc entry for `host` (or `default`).
pub fn netrc_lookup(text: &str, host: &str) -> Option<BasicCredentials> {
    let mut tokens = text.split_whitespace();
    let mut found: Option<BasicCredentials> = None;
    let mut default: Option<BasicCredentials> = None;
    let mut current: Option<(bool, Option<String>, Option<String>)> = None;
    let mut finish = |entry: Option<(bool, Option<String>, Option<String>)>,
                      found: &mut Option<BasicCredentials>| {
        if let Some((is_default, Some(user), Some(password))) = entry {
            let credentials = BasicCredentials {
                user,
                password: Secret::new(password),
            };
            if is_default {
                default.get_or_insert(credentials);
            } else if found.is_none() {
                *found = Some(credentials);
            }
        }
    };
    while let Some(token) = tokens.next() {
        match token {
            "machine" => {
                finish(current.take(), &mut found);
                let name = tokens.next().unwrap_or("");
                // Another machine's login and password are skipped.
                current = name
                    .eq_ignore_ascii_case(host)
                    .then_some((false, None, None));
            }
            "default" => {
                finish(current.take(), &mut found);
                current = Some((true, None, None));
            }
            "login" => {
                let value = tokens.next().map(str::to_owned);
                if let Some(entry) = current.as_mut() {
                    entry.1 = value;
                }
            }
            "password" => {
                let value = tokens.next().map(str::to_owned);
                if let Some(entry) = current.as_mut() {
                    entry.2 = value;
                }
            }
            "account" | "macdef" => {
                tokens.next();
            }
            _ => {}
        }
    }
    finish(current.take(), &mut found);
    found.or(default)
}

/// `name`, `value` and whether the header removes the cookie.
fn parse_set_cookie(header: &str) -> Option<(String, String, bool)> {
    let mut parts = header.split(';');
    let (name, value) = parts.next()?.split_once('=')?;
    let name = name.trim();
    if name.is_empty() {
        return None;
    }
    let value = value.trim();
    let removed = value.is_empty()
        || value == "\"\""
        || parts.any(|attr| {
            let attr = attr.trim().to_ascii_lowercase();
            attr == "max-age=0"
                || attr.starts_with("expires=thu, 01 jan 1970")
                || attr.starts_with("expires=thu, 01-jan-1970")
        });
    Some((name.to_owned(), value.to_owned(), removed))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn origins_keep_scheme_host_and_port() {
        let a = Origin::of("https://Gateway.Example:8443/gateway/prod/oozie").unwrap();
        assert_eq!(a.to_string(), "https://gateway.example:8443");
        assert_eq!(a.host(), "gateway.example");
        let b = Origin::of("http://gateway.example:8443/x").unwrap();
        assert_ne!(a, b, "http and https are different origins");
        assert_eq!(Origin::of("http://[::1]:50070/").unwrap().host(), "::1");
        assert_eq!(Origin::of("http://nn/webhdfs").unwrap().host(), "nn");
        assert!(Origin::of("not a url").is_none());
    }

    #[test]
    fn netrc_picks_the_machine_then_default() {
        let text = "machine other login o password op\nmachine knox.example login k password kp\ndefault login d password dp\n";
        let k = netrc_lookup(text, "knox.example").unwrap();
        assert_eq!((k.user.as_str(), k.password.expose()), ("k", "kp"));
        let d = netrc_lookup(text, "elsewhere").unwrap();
        assert_eq!(d.user, "d");
        assert!(netrc_lookup("machine a login x password y", "b").is_none());
        let multi = "machine a\n  login x\n  account z\n  password y\n";
        assert_eq!(netrc_lookup(multi, "A").unwrap().password.expose(), "y");
    }

    #[test]
    fn set_cookie_parsing_keeps_quotes_and_sees_removals() {
        let (n, v, removed) = parse_set_cookie(
            "hadoop.auth=\"u=alice&p=alice@R&t=kerberos&e=1&s=x\"; Path=/; HttpOnly",
        )
        .unwrap();
        assert_eq!(n, "hadoop.auth");
        assert_eq!(v, "\"u=alice&p=alice@R&t=kerberos&e=1&s=x\"");
        assert!(!removed);
        assert!(
            parse_set_cookie("hadoop.auth=; Path=/; Max-Age=0")
                .unwrap()
                .2
        );
        assert!(
            parse_set_cookie("s=1; Expires=Thu, 01 Jan 1970 00:00:00 GMT")
                .unwrap()
                .2
        );
        assert!(parse_set_cookie("garbage").is_none());
    }

    #[test]
    fn cookies_are_kept_per_origin_and_replaced_by_name() {
        let store = Store::default();
        let a = Origin::of("http://127.0.0.1:1/").unwrap();
        let b = Origin::of("http://127.0.0.1:2/").unwrap();
        let mut headers = reqwest::header::HeaderMap::new();
        headers.append("set-cookie", "hadoop.auth=\"one\"; Path=/".parse().unwrap());
        store.remember_cookies(&a, &headers);
        assert_eq!(store.cookie_header(&a).unwrap(), "hadoop.auth=\"one\"");
        assert!(
            store.cookie_header(&b).is_none(),
            "never sent to another origin"
        );
        let mut again = reqwest::header::HeaderMap::new();
        again.append("set-cookie", "hadoop.auth=\"two\"; Path=/".parse().unwrap());
        store.remember_cookies(&a, &again);
        assert_eq!(store.cookie_header(&a).unwrap(), "hadoop.auth=\"two\"");
        let mut gone = reqwest::header::HeaderMap::new();
        gone.append("set-cookie", "hadoop.auth=; Max-Age=0".parse().unwrap());
        store.remember_cookies(&a, &gone);
        assert!(store.cookie_header(&a).is_none());
    }

    #[test]
    fn credentials_files_must_be_private_and_well_formed() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("knox");
        std::fs::write(&path, "knoxuser:s3cret:with:colons\n").unwrap();
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o644)).unwrap();
        let refused = read_credentials_file(&path).unwrap_err();
        assert!(refused.contains("readable by others"), "{refused}");
        assert!(refused.contains("644"), "{refused}");
        assert!(!refused.contains("s3cret"));
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o600)).unwrap();
        let credentials = read_credentials_file(&path).unwrap();
        assert_eq!(credentials.user, "knoxuser");
        assert_eq!(credentials.password.expose(), "s3cret:with:colons");
        assert!(!format!("{credentials:?}").contains("s3cret"));
        std::fs::write(&path, "no colon here\n").unwrap();
        let bad = read_credentials_file(&path).unwrap_err();
        assert!(bad.contains("user:password"), "{bad}");
        assert!(
            !bad.contains("no colon"),
            "the file's content is never shown"
        );
    }
}
