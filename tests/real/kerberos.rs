//! hjob against the real Oozie behind Oozie's own Kerberos authentication
//! (`AuthFilter`, Hadoop's KerberosAuthenticationHandler, which sets the
//! `hadoop.auth` cookie), with tickets from the rig's MIT KDC.

use std::path::Path;
use std::process::{Command, Output};

use serde_json::Value;

use crate::Test;
use crate::rig::{Rig, RigKerberos, get_json, hjob_command, home_with, text, unique};

pub const TESTS: &[Test] = &[(
    "kerberos::kinit_or_keytab_then_run_on_kerberized_oozie_with_one_handshake_and_no_ticket_exits_2",
    kerberized_oozie,
)];

fn counts(kerberos: &RigKerberos) -> (u64, u64, u64) {
    let v: Value = get_json(&kerberos.counts_url);
    let n = |k: &str| v[k].as_u64().unwrap_or_else(|| panic!("no {k} in {v}"));
    (n("requests"), n("negotiate"), n("cookie"))
}

fn hjob(rig: &Rig, home: &Path, kerberos: &RigKerberos, ccache: &Path, args: &[&str]) -> Output {
    let mut command: Command = hjob_command(home, &rig.state_url, &rig.user);
    command
        .env("KRB5_CONFIG", &kerberos.krb5_conf)
        .env("KRB5CCNAME", format!("FILE:{}", ccache.display()))
        .args(args);
    command.output().expect("hjob runs")
}

fn kerberized_oozie(rig: &Rig) {
    let kerberos = rig.kerberos.clone().unwrap_or_else(|| {
        panic!("the rig has no Kerberos Oozie: install krb5-kdc and krb5-admin-server, then restart the rig")
    });
    let home = home_with(&format!(
        "[http]\ntimeout = \"60s\"\n[clusters.rig]\noozie_url = \"{}\"\n",
        kerberos.oozie_url
    ));
    let ccache = home.path().join("ccache");

    // No ticket: exit 2 with the fix, and no job.
    let name = unique("krb-none");
    let before = counts(&kerberos);
    let out = hjob(
        rig,
        home.path(),
        &kerberos,
        &ccache,
        &["run", "shell", "--name", &name, "--", "echo", "no"],
    );
    let stderr = text(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(
        stderr.contains("asks for Kerberos") && stderr.contains("kinit"),
        "{stderr}"
    );
    let after = counts(&kerberos);
    assert_eq!(
        after.0 - before.0,
        1,
        "one refused request, never retried: {before:?} -> {after:?}"
    );
    assert_eq!(after.1, before.1, "no token was sent");

    // kinit (from the rig user's keytab), then a run: one Negotiate
    // handshake, every later request on the hadoop.auth cookie.
    let kinit = Command::new("kinit")
        .env("KRB5_CONFIG", &kerberos.krb5_conf)
        .env("KRB5CCNAME", format!("FILE:{}", ccache.display()))
        .arg("-k")
        .arg("-t")
        .arg(&kerberos.keytab)
        .arg(&kerberos.principal)
        .output()
        .expect("kinit runs");
    assert!(kinit.status.success(), "kinit: {}", text(&kinit.stderr));
    let word = unique("krb-ok");
    let before = counts(&kerberos);
    let out = hjob(
        rig,
        home.path(),
        &kerberos,
        &ccache,
        &["run", "shell", "--", "echo", &word],
    );
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert!(text(&out.stdout).contains(&word), "{}", text(&out.stdout));
    let after = counts(&kerberos);
    let requests = after.0 - before.0;
    assert_eq!(
        after.1 - before.1,
        1,
        "one handshake per run: {before:?} -> {after:?}"
    );
    assert!(
        requests >= 3,
        "the run submitted and polled: {before:?} -> {after:?}"
    );
    assert_eq!(
        after.2 - before.2,
        requests - 2,
        "all but the challenged request and its answer rode on the cookie: {before:?} -> {after:?}"
    );

    // A keytab, with no ticket cache at all.
    std::fs::remove_file(&ccache).unwrap();
    let before = counts(&kerberos);
    let out = hjob(
        rig,
        home.path(),
        &kerberos,
        &ccache,
        &[
            "--keytab",
            kerberos.keytab.to_str().unwrap(),
            "--principal",
            &kerberos.principal,
            "run",
            "shell",
            "--",
            "echo",
            "keytab",
        ],
    );
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let after = counts(&kerberos);
    assert_eq!(after.1 - before.1, 1, "{before:?} -> {after:?}");
    assert!(!ccache.exists(), "the keytab run wrote a ticket cache");
}
