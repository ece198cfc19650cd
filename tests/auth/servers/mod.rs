//! Real authentication servers for the auth tests, started hermetically on
//! loopback by the tests themselves: an MIT KDC ([`Kdc`]), Apache httpd
//! with mod_auth_gssapi as a SPNEGO reverse proxy ([`GssapiProxy`]), and an
//! Apache-based Knox-like gateway with Basic over TLS ([`KnoxGateway`]);
//! plus a test CA ([`TestCa`]) and secrets checks ([`secrets`]).
//!
//! Nothing reads the system's `/etc/krb5.conf` or Apache config, nothing
//! runs as a system service, and every state file lives in a temp dir
//! removed when the handle is dropped (which also stops the process).

// A support API for the auth tests: not every item is used by every test.
#![allow(dead_code)]

pub mod curl;
pub mod gate;
pub mod httpd;
pub mod kdc;
pub mod process;
pub mod secrets;
pub mod tls;

#[allow(unused_imports)]
pub use httpd::{
    GssapiProxy, KNOX_TOPOLOGY, KNOX_USER, KnoxGateway, PROXY_USER_RULES, ProxyRequest,
    SESSION_COOKIE,
};
pub use kdc::{Kdc, REALM};
#[allow(unused_imports)]
pub use secrets::{assert_no_secrets, assert_no_secrets_in_dir, files_under};
#[allow(unused_imports)]
pub use tls::TestCa;

/// The Debian packages the auth rig needs.
pub const APT_PACKAGES: &str = "krb5-kdc krb5-admin-server krb5-user apache2 apache2-utils libapache2-mod-auth-gssapi openssl curl";

/// The Debian package that provides a tool or module.
pub fn package_for(tool: &str) -> &'static str {
    match tool {
        "krb5kdc" | "kdb5_util" => "krb5-kdc",
        "kadmin.local" => "krb5-admin-server",
        "kinit" | "klist" | "kdestroy" | "kvno" => "krb5-user",
        "apache2" | "httpd" => "apache2",
        "htpasswd" => "apache2-utils",
        "mod_auth_gssapi.so" => "libapache2-mod-auth-gssapi",
        "openssl" => "openssl",
        "curl" => "curl",
        "xmllint" => "libxml2-utils",
        _ => "apache2",
    }
}

/// Why the rig cannot run here (the missing tools and their packages), or
/// `Ok` when every tool and Apache module is present.
pub fn check_prerequisites() -> Result<(), String> {
    let mut missing = Vec::new();
    for tool in [
        "krb5kdc",
        "kdb5_util",
        "kadmin.local",
        "kinit",
        "kvno",
        "klist",
        "apache2",
        "htpasswd",
        "openssl",
        "curl",
        "xmllint",
    ] {
        if process::find_tool(tool).is_none() {
            missing.push(tool.to_string());
        }
    }
    for module in [
        "mod_auth_gssapi.so",
        "mod_mpm_event.so",
        "mod_proxy_http.so",
        "mod_session_cookie.so",
        "mod_ssl.so",
        "mod_lua.so",
    ] {
        if !std::path::Path::new(httpd::MODULE_DIR)
            .join(module)
            .is_file()
        {
            missing.push(module.to_string());
        }
    }
    if missing.is_empty() {
        return Ok(());
    }
    let mut packages: Vec<&str> = missing.iter().map(|m| package_for(m)).collect();
    packages.sort();
    packages.dedup();
    Err(format!(
        "missing {} (apt-get install {})",
        missing.join(", "),
        packages.join(" ")
    ))
}
