//! The state service replicated on a real ZooKeeper ensemble: three
//! Apache ZooKeeper 3.9 servers on loopback (class path from
//! `HJOB_ZK_CLASSPATH`, which scripts/test.sh resolves with
//! rig/zookeeper/classpath.sh) and two `hjob state-server --store zk://…`
//! processes in front of it, each test with its own ensemble.
//!
//! Its own harness (libtest-mimic): without Java or the class path the
//! tests show as *ignored* with one line saying why; with `CI` set that is
//! a failure. Measured figures (visibility latency, time to resume after a
//! leader kill) are printed, never asserted: wall-clock bars belong to
//! scripts/zk-bars.sh and the report, not to a test on a shared machine.

#![allow(clippy::print_stderr, clippy::print_stdout)]

#[path = "../common/admin_args.rs"]
mod admin_args;
mod harness;
#[path = "../common/hermetic.rs"]
mod hermetic;
mod tests;

use libtest_mimic::{Arguments, Trial};

fn main() {
    let mut args = Arguments::from_args();
    // Each test runs three JVMs: one at a time on a shared machine.
    args.test_threads = Some(1);
    let classpath = match harness::classpath() {
        Ok(cp) => Some(cp),
        Err(why) if std::env::var_os("CI").is_some() => {
            eprintln!(
                "ZooKeeper suite: {why}; in CI ZooKeeper must run (scripts/test.sh exports HJOB_ZK_CLASSPATH)"
            );
            std::process::exit(101);
        }
        Err(why) => {
            eprintln!(
                "ZooKeeper suite skipped ({why}): run it with scripts/test.sh, or HJOB_ZK_CLASSPATH=\"$(rig/zookeeper/classpath.sh)\" cargo test --test zk"
            );
            None
        }
    };
    let trials =
        tests::TESTS
            .iter()
            .map(|&(name, body)| match &classpath {
                Some(cp) => {
                    let cp = cp.clone();
                    Trial::test(name, move || {
                        std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| body(&cp)))
                            .map_err(|panic| {
                                panic
                                    .downcast_ref::<String>()
                                    .cloned()
                                    .or_else(|| panic.downcast_ref::<&str>().map(|s| s.to_string()))
                                    .unwrap_or_else(|| "test panicked".into())
                                    .into()
                            })
                    })
                }
                None => Trial::test(name, || Err("no ZooKeeper class path".into()))
                    .with_ignored_flag(true),
            })
            .collect();
    libtest_mimic::run(&args, trials).exit();
}
