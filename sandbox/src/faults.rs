//! Fault injection: the switches tests flip to make services slow, failing,
//! unreachable or rude, and the `--fault` text syntax for them.
//!
//! All switches are plain atomics and watch channels, so they can be flipped
//! from sync and async code while the sandbox runs.

use std::str::FromStr;
use std::sync::Mutex;
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::Duration;

use tokio::sync::watch;

use crate::service::Service;

/// One fault, as given to [`crate::Sandbox::apply_fault`] or `--fault`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Fault {
    /// `latency:<service>=<duration>`: delay every answer of the service.
    Latency(Service, Duration),
    /// `<service>:503xN`: the next N requests get a 503 (Oozie: `E0002`
    /// safe mode headers).
    Unavailable(Service, u32),
    /// `<service>:down`: connections are refused (the listener is closed)
    /// and open connections are reset.
    Down(Service),
    /// `oozie:reset-after-submitxN`: the next N Oozie submissions create
    /// (and start) the job, then the connection is reset with no answer.
    ResetAfterSubmit(u32),
    /// `oozie:504-after-submitxN`: the next N Oozie submissions create (and
    /// start) the job, then get a gateway's `504` with no Oozie headers, as
    /// Knox or a load balancer answers when Oozie is slower than its
    /// timeout.
    GatewayTimeoutAfterSubmit(u32),
    /// `datanode:drop-uploadxN`: the next N DataNode CREATE uploads lose
    /// their connection after the first body chunk (a partial file stays,
    /// as under a real HDFS lease).
    DropDataNodeUpload(u32),
}

impl FromStr for Fault {
    type Err = anyhow::Error;

    fn from_str(spec: &str) -> Result<Self, Self::Err> {
        let spec = spec.trim();
        if let Some(rest) = spec.strip_prefix("latency:") {
            let (service, duration) = rest
                .split_once('=')
                .ok_or_else(|| anyhow::anyhow!("expected latency:<service>=<duration>"))?;
            return Ok(Fault::Latency(service.parse()?, parse_duration(duration)?));
        }
        let (service, what) = spec
            .split_once(':')
            .ok_or_else(|| anyhow::anyhow!("expected <service>:<fault> in `{spec}`"))?;
        let service: Service = service.parse()?;
        let (what, count) = match what.rsplit_once('x') {
            Some((w, n)) if !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()) => {
                (w, n.parse::<u32>()?)
            }
            _ => (what, 1),
        };
        Ok(match (service, what) {
            (s, "503") => Fault::Unavailable(s, count),
            (s, "down") => Fault::Down(s),
            (Service::Oozie, "reset-after-submit") => Fault::ResetAfterSubmit(count),
            (Service::Oozie, "504-after-submit") => Fault::GatewayTimeoutAfterSubmit(count),
            (Service::DataNode, "drop-upload") => Fault::DropDataNodeUpload(count),
            _ => anyhow::bail!(
                "unknown fault `{spec}` (expected <service>:503xN, <service>:down, \
                 latency:<service>=<dur>, oozie:reset-after-submitxN, \
                 oozie:504-after-submitxN, datanode:drop-uploadxN)"
            ),
        })
    }
}

/// Parses `250ms`, `2s`, `1.5s`, `3m` or a bare number of milliseconds.
pub fn parse_duration(text: &str) -> anyhow::Result<Duration> {
    let text = text.trim();
    let split = text
        .find(|c: char| !(c.is_ascii_digit() || c == '.'))
        .unwrap_or(text.len());
    let (number, unit) = text.split_at(split);
    let number: f64 = number
        .parse()
        .map_err(|_| anyhow::anyhow!("bad duration `{text}`"))?;
    let secs = match unit {
        "ms" | "" => number / 1000.0,
        "s" => number,
        "m" => number * 60.0,
        _ => anyhow::bail!("bad duration unit in `{text}` (use ms, s or m)"),
    };
    Ok(Duration::from_secs_f64(secs))
}

/// The live fault switches of one sandbox.
#[derive(Debug)]
pub(crate) struct Faults {
    latency: Mutex<[Duration; 6]>,
    unavailable: [AtomicU32; 6],
    down: [watch::Sender<bool>; 6],
    reset_after_submit: AtomicU32,
    gateway_timeout_after_submit: AtomicU32,
    drop_datanode_upload: AtomicU32,
}

impl Default for Faults {
    fn default() -> Self {
        Faults {
            latency: Mutex::new([Duration::ZERO; 6]),
            unavailable: Default::default(),
            down: std::array::from_fn(|_| watch::Sender::new(false)),
            reset_after_submit: AtomicU32::new(0),
            gateway_timeout_after_submit: AtomicU32::new(0),
            drop_datanode_upload: AtomicU32::new(0),
        }
    }
}

/// Decrements `counter` if it is positive; true when a unit was taken.
fn take_one(counter: &AtomicU32) -> bool {
    counter
        .fetch_update(Ordering::SeqCst, Ordering::SeqCst, |n| n.checked_sub(1))
        .is_ok()
}

impl Faults {
    pub(crate) fn apply(&self, fault: &Fault) {
        match *fault {
            Fault::Latency(s, d) => self.set_latency(s, d),
            Fault::Unavailable(s, n) => self.unavailable[s.index()].store(n, Ordering::SeqCst),
            Fault::Down(s) => self.set_down(s, true),
            Fault::ResetAfterSubmit(n) => self.reset_after_submit.store(n, Ordering::SeqCst),
            Fault::GatewayTimeoutAfterSubmit(n) => {
                self.gateway_timeout_after_submit.store(n, Ordering::SeqCst)
            }
            Fault::DropDataNodeUpload(n) => self.drop_datanode_upload.store(n, Ordering::SeqCst),
        }
    }

    pub(crate) fn set_latency(&self, service: Service, delay: Duration) {
        if let Ok(mut l) = self.latency.lock() {
            l[service.index()] = delay;
        }
    }

    pub(crate) fn latency(&self, service: Service) -> Duration {
        self.latency
            .lock()
            .map(|l| l[service.index()])
            .unwrap_or_default()
    }

    pub(crate) fn take_unavailable(&self, service: Service) -> bool {
        take_one(&self.unavailable[service.index()])
    }

    pub(crate) fn set_down(&self, service: Service, down: bool) {
        self.down[service.index()].send_replace(down);
    }

    pub(crate) fn down_watch(&self, service: Service) -> watch::Receiver<bool> {
        self.down[service.index()].subscribe()
    }

    pub(crate) fn take_reset_after_submit(&self) -> bool {
        take_one(&self.reset_after_submit)
    }

    pub(crate) fn take_gateway_timeout_after_submit(&self) -> bool {
        take_one(&self.gateway_timeout_after_submit)
    }

    pub(crate) fn take_drop_datanode_upload(&self) -> bool {
        take_one(&self.drop_datanode_upload)
    }

    pub(crate) fn clear(&self) {
        for s in Service::ALL {
            self.set_latency(s, Duration::ZERO);
            self.unavailable[s.index()].store(0, Ordering::SeqCst);
            self.set_down(s, false);
        }
        self.reset_after_submit.store(0, Ordering::SeqCst);
        self.drop_datanode_upload.store(0, Ordering::SeqCst);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_the_documented_specs() {
        assert_eq!(
            "oozie:503x3".parse::<Fault>().unwrap(),
            Fault::Unavailable(Service::Oozie, 3)
        );
        assert_eq!(
            "state:down".parse::<Fault>().unwrap(),
            Fault::Down(Service::State)
        );
        assert_eq!(
            "latency:oozie=200ms".parse::<Fault>().unwrap(),
            Fault::Latency(Service::Oozie, Duration::from_millis(200))
        );
        assert_eq!(
            "oozie:reset-after-submit".parse::<Fault>().unwrap(),
            Fault::ResetAfterSubmit(1)
        );
        assert_eq!(
            "dn:drop-uploadx2".parse::<Fault>().unwrap(),
            Fault::DropDataNodeUpload(2)
        );
        assert!("oozie:explode".parse::<Fault>().is_err());
    }
}
