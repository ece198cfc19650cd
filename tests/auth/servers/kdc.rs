//! A throwaway MIT KDC on loopback: realm `HJOB.TEST`, its own `krb5.conf`
//! and `kdc.conf` in a temp dir, TCP only, started as `krb5kdc -n` (in the
//! foreground, a child of the test) and stopped on drop.

use std::ffi::OsString;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use super::process::{self, ServerProcess};

/// The test realm.
pub const REALM: &str = "HJOB.TEST";

/// User principals created with a password.
pub const PASSWORD_USERS: [&str; 3] = ["alice", "bob", "svc"];

/// The CI principal (keytab only, random key).
pub const CI_PRINCIPAL: &str = "ci";

/// The HTTP service principals in the service keytab: clients build
/// `HTTP/<url host>`, so `localhost` and `127.0.0.1` URLs both work.
pub const HTTP_PRINCIPALS: [&str; 2] = ["HTTP/localhost", "HTTP/127.0.0.1"];

/// A running KDC with its principals, keytabs and config.
#[derive(Debug)]
pub struct Kdc {
    // Stopped before the temp dir is removed (fields drop in order).
    process: Option<ServerProcess>,
    dir: tempfile::TempDir,
    port: u16,
    master_password: String,
    passwords: Vec<(String, String)>,
}

impl Kdc {
    /// Creates the realm database, the principals and keytabs, and starts
    /// the KDC; returns once it accepts connections.
    pub fn start() -> Result<Kdc, String> {
        let mut last = String::new();
        // A free port can be taken between choosing and binding: retry.
        for _ in 0..3 {
            match Self::start_once() {
                Ok(kdc) => return Ok(kdc),
                Err(e) => last = e,
            }
        }
        Err(last)
    }

    fn start_once() -> Result<Kdc, String> {
        let dir = tempfile::Builder::new()
            .prefix("hjob-kdc-")
            .tempdir()
            .map_err(|e| e.to_string())?;
        let port = process::free_port();
        let d = dir.path();
        std::fs::create_dir_all(d.join("ccaches")).map_err(|e| e.to_string())?;
        std::fs::write(d.join("krb5.conf"), krb5_conf(d, port)).map_err(|e| e.to_string())?;
        std::fs::write(d.join("kdc.conf"), kdc_conf(d, port)).map_err(|e| e.to_string())?;
        std::fs::write(d.join("kadm5.acl"), "").map_err(|e| e.to_string())?;

        let master_password = format!("master-{}", process::random_hex(12));
        let mut kdc = Kdc {
            port,
            master_password,
            passwords: PASSWORD_USERS
                .iter()
                .map(|u| (u.to_string(), format!("{u}-pw-{}", process::random_hex(8))))
                .collect(),
            process: None,
            dir,
        };
        // The master password is test-only, so argv is acceptable here.
        process::run(
            kdc.admin_command("kdb5_util")?
                .args(["-r", REALM, "create", "-s", "-P"])
                .arg(&kdc.master_password),
        )?;
        for (user, password) in kdc.passwords.clone() {
            kdc.add_principal(&user, Some(&password))?;
        }
        kdc.add_principal(CI_PRINCIPAL, None)?;
        kdc.export_keytab(&[CI_PRINCIPAL], &kdc.ci_keytab())?;
        for p in HTTP_PRINCIPALS {
            kdc.add_principal(p, None)?;
        }
        kdc.export_keytab(&HTTP_PRINCIPALS, &kdc.http_keytab())?;

        let mut command = kdc.admin_command("krb5kdc")?;
        command
            .args(["-n", "-r", REALM, "-P"])
            .arg(kdc.dir().join("krb5kdc.pid"));
        let log = kdc.dir().join("krb5kdc.out");
        let mut server = ServerProcess::spawn("krb5kdc", command, &log)?;
        server.wait_for_ports(&[port], &[&kdc.dir().join("kdc.log")])?;
        kdc.process = Some(server);
        Ok(kdc)
    }

    /// A command for a KDC-side tool with this realm's config and nothing
    /// from the system's.
    fn admin_command(&self, name: &str) -> Result<Command, String> {
        let mut command = Command::new(process::tool(name)?);
        command
            .env("KRB5_CONFIG", self.krb5_conf())
            .env("KRB5_KDC_PROFILE", self.dir().join("kdc.conf"))
            .env_remove("KRB5CCNAME")
            .env_remove("KRB5_KTNAME")
            .env_remove("KRB5_CLIENT_KTNAME")
            .env_remove("KRB5_TRACE");
        Ok(command)
    }

    /// A client tool (`kinit`, `klist`, `kdestroy`) using `ccache`.
    pub fn client_command(&self, name: &str, ccache: &Path) -> Result<Command, String> {
        let mut command = Command::new(process::tool(name)?);
        for (k, v) in self.env(ccache) {
            command.env(k, v);
        }
        command
            .env_remove("KRB5_KTNAME")
            .env_remove("KRB5_CLIENT_KTNAME")
            .env_remove("KRB5_TRACE");
        Ok(command)
    }

    /// Adds a principal, with a password or a random key.
    pub fn add_principal(&self, name: &str, password: Option<&str>) -> Result<(), String> {
        let query = match password {
            // Test-only passwords; kadmin.local takes them in its query.
            Some(pw) => format!("addprinc -pw {pw} {name}"),
            None => format!("addprinc -randkey {name}"),
        };
        process::run(
            self.admin_command("kadmin.local")?
                .args(["-r", REALM, "-q"])
                .arg(query),
        )
        .map(drop)
    }

    /// Writes the keys of `principals` to a keytab at `path` (this
    /// re-randomizes their keys, so tickets issued before are useless).
    pub fn export_keytab(&self, principals: &[&str], path: &Path) -> Result<(), String> {
        let mut query = format!("ktadd -k {}", path.display());
        for p in principals {
            query.push(' ');
            query.push_str(p);
        }
        process::run(
            self.admin_command("kadmin.local")?
                .args(["-r", REALM, "-q"])
                .arg(query),
        )
        .map(drop)
    }

    /// The realm, `HJOB.TEST`.
    pub fn realm(&self) -> &'static str {
        REALM
    }

    /// `name@HJOB.TEST`.
    pub fn principal(&self, name: &str) -> String {
        format!("{name}@{REALM}")
    }

    /// The KDC's TCP port on 127.0.0.1.
    pub fn port(&self) -> u16 {
        self.port
    }

    /// The temp dir holding the database, configs, keytabs and ccaches.
    pub fn dir(&self) -> &Path {
        self.dir.path()
    }

    /// The `krb5.conf` clients and servers must use (`KRB5_CONFIG`).
    pub fn krb5_conf(&self) -> PathBuf {
        self.dir().join("krb5.conf")
    }

    /// The password of `alice`, `bob` or `svc`.
    ///
    /// # Panics
    /// For any other user.
    pub fn password(&self, user: &str) -> &str {
        self.passwords
            .iter()
            .find(|(u, _)| u == user)
            .map(|(_, p)| p.as_str())
            .unwrap_or_else(|| panic!("no password principal {user}"))
    }

    /// The keytab of principal `ci`.
    pub fn ci_keytab(&self) -> PathBuf {
        self.dir().join("ci.keytab")
    }

    /// The keytab of `HTTP/localhost` and `HTTP/127.0.0.1`.
    pub fn http_keytab(&self) -> PathBuf {
        self.dir().join("http.keytab")
    }

    /// A fresh credential cache path under the KDC dir (not created).
    pub fn ccache(&self, name: &str) -> PathBuf {
        self.dir().join("ccaches").join(name)
    }

    /// `kinit principal` with `password` on stdin, into `ccache`.
    pub fn kinit(&self, principal: &str, password: &str, ccache: &Path) -> Result<(), String> {
        self.kinit_args(principal, password, ccache, &[])
    }

    /// `kinit -l <lifetime>`: a ticket that expires soon.
    pub fn kinit_lifetime(
        &self,
        principal: &str,
        password: &str,
        ccache: &Path,
        lifetime: Duration,
    ) -> Result<(), String> {
        let secs = lifetime.as_secs().max(1);
        self.kinit_args(principal, password, ccache, &["-l", &format!("{secs}s")])
    }

    fn kinit_args(
        &self,
        principal: &str,
        password: &str,
        ccache: &Path,
        extra: &[&str],
    ) -> Result<(), String> {
        process::run_with_stdin(
            self.client_command("kinit", ccache)?
                .args(extra)
                .arg(principal),
            &format!("{password}\n"),
        )
        .map(drop)
    }

    /// `kinit -k -t keytab principal` into `ccache`.
    pub fn kinit_keytab(
        &self,
        principal: &str,
        keytab: &Path,
        ccache: &Path,
    ) -> Result<(), String> {
        process::run(
            self.client_command("kinit", ccache)?
                .arg("-k")
                .arg("-t")
                .arg(keytab)
                .arg(principal),
        )
        .map(drop)
    }

    /// A ccache holding an expired TGT of `user`: a 1-second ticket, then
    /// polling until the KDC refuses it (`kvno HTTP/localhost` with a copy
    /// of the ccache fails; the KDC allows `clockskew` = 1 s past the end),
    /// about 2-3 s in all.
    pub fn kinit_expired(&self, user: &str, ccache: &Path) -> Result<(), String> {
        self.kinit_lifetime(user, self.password(user), ccache, Duration::from_secs(1))?;
        let probe = ccache.with_extension("probe");
        let deadline = Instant::now() + Duration::from_secs(15);
        loop {
            std::fs::copy(ccache, &probe).map_err(|e| e.to_string())?;
            let accepted = self
                .client_command("kvno", &probe)?
                .arg(HTTP_PRINCIPALS[0])
                .stdout(std::process::Stdio::null())
                .stderr(std::process::Stdio::null())
                .status()
                .is_ok_and(|s| s.success());
            let _ = std::fs::remove_file(&probe);
            if !accepted && !self.has_valid_ticket(ccache) {
                return Ok(());
            }
            if Instant::now() > deadline {
                return Err("a 1-second ticket is still accepted after 15 s".into());
            }
            std::thread::sleep(Duration::from_millis(100));
        }
    }

    /// Whether `ccache` holds an unexpired TGT (`klist -s`).
    pub fn has_valid_ticket(&self, ccache: &Path) -> bool {
        self.client_command("klist", ccache)
            .ok()
            .and_then(|mut c| c.arg("-s").status().ok())
            .is_some_and(|s| s.success())
    }

    /// `klist` output for `ccache`.
    pub fn klist(&self, ccache: &Path) -> String {
        self.client_command("klist", ccache)
            .ok()
            .and_then(|mut c| c.output().ok())
            .map(|o| String::from_utf8_lossy(&o.stdout).into_owned())
            .unwrap_or_default()
    }

    /// `KRB5_CONFIG` and `KRB5CCNAME=FILE:<ccache>` for a client process.
    pub fn env(&self, ccache: &Path) -> Vec<(String, OsString)> {
        let mut name = OsString::from("FILE:");
        name.push(ccache);
        vec![
            ("KRB5_CONFIG".into(), self.krb5_conf().into_os_string()),
            ("KRB5CCNAME".into(), name),
        ]
    }

    /// Points `command` at this realm and `ccache`, removing ambient
    /// Kerberos variables (keytabs, tracing) of the test's environment.
    pub fn apply_env(&self, command: &mut Command, ccache: &Path) {
        for key in [
            "KRB5_KTNAME",
            "KRB5_CLIENT_KTNAME",
            "KRB5_TRACE",
            "KRB5RCACHEDIR",
        ] {
            command.env_remove(key);
        }
        for (k, v) in self.env(ccache) {
            command.env(k, v);
        }
    }

    /// The KDC's log (requests and errors).
    pub fn log(&self) -> String {
        process::read_lossy(&self.dir().join("kdc.log"))
    }

    /// Every secret this KDC made: the passwords, the master password and
    /// the key material of both keytabs (hex and base64 forms).
    pub fn secrets(&self) -> Vec<String> {
        let mut secrets: Vec<String> = self.passwords.iter().map(|(_, p)| p.clone()).collect();
        secrets.push(self.master_password.clone());
        for keytab in [self.ci_keytab(), self.http_keytab()] {
            secrets.extend(super::secrets::keytab_secrets(&keytab));
        }
        secrets
    }
}

fn krb5_conf(dir: &Path, port: u16) -> String {
    let d = dir.display();
    format!(
        "[libdefaults]
    default_realm = {REALM}
    dns_lookup_kdc = false
    dns_lookup_realm = false
    dns_canonicalize_hostname = false
    rdns = false
    udp_preference_limit = 1
    ignore_acceptor_hostname = false
    # The KDC honours tickets up to clockskew past their end: keep it short
    # so that an expired ticket is refused within a second or two.
    clockskew = 1
    forwardable = true
    ticket_lifetime = 10h
    renew_lifetime = 1d
    default_ccache_name = FILE:{d}/ccaches/default
    default_keytab_name = FILE:{d}/no-default.keytab
    default_client_keytab_name = FILE:{d}/no-client.keytab

[realms]
    {REALM} = {{
        kdc = 127.0.0.1:{port}
    }}

[domain_realm]
    localhost = {REALM}
    .localhost = {REALM}
    127.0.0.1 = {REALM}
"
    )
}

fn kdc_conf(dir: &Path, port: u16) -> String {
    let d = dir.display();
    format!(
        "[kdcdefaults]
    kdc_listen = \"\"
    kdc_tcp_listen = \"\"

[realms]
    {REALM} = {{
        database_name = {d}/principal
        key_stash_file = {d}/stash
        acl_file = {d}/kadm5.acl
        kdc_listen = \"\"
        kdc_tcp_listen = 127.0.0.1:{port}
        max_life = 10h
        max_renewable_life = 1d
        supported_enctypes = aes256-cts-hmac-sha1-96:normal aes128-cts-hmac-sha1-96:normal
    }}

[logging]
    kdc = FILE:{d}/kdc.log
    default = FILE:{d}/krb5lib.log
"
    )
}
