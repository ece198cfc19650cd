//! The real-Hadoop suite: the real `hjob` binary and hjob's library clients
//! against real Apache Hadoop (a MiniDFSCluster with WebHDFS and a
//! MiniYARNCluster, and real Apache Oozie 5.2.1, started by
//! `rig/run.sh start DIR`), found through `HJOB_RIG=DIR/rig.json`.
//!
//! Its own harness (libtest-mimic) so that a missing rig shows as *ignored*
//! with one line saying how to run the suite, never as passed. With `CI` set,
//! a missing rig is a failure.

mod fidelity;
#[path = "../common/hermetic.rs"]
mod hermetic;
mod kerberos;
mod oozie;
mod rig;
mod staging;
mod webhdfs;
mod yarn;

use libtest_mimic::{Arguments, Trial};

pub use rig::Rig;

/// A test: its name and body.
pub type Test = (&'static str, fn(&Rig));

static CLUSTER: std::sync::RwLock<()> = std::sync::RwLock::new(());

#[allow(dead_code)]
enum Guard {
    Alone(std::sync::RwLockWriteGuard<'static, ()>),
    Shared(std::sync::RwLockReadGuard<'static, ()>),
}

// The harness says on stderr why the suite is skipped or cannot run.
#[allow(clippy::print_stderr)]
fn main() {
    let args = Arguments::from_args();
    let tests: Vec<Test> = [
        webhdfs::TESTS,
        staging::TESTS,
        yarn::TESTS,
        fidelity::TESTS,
        oozie::TESTS,
        kerberos::TESTS,
    ]
    .concat();

    let rig = match Rig::from_env() {
        Ok(rig) => Some(std::sync::Arc::new(rig)),
        Err(why) if std::env::var_os("CI").is_some() => {
            eprintln!("real-Hadoop suite: {why}; in CI the rig must run (rig/run.sh start DIR)");
            std::process::exit(101);
        }
        Err(why) => {
            eprintln!(
                "real-Hadoop suite skipped ({why}): run it with scripts/test.sh, or rig/run.sh start DIR and HJOB_RIG=DIR/rig.json cargo test --test real"
            );
            None
        }
    };

    // The Kerberos tests need the rig's KDC (krb5-kdc installed when the rig
    // started); in CI rig/run.sh itself fails without it.
    let no_kdc = rig.as_ref().is_some_and(|r| r.kerberos.is_none());
    if no_kdc {
        eprintln!(
            "real-Hadoop suite: the rig has no KDC, Kerberos tests skipped (apt-get install krb5-kdc krb5-admin-server krb5-user, then restart the rig)"
        );
    }

    let trials = tests
        .into_iter()
        .map(|(name, body)| match &rig {
            Some(_) if no_kdc && name.starts_with("kerberos::") => {
                Trial::test(name, || Err("no KDC on the rig".into())).with_ignored_flag(true)
            }
            Some(rig) => {
                let rig = rig.clone();
                Trial::test(name, move || {
                    // Safe mode is cluster-wide: those tests run alone.
                    let _guard = if name.contains("safe_mode") {
                        Guard::Alone(CLUSTER.write().unwrap_or_else(|p| p.into_inner()))
                    } else {
                        Guard::Shared(CLUSTER.read().unwrap_or_else(|p| p.into_inner()))
                    };
                    std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| body(&rig))).map_err(
                        |panic| {
                            panic
                                .downcast_ref::<String>()
                                .cloned()
                                .or_else(|| panic.downcast_ref::<&str>().map(|s| s.to_string()))
                                .unwrap_or_else(|| "test panicked".into())
                                .into()
                        },
                    )
                })
            }
            None => {
                Trial::test(name, || Err("no rig: set HJOB_RIG".into())).with_ignored_flag(true)
            }
        })
        .collect();
    libtest_mimic::run(&args, trials).exit();
}
