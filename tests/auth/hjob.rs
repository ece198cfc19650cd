//! hjob itself against the real servers: `hjob run` through Apache's
//! mod_auth_gssapi with tickets from a real MIT KDC, keytabs, and a
//! Knox-like gateway (Basic over TLS with a test CA). Every test ends by
//! grepping everything it produced (hjob's stdout and stderr, the files
//! under its home) for the secrets in play.

use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use hjob_sandbox::Service;

use crate::Test;
use crate::servers::KNOX_USER;
use crate::world::AuthWorld;

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
    (
        "hjob::do_as_through_kerberos_runs_as_the_user_and_a_denied_one_exits_2",
        do_as_through_kerberos,
    ),
];

/// Tests behind Hadoop's own SPNEGO filter (they need the rig's class path).
pub const GATE_TESTS: &[Test] = &[(
    "hjob::behind_hadoops_own_filter_a_run_does_one_handshake_per_server_and_rides_hadoop_auth",
    hadoop_auth_gates,
)];

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

/// `hjob -vv ARGS`, which must exit 2: the output and its stderr.
fn refused(command: &mut Command, args: &[&str]) -> (Output, String) {
    let out = run(command, args);
    assert_eq!(out.status.code(), Some(2), "{}", describe(&out));
    let stderr = text(&out.stderr);
    (out, stderr)
}

/// `hjob -vv ARGS`: the most verbose output is checked for secrets too.
fn run(command: &mut Command, args: &[&str]) -> Output {
    command.arg("-vv").args(args).output().expect("hjob runs")
}

fn kinit_then_run() {
    let world = AuthWorld::kerberized();
    let proxy = world.proxy();
    let alice = world.kinit("alice");
    let out = run(
        &mut world.hjob(&alice),
        &["run", "shell", "--", "echo", "ok"],
    );
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
        oozie >= 3,
        "the run submitted and polled through the proxy: {requests:?}"
    );
    assert!(
        requests.iter().any(|r| r.frontend == "oozie" && r.cookie),
        "later requests ride on the cookie: {requests:?}"
    );
    assert!(!world.sandbox.requests(Service::Oozie).is_empty());
    world.assert_no_secrets(&[&out]);
}

fn no_ticket() {
    let world = AuthWorld::kerberized();
    let empty = world.ccache("nobody");
    world.sandbox.clear_requests();

    let (out, stderr) = refused(
        &mut world.hjob(&empty),
        &["run", "shell", "--", "echo", "ok"],
    );
    assert!(stderr.contains("asks for Kerberos"), "{stderr}");
    assert!(
        stderr.contains("kinit"),
        "the hint says what to do: {stderr}"
    );
    assert!(
        world.sandbox.requests(Service::Oozie).is_empty()
            && world.sandbox.requests(Service::NameNode).is_empty(),
        "requests reached the servers: {:?}",
        world.sandbox.all_requests()
    );
    assert!(world.proxy().users_seen().is_empty());
    // Refused once, never retried as an outage.
    let refusals = world.proxy().requests().len();
    assert_eq!(refusals, 1, "{:?}", world.proxy().requests());

    // --output json: one document with the error and exit code 2.
    let json = run(
        &mut world.hjob(&empty),
        &["--output", "json", "run", "shell", "--", "echo", "ok"],
    );
    assert_eq!(json.status.code(), Some(2), "{}", describe(&json));
    let doc: serde_json::Value = serde_json::from_slice(&json.stdout).expect("one JSON document");
    assert_eq!(doc["error"]["exit_code"], 2, "{doc}");
    world.assert_no_secrets(&[&out, &json]);
}

fn expired_ticket() {
    let world = AuthWorld::kerberized();
    let expired = world.ccache("expired");
    world.kdc.kinit_expired("alice", &expired).unwrap();
    world.sandbox.clear_requests();

    let (out, stderr) = refused(
        &mut world.hjob(&expired),
        &["run", "shell", "--", "echo", "ok"],
    );
    assert!(stderr.to_lowercase().contains("expired"), "{stderr}");
    assert!(stderr.contains("kinit"), "{stderr}");
    assert!(world.sandbox.requests(Service::Oozie).is_empty());
    assert!(world.sandbox.requests(Service::NameNode).is_empty());
    world.assert_no_secrets(&[&out]);
}

fn keytab_run() {
    let world = AuthWorld::kerberized();
    // The user has no ticket, and must still have none afterwards.
    let user_cache = world.ccache("user");
    let keytab = world.kdc.ci_keytab();
    let principal = world.kdc.principal("ci");
    let keytab_args = [
        "--keytab",
        keytab.to_str().unwrap(),
        "--principal",
        &principal,
    ];

    let mut command = world.hjob(&user_cache);
    command.env_remove("HJOB_USER").args(keytab_args);
    let flags = run(&mut command, &["run", "shell", "--", "echo", "ok"]);
    assert_eq!(
        flags.status.code(),
        Some(0),
        "{}\n{}",
        describe(&flags),
        world.proxy().error_log()
    );
    assert_eq!(world.proxy().users_seen(), vec!["ci".to_string()]);
    assert!(
        !user_cache.exists(),
        "the user's credential cache was written"
    );
    // Jobs run as the principal's short name when no user is set.
    let submitted = world
        .sandbox
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
    world.configure(&format!(
        "[auth]\nkeytab = \"{}\"\nprincipal = \"{principal}\"\n",
        keytab.display()
    ));
    let mut command = world.hjob(&user_cache);
    command.env_remove("HJOB_USER");
    let config = run(&mut command, &["run", "shell", "--", "echo", "ok"]);
    assert_eq!(config.status.code(), Some(0), "{}", describe(&config));
    assert!(!user_cache.exists());

    // A user that is not the principal: the cluster knows hjob as `ci`,
    // and the error says so instead of blaming the home directory.
    let (other, stderr) = refused(
        &mut world.hjob(&user_cache),
        &["run", "shell", "--", "echo", "ok"],
    );
    assert!(
        stderr.contains("the cluster knows you as \"ci\""),
        "{stderr}"
    );
    assert!(stderr.contains("--do-as"), "{stderr}");
    world.assert_no_secrets(&[&flags, &config, &other]);
}

fn bad_keytab() {
    let world = AuthWorld::kerberized();
    let user_cache = world.ccache("user");
    world.sandbox.clear_requests();
    // The CI keytab holds `ci`, not `alice`.
    let keytab = world.kdc.ci_keytab();
    let alice = world.kdc.principal("alice");
    let mut command = world.hjob(&user_cache);
    command.args(["--keytab", keytab.to_str().unwrap(), "--principal", &alice]);
    let (wrong, stderr) = refused(&mut command, &["run", "shell", "--", "echo", "ok"]);
    assert!(
        stderr.contains("klist -k"),
        "the hint names the check: {stderr}"
    );
    assert!(world.sandbox.requests(Service::Oozie).is_empty());

    // A keytab that is not there.
    let missing = world.home.path().join("missing.keytab");
    let mut command = world.hjob(&user_cache);
    command.args(["--keytab", missing.to_str().unwrap(), "--principal", "ci"]);
    let absent = run(&mut command, &["run", "shell", "--", "true"]);
    assert_eq!(absent.status.code(), Some(2), "{}", describe(&absent));
    assert!(
        text(&absent.stderr).contains("cannot read the keytab"),
        "{}",
        describe(&absent)
    );

    // --keytab without --principal is a usage error before anything runs.
    let mut command = world.hjob(&user_cache);
    command.args(["--keytab", keytab.to_str().unwrap()]);
    let half = run(&mut command, &["cluster"]);
    assert_eq!(half.status.code(), Some(2), "{}", describe(&half));
    assert!(world.sandbox.requests(Service::Oozie).is_empty());
    world.assert_no_secrets(&[&wrong, &absent, &half]);
}

/// A private file outside the hjob home (the home is grepped for secrets).
fn secret_file(dir: &Path, name: &str, content: &str, mode: u32) -> PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, content).unwrap();
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(mode)).unwrap();
    path
}

/// hjob as the gateway's user: Knox asserts its login as the identity to
/// the cluster (as real Knox does), so jobs stage under that user's home.
fn knox_hjob(world: &AuthWorld) -> Command {
    let mut command = world.hjob(&world.ccache("none"));
    command.env("HJOB_USER", KNOX_USER);
    command
}

/// `[clusters.alpha]` keys for the gateway's CA and a credentials file.
fn knox_keys(world: &AuthWorld, credentials: Option<&Path>) -> String {
    let mut keys = format!(
        "ca_bundle = \"{}\"\n",
        world.gateway().ca_cert_path().display()
    );
    if let Some(file) = credentials {
        keys.push_str(&format!(
            "basic_credentials_file = \"{}\"\n",
            file.display()
        ));
    }
    keys
}

fn knox_runs() {
    let world = AuthWorld::knox();
    let knox = world.gateway();
    let secrets = tempfile::tempdir().unwrap();
    let file = knox
        .write_credentials_file(&secrets.path().join("knox.cred"))
        .unwrap();
    world.configure_alpha(&knox_keys(&world, Some(&file)), "");
    // A jar, so the upload goes through the gateway's DataNode rewrite.
    let jar = world.home.path().join("job.jar");
    std::fs::write(&jar, b"PK\x03\x04 not really a jar").unwrap();

    let out = run(
        &mut knox_hjob(&world),
        &[
            "run",
            "shell",
            "--file",
            jar.to_str().unwrap(),
            "--",
            "echo",
            "ok",
        ],
    );
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
            .all(|r| r.basic && r.user.as_deref() == Some(KNOX_USER)),
        "every request carried the gateway's credentials: {requests:?}"
    );
    assert!(
        requests.iter().any(|r| r.path.contains("/webhdfs/data/v1")),
        "the upload went through the gateway's DataNode path: {requests:?}"
    );
    assert!(
        world
            .sandbox
            .requests(Service::DataNode)
            .iter()
            .any(|r| r.method == "PUT"),
        "the bytes reached the DataNode"
    );
    world.assert_no_secrets(&[&out]);
}

fn knox_wrong_password() {
    let world = AuthWorld::knox();
    let secrets = tempfile::tempdir().unwrap();
    let file = secret_file(
        secrets.path(),
        "wrong.cred",
        "knoxuser:not-the-password\n",
        0o600,
    );
    world.configure_alpha(&knox_keys(&world, Some(&file)), "");
    world.sandbox.clear_requests();

    let (out, stderr) = refused(
        &mut knox_hjob(&world),
        &["run", "shell", "--", "echo", "ok"],
    );
    assert!(
        stderr.contains("refused the user name and password"),
        "{stderr}"
    );
    assert!(stderr.contains("basic_credentials_file"), "{stderr}");
    assert!(!stderr.contains("not-the-password"), "{stderr}");
    let knox = world.gateway();
    let refused = knox.requests().iter().filter(|r| r.status == 401).count();
    assert_eq!(
        refused,
        1,
        "refused once, never retried: {:?}",
        knox.requests()
    );
    assert!(world.sandbox.requests(Service::Oozie).is_empty());
    world.assert_no_secrets(&[&out]);
}

fn knox_without_ca() {
    let world = AuthWorld::knox();
    let knox = world.gateway();
    let secrets = tempfile::tempdir().unwrap();
    let file = knox
        .write_credentials_file(&secrets.path().join("knox.cred"))
        .unwrap();
    world.configure_alpha(
        &format!("basic_credentials_file = \"{}\"\n", file.display()),
        "",
    );
    world.sandbox.clear_requests();

    let (untrusted, stderr) = refused(
        &mut knox_hjob(&world),
        &["run", "shell", "--", "echo", "ok"],
    );
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
    assert!(world.sandbox.requests(Service::Oozie).is_empty());

    // The bundle under [http] works as well as the cluster's (here from
    // the system layer, merged key by key with the user's [http]).
    let system = secrets.path().join("system.toml");
    std::fs::write(
        &system,
        format!(
            "[http]\nca_bundle = \"{}\"\n",
            knox.ca_cert_path().display()
        ),
    )
    .unwrap();
    let mut command = knox_hjob(&world);
    command.env("HJOB_SYSTEM_CONFIG", &system);
    let trusted = run(&mut command, &["run", "shell", "--", "echo", "ok"]);
    assert_eq!(trusted.status.code(), Some(0), "{}", describe(&trusted));
    world.assert_no_secrets(&[&untrusted, &trusted]);
}

fn knox_open_file() {
    let world = AuthWorld::knox();
    let knox = world.gateway();
    let secrets = tempfile::tempdir().unwrap();
    let file = knox
        .write_credentials_file(&secrets.path().join("knox.cred"))
        .unwrap();
    std::fs::set_permissions(&file, std::fs::Permissions::from_mode(0o640)).unwrap();
    world.configure_alpha(&knox_keys(&world, Some(&file)), "");
    let (out, stderr) = refused(
        &mut knox_hjob(&world),
        &["run", "shell", "--", "echo", "ok"],
    );
    assert!(stderr.contains("readable by others (mode 640)"), "{stderr}");
    assert!(stderr.contains("chmod 600"), "{stderr}");
    assert!(knox.requests().is_empty(), "{:?}", knox.requests());
    world.assert_no_secrets(&[&out]);
}

fn knox_netrc() {
    let world = AuthWorld::knox();
    let knox = world.gateway();
    world.configure_alpha(&knox_keys(&world, None), "");
    // ~/.netrc lives in a HOME of its own: the hjob home is grepped.
    let netrc_home = tempfile::tempdir().unwrap();
    let netrc = secret_file(
        netrc_home.path(),
        ".netrc",
        &format!(
            "machine localhost login {KNOX_USER} password {}\n",
            knox.password()
        ),
        0o600,
    );
    let mut command = knox_hjob(&world);
    command.env("HOME", netrc_home.path());
    let answered = run(&mut command, &["run", "shell", "--", "echo", "ok"]);
    assert_eq!(answered.status.code(), Some(0), "{}", describe(&answered));
    assert!(knox.requests().iter().any(|r| r.basic));

    // Readable by others: refused like the credentials file.
    std::fs::set_permissions(&netrc, std::fs::Permissions::from_mode(0o644)).unwrap();
    let mut command = knox_hjob(&world);
    command.env("HOME", netrc_home.path());
    let open = run(&mut command, &["run", "shell", "--", "echo", "ok"]);
    assert_eq!(open.status.code(), Some(2), "{}", describe(&open));
    assert!(
        text(&open.stderr).contains("chmod 600"),
        "{}",
        describe(&open)
    );

    // Without it: exit 2 naming both ways to give credentials.
    std::fs::remove_file(&netrc).unwrap();
    let mut command = knox_hjob(&world);
    command.env("HOME", netrc_home.path());
    let (none, stderr) = refused(&mut command, &["run", "shell", "--", "echo", "ok"]);
    assert!(
        stderr.contains("asks for a user name and password"),
        "{stderr}"
    );
    assert!(
        stderr.contains("basic_credentials_file") && stderr.contains(".netrc"),
        "{stderr}"
    );
    world.assert_no_secrets(&[&answered, &open, &none]);
}

fn hadoop_auth_gates() {
    let world = AuthWorld::hadoop_auth();
    let alice = world.kinit("alice");
    let out = run(
        &mut world.hjob(&alice),
        &["run", "shell", "--", "echo", "ok"],
    );
    assert_eq!(out.status.code(), Some(0), "{}", describe(&out));
    let gates = world.gates.as_ref().expect("gates");
    for (name, gate) in [
        ("oozie", &gates.oozie),
        ("namenode", &gates.namenode),
        ("resourcemanager", &gates.resourcemanager),
    ] {
        let handshakes = gate.negotiate_handshakes();
        assert!(
            handshakes <= 1,
            "{name}: {handshakes} handshakes: {:?}",
            gate.requests()
        );
    }
    assert_eq!(gates.oozie.negotiate_handshakes(), 1);
    assert!(
        gates.oozie.requests_at_least(3).len() >= 3,
        "{:?}",
        gates.oozie.requests()
    );
    assert_eq!(gates.oozie.users_seen(), vec!["alice".to_string()]);
    world.assert_no_secrets(&[&out]);
}

fn do_as_through_kerberos() {
    let world = AuthWorld::kerberized();
    let proxy = world.proxy();
    // svc may act for alice (the proxy's proxy-user rules).
    let svc = world.kinit("svc");
    let mut command = world.hjob(&svc);
    command.env("HJOB_USER", "svc");
    let allowed = run(
        &mut command,
        &["--do-as", "alice", "run", "shell", "--", "echo", "ok"],
    );
    assert_eq!(
        allowed.status.code(),
        Some(0),
        "{}\n{}",
        describe(&allowed),
        proxy.error_log()
    );
    let requests = proxy.requests();
    assert!(
        requests
            .iter()
            .filter(|r| r.status < 400 && r.frontend != "resourcemanager")
            .all(|r| r.principal.as_deref() == Some("svc@HJOB.TEST")
                && r.effective_user.as_deref() == Some("alice")),
        "authenticated as svc, acting for alice: {requests:?}"
    );
    assert!(
        requests.iter().any(|r| r.frontend == "oozie"
            && r.method == "POST"
            && r.query.as_deref().unwrap_or("").contains("doAs=alice")),
        "Oozie got doAs: {requests:?}"
    );
    assert!(
        world
            .sandbox
            .requests(Service::Oozie)
            .iter()
            .any(|r| r.method == "POST"),
        "the job was submitted"
    );

    // alice may act for nobody: exit 2, nothing submitted.
    world.sandbox.clear_requests();
    let alice = world.kinit("alice");
    let (denied, stderr) = refused(
        &mut world.hjob(&alice),
        &["--do-as", "bob", "run", "shell", "--", "echo", "no"],
    );
    assert!(stderr.contains("proxy user"), "{stderr}");
    assert!(stderr.contains("proxy-user rules"), "{stderr}");
    assert!(
        world
            .sandbox
            .requests(Service::Oozie)
            .iter()
            .all(|r| r.method != "POST"),
        "nothing was submitted"
    );
    world.assert_no_secrets(&[&allowed, &denied]);
}
