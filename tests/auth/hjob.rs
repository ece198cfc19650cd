//! hjob itself against the real servers: `hjob run` through Apache's
//! mod_auth_gssapi with tickets from a real MIT KDC, keytabs, and a
//! Knox-like gateway (Basic over TLS with a test CA). Every test ends by
//! grepping everything it produced (hjob's stdout and stderr, the files
//! under its home) for the secrets in play.

use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::time::Duration;

use hjob_sandbox::{Sandbox, SandboxOptions, Service};

use crate::Test;
use crate::servers::secrets;
use crate::servers::{GssapiProxy, Kdc, KnoxGateway};

pub const TESTS: &[Test] = &[
    (
        "hjob::kinit_then_run_succeeds_as_alice_with_one_handshake_per_server",
        kinit_then_run,
    ),
    (
        "hjob::no_ticket_exits_2_and_no_request_reaches_oozie_or_the_namenode",
        no_ticket,
    ),
    (
        "hjob::an_expired_ticket_exits_2_and_says_kinit",
        expired_ticket,
    ),
    (
        "hjob::a_keytab_run_works_without_a_user_ticket_and_never_touches_the_user_cache",
        keytab_run,
    ),
    (
        "hjob::a_keytab_without_the_principal_exits_2_and_sends_nothing",
        bad_keytab,
    ),
    (
        "hjob::knox_with_the_credentials_file_and_ca_bundle_runs_end_to_end",
        knox_runs,
    ),
    (
        "hjob::knox_with_the_wrong_password_exits_2_naming_the_file",
        knox_wrong_password,
    ),
    (
        "hjob::knox_without_the_ca_bundle_exits_2_naming_the_host_and_the_key",
        knox_without_ca,
    ),
    (
        "hjob::a_credentials_file_others_can_read_is_refused_before_sending",
        knox_open_file,
    ),
    (
        "hjob::netrc_answers_a_basic_challenge_when_no_file_is_configured",
        knox_netrc,
    ),
];

fn sandbox() -> Sandbox {
    Sandbox::start_blocking(
        SandboxOptions::new()
            .action_duration(Duration::from_millis(50))
            .step_delay(Duration::from_millis(5)),
    )
    .expect("sandbox starts")
}

fn kdc() -> Kdc {
    Kdc::start().unwrap_or_else(|e| panic!("KDC: {e}"))
}

/// A home for hjob runs: config, data and the outputs of every run.
struct Home {
    dir: tempfile::TempDir,
    state_url: String,
    outputs: Vec<String>,
}

impl Home {
    fn new(sandbox: &Sandbox, config: &str) -> Home {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(dir.path().join(".config/hjob")).unwrap();
        std::fs::write(dir.path().join(".config/hjob/config.toml"), config).unwrap();
        Home {
            dir,
            state_url: sandbox.state_url().to_owned(),
            outputs: Vec::new(),
        }
    }

    fn path(&self) -> &Path {
        self.dir.path()
    }

    /// `hjob` with this home, the sandbox's state service, user `alice`,
    /// and no Kerberos of the machine's (callers add a realm's).
    fn command(&self, args: &[&str]) -> Command {
        let mut command = Command::new(assert_cmd::cargo::cargo_bin!("hjob"));
        command
            .args(args)
            .env_clear()
            .env("PATH", std::env::var_os("PATH").unwrap_or_default())
            .env("HOME", self.path())
            .env("XDG_CONFIG_HOME", self.path().join(".config"))
            .env("XDG_DATA_HOME", self.path().join(".local/share"))
            .env("HJOB_SYSTEM_CONFIG", self.path().join("no-system-config"))
            .env("HJOB_STATE_URL", &self.state_url)
            .env("HJOB_USER", "alice")
            .env("NO_COLOR", "1")
            // Kerberos finds nothing of the machine's.
            .env("KRB5_CONFIG", self.path().join("no-krb5.conf"))
            .env(
                "KRB5CCNAME",
                format!("FILE:{}", self.path().join("no-ccache").display()),
            );
        command
    }

    /// Runs a command with `-vv`, keeping its output for the secrets check.
    fn run(&mut self, mut command: Command) -> Output {
        command.arg("-vv");
        let out = command.output().expect("hjob runs");
        self.outputs
            .push(String::from_utf8_lossy(&out.stdout).into_owned());
        self.outputs
            .push(String::from_utf8_lossy(&out.stderr).into_owned());
        out
    }

    /// No secret in any output of this home's runs, nor in any file under it.
    fn assert_no_secrets(&self, secrets: &[String]) {
        let mut outputs = self.outputs.clone();
        for (path, content) in secrets::files_under(self.path()) {
            // The credentials files are where secrets are meant to be.
            if path.extension().is_some_and(|e| e == "cred") || path.ends_with(".netrc") {
                continue;
            }
            outputs.push(content);
        }
        let outputs: Vec<&str> = outputs.iter().map(String::as_str).collect();
        let secrets: Vec<&str> = secrets.iter().map(String::as_str).collect();
        secrets::assert_no_secrets(&outputs, &secrets);
    }
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

fn describe(out: &Output) -> String {
    format!(
        "exit {:?}\nstdout: {}\nstderr: {}",
        out.status.code(),
        text(&out.stdout),
        text(&out.stderr)
    )
}

/// `[clusters.alpha]` pointing Oozie, WebHDFS and YARN at a proxy.
fn spnego_config(proxy: &GssapiProxy) -> String {
    format!(
        "[http]\nbackoff_initial = \"10ms\"\nbackoff_max = \"50ms\"\n[wait]\npoll_initial = \"50ms\"\npoll_max = \"200ms\"\n[clusters.alpha]\noozie_url = \"{}\"\nwebhdfs_url = \"{}\"\nyarn_url = \"{}\"\n",
        proxy.oozie_url(),
        proxy.webhdfs_url(),
        proxy.rm_url()
    )
}

/// Every secret of a realm plus the ticket caches' bytes.
fn kerberos_secrets(kdc: &Kdc, caches: &[&Path]) -> Vec<String> {
    let mut all = kdc.secrets();
    all.extend(secrets::credential_markers());
    // A ticket cache dumped as text would show as its base64.
    for cache in caches {
        if let Ok(bytes) = std::fs::read(cache) {
            all.push(secrets::base64(&bytes));
        }
    }
    all
}

fn kinit_then_run() {
    let sandbox = sandbox();
    let kdc = kdc();
    let proxy = GssapiProxy::for_cluster(&kdc, &sandbox.cluster("alpha")).unwrap();
    let mut home = Home::new(&sandbox, &spnego_config(&proxy));
    let alice = kdc.ccache("alice");
    kdc.kinit("alice", kdc.password("alice"), &alice).unwrap();

    let mut command = home.command(&["run", "shell", "--", "echo", "ok"]);
    kdc.apply_env(&mut command, &alice);
    let out = home.run(command);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}\n{}",
        describe(&out),
        proxy.error_log()
    );

    assert_eq!(proxy.users_seen(), vec!["alice".to_string()]);
    let requests = proxy.requests();
    assert!(
        requests
            .iter()
            .filter(|r| r.status != 401)
            .all(|r| r.user.as_deref() == Some("alice")),
        "every answered request came from alice: {requests:?}"
    );
    // One handshake per server: the session cookie carries the rest.
    for (frontend, handshakes) in proxy.negotiate_handshakes_by_frontend() {
        assert!(
            handshakes <= 1,
            "{frontend}: {handshakes} Negotiate handshakes in one run: {requests:?}"
        );
    }
    let oozie = requests.iter().filter(|r| r.frontend == "oozie").count();
    assert!(
        oozie >= 2,
        "the run polled Oozie through the proxy: {requests:?}"
    );
    assert!(
        requests.iter().any(|r| r.frontend == "oozie" && r.cookie),
        "later requests ride on the cookie: {requests:?}"
    );
    assert!(!sandbox.requests(Service::Oozie).is_empty());
    home.assert_no_secrets(&kerberos_secrets(&kdc, &[&alice]));
}

fn no_ticket() {
    let sandbox = sandbox();
    let kdc = kdc();
    let proxy = GssapiProxy::for_cluster(&kdc, &sandbox.cluster("alpha")).unwrap();
    let mut home = Home::new(&sandbox, &spnego_config(&proxy));
    let empty = kdc.ccache("nobody");
    sandbox.clear_requests();

    let mut command = home.command(&["run", "shell", "--", "echo", "ok"]);
    kdc.apply_env(&mut command, &empty);
    let out = home.run(command);
    let stderr = text(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{}", describe(&out));
    assert!(stderr.contains("asks for Kerberos"), "{stderr}");
    assert!(
        stderr.contains("kinit"),
        "the hint says what to do: {stderr}"
    );
    assert!(
        sandbox.requests(Service::Oozie).is_empty()
            && sandbox.requests(Service::NameNode).is_empty(),
        "requests reached the servers: {:?}",
        sandbox.all_requests()
    );
    assert!(proxy.users_seen().is_empty());
    // Refused once per server, never retried as an outage.
    let refusals = proxy.requests().iter().filter(|r| r.status == 401).count();
    assert!(refusals <= 1, "{:?}", proxy.requests());

    // --output json: one document with the error and exit code 2.
    let mut command = home.command(&["--output", "json", "run", "shell", "--", "echo", "ok"]);
    kdc.apply_env(&mut command, &empty);
    let out = home.run(command);
    assert_eq!(out.status.code(), Some(2), "{}", describe(&out));
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).expect("one JSON document");
    assert_eq!(doc["error"]["exit_code"], 2, "{doc}");
    home.assert_no_secrets(&kerberos_secrets(&kdc, &[]));
}

fn expired_ticket() {
    let sandbox = sandbox();
    let kdc = kdc();
    let proxy = GssapiProxy::for_cluster(&kdc, &sandbox.cluster("alpha")).unwrap();
    let mut home = Home::new(&sandbox, &spnego_config(&proxy));
    let expired = kdc.ccache("expired");
    kdc.kinit_expired("alice", &expired).unwrap();
    sandbox.clear_requests();

    let mut command = home.command(&["run", "shell", "--", "echo", "ok"]);
    kdc.apply_env(&mut command, &expired);
    let out = home.run(command);
    let stderr = text(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{}", describe(&out));
    assert!(stderr.to_lowercase().contains("expired"), "{stderr}");
    assert!(stderr.contains("kinit"), "{stderr}");
    assert!(sandbox.requests(Service::Oozie).is_empty());
    assert!(sandbox.requests(Service::NameNode).is_empty());
    home.assert_no_secrets(&kerberos_secrets(&kdc, &[&expired]));
}

fn keytab_run() {
    let sandbox = sandbox();
    let kdc = kdc();
    let proxy = GssapiProxy::for_cluster(&kdc, &sandbox.cluster("alpha")).unwrap();
    let mut home = Home::new(&sandbox, &spnego_config(&proxy));
    // The user has no ticket, and must still have none afterwards.
    let user_cache = kdc.ccache("user");
    let keytab = kdc.ci_keytab();
    let principal = kdc.principal("ci");

    let mut command = home.command(&[
        "--keytab",
        keytab.to_str().unwrap(),
        "--principal",
        &principal,
        "run",
        "shell",
        "--",
        "echo",
        "ok",
    ]);
    kdc.apply_env(&mut command, &user_cache);
    command.env_remove("HJOB_USER");
    let out = home.run(command);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}\n{}",
        describe(&out),
        proxy.error_log()
    );
    assert_eq!(proxy.users_seen(), vec!["ci".to_string()]);
    assert!(
        !user_cache.exists(),
        "the user's credential cache was written"
    );
    // Jobs run as the principal's short name when no user is set.
    let submitted = sandbox
        .requests(Service::Oozie)
        .into_iter()
        .find(|r| r.method == "POST")
        .expect("a submit");
    assert!(
        submitted
            .query
            .as_deref()
            .unwrap_or("")
            .contains("user.name=ci"),
        "{submitted:?}"
    );

    // The same through the config's [auth] keys.
    let config = format!(
        "{}[auth]\nkeytab = \"{}\"\nprincipal = \"{principal}\"\n",
        spnego_config(&proxy),
        keytab.display()
    );
    std::fs::write(home.path().join(".config/hjob/config.toml"), config).unwrap();
    let mut command = home.command(&["run", "shell", "--", "echo", "ok"]);
    kdc.apply_env(&mut command, &user_cache);
    command.env_remove("HJOB_USER");
    let out = home.run(command);
    assert_eq!(out.status.code(), Some(0), "{}", describe(&out));
    assert!(!user_cache.exists());

    // A user that is not the principal: the cluster knows hjob as `ci`,
    // and the error says so instead of blaming the home directory.
    let mut command = home.command(&["run", "shell", "--", "echo", "ok"]);
    kdc.apply_env(&mut command, &user_cache);
    let out = home.run(command);
    let stderr = text(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{}", describe(&out));
    assert!(
        stderr.contains("the cluster knows you as \"ci\""),
        "{stderr}"
    );
    assert!(stderr.contains("--do-as"), "{stderr}");
    home.assert_no_secrets(&kerberos_secrets(&kdc, &[]));
}

fn bad_keytab() {
    let sandbox = sandbox();
    let kdc = kdc();
    let proxy = GssapiProxy::for_cluster(&kdc, &sandbox.cluster("alpha")).unwrap();
    let mut home = Home::new(&sandbox, &spnego_config(&proxy));
    let user_cache = kdc.ccache("user");
    sandbox.clear_requests();
    // The CI keytab holds `ci`, not `alice`.
    let keytab = kdc.ci_keytab();
    let mut command = home.command(&[
        "--keytab",
        keytab.to_str().unwrap(),
        "--principal",
        &kdc.principal("alice"),
        "run",
        "shell",
        "--",
        "echo",
        "ok",
    ]);
    kdc.apply_env(&mut command, &user_cache);
    let out = home.run(command);
    let stderr = text(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{}", describe(&out));
    assert!(
        stderr.contains("klist -k"),
        "the hint names the check: {stderr}"
    );
    assert!(sandbox.requests(Service::Oozie).is_empty());

    // A keytab that is not there.
    let missing = home.path().join("missing.keytab");
    let mut command = home.command(&[
        "--keytab",
        missing.to_str().unwrap(),
        "--principal",
        "ci",
        "run",
        "shell",
        "--",
        "true",
    ]);
    kdc.apply_env(&mut command, &user_cache);
    let out = home.run(command);
    assert_eq!(out.status.code(), Some(2), "{}", describe(&out));
    assert!(
        text(&out.stderr).contains("cannot read the keytab"),
        "{}",
        describe(&out)
    );

    // --keytab without --principal is a usage error before anything runs.
    let out = home.run(home.command(&["--keytab", keytab.to_str().unwrap(), "cluster"]));
    assert_eq!(out.status.code(), Some(2), "{}", describe(&out));
    assert!(sandbox.requests(Service::Oozie).is_empty());
    home.assert_no_secrets(&kerberos_secrets(&kdc, &[]));
}

/// `[clusters.alpha]` pointing at a Knox gateway.
fn knox_config(knox: &KnoxGateway, extra: &str) -> String {
    format!(
        "[http]\nbackoff_initial = \"10ms\"\nbackoff_max = \"50ms\"\nretries = 2\n[wait]\npoll_initial = \"50ms\"\npoll_max = \"200ms\"\n[clusters.alpha]\noozie_url = \"{}\"\nwebhdfs_url = \"{}\"\nyarn_url = \"{}\"\n{extra}",
        knox.oozie_url(),
        knox.webhdfs_url(),
        knox.rm_url()
    )
}

/// hjob as the gateway's user: Knox asserts its login as the identity to
/// the cluster (as real Knox does), so jobs stage under that user's home.
fn knox_command(home: &Home, args: &[&str]) -> Command {
    let mut command = home.command(args);
    command.env("HJOB_USER", crate::servers::KNOX_USER);
    command
}

fn credentials_file(home: &Home, knox: &KnoxGateway) -> PathBuf {
    knox.write_credentials_file(&home.path().join("knox.cred"))
        .unwrap()
}

fn knox_runs() {
    let sandbox = sandbox();
    let knox = KnoxGateway::start(&sandbox.cluster("alpha")).unwrap();
    let mut home = Home::new(&sandbox, "");
    let file = credentials_file(&home, &knox);
    let config = knox_config(
        &knox,
        &format!(
            "ca_bundle = \"{}\"\nbasic_credentials_file = \"{}\"\n",
            knox.ca_cert_path().display(),
            file.display()
        ),
    );
    std::fs::write(home.path().join(".config/hjob/config.toml"), config).unwrap();
    // A jar, so the upload goes through the gateway's DataNode rewrite.
    let jar = home.path().join("job.jar");
    std::fs::write(&jar, b"PK\x03\x04 not really a jar").unwrap();

    let out = home.run(knox_command(
        &home,
        &[
            "run",
            "shell",
            "--file",
            jar.to_str().unwrap(),
            "--",
            "echo",
            "ok",
        ],
    ));
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}\n{}",
        describe(&out),
        knox.error_log()
    );
    let requests = knox.requests();
    assert!(
        requests
            .iter()
            .all(|r| r.basic && r.user.as_deref() == Some("knoxuser")),
        "every request carried the gateway's credentials: {requests:?}"
    );
    assert!(
        requests.iter().any(|r| r.path.contains("/webhdfs/data/v1")),
        "the upload went through the gateway's DataNode path: {requests:?}"
    );
    assert!(
        sandbox
            .requests(Service::DataNode)
            .iter()
            .any(|r| r.method == "PUT"),
        "the bytes reached the DataNode"
    );
    let mut secrets = knox.secrets();
    secrets.extend(secrets::credential_markers());
    home.assert_no_secrets(&secrets);
}

fn knox_wrong_password() {
    let sandbox = sandbox();
    let knox = KnoxGateway::start(&sandbox.cluster("alpha")).unwrap();
    let mut home = Home::new(&sandbox, "");
    let file = home.path().join("wrong.cred");
    std::fs::write(&file, "knoxuser:not-the-password\n").unwrap();
    std::fs::set_permissions(&file, std::fs::Permissions::from_mode(0o600)).unwrap();
    let config = knox_config(
        &knox,
        &format!(
            "ca_bundle = \"{}\"\nbasic_credentials_file = \"{}\"\n",
            knox.ca_cert_path().display(),
            file.display()
        ),
    );
    std::fs::write(home.path().join(".config/hjob/config.toml"), config).unwrap();
    sandbox.clear_requests();

    let out = home.run(knox_command(&home, &["run", "shell", "--", "echo", "ok"]));
    let stderr = text(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{}", describe(&out));
    assert!(
        stderr.contains("refused the user name and password"),
        "{stderr}"
    );
    assert!(stderr.contains("basic_credentials_file"), "{stderr}");
    let refused = knox.requests().iter().filter(|r| r.status == 401).count();
    assert_eq!(
        refused,
        1,
        "refused once, never retried: {:?}",
        knox.requests()
    );
    assert!(sandbox.requests(Service::Oozie).is_empty());
    let mut secrets = knox.secrets();
    secrets.push("not-the-password".into());
    home.assert_no_secrets(&secrets);
}

fn knox_without_ca() {
    let sandbox = sandbox();
    let knox = KnoxGateway::start(&sandbox.cluster("alpha")).unwrap();
    let mut home = Home::new(&sandbox, "");
    let file = credentials_file(&home, &knox);
    let config = knox_config(
        &knox,
        &format!("basic_credentials_file = \"{}\"\n", file.display()),
    );
    std::fs::write(home.path().join(".config/hjob/config.toml"), config).unwrap();
    sandbox.clear_requests();

    let out = home.run(knox_command(&home, &["run", "shell", "--", "echo", "ok"]));
    let stderr = text(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{}", describe(&out));
    assert!(
        stderr.contains("certificate of localhost is not trusted"),
        "{stderr}"
    );
    assert!(
        stderr.contains("ca_bundle") && stderr.contains("[clusters.alpha]"),
        "{stderr}"
    );
    assert!(
        knox.requests().is_empty(),
        "no request passed the handshake: {:?}",
        knox.requests()
    );
    assert!(sandbox.requests(Service::Oozie).is_empty());

    // The bundle under [http] works as well as the cluster's.
    let config = format!(
        "{}\n",
        knox_config(
            &knox,
            &format!("basic_credentials_file = \"{}\"\n", file.display())
        )
    )
    .replace(
        "[http]\n",
        &format!(
            "[http]\nca_bundle = \"{}\"\n",
            knox.ca_cert_path().display()
        ),
    );
    std::fs::write(home.path().join(".config/hjob/config.toml"), config).unwrap();
    let out = home.run(knox_command(&home, &["run", "shell", "--", "echo", "ok"]));
    assert_eq!(out.status.code(), Some(0), "{}", describe(&out));
    home.assert_no_secrets(&knox.secrets());
}

fn knox_open_file() {
    let sandbox = sandbox();
    let knox = KnoxGateway::start(&sandbox.cluster("alpha")).unwrap();
    let mut home = Home::new(&sandbox, "");
    let file = credentials_file(&home, &knox);
    std::fs::set_permissions(&file, std::fs::Permissions::from_mode(0o640)).unwrap();
    let config = knox_config(
        &knox,
        &format!(
            "ca_bundle = \"{}\"\nbasic_credentials_file = \"{}\"\n",
            knox.ca_cert_path().display(),
            file.display()
        ),
    );
    std::fs::write(home.path().join(".config/hjob/config.toml"), config).unwrap();
    let out = home.run(knox_command(&home, &["run", "shell", "--", "echo", "ok"]));
    let stderr = text(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{}", describe(&out));
    assert!(stderr.contains("readable by others (mode 640)"), "{stderr}");
    assert!(stderr.contains("chmod 600"), "{stderr}");
    assert!(knox.requests().is_empty(), "{:?}", knox.requests());
    home.assert_no_secrets(&knox.secrets());
}

fn knox_netrc() {
    let sandbox = sandbox();
    let knox = KnoxGateway::start(&sandbox.cluster("alpha")).unwrap();
    let mut home = Home::new(&sandbox, "");
    let config = knox_config(
        &knox,
        &format!("ca_bundle = \"{}\"\n", knox.ca_cert_path().display()),
    );
    std::fs::write(home.path().join(".config/hjob/config.toml"), config).unwrap();
    let netrc = home.path().join(".netrc");
    std::fs::write(
        &netrc,
        format!(
            "machine localhost login knoxuser password {}\n",
            knox.password()
        ),
    )
    .unwrap();
    std::fs::set_permissions(&netrc, std::fs::Permissions::from_mode(0o600)).unwrap();
    let out = home.run(knox_command(&home, &["run", "shell", "--", "echo", "ok"]));
    assert_eq!(out.status.code(), Some(0), "{}", describe(&out));
    assert!(knox.requests().iter().any(|r| r.basic));

    // Without it: exit 2 naming both ways to give credentials.
    std::fs::remove_file(&netrc).unwrap();
    let out = home.run(knox_command(&home, &["run", "shell", "--", "echo", "ok"]));
    let stderr = text(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{}", describe(&out));
    assert!(
        stderr.contains("asks for a user name and password"),
        "{stderr}"
    );
    assert!(
        stderr.contains("basic_credentials_file") && stderr.contains(".netrc"),
        "{stderr}"
    );
    home.assert_no_secrets(&knox.secrets());
}
