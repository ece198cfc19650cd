//! Smoke tests of the rig itself, with `curl` as the client: they prove
//! the KDC, the SPNEGO proxy and the Knox-like gateway behave like the
//! real thing before hjob is tested against them.

use std::time::Duration;

use hjob_sandbox::{Sandbox, SandboxOptions, Service};

use crate::Test;
use crate::servers::curl::{self, CurlOutput};
use crate::servers::secrets;
use crate::servers::{GssapiProxy, Kdc, KnoxGateway, REALM, SESSION_COOKIE};
use crate::world::AuthWorld;

pub const TESTS: &[Test] = &[
    (
        "smoke::kdc_issues_password_keytab_and_short_tickets",
        kdc_tickets,
    ),
    ("smoke::spnego_proxy_passes_alice_to_oozie", spnego_alice),
    (
        "smoke::spnego_proxy_accepts_the_ip_host_too",
        spnego_ip_host,
    ),
    (
        "smoke::spnego_proxy_refuses_without_or_with_expired_ticket",
        spnego_refuses,
    ),
    (
        "smoke::spnego_session_cookie_saves_the_second_handshake",
        spnego_cookie,
    ),
    (
        "smoke::spnego_proxy_keytab_ticket_is_seen_as_ci",
        spnego_keytab,
    ),
    (
        "smoke::spnego_webhdfs_redirect_points_at_the_datanode",
        spnego_webhdfs,
    ),
    (
        "smoke::spnego_proxy_asserts_identity_and_proxy_users",
        spnego_do_as,
    ),
    ("smoke::knox_right_password_with_ca_reaches_oozie", knox_ok),
    (
        "smoke::knox_wrong_or_no_password_is_401",
        knox_wrong_password,
    ),
    (
        "smoke::knox_without_the_ca_is_a_certificate_error",
        knox_no_ca,
    ),
    ("smoke::knox_webhdfs_two_step_create_and_open", knox_webhdfs),
    ("smoke::knox_resourcemanager_maps_to_ws", knox_rm),
    (
        "smoke::secrets_check_reports_without_printing",
        secrets_check,
    ),
    (
        "smoke::auth_world_points_hjob_at_the_front_doors",
        world_config,
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

fn scratch() -> tempfile::TempDir {
    tempfile::tempdir().unwrap()
}

/// curl with `--negotiate` and `ccache`.
fn negotiate(
    kdc: &Kdc,
    ccache: &std::path::Path,
    scratch: &std::path::Path,
    args: &[&str],
) -> CurlOutput {
    let mut full = vec!["--negotiate", "-u", ":"];
    full.extend_from_slice(args);
    curl::run(curl::command(&kdc.env(ccache)), scratch, &full)
}

fn kdc_tickets() {
    let kdc = kdc();
    let alice = kdc.ccache("alice");
    kdc.kinit("alice", kdc.password("alice"), &alice).unwrap();
    assert!(kdc.has_valid_ticket(&alice));
    assert!(kdc.klist(&alice).contains(&format!("alice@{REALM}")));

    let wrong = kdc.kinit("bob", "not-the-password", &kdc.ccache("bob"));
    assert!(wrong.is_err(), "a wrong password must not give a ticket");

    let ci = kdc.ccache("ci");
    kdc.kinit_keytab("ci", &kdc.ci_keytab(), &ci).unwrap();
    assert!(kdc.klist(&ci).contains(&format!("ci@{REALM}")));

    let expired = kdc.ccache("expired");
    kdc.kinit_expired("alice", &expired).unwrap();
    assert!(!kdc.has_valid_ticket(&expired));
    assert!(kdc.klist(&expired).contains(&format!("alice@{REALM}")));
}

fn spnego_alice() {
    let sandbox = sandbox();
    let kdc = kdc();
    let cluster = sandbox.cluster("alpha");
    let proxy = GssapiProxy::for_cluster(&kdc, &cluster).unwrap();
    let alice = kdc.ccache("alice");
    kdc.kinit("alice", kdc.password("alice"), &alice).unwrap();
    let dir = scratch();

    let url = format!("{}/v1/admin/status", proxy.oozie_url());
    let out = negotiate(&kdc, &alice, dir.path(), &[&url]);
    assert_eq!(out.status, 200, "{out:?}\n{}", proxy.error_log());
    assert!(out.body.contains("systemMode"), "{}", out.body);

    let requests = proxy.requests();
    assert_eq!(requests.len(), 1, "{requests:?}");
    assert_eq!(requests[0].frontend, "oozie");
    assert_eq!(requests[0].user.as_deref(), Some("alice"));
    assert_eq!(requests[0].principal.as_deref(), Some("alice@HJOB.TEST"));
    assert!(requests[0].negotiate);
    assert_eq!(proxy.users_seen(), vec!["alice".to_string()]);
    assert_eq!(sandbox.requests(Service::Oozie).len(), 1);
    assert!(
        out.header("set-cookie")
            .is_some_and(|c| c.starts_with(&format!("{SESSION_COOKIE}="))),
        "{}",
        out.headers
    );

    // The proxy logs flags, never the token.
    let files: Vec<String> = secrets::files_under(proxy.dir())
        .into_iter()
        .map(|(_, c)| c)
        .collect();
    let files: Vec<&str> = files.iter().map(String::as_str).collect();
    let markers = secrets::credential_markers();
    let markers: Vec<&str> = markers.iter().map(String::as_str).collect();
    secrets::assert_no_secrets(&files, &markers);
}

fn spnego_ip_host() {
    let sandbox = sandbox();
    let kdc = kdc();
    let cluster = sandbox.cluster("alpha");
    let proxy = GssapiProxy::start(&kdc, &[("namenode", &cluster.namenode)]).unwrap();
    let bob = kdc.ccache("bob");
    kdc.kinit("bob", kdc.password("bob"), &bob).unwrap();
    let dir = scratch();
    let url = format!(
        "{}/webhdfs/v1/?op=GETHOMEDIRECTORY&user.name=bob",
        proxy.ip_url("namenode")
    );
    let out = negotiate(&kdc, &bob, dir.path(), &[&url]);
    assert_eq!(out.status, 200, "{out:?}\n{}", proxy.error_log());
    assert!(
        kdc.klist(&bob).contains("HTTP/127.0.0.1@HJOB.TEST"),
        "{}",
        kdc.klist(&bob)
    );
    assert_eq!(proxy.users_seen(), vec!["bob".to_string()]);
}

fn spnego_refuses() {
    let sandbox = sandbox();
    let kdc = kdc();
    let cluster = sandbox.cluster("alpha");
    let proxy = GssapiProxy::for_cluster(&kdc, &cluster).unwrap();
    let dir = scratch();
    let url = format!("{}/v1/admin/status", proxy.oozie_url());

    let empty = kdc.ccache("nobody");
    let out = negotiate(&kdc, &empty, dir.path(), &[&url]);
    assert_eq!(out.status, 401, "{out:?}");
    assert_eq!(out.header("www-authenticate").as_deref(), Some("Negotiate"));

    let expired = kdc.ccache("expired");
    kdc.kinit_expired("alice", &expired).unwrap();
    let out = negotiate(&kdc, &expired, dir.path(), &[&url]);
    assert_eq!(out.status, 401, "{out:?}");

    let requests = proxy.requests();
    assert!(
        requests.iter().all(|r| r.status == 401 && r.user.is_none()),
        "{requests:?}"
    );
    assert!(proxy.users_seen().is_empty());
    assert_eq!(sandbox.requests(Service::Oozie).len(), 0);
}

fn spnego_cookie() {
    let sandbox = sandbox();
    let kdc = kdc();
    let cluster = sandbox.cluster("alpha");
    let proxy = GssapiProxy::for_cluster(&kdc, &cluster).unwrap();
    let alice = kdc.ccache("alice");
    kdc.kinit("alice", kdc.password("alice"), &alice).unwrap();
    let dir = scratch();
    let jar = dir.path().join("cookies");
    let jar = jar.to_str().unwrap();
    let url = format!("{}/v1/admin/status", proxy.oozie_url());

    // curl sends Negotiate whenever --negotiate is given, so the second
    // request relies on the cookie alone, as a cookie-reusing client does.
    let first = negotiate(&kdc, &alice, dir.path(), &["-c", jar, &url]);
    assert_eq!(first.status, 200, "{first:?}");
    let second = curl::run(
        curl::command(&[]),
        dir.path(),
        &["-b", jar, "-c", jar, &url],
    );
    assert_eq!(second.status, 200, "{second:?}\n{}", proxy.error_log());

    let requests = proxy.requests();
    assert_eq!(requests.len(), 2, "{requests:?}");
    assert_eq!(proxy.negotiate_handshakes(), 1);
    assert!(!requests[1].negotiate && requests[1].cookie, "{requests:?}");
    assert_eq!(requests[1].user.as_deref(), Some("alice"));
    assert_eq!(sandbox.requests(Service::Oozie).len(), 2);

    // Another frontend has its own session key: the Oozie cookie is no
    // credential there (as with two Hadoop servers' signing secrets).
    let nn = format!("{}/?op=GETHOMEDIRECTORY", proxy.webhdfs_url());
    let out = curl::run(curl::command(&[]), dir.path(), &["-b", jar, &nn]);
    assert_eq!(out.status, 401, "{out:?}");
    assert_eq!(
        proxy.negotiate_handshakes_by_frontend(),
        vec![
            ("oozie".to_string(), 1),
            ("namenode".to_string(), 0),
            ("resourcemanager".to_string(), 0)
        ]
    );
}

fn spnego_keytab() {
    let sandbox = sandbox();
    let kdc = kdc();
    let cluster = sandbox.cluster("alpha");
    let proxy =
        GssapiProxy::start_without_sessions(&kdc, &[("resourcemanager", &cluster.resourcemanager)])
            .unwrap();
    let ci = kdc.ccache("ci");
    kdc.kinit_keytab("ci", &kdc.ci_keytab(), &ci).unwrap();
    let dir = scratch();
    let url = format!("{}/ws/v1/cluster/info", proxy.rm_url());
    let out = negotiate(&kdc, &ci, dir.path(), &[&url]);
    assert_eq!(out.status, 200, "{out:?}");
    assert!(out.header("set-cookie").is_none(), "{}", out.headers);
    assert_eq!(proxy.principals_seen(), vec!["ci@HJOB.TEST".to_string()]);
}

fn spnego_webhdfs() {
    let sandbox = sandbox();
    let kdc = kdc();
    let cluster = sandbox.cluster("alpha");
    let proxy = GssapiProxy::for_cluster(&kdc, &cluster).unwrap();
    let alice = kdc.ccache("alice");
    kdc.kinit("alice", kdc.password("alice"), &alice).unwrap();
    let dir = scratch();

    let create = format!(
        "{}/tmp/spnego.txt?op=CREATE&user.name=alice",
        proxy.webhdfs_url()
    );
    let step1 = negotiate(&kdc, &alice, dir.path(), &["-X", "PUT", &create]);
    assert_eq!(step1.status, 307, "{step1:?}");
    let location = step1.header("location").expect("a Location");
    assert!(
        location.starts_with(&format!("{}/webhdfs/v1/tmp/spnego.txt?", cluster.datanode)),
        "the redirect must point at the DataNode itself: {location}"
    );
    // Step 2 goes straight to the DataNode, without credentials.
    let data = dir.path().join("data");
    std::fs::write(&data, "through the proxy\n").unwrap();
    let step2 = curl::run(
        curl::command(&[]),
        dir.path(),
        &["-X", "PUT", "-T", data.to_str().unwrap(), &location],
    );
    assert_eq!(step2.status, 201, "{step2:?}");

    let open = format!(
        "{}/tmp/spnego.txt?op=OPEN&user.name=alice",
        cluster.webhdfs_url()
    );
    let read = curl::run(curl::command(&[]), dir.path(), &["-L", &open]);
    assert_eq!(read.body, "through the proxy\n");
    assert_eq!(proxy.users_seen(), vec!["alice".to_string()]);
}

fn spnego_do_as() {
    let sandbox = sandbox();
    let kdc = kdc();
    let cluster = sandbox.cluster("alpha");
    let proxy = GssapiProxy::for_cluster(&kdc, &cluster).unwrap();
    let (alice, svc) = (kdc.ccache("alice"), kdc.ccache("svc"));
    kdc.kinit("alice", kdc.password("alice"), &alice).unwrap();
    kdc.kinit("svc", kdc.password("svc"), &svc).unwrap();
    let dir = scratch();
    let home = |query: &str| format!("{}/?op=GETHOMEDIRECTORY{query}", proxy.webhdfs_url());

    // The client's user.name is replaced by the authenticated user.
    let out = negotiate(&kdc, &alice, dir.path(), &[&home("&user.name=mallory")]);
    assert_eq!(out.status, 200, "{out:?}");
    assert!(out.body.contains("/user/alice"), "{}", out.body);

    // svc may act for alice (doAs, or WebHDFS's doas).
    let out = negotiate(&kdc, &svc, dir.path(), &[&home("&doas=alice")]);
    assert!(out.body.contains("/user/alice"), "{out:?}");
    let out = negotiate(&kdc, &svc, dir.path(), &[&home("&doAs=bob")]);
    assert!(out.body.contains("/user/bob"), "{out:?}");

    // alice may not act for bob; svc may not act for ci.
    let out = negotiate(&kdc, &alice, dir.path(), &[&home("&doas=bob")]);
    assert_eq!(out.status, 403, "{out:?}");
    assert!(
        out.body
            .contains("User: alice is not allowed to impersonate bob"),
        "{}",
        out.body
    );
    let status = format!("{}/v1/admin/status?doAs=ci", proxy.oozie_url());
    let out = negotiate(&kdc, &svc, dir.path(), &[&status]);
    assert_eq!(out.status, 401, "{out:?}");
    assert_eq!(out.header("oozie-error-code").as_deref(), Some("E1400"));

    let requests = proxy.requests();
    // (user, doAs, effective user, denied)
    type Seen<'a> = (Option<&'a str>, Option<&'a str>, Option<&'a str>, bool);
    let summary: Vec<Seen> = requests
        .iter()
        .map(|r| {
            (
                r.user.as_deref(),
                r.do_as.as_deref(),
                r.effective_user.as_deref(),
                r.do_as_denied,
            )
        })
        .collect();
    assert_eq!(
        summary,
        vec![
            (Some("alice"), None, Some("alice"), false),
            (Some("svc"), Some("alice"), Some("alice"), false),
            (Some("svc"), Some("bob"), Some("bob"), false),
            (Some("alice"), Some("bob"), None, true),
            (Some("svc"), Some("ci"), None, true),
        ]
    );
    assert_eq!(
        requests[0].query.as_deref(),
        Some("op=GETHOMEDIRECTORY&user.name=mallory")
    );
    assert_eq!(
        requests[0].forwarded_query.as_deref(),
        Some("op=GETHOMEDIRECTORY&user.name=alice")
    );
    assert_eq!(
        requests[1].forwarded_query.as_deref(),
        Some("op=GETHOMEDIRECTORY&user.name=alice")
    );
    assert_eq!(
        requests[3].query.as_deref(),
        Some("op=GETHOMEDIRECTORY&doas=bob")
    );
    assert_eq!(requests[3].forwarded_query, None);
    // Refused requests never reach the backend.
    let nn = sandbox.requests(Service::NameNode);
    assert_eq!(nn.len(), 3);
    assert!(
        nn[0]
            .query
            .as_deref()
            .is_some_and(|q| q.ends_with("user.name=alice") && !q.contains("mallory"))
    );
    assert_eq!(sandbox.requests(Service::Oozie).len(), 0);
}

fn knox_curl(
    knox: &KnoxGateway,
    dir: &std::path::Path,
    user: Option<(&str, &str)>,
    args: &[&str],
) -> CurlOutput {
    let ca = knox.ca_cert_path().to_str().unwrap().to_string();
    let mut full: Vec<String> = vec!["--cacert".into(), ca];
    if let Some((u, p)) = user {
        // Credentials through a config file on stdin would be tidier; the
        // smoke test's throwaway password on argv is fine.
        full.push("-u".into());
        full.push(format!("{u}:{p}"));
    }
    full.extend(args.iter().map(|s| s.to_string()));
    let full: Vec<&str> = full.iter().map(String::as_str).collect();
    curl::run(curl::command(&[]), dir, &full)
}

fn knox_ok() {
    let sandbox = sandbox();
    let knox = KnoxGateway::start(&sandbox.cluster("alpha")).unwrap();
    let dir = scratch();
    let url = format!("{}/v1/admin/status", knox.oozie_url());
    let out = knox_curl(
        &knox,
        dir.path(),
        Some((knox.user(), knox.password())),
        &[&url],
    );
    assert_eq!(out.status, 200, "{out:?}\n{}", knox.error_log());
    assert!(out.body.contains("systemMode"), "{}", out.body);
    let requests = knox.requests();
    assert_eq!(requests.len(), 1, "{requests:?}");
    assert_eq!(requests[0].user.as_deref(), Some("knoxuser"));
    assert_eq!(requests[0].status, 200);
    assert!(requests[0].basic);
    assert_eq!(sandbox.requests(Service::Oozie).len(), 1);
    assert!(knox.base_url().starts_with("https://localhost:"));
}

fn knox_wrong_password() {
    let sandbox = sandbox();
    let knox = KnoxGateway::start(&sandbox.cluster("alpha")).unwrap();
    let dir = scratch();
    let url = format!("{}/v1/admin/status", knox.oozie_url());
    let out = knox_curl(&knox, dir.path(), Some((knox.user(), "wrong")), &[&url]);
    assert_eq!(out.status, 401, "{out:?}");
    assert!(
        out.header("www-authenticate").is_some_and(|h| h
            .to_ascii_lowercase()
            .starts_with("basic realm=\"application\"")),
        "{}",
        out.headers
    );
    let out = knox_curl(&knox, dir.path(), None, &[&url]);
    assert_eq!(out.status, 401, "{out:?}");
    let requests = knox.requests();
    assert_eq!(requests.len(), 2, "{requests:?}");
    assert!(requests.iter().all(|r| r.status == 401));
    assert_eq!(requests[0].user.as_deref(), Some("knoxuser"));
    assert!(requests[0].basic && !requests[1].basic);
    assert_eq!(sandbox.requests(Service::Oozie).len(), 0);
    // The gateway's files hold no password (the htpasswd has a hash).
    let secrets = knox.secrets();
    let secrets: Vec<&str> = secrets.iter().map(String::as_str).collect();
    secrets::assert_no_secrets_in_dir(knox.dir(), &secrets, &[]);
}

fn knox_no_ca() {
    let sandbox = sandbox();
    let knox = KnoxGateway::start(&sandbox.cluster("alpha")).unwrap();
    let dir = scratch();
    let url = format!("{}/v1/admin/status", knox.oozie_url());
    let userpass = format!("{}:{}", knox.user(), knox.password());
    let out = curl::run(curl::command(&[]), dir.path(), &["-u", &userpass, &url]);
    assert_eq!(
        out.exit_code, 60,
        "curl must fail certificate verification: {out:?}"
    );
    assert_eq!(out.status, 0);
    // With the CA, by address: the certificate names 127.0.0.1 too.
    let by_ip = url.replace("//localhost:", "//127.0.0.1:");
    let out = knox_curl(
        &knox,
        dir.path(),
        Some((knox.user(), knox.password())),
        &[&by_ip],
    );
    assert_eq!(out.status, 200, "{out:?}");
    assert_eq!(sandbox.requests(Service::Oozie).len(), 1);
}

fn knox_webhdfs() {
    let sandbox = sandbox();
    let cluster = sandbox.cluster("alpha");
    let knox = KnoxGateway::start(&cluster).unwrap();
    let dir = scratch();
    let auth = Some((knox.user(), knox.password()));

    let create = format!(
        "{}/tmp/knox.txt?op=CREATE&user.name=knoxuser",
        knox.webhdfs_url()
    );
    let step1 = knox_curl(&knox, dir.path(), auth, &["-X", "PUT", &create]);
    assert_eq!(step1.status, 307, "{step1:?}");
    let location = step1.header("location").expect("a Location");
    let expected = format!("{}/webhdfs/data/v1/tmp/knox.txt?", knox.base_url());
    assert!(
        location.starts_with(&expected),
        "{location} should start with {expected}"
    );

    let data = dir.path().join("data");
    std::fs::write(&data, "through knox\n").unwrap();
    let step2 = knox_curl(
        &knox,
        dir.path(),
        auth,
        &["-X", "PUT", "-T", data.to_str().unwrap(), &location],
    );
    assert_eq!(step2.status, 201, "{step2:?}\n{}", knox.error_log());
    assert_eq!(sandbox.requests(Service::DataNode).len(), 1);

    let open = format!(
        "{}/tmp/knox.txt?op=OPEN&user.name=knoxuser",
        knox.webhdfs_url()
    );
    let read = knox_curl(&knox, dir.path(), auth, &["-L", &open]);
    assert_eq!(read.status, 200, "{read:?}");
    assert_eq!(read.body, "through knox\n");
    // Every hop went through the gateway: NameNode and DataNode alike.
    let requests = knox.requests();
    assert_eq!(requests.len(), 4, "{requests:?}");
    assert!(
        requests
            .iter()
            .all(|r| r.user.as_deref() == Some("knoxuser"))
    );
    assert_eq!(
        requests
            .iter()
            .filter(|r| r.path.contains("/webhdfs/data/v1/"))
            .count(),
        2
    );

    // A 4 MiB upload, chunked, streams through the gateway intact.
    let big = dir.path().join("big");
    let content = "0123456789abcdef".repeat(256 * 1024);
    std::fs::write(&big, &content).unwrap();
    let create = format!(
        "{}/tmp/big.txt?op=CREATE&user.name=knoxuser",
        knox.webhdfs_url()
    );
    let step1 = knox_curl(&knox, dir.path(), auth, &["-X", "PUT", &create]);
    let location = step1.header("location").expect("a Location");
    let step2 = knox_curl(
        &knox,
        dir.path(),
        auth,
        &[
            "-X",
            "PUT",
            "-H",
            "Transfer-Encoding: chunked",
            "-T",
            big.to_str().unwrap(),
            &location,
        ],
    );
    assert_eq!(step2.status, 201, "{step2:?}\n{}", knox.error_log());
    let uploads = sandbox.requests(Service::DataNode);
    assert_eq!(
        uploads.last().map(|r| r.bytes_in),
        Some(content.len() as u64)
    );
    let open = format!(
        "{}/tmp/big.txt?op=OPEN&user.name=knoxuser",
        knox.webhdfs_url()
    );
    let read = knox_curl(&knox, dir.path(), auth, &["-L", &open]);
    assert_eq!(read.body.len(), content.len());
    assert!(read.body == content, "the content changed on the way");
}

fn knox_rm() {
    let sandbox = sandbox();
    let knox = KnoxGateway::start(&sandbox.cluster("alpha")).unwrap();
    let dir = scratch();
    let url = format!("{}/v1/cluster/info", knox.rm_url());
    let out = knox_curl(
        &knox,
        dir.path(),
        Some((knox.user(), knox.password())),
        &[&url],
    );
    assert_eq!(out.status, 200, "{out:?}");
    assert!(out.body.contains("clusterInfo"), "{}", out.body);
    let rm = sandbox.requests(Service::ResourceManager);
    assert_eq!(rm.len(), 1);
    assert_eq!(rm[0].path, "/ws/v1/cluster/info");
}

fn secrets_check() {
    let secret = "s3cr3t-value";
    assert!(secrets::find_secrets(&["all clear"], &[secret]).is_empty());
    let found = secrets::find_secrets(&["fine", "oops s3cr3t-value here"], &["", secret]);
    assert_eq!(
        found,
        vec!["output #1 contains secret #1 (12 chars) at byte 5".to_string()]
    );
    assert!(
        !found[0].contains(secret),
        "the report must not repeat the secret"
    );

    assert_eq!(secrets::base64(b"knoxuser:pw"), "a25veHVzZXI6cHc=");
    assert_eq!(secrets::base64(b"ab"), "YWI=");
    let kdc = kdc();
    let keys = secrets::keytab_secrets(&kdc.ci_keytab());
    // Two enctypes, three forms each, plus the whole file.
    assert_eq!(keys.len(), 7, "{}", keys.len());
    assert!(keys.iter().all(|k| k.len() >= 24), "{}", keys.len());
    let dir = scratch();
    std::fs::write(dir.path().join("log"), format!("key={}", keys[0])).unwrap();
    std::fs::create_dir(dir.path().join("keytabs")).unwrap();
    std::fs::copy(kdc.ci_keytab(), dir.path().join("keytabs/ci.keytab")).unwrap();
    let refs: Vec<&str> = keys.iter().map(String::as_str).collect();
    let found = secrets::find_secrets_in_dir(dir.path(), &refs, &[&dir.path().join("keytabs")]);
    assert_eq!(found.len(), 1, "{found:?}");
    assert!(
        found[0].contains("/log: output #0 contains secret #0"),
        "{found:?}"
    );
}

fn world_config() {
    for world in [AuthWorld::kerberized(), AuthWorld::knox()] {
        let alice = world.kinit("alice");
        let out = world.run(&alice, &["config", "show", "--output", "json"]);
        assert_eq!(
            out.status.code(),
            Some(0),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        let doc = String::from_utf8_lossy(&out.stdout);
        let oozie = match &world.proxy {
            Some(p) => p.oozie_url(),
            None => world.gateway().oozie_url(),
        };
        assert!(doc.contains(&oozie), "{oozie} in {doc}");
        world.assert_no_secrets(&[&out]);
    }
}
