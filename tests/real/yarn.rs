//! hjob's YARN log reading (what `hjob logs` and `--follow` use) against a
//! real ResourceManager and NodeManager: a real container's stdout and
//! stderr, exactly, while it writes and after it ends; unknown containers
//! and applications.

use std::path::PathBuf;
use std::time::{Duration, Instant};

use hjob::yarn::{AmContainer, YarnClient};

use crate::Test;
use crate::rig::{Rig, block_on, unique};
use crate::webhdfs::settings;

pub const TESTS: &[Test] = &[
    (
        "yarn::a_real_containers_output_is_read_while_it_writes_and_after_it_ends",
        a_real_containers_output_is_read_while_it_writes_and_after_it_ends,
    ),
    (
        "yarn::unknown_applications_and_containers_are_none",
        unknown_applications_and_containers_are_none,
    ),
    (
        "yarn::output_with_unicode_and_no_trailing_newline_is_exact",
        output_with_unicode_and_no_trailing_newline_is_exact,
    ),
];

/// A shell script run as a real YARN container; returns its application id.
pub fn run_container(rig: &Rig, script: &str) -> String {
    let answer = rig.control("/apps", script);
    answer["application_id"]
        .as_str()
        .unwrap_or_else(|| panic!("{answer}"))
        .to_owned()
}

fn wait_until<T>(what: &str, mut probe: impl FnMut() -> Option<T>) -> T {
    let deadline = Instant::now() + Duration::from_secs(180);
    loop {
        if let Some(value) = probe() {
            return value;
        }
        assert!(Instant::now() < deadline, "gave up waiting for {what}");
        std::thread::sleep(Duration::from_millis(100));
    }
}

pub fn am_container(yarn: &YarnClient, app: &str) -> AmContainer {
    wait_until("the AM container", || {
        block_on(yarn.am_container(app)).unwrap()
    })
}

pub fn wait_finished(yarn: &YarnClient, app: &str) -> hjob::yarn::App {
    wait_until("the application to end", || {
        let app = block_on(yarn.app(app)).unwrap()?;
        matches!(app.state.as_deref(), Some("FINISHED" | "FAILED" | "KILLED")).then_some(app)
    })
}

/// A file the container waits for (the rig runs containers on this machine).
fn flag() -> PathBuf {
    std::env::temp_dir().join(unique("hjob-rig-flag"))
}

fn a_real_containers_output_is_read_while_it_writes_and_after_it_ends(rig: &Rig) {
    let yarn = YarnClient::new(&rig.yarn_url, &settings()).unwrap();
    let flag = flag();
    let script = format!(
        "echo 'out one'\necho 'err one' >&2\nwhile [ ! -e {f} ]; do sleep 0.1; done\necho 'out two'\necho 'err two' >&2\n",
        f = flag.display()
    );
    let app = run_container(rig, &script);
    let container = am_container(&yarn, &app);
    assert!(
        container.container_id.starts_with("container_"),
        "{container:?}"
    );

    // While it runs: the tail has what it wrote so far, and its length.
    let tail = wait_until("the first stdout line", || {
        let tail = block_on(yarn.container_log_tail(&container, "stdout", 4096)).unwrap()?;
        (tail.text == "out one\n").then_some(tail)
    });
    assert_eq!(tail.total, 8);
    // It never registers as an AM: YARN keeps it ACCEPTED while it runs.
    let running = block_on(yarn.app(&app)).unwrap().unwrap();
    assert_eq!(running.state.as_deref(), Some("ACCEPTED"), "{running:?}");
    let err = wait_until("the first stderr line", || {
        let tail = block_on(yarn.container_log_tail(&container, "stderr", 4096)).unwrap()?;
        (tail.text == "err one\n").then_some(tail)
    });
    assert_eq!(err.after(0), "err one\n");

    std::fs::write(&flag, b"").unwrap();
    let ended = wait_finished(&yarn, &app);
    let _ = std::fs::remove_file(&flag);
    // It never registered as an AM, so YARN ends the attempt FAILED.
    assert_eq!(ended.state.as_deref(), Some("FAILED"), "{ended:?}");

    // After it ends, the NodeManager still serves both files, exactly.
    let stdout = block_on(yarn.container_log(&container, "stdout")).unwrap();
    assert_eq!(stdout.as_deref(), Some("out one\nout two\n"));
    let stderr = block_on(yarn.container_log(&container, "stderr")).unwrap();
    assert_eq!(stderr.as_deref(), Some("err one\nerr two\n"));
    // A tail past what was seen is exactly the rest.
    let tail = block_on(yarn.container_log_tail(&container, "stdout", 4096))
        .unwrap()
        .unwrap();
    assert_eq!(tail.total, 16);
    assert_eq!(tail.after(8), "out two\n");
}

fn unknown_applications_and_containers_are_none(rig: &Rig) {
    let yarn = YarnClient::new(&rig.yarn_url, &settings()).unwrap();
    assert!(
        block_on(yarn.app("application_1700000000000_9999"))
            .unwrap()
            .is_none()
    );
    assert!(
        block_on(yarn.am_container("application_1700000000000_9999"))
            .unwrap()
            .is_none()
    );
    let node = rig.nodemanager_url.trim_start_matches("http://").to_owned();
    let unknown = AmContainer {
        container_id: "container_1700000000000_9999_01_000001".into(),
        node_http_address: node,
    };
    assert!(
        block_on(yarn.container_log(&unknown, "stdout"))
            .unwrap()
            .is_none()
    );
    assert!(
        block_on(yarn.container_log_tail(&unknown, "stderr", 100))
            .unwrap()
            .is_none()
    );
}

fn output_with_unicode_and_no_trailing_newline_is_exact(rig: &Rig) {
    let yarn = YarnClient::new(&rig.yarn_url, &settings()).unwrap();
    let script =
        "printf 'ünïcødé ✓\\nLogLength:7\\nEnd of LogType:stdout\\n*****\\nlast'\nprintf '' >&2\n";
    let app = run_container(rig, script);
    let container = am_container(&yarn, &app);
    wait_finished(&yarn, &app);
    let stdout = block_on(yarn.container_log(&container, "stdout")).unwrap();
    assert_eq!(
        stdout.as_deref(),
        Some("ünïcødé ✓\nLogLength:7\nEnd of LogType:stdout\n*****\nlast")
    );
    let stderr = block_on(yarn.container_log(&container, "stderr")).unwrap();
    assert_eq!(stderr.as_deref(), Some(""));
}
