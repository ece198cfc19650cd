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

/// Every visible command path, e.g. `["admin", "disable"]`, from the clap
/// definition itself, so a subcommand added later is checked too.
fn command_paths() -> Vec<Vec<String>> {
    fn walk(cmd: &clap::Command, prefix: &[String], out: &mut Vec<Vec<String>>) {
        for sub in cmd.get_subcommands().filter(|s| !s.is_hide_set()) {
            if sub.get_name() == "help" {
                continue;
            }
            let mut path = prefix.to_vec();
            path.push(sub.get_name().to_owned());
            out.push(path.clone());
            walk(sub, &path, out);
        }
    }
    let mut out = Vec::new();
    walk(
        &<hjob::cli::Cli as clap::CommandFactory>::command(),
        &[],
        &mut out,
    );
    out
}

/// The job kinds' own help belongs to `src/cli/run.rs`; `hjob run --help`
/// carries their examples. Remove an entry once that kind has its own.
const KINDS_WITHOUT_OWN_EXAMPLES: [&str; 5] = ["scalding", "java", "spark", "hive", "shell"];

#[test]
fn every_command_has_examples_and_the_root_lists_exit_codes() {
    let help = generated(&["--help"]);
    assert!(help.contains("Examples:"), "{help}");
    assert!(
        help.contains("Exit codes:") && help.contains("130"),
        "{help}"
    );
    let paths = command_paths();
    for expected in [
        "run",
        "status",
        "wait",
        "kill",
        "logs",
        "list",
        "cluster",
        "admin disable",
        "admin set-cluster",
        "state-server",
        "config show",
        "templates show",
        "completions",
    ] {
        assert!(
            paths.iter().any(|p| p.join(" ") == expected),
            "hjob {expected} is not in the command tree: {paths:?}"
        );
    }
    let mut missing = Vec::new();
    for path in &paths {
        if path[0] == "run" && path.len() == 2 && KINDS_WITHOUT_OWN_EXAMPLES.contains(&&*path[1]) {
            continue;
        }
        let mut args: Vec<&str> = path.iter().map(String::as_str).collect();
        args.push("--help");
        if !generated(&args).contains("Examples:") {
            missing.push(path.join(" "));
        }
    }
    assert!(
        missing.is_empty(),
        "these commands' --help has no Examples section: {missing:?}"
    );
    // The alias works and shows the same help.
    assert_eq!(
        generated(&["state", "--help"]),
        generated(&["cluster", "--help"])
    );
    let version = generated(&["--version"]);
    assert_eq!(version.trim(), concat!("hjob ", env!("CARGO_PKG_VERSION")));
    // --version propagates to subcommands.
    assert!(generated(&["admin", "--version"]).contains(env!("CARGO_PKG_VERSION")));
}

/// The man page is one page: it names no `hjob-run(1)` or other page that
/// is not installed, documents every subcommand itself, and sets help
/// text without filling, so examples keep their line breaks.
#[test]
fn the_man_page_refers_to_no_missing_page_and_keeps_example_lines() {
    let page = generated(&["man"]);
    for (at, _) in page.match_indices("(1)") {
        let before = &page[..at];
        let word_start = before
            .rfind(|c: char| c.is_whitespace() || c == '"')
            .map_or(0, |i| i + 1);
        assert_eq!(
            &before[word_start..],
            "hjob",
            "a reference to another page: {}",
            &page[word_start..at + 3]
        );
    }
    for path in command_paths() {
        let heading = format!(".SS \"hjob {}\"", path.join(" ").replace('-', "\\-"));
        assert!(
            page.contains(&heading),
            "no section for hjob {}",
            path.join(" ")
        );
    }
    // Each example line of the root help is its own line inside .nf/.fi.
    let nf = page.find(".SH \"EXAMPLES").expect("the examples section");
    let block = &page[nf..];
    let fi = block.find("\n.fi\n").expect("a no-fill block");
    let block = &block[..fi];
    assert!(block.contains("\n.nf\n"), "{block}");
    assert!(
        block.contains("\n  hjob run shell \\-\\- echo hello "),
        "{block}"
    );
    assert!(block.contains("\n  hjob cluster "), "{block}");
    // And so are a subcommand's.
    assert!(
        page.contains("\n  hjob run shell \\-\\- echo hello\n"),
        "run's examples"
    );
}
