//! Colour and terminals: no escape codes outside a terminal, whatever TERM
//! says; the admins' message never reaches the screen with its control
//! characters live. (Colour on a terminal, `CLICOLOR=0` and the visible
//! form of control characters are unit-tested in `src/ui.rs`.)

use crate::e2e::{World, json_doc, text};

fn has_escape(bytes: &[u8]) -> bool {
    bytes.contains(&0x1b)
}

#[test]
fn pipes_get_no_escape_codes_even_with_a_colour_terminal_type() {
    let world = World::new();
    for args in [
        &["run", "shell", "--", "sh", "-c", "echo hi; exit 3"][..],
        &["cluster"],
        &["run", "shell", "--bogus"],
    ] {
        let out = world
            .hjob()
            .env_remove("NO_COLOR")
            .env("TERM", "xterm-256color")
            .args(args)
            .output()
            .unwrap();
        assert!(
            !has_escape(&out.stdout),
            "{args:?} stdout: {:?}",
            text(&out.stdout)
        );
        assert!(
            !has_escape(&out.stderr),
            "{args:?} stderr: {:?}",
            text(&out.stderr)
        );
    }
}

#[test]
fn control_characters_in_the_admins_message_are_shown_not_run() {
    let world = World::new();
    let message = "upgrade \u{1b}[2J\u{1b}]0;owned\u{7}done";
    let disable = world.run(&[
        "admin",
        "disable",
        "--message",
        message,
        "--until",
        "2h",
        "--yes",
    ]);
    assert_eq!(disable.status.code(), Some(0), "{}", text(&disable.stderr));

    let run = world.run(&["run", "shell", "--", "true"]);
    assert_eq!(run.status.code(), Some(3), "{}", text(&run.stderr));
    let stderr = text(&run.stderr);
    assert!(!has_escape(&run.stderr), "{stderr:?}");
    assert!(stderr.contains("upgrade ^[[2J^[]0;owned^Gdone"), "{stderr}");

    let cluster = world.run(&["cluster"]);
    assert!(!has_escape(&cluster.stdout), "{:?}", text(&cluster.stdout));
    assert!(
        text(&cluster.stdout).contains("^[[2J"),
        "{}",
        text(&cluster.stdout)
    );
    // JSON keeps the message as it is (JSON escapes it).
    let doc = json_doc(&world.run(&["cluster", "--output", "json"]));
    assert_eq!(doc["submission"]["message"], message);
}
