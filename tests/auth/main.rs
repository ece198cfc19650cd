//! The authentication suite: real Kerberos and TLS servers started by the
//! tests on loopback (an MIT KDC, Apache httpd with mod_auth_gssapi as a
//! SPNEGO proxy in front of the sandbox, an Apache-based Knox-like gateway
//! with Basic over TLS); see `servers` for the support API.
//!
//! Its own harness (libtest-mimic) so that missing packages show as
//! *ignored* with one line naming them, never as passed. With `CI` set,
//! missing packages are a failure, and so is a server that cannot start.

mod hadoop_auth;
#[path = "../common/hermetic.rs"]
mod hermetic;
mod hjob;
mod servers;
mod smoke;
mod world;

use libtest_mimic::{Arguments, Trial};

/// A test: its name and body.
pub type Test = (&'static str, fn());

// The harness says on stderr why the suite is skipped or cannot run.
#[allow(clippy::print_stderr)]
fn main() {
    let args = Arguments::from_args();
    let tests: Vec<Test> = [smoke::TESTS, hjob::TESTS].concat();
    // Hadoop's own SPNEGO filter runs on the rig's class path (Java, Maven).
    let gate_tests: Vec<Test> = [hadoop_auth::TESTS, hjob::GATE_TESTS].concat();

    let in_ci = std::env::var_os("CI").is_some();
    let runnable = match servers::check_prerequisites() {
        Ok(()) => true,
        Err(why) if in_ci => {
            eprintln!("auth suite: {why}; in CI the KDC and httpd must be installed");
            std::process::exit(101);
        }
        Err(why) => {
            eprintln!("auth suite skipped: {why}");
            false
        }
    };
    let gate_runnable = runnable
        && match servers::gate::check() {
            Ok(_) => true,
            Err(why) if in_ci => {
                eprintln!("auth suite: Hadoop's SPNEGO gate cannot run: {why}");
                std::process::exit(101);
            }
            Err(why) => {
                eprintln!("auth suite: Hadoop SPNEGO gate tests skipped: {why}");
                false
            }
        };

    let trials = tests
        .into_iter()
        .map(|test| (test, runnable))
        .chain(gate_tests.into_iter().map(|test| (test, gate_runnable)))
        .map(|((name, body), run)| {
            if run {
                Trial::test(name, move || {
                    std::panic::catch_unwind(body).map_err(|panic| {
                        panic
                            .downcast_ref::<String>()
                            .cloned()
                            .or_else(|| panic.downcast_ref::<&str>().map(|s| s.to_string()))
                            .unwrap_or_else(|| "test panicked".into())
                            .into()
                    })
                })
            } else {
                Trial::test(name, || Err("prerequisites missing".into())).with_ignored_flag(true)
            }
        })
        .collect();
    libtest_mimic::run(&args, trials).exit();
}
