//! Command-line mistakes exit 2, name the fix, and make no network call:
//! not even the state lookup. Durations too large to represent are refused
//! (each used to panic with exit 101).

use std::process::Output;

use crate::e2e::{World, text};

fn refused_offline(world: &World, args: &[&str], says: &str) {
    world.sandbox.clear_requests();
    let out: Output = world.run(args);
    let stderr = text(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{args:?}: {stderr}");
    assert!(stderr.contains(says), "{args:?}: {stderr}");
    assert!(!stderr.contains("panicked"), "{args:?}: {stderr}");
    let calls = world.sandbox.all_requests();
    assert!(
        calls.is_empty(),
        "{args:?} made {} request(s): {calls:?}",
        calls.len()
    );
}

#[test]
fn command_line_mistakes_exit_2_before_any_network_call() {
    let world = World::new();
    for (args, says) in [
        (
            &["run", "nosuchkind", "--", "x"][..],
            "unknown job kind `nosuchkind`",
        ),
        (
            &["run", "shell", "-D", "foo", "--", "true"],
            "-D \"foo\" has no `=`",
        ),
        (
            &["run", "shell", "--timeout", "banana", "--", "true"],
            "invalid --timeout \"banana\"",
        ),
        (
            &["run", "shell", "--timeout", "0", "--", "true"],
            "--timeout \"0\"",
        ),
        (
            &["run", "shell", "--timeout", "0s", "--detach", "--", "true"],
            "--timeout \"0s\"",
        ),
        (
            &[
                "run",
                "shell",
                "--timeout",
                "18446744073709551615s",
                "--",
                "true",
            ],
            "longer than 100 years",
        ),
        (
            &[
                "wait",
                "0000000-000000000000000-oozie-oozi-W",
                "--timeout",
                "0",
            ],
            "--timeout \"0\"",
        ),
        (
            &[
                "wait",
                "0000000-000000000000000-oozie-oozi-W",
                "--timeout",
                "200y",
            ],
            "longer than 100 years",
        ),
        (
            &[
                "admin",
                "disable",
                "--until",
                "9000y",
                "--yes",
                "--message",
                "x",
            ],
            "invalid --until \"9000y\"",
        ),
        (
            &[
                "run",
                "java",
                "--jar",
                "a.jar",
                "--main-class",
                "",
                "--",
                "x",
            ],
            "--main-class is empty",
        ),
        (
            &["run", "hive", "-e", "SELECT 1", "--param", "nokey"],
            "--param \"nokey\" has no `=`",
        ),
    ] {
        refused_offline(&world, args, says);
    }
}

#[test]
fn a_huge_duration_in_the_config_is_exit_2_naming_the_key() {
    let world = World::new();
    world.configure("[http]\nstate_deadline = \"18446744073709551615s\"\n");
    refused_offline(&world, &["cluster"], "`http.state_deadline`");
    world.configure("[wait]\npoll_max = \"300000y\"\n");
    refused_offline(&world, &["run", "shell", "--", "true"], "`wait.poll_max`");
}

#[test]
fn a_hive_query_may_start_with_a_dash() {
    let world = World::new();
    let out = world.run(&[
        "run",
        "hive",
        "--jdbc-url",
        "jdbc:hive2://hs2:10000/default",
        "--dry-run",
        "-e",
        "-- nightly count\nSELECT 1",
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert!(
        text(&out.stdout).contains("-- nightly count"),
        "{}",
        text(&out.stdout)
    );
}

/// An argument list too large for Oozie (E0736) is the user's input, not a
/// bug in hjob: the hint names --file and --script.
#[test]
fn a_workflow_too_large_for_oozie_names_file_and_script() {
    let world = World::new();
    let big = "x".repeat(4000);
    let mut args = vec!["run", "shell", "--dry-run", "--", "echo"];
    args.extend(std::iter::repeat_n(big.as_str(), 30));
    let out = world.run(&args);
    let stderr = text(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("E0736"), "{stderr}");
    assert!(
        stderr.contains("--file") && stderr.contains("--script"),
        "{stderr}"
    );
    assert!(!stderr.contains("bug in hjob"), "{stderr}");
}
