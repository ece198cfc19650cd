//! The committed shell completions and man page match the CLI, so packages
//! built from `completions/` never drift from the real flags.

use std::process::Command;

fn generated(args: &[&str]) -> String {
    let out = Command::new(assert_cmd::cargo::cargo_bin!("hjob"))
        .args(args)
        .env("NO_COLOR", "1")
        .output()
        .expect("hjob runs");
    assert!(out.status.success(), "hjob {args:?} failed");
    String::from_utf8(out.stdout).expect("UTF-8 output")
}

#[test]
fn committed_completions_and_man_page_are_current() {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/completions/");
    for (file, args) in [
        ("hjob.bash", &["completions", "bash"][..]),
        ("_hjob", &["completions", "zsh"][..]),
        ("hjob.fish", &["completions", "fish"][..]),
        ("hjob.1", &["man"][..]),
    ] {
        let committed = std::fs::read_to_string(format!("{dir}{file}")).unwrap_or_else(|e| {
            panic!("completions/{file}: {e}; run ./install.sh --regen-completions")
        });
        assert!(
            committed == generated(args),
            "completions/{file} is stale: run ./install.sh --regen-completions and commit the result"
        );
    }
}

#[test]
fn help_lists_examples_and_exit_codes() {
    let help = generated(&["--help"]);
    assert!(help.contains("Examples:"), "{help}");
    assert!(
        help.contains("Exit codes:") && help.contains("130"),
        "{help}"
    );
    for command in [
        "run",
        "status",
        "wait",
        "kill",
        "logs",
        "list",
        "admin",
        "state-server",
        "completions",
        "cluster",
        "config",
        "templates",
    ] {
        let help = generated(&[command, "--help"]);
        assert!(
            help.contains("Examples:"),
            "hjob {command} --help has no Examples section:\n{help}"
        );
    }
    assert!(generated(&["--version"]).starts_with("hjob "));
}
