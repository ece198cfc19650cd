//! Ctrl-C while a job is being staged, submitted or waited for.
//!
//! hjob takes over SIGINT for the commands that own a job: the first Ctrl-C
//! is an event the current step reacts to (stop waiting and print the id;
//! remove partial uploads; kill the job with `--kill-on-interrupt`). A
//! second Ctrl-C exits at once with 130, whatever is in progress, because a
//! person pressing it twice wants out.
#![allow(
    clippy::print_stderr,
    reason = "the second Ctrl-C exits from the signal task, where the reporter is out of reach"
)]

use tokio::sync::watch;

/// Counts Ctrl-Cs and lets steps wait for the first one.
#[derive(Debug, Clone)]
pub struct Interrupts {
    count: watch::Receiver<u32>,
}

impl Interrupts {
    /// Starts listening for SIGINT (call inside the runtime).
    pub fn install() -> Self {
        let (sender, count) = watch::channel(0u32);
        tokio::spawn(async move {
            let mut seen = 0u32;
            while tokio::signal::ctrl_c().await.is_ok() {
                seen += 1;
                if seen >= 2 {
                    eprintln!("\ninterrupted twice: exiting now");
                    std::process::exit(130);
                }
                let _ = sender.send(seen);
            }
        });
        Interrupts { count }
    }

    /// A listener that never fires (for library callers and tests).
    pub fn never() -> Self {
        let (sender, count) = watch::channel(0u32);
        std::mem::forget(sender);
        Interrupts { count }
    }

    /// Whether Ctrl-C was pressed.
    pub fn happened(&self) -> bool {
        *self.count.borrow() > 0
    }

    /// Resolves once Ctrl-C has been pressed (at once if it already was).
    pub async fn wait(&self) {
        let mut count = self.count.clone();
        if count.wait_for(|n| *n > 0).await.is_err() {
            std::future::pending::<()>().await;
        }
    }
}
