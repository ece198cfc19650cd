//! Wall-clock helpers: the date formats the emulated servers print.
//!
//! Owns every time format the sandbox emits: Oozie's RFC 822 dates
//! (`Thu, 14 Feb 2013 17:31:43 GMT`), Oozie's job-id timestamp
//! (`yyMMddHHmmssSSS`) and log-line timestamps, YARN's Java `Date`
//! style (`Tue Jun 25 10:47:13 +0000 2024`) and epoch milliseconds.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

/// A UTC calendar breakdown of a [`SystemTime`].
#[derive(Debug, Clone, Copy)]
struct Civil {
    year: i64,
    month: u32,
    day: u32,
    hour: u32,
    minute: u32,
    second: u32,
    millis: u32,
    /// 0 = Sunday.
    weekday: u32,
}

const MONTHS: [&str; 12] = [
    "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
];
const WEEKDAYS: [&str; 7] = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"];

fn civil(t: SystemTime) -> Civil {
    let since = t.duration_since(UNIX_EPOCH).unwrap_or(Duration::ZERO);
    let secs = since.as_secs() as i64;
    let days = secs.div_euclid(86_400);
    let rem = secs.rem_euclid(86_400);
    // Howard Hinnant's days-to-civil algorithm.
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let month = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let year = yoe + era * 400 + i64::from(month <= 2);
    Civil {
        year,
        month,
        day,
        hour: (rem / 3600) as u32,
        minute: ((rem % 3600) / 60) as u32,
        second: (rem % 60) as u32,
        millis: since.subsec_millis(),
        weekday: (days + 4).rem_euclid(7) as u32,
    }
}

/// Oozie's `JsonUtils.formatDateRfc822`: `Thu, 14 Feb 2013 17:31:43 GMT`.
pub fn rfc822(t: SystemTime) -> String {
    httpdate::fmt_http_date(t)
}

/// The `yyMMddHHmmssSSS` stamp in Oozie job ids.
pub fn oozie_id_stamp(t: SystemTime) -> String {
    let c = civil(t);
    format!(
        "{:02}{:02}{:02}{:02}{:02}{:02}{:03}",
        c.year.rem_euclid(100),
        c.month,
        c.day,
        c.hour,
        c.minute,
        c.second,
        c.millis
    )
}

/// Log4j-style `yyyy-MM-dd HH:mm:ss,SSS`, used by Oozie and launcher logs.
pub fn log_stamp(t: SystemTime) -> String {
    let c = civil(t);
    format!(
        "{:04}-{:02}-{:02} {:02}:{:02}:{:02},{:03}",
        c.year, c.month, c.day, c.hour, c.minute, c.second, c.millis
    )
}

/// Java `Date.toString`-like with a numeric zone, as YARN log metadata
/// prints it: `Tue Jun 25 10:47:13 +0000 2024`.
pub fn yarn_date(t: SystemTime) -> String {
    let c = civil(t);
    format!(
        "{} {} {:02} {:02}:{:02}:{:02} +0000 {}",
        WEEKDAYS[c.weekday as usize],
        MONTHS[(c.month - 1) as usize],
        c.day,
        c.hour,
        c.minute,
        c.second,
        c.year
    )
}

/// Milliseconds since the epoch (YARN and WebHDFS times).
pub fn epoch_millis(t: SystemTime) -> u64 {
    t.duration_since(UNIX_EPOCH)
        .map(|d| d.as_millis() as u64)
        .unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_a_known_instant() {
        // 2013-02-14 17:31:43.488 UTC (the recorded Knox job).
        let t = UNIX_EPOCH + Duration::from_millis(1_360_863_103_488);
        assert_eq!(rfc822(t), "Thu, 14 Feb 2013 17:31:43 GMT");
        assert_eq!(oozie_id_stamp(t), "130214173143488");
        assert_eq!(log_stamp(t), "2013-02-14 17:31:43,488");
        assert_eq!(yarn_date(t), "Thu Feb 14 17:31:43 +0000 2013");
    }
}
