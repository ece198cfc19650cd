//! install.sh puts the binary, the completions and the man page where shells
//! and `man` look, says what it did, and is idempotent. It runs with
//! `--from` (binaries already built), so the test needs no release build.

use std::path::Path;
use std::process::{Command, Output};

fn install(prefix: &Path, bin_dir: &Path) -> Output {
    Command::new("bash")
        .arg(concat!(env!("CARGO_MANIFEST_DIR"), "/install.sh"))
        .arg("--from")
        .arg(bin_dir)
        .env("PREFIX", prefix)
        .env_remove("HJOB_CONFIG")
        .env_remove("HJOB_STATE_URL")
        .output()
        .expect("bash runs install.sh")
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

#[test]
fn install_sh_installs_binary_completions_and_man_page_idempotently() {
    let tmp = tempfile::tempdir().unwrap();
    // Only hjob was built: hjob-sandbox is skipped with a message.
    let bin_dir = tmp.path().join("built");
    std::fs::create_dir(&bin_dir).unwrap();
    std::os::unix::fs::symlink(assert_cmd::cargo::cargo_bin!("hjob"), bin_dir.join("hjob"))
        .unwrap();
    let prefix = tmp.path().join("prefix");

    let first = install(&prefix, &bin_dir);
    let said = text(&first.stdout);
    assert!(first.status.success(), "{said}{}", text(&first.stderr));
    let committed = concat!(env!("CARGO_MANIFEST_DIR"), "/completions/");
    for (installed, committed_name) in [
        ("share/bash-completion/completions/hjob", "hjob.bash"),
        ("share/zsh/site-functions/_hjob", "_hjob"),
        ("share/fish/vendor_completions.d/hjob.fish", "hjob.fish"),
        ("share/man/man1/hjob.1", "hjob.1"),
    ] {
        let path = prefix.join(installed);
        assert!(
            said.contains(&format!("installed  {}", path.display())),
            "{said}"
        );
        assert_eq!(
            std::fs::read_to_string(&path).unwrap(),
            std::fs::read_to_string(format!("{committed}{committed_name}")).unwrap(),
            "{installed} differs from completions/{committed_name}"
        );
    }
    let hjob = prefix.join("bin/hjob");
    let version = Command::new(&hjob).arg("--version").output().unwrap();
    assert!(text(&version.stdout).starts_with("hjob "));
    assert!(said.contains("skipped    hjob-sandbox"), "{said}");
    assert!(!prefix.join("bin/hjob-sandbox").exists());
    assert!(said.contains("is not on your PATH"), "{said}");

    // Again: nothing changes, and it says so.
    let second = install(&prefix, &bin_dir);
    let said = text(&second.stdout);
    assert!(second.status.success(), "{said}{}", text(&second.stderr));
    assert_eq!(said.matches("unchanged  ").count(), 5, "{said}");
    assert!(!said.contains("installed  "), "{said}");

    // A wrong argument is refused with a pointer to the usage.
    let bad = Command::new("bash")
        .arg(concat!(env!("CARGO_MANIFEST_DIR"), "/install.sh"))
        .arg("--prefix")
        .output()
        .unwrap();
    assert_eq!(bad.status.code(), Some(1));
    assert!(text(&bad.stderr).contains("unknown argument --prefix"));
}

/// The sandbox's one run-time prerequisite is checked at install time: with
/// no `xmllint` on PATH, install.sh names it and the package that has it.
/// It suggests the one-command quick start once the sandbox is installed.
#[test]
fn install_sh_names_a_missing_libxml2_and_how_to_get_it() {
    let tmp = tempfile::tempdir().unwrap();
    let bin_dir = tmp.path().join("built");
    std::fs::create_dir(&bin_dir).unwrap();
    std::os::unix::fs::symlink(assert_cmd::cargo::cargo_bin!("hjob"), bin_dir.join("hjob"))
        .unwrap();
    // install.sh only copies hjob-sandbox; any executable stands in for it.
    let fake = bin_dir.join("hjob-sandbox");
    std::fs::write(&fake, "#!/bin/sh\nexit 0\n").unwrap();
    std::fs::set_permissions(&fake, std::os::unix::fs::PermissionsExt::from_mode(0o755)).unwrap();
    // A PATH with the tools install.sh uses, and an ldconfig whose cache
    // has no libxml2.
    let tools = tmp.path().join("tools");
    std::fs::create_dir(&tools).unwrap();
    for tool in [
        "bash", "sh", "dirname", "install", "cmp", "mktemp", "rm", "grep",
    ] {
        let found = Command::new("bash")
            .args(["-c", &format!("command -v {tool}")])
            .output()
            .unwrap();
        let path = text(&found.stdout).trim().to_owned();
        assert!(!path.is_empty(), "{tool} is needed for this test");
        std::os::unix::fs::symlink(path, tools.join(tool)).unwrap();
    }
    let ldconfig = tools.join("ldconfig");
    std::fs::write(&ldconfig, "#!/bin/sh\necho '1 libs found in cache'; echo '\tlibz.so.1 (libc6,x86-64) => /lib/libz.so.1'\n").unwrap();
    std::fs::set_permissions(
        &ldconfig,
        std::os::unix::fs::PermissionsExt::from_mode(0o755),
    )
    .unwrap();
    let out = Command::new(tools.join("bash"))
        .arg(concat!(env!("CARGO_MANIFEST_DIR"), "/install.sh"))
        .arg("--from")
        .arg(&bin_dir)
        .env("PREFIX", tmp.path().join("prefix"))
        .env("PATH", &tools)
        .env_remove("HJOB_CONFIG")
        .env_remove("HJOB_STATE_URL")
        .output()
        .unwrap();
    let said = text(&out.stdout);
    assert!(out.status.success(), "{said}{}", text(&out.stderr));
    assert!(said.contains("libxml2 not found"), "{said}");
    assert!(said.contains("apt-get install libxml2"), "{said}");
    assert!(
        said.contains("try: hjob-sandbox exec -- hjob run shell -- echo hello"),
        "{said}"
    );
}
