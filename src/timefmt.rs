//! Small time helpers for what hjob shows: RFC 3339 stamps and "in 2h 5m"
//! style relative times.

use std::time::{Duration, SystemTime};

/// Milliseconds since the epoch (HDFS's timestamps); 0 before it.
pub fn epoch_ms(time: SystemTime) -> u64 {
    time.duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| u64::try_from(d.as_millis()).unwrap_or(u64::MAX))
}

/// Formats a time as RFC 3339 in UTC, to the second.
pub fn rfc3339(time: SystemTime) -> String {
    humantime::format_rfc3339_seconds(time).to_string()
}

/// Rounds a duration to something a person reads at a glance: seconds under
/// a minute, then minutes, then hours and minutes, then days and hours.
pub fn short_duration(d: Duration) -> String {
    let secs = d.as_secs();
    if secs < 60 {
        format!("{secs}s")
    } else if secs < 3600 {
        format!("{}m {}s", secs / 60, secs % 60)
    } else if secs < 86_400 {
        format!("{}h {}m", secs / 3600, (secs % 3600) / 60)
    } else {
        format!("{}d {}h", secs / 86_400, (secs % 86_400) / 3600)
    }
}

/// Says how far an RFC 3339 time is from now ("in 2h 5m", "3m 10s ago").
pub fn relative_to_now(stamp: &str) -> Option<String> {
    let time = humantime::parse_rfc3339_weak(stamp).ok()?;
    let now = SystemTime::now();
    Some(match time.duration_since(now) {
        Ok(ahead) => format!("in {}", short_duration(ahead)),
        Err(e) => format!("{} ago", short_duration(e.duration())),
    })
}

/// Parses `--until`: an RFC 3339 time, or a duration from now (`2h`, `90m`).
pub fn parse_until(text: &str, now: SystemTime) -> Option<SystemTime> {
    if let Ok(time) = humantime::parse_rfc3339_weak(text.trim()) {
        return Some(time);
    }
    crate::config::parse_duration(text)
        .ok()
        .and_then(|d| now.checked_add(d))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn until_accepts_times_and_durations() {
        let now = humantime::parse_rfc3339("2026-11-22T10:00:00Z").unwrap();
        assert_eq!(
            rfc3339(parse_until("2h", now).unwrap()),
            "2026-11-22T12:00:00Z"
        );
        assert_eq!(
            rfc3339(parse_until("2026-11-22T14:00:00Z", now).unwrap()),
            "2026-11-22T14:00:00Z"
        );
        assert!(parse_until("tomorrowish", now).is_none());
        // Too far to show as a date (rfc3339 would fail): refused, not a panic.
        assert!(parse_until("9000y", now).is_none());
        assert!(parse_until("18446744073709551615s", now).is_none());
    }

    #[test]
    fn short_durations_read_well() {
        assert_eq!(short_duration(Duration::from_secs(59)), "59s");
        assert_eq!(short_duration(Duration::from_secs(3 * 3600 + 120)), "3h 2m");
    }
}
