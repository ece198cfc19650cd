//! Hadoop's own SPNEGO server side (hadoop-auth's AuthenticationFilter in
//! `hjob.rig.SpnegoGate`) with `curl`: the `hadoop.auth` cookie and its
//! reuse, the 401 challenge, identity assertion. Needs the rig built.

use std::process::Command;
use std::time::Duration;

use hjob_sandbox::{Sandbox, SandboxOptions, Service};

use crate::Test;
use crate::servers::curl;
use crate::servers::gate::SpnegoGate;
use crate::servers::{GssapiProxy, Kdc, REALM};
use crate::world::AuthWorld;

pub const TESTS: &[Test] = &[
    (
        "hadoop_auth::spnego_gate_sets_and_honours_the_hadoop_auth_cookie",
        cookie,
    ),
    (
        "hadoop_auth::auth_world_behind_hadoop_auth_gates",
        world_gates,
    ),
    (
        "hadoop_auth::raw_krb5_and_spnego_tokens_are_accepted_by_both_servers",
        mechanisms,
    ),
];

/// Both SPNEGO servers of the rig take a raw Kerberos token (krb5 mech
/// OID, what `cross-krb5` sends) as well as a SPNEGO-wrapped one.
fn mechanisms() {
    let sandbox = Sandbox::start_blocking(SandboxOptions::new()).expect("sandbox starts");
    let kdc = Kdc::start().unwrap_or_else(|e| panic!("KDC: {e}"));
    let oozie = sandbox.cluster("alpha").oozie;
    let proxy = GssapiProxy::start_without_sessions(&kdc, &[("oozie", &oozie)]).unwrap();
    let gate = SpnegoGate::start(&kdc, &oozie).unwrap_or_else(|e| panic!("SpnegoGate: {e}"));
    let alice = kdc.ccache("alice");
    kdc.kinit("alice", kdc.password("alice"), &alice).unwrap();
    let probe = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/auth/servers/NegotiateProbe.java");
    let classes = tempfile::tempdir().unwrap();
    let javac = java_binary().with_file_name("javac");
    let built = Command::new(&javac)
        .arg("-d")
        .arg(classes.path())
        .arg(&probe)
        .status()
        .expect("javac runs");
    assert!(built.success(), "javac {}", probe.display());
    for base in [proxy.url("oozie"), gate.url()] {
        for mech in ["krb5", "spnego"] {
            let url = format!("{base}/oozie/v1/admin/status");
            let mut java = Command::new(java_binary());
            kdc.apply_env(&mut java, &alice);
            let out = java
                .arg(format!(
                    "-Djava.security.krb5.conf={}",
                    kdc.krb5_conf().display()
                ))
                .arg("-Djavax.security.auth.useSubjectCredsOnly=false")
                .args(["-XX:TieredStopAtLevel=1", "-Xshare:auto", "-cp"])
                .arg(classes.path())
                .arg("NegotiateProbe")
                .args([&url, mech])
                .output()
                .expect("java runs");
            assert_eq!(
                String::from_utf8_lossy(&out.stdout).trim(),
                "200",
                "{base} with {mech}: {}",
                String::from_utf8_lossy(&out.stderr)
            );
        }
    }
    assert_eq!(proxy.negotiate_handshakes(), 2);
    // Two probes, each a 401 then a 200: wait for the gate's four lines.
    gate.requests_at_least(4);
    assert_eq!(gate.negotiate_handshakes(), 2);
    assert_eq!(proxy.users_seen(), vec!["alice".to_string()]);
    assert_eq!(gate.users_seen(), vec!["alice".to_string()]);
}

fn java_binary() -> std::path::PathBuf {
    std::env::var_os("JAVA_HOME")
        .map(|h| std::path::PathBuf::from(h).join("bin/java"))
        .filter(|p| p.is_file())
        .or_else(|| crate::servers::process::find_tool("java"))
        .expect("java")
}

fn world_gates() {
    let world = AuthWorld::hadoop_auth();
    let gates = world.gates.as_ref().unwrap();
    let alice = world.kinit("alice");
    let out = world.run(&alice, &["config", "show", "--output", "json"]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let doc = String::from_utf8_lossy(&out.stdout);
    assert!(
        doc.contains(&format!("{}/oozie", gates.oozie.url())),
        "{doc}"
    );
    // The NameNode gate: WebHDFS as alice, the DataNode redirect untouched.
    let dir = tempfile::tempdir().unwrap();
    let url = format!("{}/webhdfs/v1/tmp/g.txt?op=CREATE", gates.namenode.url());
    let out = curl::run(
        curl::command(&world.kdc.env(&alice)),
        dir.path(),
        &["--negotiate", "-u", ":", "-X", "PUT", &url],
    );
    assert_eq!(out.status, 307, "{out:?}\n{}", gates.namenode.log());
    let location = out.header("location").unwrap_or_default();
    let datanode = world.sandbox.cluster("alpha").datanode;
    assert!(location.starts_with(&datanode), "{location}");
    assert!(location.contains("user.name=alice"), "{location}");
    world.assert_no_secrets(&[&out_of(&out)]);
}

/// A curl result as an `Output` (for `assert_no_secrets`): body and
/// stderr; not the raw headers, which carry the server's mutual-auth
/// Negotiate token by design.
fn out_of(out: &curl::CurlOutput) -> std::process::Output {
    use std::os::unix::process::ExitStatusExt as _;
    std::process::Output {
        status: std::process::ExitStatus::from_raw(0),
        stdout: out.body.clone().into_bytes(),
        stderr: out.stderr.clone().into_bytes(),
    }
}

fn cookie() {
    let sandbox = Sandbox::start_blocking(
        SandboxOptions::new()
            .action_duration(Duration::from_millis(50))
            .step_delay(Duration::from_millis(5)),
    )
    .expect("sandbox starts");
    let kdc = Kdc::start().unwrap_or_else(|e| panic!("KDC: {e}"));
    let gate = SpnegoGate::start(&kdc, &sandbox.cluster("alpha").oozie)
        .unwrap_or_else(|e| panic!("SpnegoGate: {e}"));
    let dir = tempfile::tempdir().unwrap();
    let url = format!("{}/oozie/v1/admin/status", gate.url());

    // No credentials: hadoop-auth's challenge, nothing reaches Oozie.
    let out = curl::run(curl::command(&[]), dir.path(), &[&url]);
    assert_eq!(out.status, 401, "{out:?}\n{}", gate.log());
    assert_eq!(out.header("www-authenticate").as_deref(), Some("Negotiate"));
    assert_eq!(sandbox.requests(Service::Oozie).len(), 0);

    let alice = kdc.ccache("alice");
    kdc.kinit("alice", kdc.password("alice"), &alice).unwrap();
    let jar = dir.path().join("jar");
    let jar = jar.to_str().unwrap();
    let out = curl::run(
        curl::command(&kdc.env(&alice)),
        dir.path(),
        &["--negotiate", "-u", ":", "-c", jar, &url],
    );
    assert_eq!(out.status, 200, "{out:?}\n{}", gate.log());
    assert!(out.body.contains("systemMode"), "{}", out.body);
    let cookie = out.header("set-cookie").unwrap_or_default();
    assert!(
        cookie.starts_with(&format!(
            "hadoop.auth=\"u=alice&p=alice@{REALM}&t=kerberos&e="
        )),
        "{}",
        out.headers
    );

    // The cookie alone is enough for the next request.
    let out = curl::run(curl::command(&[]), dir.path(), &["-b", jar, &url]);
    assert_eq!(out.status, 200, "{out:?}");
    let requests = gate.requests_at_least(3);
    assert_eq!(requests.len(), 3, "{requests:?}");
    assert_eq!(gate.negotiate_handshakes(), 1);
    assert!(requests[2].cookie && !requests[2].negotiate);
    assert_eq!(requests[2].user.as_deref(), Some("alice"));
    assert_eq!(gate.users_seen(), vec!["alice".to_string()]);
    let oozie = sandbox.requests(Service::Oozie);
    assert_eq!(oozie.len(), 2);
    assert_eq!(oozie[0].query.as_deref(), Some("user.name=alice"));
    assert_eq!(requests[0].query, None);
    assert_eq!(requests[0].forwarded_query, None);
    assert_eq!(
        requests[1].forwarded_query.as_deref(),
        Some("user.name=alice")
    );
}
