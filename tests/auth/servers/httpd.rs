//! Apache httpd as the rig's SPNEGO proxy ([`GssapiProxy`], mod_auth_gssapi)
//! and Knox-like gateway ([`KnoxGateway`], Basic over TLS). Each is one
//! `apache2 -X` process (single process, threaded, event MPM) with its own
//! ServerRoot, config, pid file and logs in a temp dir; nothing of the
//! system's Apache config is read, and no token or password is logged.

use std::io::{Read as _, Write as _};
use std::net::{Ipv4Addr, TcpStream};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use hjob_sandbox::ClusterUrls;

use super::kdc::Kdc;
use super::process::{self, ServerProcess};
use super::tls::TestCa;

/// Debian's module directory.
pub const MODULE_DIR: &str = "/usr/lib/apache2/modules";

/// The session cookie the SPNEGO proxy sets after a handshake (named like
/// Hadoop's, so a client that keeps `hadoop.auth` reuses it).
pub const SESSION_COOKIE: &str = "hadoop.auth";

/// The Knox topology in gateway URLs.
pub const KNOX_TOPOLOGY: &str = "sandbox";

/// The Knox user.
pub const KNOX_USER: &str = "knoxuser";

/// Hadoop-style proxy-user rules of the SPNEGO proxy
/// (`hadoop.proxyuser.svc.users = alice,bob`): who may send `doAs`/`doas`
/// for whom. Everyone may name themselves.
pub const PROXY_USER_RULES: &[(&str, &[&str])] = &[("svc", &["alice", "bob"])];

/// The identity-assertion hook (mod_lua), with [`PROXY_USER_RULES`].
fn identity_script() -> String {
    let rules: Vec<String> = PROXY_USER_RULES
        .iter()
        .map(|(proxy, users)| {
            let set: Vec<String> = users.iter().map(|u| format!("[\"{u}\"] = true")).collect();
            format!("[\"{proxy}\"] = {{ {} }}", set.join(", "))
        })
        .collect();
    include_str!("identity.lua").replace(
        "PROXY_USERS = {}",
        &format!("PROXY_USERS = {{ {} }}", rules.join(", ")),
    )
}

/// One request as the proxy's access log recorded it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProxyRequest {
    /// Which frontend answered (`oozie`, `namenode`, `resourcemanager`,
    /// `knox`, or a name given to [`GssapiProxy::start`]).
    pub frontend: String,
    pub method: String,
    /// URL path as requested (decoded by Apache).
    pub path: String,
    /// Query string as the client sent it, without `?`.
    pub query: Option<String>,
    /// Query string as the backend got it (after the identity assertion:
    /// `user.name=<effective user>`, no `doAs`); `None` when the request
    /// was not forwarded (refused before, or denied by proxy-user rules).
    pub forwarded_query: Option<String>,
    /// Final status sent to the client.
    pub status: u16,
    /// `REMOTE_USER`: the short name (`alice`) after SPNEGO, the Basic
    /// user name at the gateway (also on a 401 with a wrong password).
    pub user: Option<String>,
    /// The full Kerberos principal (`alice@HJOB.TEST`), SPNEGO only.
    pub principal: Option<String>,
    /// The request carried `Authorization: Negotiate`.
    pub negotiate: bool,
    /// The request carried `Authorization: Basic`.
    pub basic: bool,
    /// The request carried the `hadoop.auth` session cookie.
    pub cookie: bool,
    /// The `Location` of the answer (after any rewriting).
    pub location: Option<String>,
    /// The user the backend was told about (`user.name=` set by the
    /// proxy's identity assertion: the authenticated user, or the `doAs`
    /// user when the proxy-user rules allow it).
    pub effective_user: Option<String>,
    /// The `doAs`/`doas` the client asked for (SPNEGO proxy only).
    pub do_as: Option<String>,
    /// The proxy-user rules refused the `doAs` (answered by the proxy:
    /// Oozie `401 E1400`, WebHDFS/YARN `403 AuthorizationException`).
    pub do_as_denied: bool,
}

/// An httpd process and its directory.
#[derive(Debug)]
struct Httpd {
    // Stopped before the directory is removed (fields drop in order).
    process: Option<ServerProcess>,
    dir: tempfile::TempDir,
    ports: Vec<u16>,
    sync_port: u16,
}

impl Httpd {
    /// A fresh ServerRoot. As root, httpd drops to `nobody` after startup,
    /// so the directory must be searchable and the files it reads per
    /// request readable by others (see [`Httpd::runtime_file`]).
    fn new_dir(prefix: &str) -> Result<tempfile::TempDir, String> {
        let dir = tempfile::Builder::new()
            .prefix(prefix)
            .tempdir()
            .map_err(|e| e.to_string())?;
        if process::running_as_root() {
            process::chmod(dir.path(), 0o755)?;
        }
        std::fs::create_dir_all(dir.path().join("htdocs")).map_err(|e| e.to_string())?;
        std::fs::write(dir.path().join("identity.lua"), identity_script())
            .map_err(|e| e.to_string())?;
        Ok(dir)
    }

    /// Makes a file httpd reads after startup (keytab, htpasswd) readable
    /// by the user it runs as.
    fn runtime_file(path: &Path) -> Result<(), String> {
        process::chmod(
            path,
            if process::running_as_root() {
                0o644
            } else {
                0o600
            },
        )
    }

    /// Starts httpd with `site(ports)` after the common preamble, on
    /// `port_count` fresh ports (retried on a port collision).
    fn start(
        name: &str,
        dir: tempfile::TempDir,
        port_count: usize,
        env: &[(&str, &Path)],
        site: &dyn Fn(&[u16]) -> String,
    ) -> Result<Httpd, String> {
        let apache = process::find_tool("apache2")
            .or_else(|| process::find_tool("httpd"))
            .ok_or("apache2 not found (apt-get install apache2)")?;
        let mut last = String::new();
        for _ in 0..3 {
            let ports: Vec<u16> = (0..port_count).map(|_| process::free_port()).collect();
            let sync_port = process::free_port();
            let config = format!("{}{}", preamble(dir.path(), sync_port), site(&ports));
            let conf = dir.path().join("httpd.conf");
            std::fs::write(&conf, config).map_err(|e| e.to_string())?;
            let _ = std::fs::remove_file(dir.path().join("error.log"));
            let mut command = Command::new(&apache);
            command
                .env_clear()
                .env("PATH", "/usr/sbin:/usr/bin:/sbin:/bin")
                .env("LANG", "C")
                .env("KRB5RCACHETYPE", "none")
                .arg("-X")
                .arg("-d")
                .arg(dir.path())
                .arg("-f")
                .arg(&conf);
            for (k, v) in env {
                command.env(k, v);
            }
            let mut server = ServerProcess::spawn(name, command, &dir.path().join("stdout.log"))?;
            let mut all = ports.clone();
            all.push(sync_port);
            match server.wait_for_ports(&all, &[&dir.path().join("error.log")]) {
                Ok(()) => {
                    return Ok(Httpd {
                        process: Some(server),
                        dir,
                        ports,
                        sync_port,
                    });
                }
                Err(e) => last = e,
            }
        }
        Err(last)
    }

    fn path(&self) -> &Path {
        self.dir.path()
    }

    fn error_log(&self) -> String {
        process::read_lossy(&self.path().join("error.log"))
    }

    /// The access log, parsed, once every request answered before this
    /// call has been logged: httpd logs a request just after answering it,
    /// so this first polls mod_status on the sync port until no worker but
    /// the one answering the poll is busy (answering or logging).
    fn requests(&self) -> Vec<ProxyRequest> {
        let deadline = Instant::now() + Duration::from_secs(5);
        while Instant::now() < deadline {
            match busy_workers(self.sync_port) {
                Some(n) if n <= 1 => break,
                _ => std::thread::sleep(Duration::from_millis(5)),
            }
        }
        parse_log(&process::read_lossy(&self.path().join("access.log")))
    }

    fn pid(&self) -> u32 {
        self.process.as_ref().map_or(0, ServerProcess::pid)
    }
}

/// `BusyWorkers` from mod_status on the sync listener.
fn busy_workers(port: u16) -> Option<u32> {
    let mut stream = TcpStream::connect((Ipv4Addr::LOCALHOST, port)).ok()?;
    stream.set_read_timeout(Some(Duration::from_secs(5))).ok()?;
    write!(
        stream,
        "GET /server-status?auto HTTP/1.0\r\nHost: localhost\r\n\r\n"
    )
    .ok()?;
    let mut answer = String::new();
    stream.read_to_string(&mut answer).ok()?;
    answer
        .lines()
        .find_map(|l| l.strip_prefix("BusyWorkers:"))
        .and_then(|n| n.trim().parse().ok())
}

/// Tab-separated fields of the `hjob` log format (see [`preamble`]).
pub fn parse_log(text: &str) -> Vec<ProxyRequest> {
    let opt = |s: &str| (s != "-" && !s.is_empty()).then(|| s.to_string());
    text.lines()
        .filter_map(|line| {
            let f: Vec<&str> = line.split('\t').collect();
            if f.len() < 15 || f[0] == "sync" {
                return None;
            }
            let logged_query = opt(f[3].trim_start_matches('?'));
            // Field 14 is "-" unless the identity hook ran; then it holds
            // "?" + the client's query and field 3 the forwarded one.
            let (query, forwarded_query) = match f[14] {
                "-" | "" => (logged_query, None),
                client => (
                    opt(client.trim_start_matches('?')),
                    if f[13] == "1" { None } else { logged_query },
                ),
            };
            Some(ProxyRequest {
                frontend: f[0].to_string(),
                method: f[1].to_string(),
                path: f[2].to_string(),
                query,
                forwarded_query,
                status: f[4].parse().unwrap_or(0),
                user: opt(f[5]),
                principal: opt(f[6]),
                negotiate: f[7] == "1",
                basic: f[8] == "1",
                cookie: f[9] == "1",
                location: opt(f[10]),
                effective_user: opt(f[11]),
                do_as: opt(f[12]),
                do_as_denied: f[13] == "1",
            })
        })
        .collect()
}

/// What every rig httpd has: modules, one process (`-X`) with threads, the
/// logs, the flags for the log, and the plain sync listener.
fn preamble(dir: &Path, sync_port: u16) -> String {
    let d = dir.display();
    let modules = [
        ("mpm_event_module", "mod_mpm_event.so"),
        ("authn_core_module", "mod_authn_core.so"),
        ("authn_file_module", "mod_authn_file.so"),
        ("authz_core_module", "mod_authz_core.so"),
        ("authz_user_module", "mod_authz_user.so"),
        ("auth_basic_module", "mod_auth_basic.so"),
        ("auth_gssapi_module", "mod_auth_gssapi.so"),
        // Before mod_proxy: the identity hook runs before proxy's fixup.
        ("lua_module", "mod_lua.so"),
        ("proxy_module", "mod_proxy.so"),
        ("proxy_http_module", "mod_proxy_http.so"),
        ("headers_module", "mod_headers.so"),
        ("setenvif_module", "mod_setenvif.so"),
        ("status_module", "mod_status.so"),
        ("session_module", "mod_session.so"),
        ("session_cookie_module", "mod_session_cookie.so"),
        ("socache_shmcb_module", "mod_socache_shmcb.so"),
        ("ssl_module", "mod_ssl.so"),
    ];
    let mut conf = format!(
        "ServerRoot \"{d}\"\n\
         ServerName localhost\n\
         PidFile \"{d}/httpd.pid\"\n\
         DefaultRuntimeDir \"{d}\"\n\
         ErrorLog \"{d}/error.log\"\n\
         LogLevel warn\n"
    );
    if process::running_as_root() {
        // httpd refuses to serve as root; 65534 is nobody/nogroup.
        conf.push_str("User #65534\nGroup #65534\n");
    }
    for (name, file) in modules {
        conf.push_str(&format!("LoadModule {name} {MODULE_DIR}/{file}\n"));
    }
    conf.push_str(&format!(
        "ServerLimit 1\nStartServers 1\nThreadsPerChild 16\nMaxRequestWorkers 16\n\
         ThreadLimit 16\nTimeout 60\nKeepAlive On\n\
         DocumentRoot \"{d}/htdocs\"\n\
         AllowEncodedSlashes NoDecode\n\
         ProxyRequests Off\n\
         SSLSessionCache \"shmcb:{d}/ssl_scache(32768)\"\n\
         SetEnvIf Authorization \"^Negotiate \" hjob_negotiate=1\n\
         SetEnvIf Authorization \"^Basic \" hjob_basic=1\n\
         SetEnvIf Cookie \"(^|;[ ]*){cookie}=\" hjob_cookie=1\n\
         LogFormat \"%{{hjob_frontend}}e\\t%m\\t%U\\t%q\\t%>s\\t%u\\t%{{GSS_NAME}}e\\t%{{hjob_negotiate}}e\\t%{{hjob_basic}}e\\t%{{hjob_cookie}}e\\t%{{Location}}o\\t%{{hjob_effective}}e\\t%{{hjob_doas}}e\\t%{{hjob_doas_denied}}e\\t%{{hjob_client_query}}e\" hjob\n\
         CustomLog \"{d}/access.log\" hjob\n\
         Listen 127.0.0.1:{sync_port}\n\
         <VirtualHost 127.0.0.1:{sync_port}>\n\
         \x20   SetEnvIf Request_URI \"^\" hjob_frontend=sync\n\
         \x20   <Location />\n\
         \x20       Require all granted\n\
         \x20   </Location>\n\
         \x20   <Location /server-status>\n\
         \x20       SetHandler server-status\n\
         \x20   </Location>\n\
         </VirtualHost>\n",
        cookie = SESSION_COOKIE.replace('.', "\\.")
    ));
    conf
}

/// `scheme://host:port` of a URL (the sandbox's Oozie URL ends in `/oozie`).
pub fn origin(url: &str) -> String {
    let parsed = url::Url::parse(url).expect("a valid URL");
    parsed.origin().ascii_serialization()
}

/// A SPNEGO reverse proxy (Apache + mod_auth_gssapi) with one frontend
/// port per backend origin. Each frontend requires `AuthType GSSAPI`
/// against the KDC's `HTTP/localhost` (and `HTTP/127.0.0.1`) keytab, sets
/// the `hadoop.auth` session cookie after a handshake (its own session key
/// per frontend, as each Hadoop server has its own signing secret), drops
/// `Authorization`, passes `X-Remote-User: <short name>` to the backend,
/// and leaves redirects to other hosts (the DataNode) untouched.
#[derive(Debug)]
pub struct GssapiProxy {
    httpd: Httpd,
    frontends: Vec<(String, String)>,
}

impl GssapiProxy {
    /// Frontends for `backends` (`(name, url)`; only the URL's origin is
    /// used: every path is proxied).
    pub fn start(kdc: &Kdc, backends: &[(&str, &str)]) -> Result<GssapiProxy, String> {
        Self::start_with(kdc, backends, true)
    }

    /// Like [`start`](Self::start) but without session cookies: every
    /// request needs its own handshake.
    pub fn start_without_sessions(
        kdc: &Kdc,
        backends: &[(&str, &str)],
    ) -> Result<GssapiProxy, String> {
        Self::start_with(kdc, backends, false)
    }

    fn start_with(
        kdc: &Kdc,
        backends: &[(&str, &str)],
        sessions: bool,
    ) -> Result<GssapiProxy, String> {
        let dir = Httpd::new_dir("hjob-gssapi-proxy-")?;
        let d = dir.path().to_path_buf();
        let keytab = d.join("http.keytab");
        std::fs::copy(kdc.http_keytab(), &keytab).map_err(|e| e.to_string())?;
        Httpd::runtime_file(&keytab)?;
        let krb5_conf = d.join("krb5.conf");
        std::fs::copy(kdc.krb5_conf(), &krb5_conf).map_err(|e| e.to_string())?;
        Httpd::runtime_file(&krb5_conf)?;
        for (name, _) in backends {
            let key = d.join(format!("session-{name}.key"));
            // mod_auth_gssapi takes a 32-byte key for its cookie crypto.
            let bytes = hex::decode(process::random_hex(32)).map_err(|e| e.to_string())?;
            std::fs::write(&key, bytes).map_err(|e| e.to_string())?;
        }
        let origins: Vec<(String, String)> = backends
            .iter()
            .map(|(n, u)| (n.to_string(), origin(u)))
            .collect();
        let site = |ports: &[u16]| {
            let mut conf = String::new();
            for ((name, backend), port) in origins.iter().zip(ports) {
                conf.push_str(&gssapi_vhost(&d, name, backend, *port, sessions));
            }
            conf
        };
        let httpd = Httpd::start(
            "httpd (mod_auth_gssapi)",
            dir,
            backends.len(),
            &[("KRB5_CONFIG", &krb5_conf), ("KRB5_KTNAME", &keytab)],
            &site,
        )?;
        let frontends = origins
            .iter()
            .zip(&httpd.ports)
            .map(|((name, _), port)| (name.clone(), format!("http://localhost:{port}")))
            .collect();
        Ok(GssapiProxy { httpd, frontends })
    }

    /// Frontends `oozie`, `namenode` and `resourcemanager` for one sandbox
    /// cluster (the DataNode is not proxied: its redirect carries a
    /// delegation token in a real kerberized cluster).
    pub fn for_cluster(kdc: &Kdc, cluster: &ClusterUrls) -> Result<GssapiProxy, String> {
        Self::start(
            kdc,
            &[
                ("oozie", &cluster.oozie),
                ("namenode", &cluster.namenode),
                ("resourcemanager", &cluster.resourcemanager),
            ],
        )
    }

    /// The frontend of backend `name`: `http://localhost:P` (host
    /// `localhost`, so clients ask for `HTTP/localhost`).
    ///
    /// # Panics
    /// If there is no such frontend.
    pub fn url(&self, name: &str) -> String {
        self.frontends
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, u)| u.clone())
            .unwrap_or_else(|| panic!("no frontend {name}"))
    }

    /// The same URL with host `127.0.0.1` (clients ask for `HTTP/127.0.0.1`).
    pub fn ip_url(&self, name: &str) -> String {
        self.url(name).replace("//localhost:", "//127.0.0.1:")
    }

    /// Oozie through the proxy: `http://localhost:P/oozie` (after
    /// [`for_cluster`](Self::for_cluster)).
    pub fn oozie_url(&self) -> String {
        format!("{}/oozie", self.url("oozie"))
    }

    /// WebHDFS through the proxy: `http://localhost:P/webhdfs/v1`.
    pub fn webhdfs_url(&self) -> String {
        format!("{}/webhdfs/v1", self.url("namenode"))
    }

    /// The ResourceManager through the proxy: `http://localhost:P`.
    pub fn rm_url(&self) -> String {
        self.url("resourcemanager")
    }

    /// Every request so far, oldest first (see [`ProxyRequest`]).
    pub fn requests(&self) -> Vec<ProxyRequest> {
        self.httpd.requests()
    }

    /// Requests that carried `Authorization: Negotiate` (one per handshake:
    /// Kerberos through SPNEGO completes in one round trip).
    pub fn negotiate_handshakes(&self) -> usize {
        self.requests().iter().filter(|r| r.negotiate).count()
    }

    /// Handshakes per frontend, as `(frontend, count)` for every frontend.
    pub fn negotiate_handshakes_by_frontend(&self) -> Vec<(String, usize)> {
        let requests = self.requests();
        self.frontends
            .iter()
            .map(|(name, _)| {
                let n = requests
                    .iter()
                    .filter(|r| &r.frontend == name && r.negotiate)
                    .count();
                (name.clone(), n)
            })
            .collect()
    }

    /// Distinct authenticated short names (`alice`), sorted.
    pub fn users_seen(&self) -> Vec<String> {
        let mut users: Vec<String> = self.requests().into_iter().filter_map(|r| r.user).collect();
        users.sort();
        users.dedup();
        users
    }

    /// Distinct authenticated principals (`alice@HJOB.TEST`), sorted.
    pub fn principals_seen(&self) -> Vec<String> {
        let mut users: Vec<String> = self
            .requests()
            .into_iter()
            .filter_map(|r| r.principal)
            .collect();
        users.sort();
        users.dedup();
        users
    }

    /// httpd's error log.
    pub fn error_log(&self) -> String {
        self.httpd.error_log()
    }

    /// The ServerRoot (config, logs, keytab copy).
    pub fn dir(&self) -> &Path {
        self.httpd.path()
    }

    /// httpd's process id.
    pub fn pid(&self) -> u32 {
        self.httpd.pid()
    }
}

fn gssapi_vhost(dir: &Path, name: &str, backend: &str, port: u16, sessions: bool) -> String {
    let d = dir.display();
    let session = if sessions {
        format!(
            "        GssapiUseSessions On\n\
             \x20       GssapiSessionKey file:{d}/session-{name}.key\n\
             \x20       Session On\n\
             \x20       SessionCookieName {SESSION_COOKIE} path=/;httponly\n"
        )
    } else {
        String::new()
    };
    format!(
        "Listen 127.0.0.1:{port}\n\
         <VirtualHost 127.0.0.1:{port}>\n\
         \x20   SetEnvIf Request_URI \"^\" hjob_frontend={name}\n\
         \x20   <Location />\n\
         \x20       AuthType GSSAPI\n\
         \x20       AuthName \"hjob test {name}\"\n\
         \x20       GssapiCredStore keytab:{d}/http.keytab\n\
         \x20       GssapiLocalName On\n\
         \x20       GssapiBasicAuth Off\n\
         {session}\
         \x20       Require valid-user\n\
         \x20       LuaHookFixups \"{d}/identity.lua\" assert_identity\n\
         \x20   </Location>\n\
         \x20   RequestHeader unset Authorization\n\
         \x20   RequestHeader set X-Remote-User \"%{{REMOTE_USER}}s\"\n\
         \x20   ProxyPass / {backend}/ nocanon\n\
         \x20   ProxyPassReverse / {backend}/\n\
         </VirtualHost>\n"
    )
}

/// A Knox-like gateway: HTTPS (a test CA, a `localhost`/`127.0.0.1`
/// certificate), HTTP Basic against an htpasswd file, Knox's URL shapes
/// for one sandbox cluster, and the DataNode redirect rewritten to the
/// gateway's `/webhdfs/data/v1`.
#[derive(Debug)]
pub struct KnoxGateway {
    httpd: Httpd,
    ca: TestCa,
    password: String,
    port: u16,
}

impl KnoxGateway {
    /// A gateway for `cluster` (topology [`KNOX_TOPOLOGY`], user
    /// [`KNOX_USER`] with a random password).
    pub fn start(cluster: &ClusterUrls) -> Result<KnoxGateway, String> {
        let dir = Httpd::new_dir("hjob-knox-")?;
        let d = dir.path().to_path_buf();
        let ca = TestCa::generate(&d, "knox")?;
        let cert = ca.issue(&d, "gateway", &["localhost", "127.0.0.1"])?;
        let password = format!("knox-pw-{}", process::random_hex(8));
        let htpasswd = d.join("htpasswd");
        process::run_with_stdin(
            Command::new(process::tool("htpasswd")?)
                .args(["-c", "-i", "-B"])
                .arg(&htpasswd)
                .arg(KNOX_USER),
            &password,
        )?;
        Httpd::runtime_file(&htpasswd)?;
        let site = |ports: &[u16]| knox_vhost(&d, ports[0], cluster, &cert.cert, &cert.key);
        let httpd = Httpd::start("httpd (Knox-like gateway)", dir, 1, &[], &site)?;
        let port = httpd.ports[0];
        Ok(KnoxGateway {
            httpd,
            ca,
            password,
            port,
        })
    }

    /// `https://localhost:P/gateway/sandbox`.
    pub fn base_url(&self) -> String {
        format!("https://localhost:{}/gateway/{KNOX_TOPOLOGY}", self.port)
    }

    /// `<base>/oozie` (Knox role OOZIE).
    pub fn oozie_url(&self) -> String {
        format!("{}/oozie", self.base_url())
    }

    /// `<base>/webhdfs/v1` (Knox role WEBHDFS).
    pub fn webhdfs_url(&self) -> String {
        format!("{}/webhdfs/v1", self.base_url())
    }

    /// `<base>/resourcemanager` (Knox role RESOURCEMANAGER: paths
    /// `v1/cluster/...`, no `/ws`).
    pub fn rm_url(&self) -> String {
        format!("{}/resourcemanager", self.base_url())
    }

    /// The gateway's port on 127.0.0.1.
    pub fn port(&self) -> u16 {
        self.port
    }

    /// The CA certificate (PEM) that signed the gateway's certificate.
    pub fn ca_cert_path(&self) -> &Path {
        self.ca.cert_path()
    }

    /// The Basic user, [`KNOX_USER`].
    pub fn user(&self) -> &'static str {
        KNOX_USER
    }

    /// The Basic password.
    pub fn password(&self) -> &str {
        &self.password
    }

    /// Writes `user:password` to `path` with mode 0600 (hjob's
    /// `basic_credentials_file`).
    pub fn write_credentials_file(&self, path: &Path) -> Result<PathBuf, String> {
        use std::os::unix::fs::OpenOptionsExt as _;
        let mut file = std::fs::OpenOptions::new()
            .write(true)
            .create(true)
            .truncate(true)
            .mode(0o600)
            .open(path)
            .map_err(|e| format!("{}: {e}", path.display()))?;
        writeln!(file, "{KNOX_USER}:{}", self.password).map_err(|e| e.to_string())?;
        Ok(path.to_path_buf())
    }

    /// The password and the Basic header value.
    pub fn secrets(&self) -> Vec<String> {
        super::secrets::basic_secrets(KNOX_USER, &self.password)
    }

    /// Every request so far, oldest first; `user` is the Basic user name
    /// (also on a 401), `basic` whether credentials were sent.
    pub fn requests(&self) -> Vec<ProxyRequest> {
        self.httpd.requests()
    }

    /// httpd's error log (TLS handshake failures show up here).
    pub fn error_log(&self) -> String {
        self.httpd.error_log()
    }

    /// The ServerRoot (config, logs, CA, certificate).
    pub fn dir(&self) -> &Path {
        self.httpd.path()
    }
}

fn knox_vhost(dir: &Path, port: u16, cluster: &ClusterUrls, cert: &Path, key: &Path) -> String {
    let d = dir.display();
    let t = KNOX_TOPOLOGY;
    let oozie = origin(&cluster.oozie);
    let nn = origin(&cluster.namenode);
    let dn = origin(&cluster.datanode);
    let rm = origin(&cluster.resourcemanager);
    format!(
        "Listen 127.0.0.1:{port}\n\
         <VirtualHost 127.0.0.1:{port}>\n\
         \x20   SetEnvIf Request_URI \"^\" hjob_frontend=knox hjob_doas_mode=strip\n\
         \x20   SSLEngine on\n\
         \x20   SSLCertificateFile \"{cert}\"\n\
         \x20   SSLCertificateKeyFile \"{key}\"\n\
         \x20   <Location /gateway/{t}/>\n\
         \x20       AuthType Basic\n\
         \x20       AuthName \"application\"\n\
         \x20       AuthBasicProvider file\n\
         \x20       AuthUserFile \"{d}/htpasswd\"\n\
         \x20       Require valid-user\n\
         \x20       LuaHookFixups \"{d}/identity.lua\" assert_identity\n\
         \x20   </Location>\n\
         \x20   RequestHeader unset Authorization\n\
         \x20   RequestHeader set X-Remote-User \"%{{REMOTE_USER}}s\"\n\
         \x20   ProxyPass /gateway/{t}/oozie {oozie}/oozie nocanon\n\
         \x20   ProxyPassReverse /gateway/{t}/oozie {oozie}/oozie\n\
         \x20   ProxyPass /gateway/{t}/webhdfs/data/v1 {dn}/webhdfs/v1 nocanon\n\
         \x20   ProxyPassReverse /gateway/{t}/webhdfs/data/v1 {dn}/webhdfs/v1\n\
         \x20   ProxyPass /gateway/{t}/webhdfs/v1 {nn}/webhdfs/v1 nocanon\n\
         \x20   ProxyPassReverse /gateway/{t}/webhdfs/v1 {nn}/webhdfs/v1\n\
         \x20   ProxyPass /gateway/{t}/resourcemanager {rm}/ws nocanon\n\
         \x20   ProxyPassReverse /gateway/{t}/resourcemanager {rm}/ws\n\
         </VirtualHost>\n",
        cert = cert.display(),
        key = key.display(),
    )
}
