//! Validity periods: parsing `--not-before`/`--not-after`, defaults from `--days`,
//! and clamping to the issuer's notAfter.

use time::format_description::well_known::Rfc3339;
use time::{Date, Duration, OffsetDateTime, UtcOffset};

use crate::error::{Error, Result};

/// How far notBefore is set back from "now" when not given, to tolerate clock skew
/// between the machine that issues and the machines that verify (step-ca does the same).
pub const BACKDATE: Duration = Duration::minutes(1);

/// Apple platforms reject TLS server certificates valid for more than 825 days,
/// even under a user-added root (support.apple.com/HT210176).
pub const APPLE_MAX_DAYS: i64 = 825;

/// Parse an RFC 3339 time (`2024-01-01T00:00:00Z`, any offset) or a date (`2024-01-01`,
/// meaning midnight UTC). `flag` names the option in errors.
pub fn parse_time(flag: &'static str, s: &str) -> Result<OffsetDateTime> {
    let s = s.trim();
    if let Ok(t) = OffsetDateTime::parse(s, &Rfc3339) {
        return Ok(t.to_offset(UtcOffset::UTC));
    }
    let date_fmt = time::macros::format_description!("[year]-[month]-[day]");
    if let Ok(d) = Date::parse(s, &date_fmt) {
        return Ok(d.midnight().assume_utc());
    }
    Err(Error::InvalidValue {
        flag,
        value: s.to_string(),
        reason: "not an RFC 3339 time or a date".into(),
        hint: Some("write '2024-01-01T00:00:00Z' or '2024-01-01'".into()),
    })
}

/// [`parse_time`], or a duration from `now` ([`parse_duration`]: `24h`, `90m`, `30d`, `-1h`,
/// `+2w`), as step-cli accepts for `--not-before`/`--not-after`.
pub fn parse_time_or_offset(flag: &'static str, s: &str, now: OffsetDateTime) -> Result<OffsetDateTime> {
    if let Ok(t) = parse_time(flag, s) {
        return Ok(t);
    }
    let not_a_time = |reason: String| Error::InvalidValue {
        flag,
        value: s.trim().to_string(),
        reason,
        hint: Some(
            "write '2024-01-01T00:00:00Z', '2024-01-01', or a duration from now: '24h', '-1h', '30d', '+2w'".into(),
        ),
    };
    let offset =
        parse_duration(s).map_err(|_| not_a_time("not an RFC 3339 time, a date or a duration from now".into()))?;
    now.checked_add(offset)
        .filter(|t| (1..=9999).contains(&t.year()))
        .ok_or_else(|| not_a_time("too far from now".into()))
}

/// The longest duration accepted, in minutes: 1,000 years, enough for any certificate and
/// far from overflow.
const MAX_MINUTES: i64 = 60 * 24 * 366 * 1000;

/// A signed duration: an optional `+` or `-`, whole number, and a unit `m` (minutes), `h`,
/// `d` or `w`: `90m`, `24h`, `30d`, `-1h`, `+2w`. At most 1,000 years either way.
pub fn parse_duration(s: &str) -> std::result::Result<Duration, String> {
    let s = s.trim();
    let (sign, body) = match s.strip_prefix('-') {
        Some(rest) => (-1, rest),
        None => (1, s.strip_prefix('+').unwrap_or(s)),
    };
    let (num, unit) = body.split_at(body.find(|c: char| !c.is_ascii_digit()).unwrap_or(body.len()));
    let n: i64 = num.parse().map_err(|_| format!("'{s}' is not a duration like 90m, 12h, 30d or 8w"))?;
    let minutes_per = match unit {
        "m" => 1,
        "h" => 60,
        "d" => 60 * 24,
        "w" => 60 * 24 * 7,
        _ => return Err(format!("'{s}' is not a duration like 90m, 12h, 30d or 8w (units: m, h, d, w)")),
    };
    match n.checked_mul(minutes_per) {
        Some(m) if m <= MAX_MINUTES => Ok(Duration::minutes(sign * m)),
        _ => Err(format!("'{s}' is too long (at most 1000 years)")),
    }
}

/// Format a time as RFC 3339 UTC with a `Z` suffix and whole seconds.
pub fn rfc3339(t: OffsetDateTime) -> String {
    let t = t.to_offset(UtcOffset::UTC).replace_nanosecond(0).unwrap_or(t);
    t.format(&Rfc3339).unwrap_or_else(|_| t.to_string())
}

/// `d` in whole `unit`s, rounded to the nearest (a half rounds up).
fn rounded(d: Duration, unit: Duration) -> i64 {
    let (d, unit) = (d.whole_seconds(), unit.whole_seconds());
    (d + unit / 2).div_euclid(unit)
}

/// Days in `d`, rounded to the nearest whole day (half a day rounds up): the one rule for
/// counting days, used wherever pki prints them. Truncating is wrong both ways: a certificate
/// backdated a minute has 397 days and a minute (`issue` said 397), and a few seconds after
/// issuance it expires in 396 days, 23 hours and 59 minutes (`inspect` said 396).
pub fn days(d: Duration) -> i64 {
    rounded(d, Duration::DAY)
}

/// A duration in the largest unit it reaches once rounded to the nearest of that unit:
/// "3 days" ([`days`]), "5 hours", "12 minutes", or "less than a minute". So a 1-day
/// certificate a few seconds old still "expires in 1 day", as `issue` said.
pub fn span(d: Duration) -> String {
    let plural = |n: i64, unit: &str| if n == 1 { format!("1 {unit}") } else { format!("{n} {unit}s") };
    if rounded(d, Duration::HOUR) >= 24 {
        plural(days(d), "day")
    } else if rounded(d, Duration::MINUTE) >= 60 {
        plural(rounded(d, Duration::HOUR), "hour")
    } else if d >= Duration::MINUTE {
        plural(rounded(d, Duration::MINUTE), "minute")
    } else {
        "less than a minute".into()
    }
}

/// A certificate's validity period, decided.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Validity {
    /// notBefore.
    pub not_before: OffsetDateTime,
    /// notAfter.
    pub not_after: OffsetDateTime,
}

/// What the user asked for.
#[derive(Debug, Clone, Copy)]
pub struct ValidityRequest {
    /// `--days` (or the profile's default).
    pub days: u32,
    /// `--not-before`, if given.
    pub not_before: Option<OffsetDateTime>,
    /// `--not-after`, if given.
    pub not_after: Option<OffsetDateTime>,
}

/// The outcome of deciding a validity period.
#[derive(Debug, Clone)]
pub struct Decided {
    /// The period to issue.
    pub validity: Validity,
    /// Set when notAfter was cut back to the issuer's notAfter.
    pub clamped_to: Option<OffsetDateTime>,
}

impl ValidityRequest {
    /// Decide the period at `now` under an issuer that expires at `issuer_not_after`
    /// (None for a self-signed root). An implicit notAfter past the issuer's is clamped;
    /// an explicit one is an error. An explicit notAfter already past, without an explicit
    /// notBefore, starts `days` before it: `--not-after -1h` alone mints an expired certificate.
    pub fn decide(&self, now: OffsetDateTime, issuer_not_after: Option<OffsetDateTime>) -> Result<Decided> {
        if self.days == 0 {
            return Err(Error::invalid("--days", "0", "a certificate must be valid for at least one day"));
        }
        // `--days N` counts from now (or --not-before), not from the backdated start.
        self.decide_with(Duration::days(i64::from(self.days)), self.not_before.unwrap_or(now), now, issuer_not_after)
    }

    /// As [`decide`](Self::decide), for a period of exactly `length` from notBefore instead
    /// of `days` days: a renewal keeps the lifetime of the certificate it renews.
    pub fn decide_lasting(
        &self,
        length: Duration,
        now: OffsetDateTime,
        issuer_not_after: Option<OffsetDateTime>,
    ) -> Result<Decided> {
        let start = self.not_before.unwrap_or(now - BACKDATE);
        self.decide_with(length, start, now, issuer_not_after)
    }

    /// The period of `length` from `start` unless notAfter is given.
    fn decide_with(
        &self,
        length: Duration,
        start: OffsetDateTime,
        now: OffsetDateTime,
        issuer_not_after: Option<OffsetDateTime>,
    ) -> Result<Decided> {
        let not_before = match (self.not_before, self.not_after) {
            (Some(t), _) => t,
            (None, Some(end)) if end <= now - BACKDATE => end.checked_sub(length).ok_or_else(|| {
                Error::invalid(
                    "--days",
                    self.days.to_string(),
                    "starts before the year 1 counted back from --not-after",
                )
            })?,
            (None, _) => now - BACKDATE,
        };
        let not_before = not_before.replace_nanosecond(0).unwrap_or(not_before);
        let explicit = self.not_after.is_some();
        let mut not_after = match self.not_after {
            Some(t) => t,
            None => start
                .checked_add(length)
                .ok_or_else(|| Error::invalid("--days", self.days.to_string(), "too far in the future"))?,
        };
        not_after = not_after.replace_nanosecond(0).unwrap_or(not_after);
        if not_after.year() > 9999 {
            return Err(Error::invalid("--days", self.days.to_string(), "notAfter would be past the year 9999"));
        }
        let mut clamped_to = None;
        if let Some(limit) = issuer_not_after
            && not_after > limit
        {
            if explicit {
                return Err(Error::Validity {
                    reason: format!(
                        "--not-after {} is after the issuer's notAfter {}: the certificate would outlive its issuer",
                        rfc3339(not_after),
                        rfc3339(limit)
                    ),
                    hint: Some("choose an earlier --not-after, or renew the issuing CA first".into()),
                });
            }
            not_after = limit;
            clamped_to = Some(limit);
        }
        if not_after <= not_before {
            return Err(Error::Validity {
                reason: format!("notAfter {} is not after notBefore {}", rfc3339(not_after), rfc3339(not_before)),
                hint: Some("check --not-before, --not-after and --days".into()),
            });
        }
        Ok(Decided { validity: Validity { not_before, not_after }, clamped_to })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::datetime;

    const NOW: OffsetDateTime = datetime!(2026-01-10 12:00:00.5 UTC);

    fn req(days: u32, nb: Option<OffsetDateTime>, na: Option<OffsetDateTime>) -> ValidityRequest {
        ValidityRequest { days, not_before: nb, not_after: na }
    }

    #[test]
    fn parses_rfc3339_and_dates() {
        assert_eq!(parse_time("--at", "2024-01-01").unwrap(), datetime!(2024-01-01 0:00 UTC));
        assert_eq!(parse_time("--at", "2024-01-01T10:00:00Z").unwrap(), datetime!(2024-01-01 10:00 UTC));
        assert_eq!(parse_time("--at", "2024-01-01T10:00:00+02:00").unwrap(), datetime!(2024-01-01 8:00 UTC));
        assert!(parse_time("--at", "yesterday").is_err());
        assert!(parse_time("--at", "2024-13-01").is_err());
    }

    #[test]
    fn durations_and_times_relative_to_now() {
        let at = |s: &str| parse_time_or_offset("--not-after", s, NOW).unwrap();
        assert_eq!(at("24h"), NOW + Duration::hours(24));
        assert_eq!(at("90m"), NOW + Duration::minutes(90));
        assert_eq!(at("30d"), NOW + Duration::days(30));
        assert_eq!(at("-1h"), NOW - Duration::hours(1));
        assert_eq!(at("+2w"), NOW + Duration::weeks(2));
        assert_eq!(at("2024-01-01"), datetime!(2024-01-01 0:00 UTC));
        for bad in ["yesterday", "1y", "h", "--1h", "1.5h", "", "-", "99999999999w"] {
            let e = parse_time_or_offset("--not-after", bad, NOW).unwrap_err();
            assert!(e.to_string().contains("--not-after"), "{bad}: {e}");
            assert!(e.hint().unwrap_or_default().contains("'-1h'"), "{bad}: {e:?}");
        }
        assert_eq!(parse_duration("8w"), Ok(Duration::weeks(8)));
        assert!(parse_duration("-0d").is_ok_and(|d| d.is_zero()));
    }

    #[test]
    fn a_past_not_after_alone_starts_days_before_it() {
        let end = NOW - Duration::hours(1);
        let d = req(10, None, Some(end)).decide(NOW, None).unwrap();
        assert_eq!(d.validity.not_after, end.replace_nanosecond(0).unwrap());
        assert_eq!(d.validity.not_before, (end - Duration::days(10)).replace_nanosecond(0).unwrap());
        // A future notAfter still starts now (backdated a minute).
        let d = req(10, None, Some(NOW + Duration::hours(1))).decide(NOW, None).unwrap();
        assert_eq!(d.validity.not_before, datetime!(2026-01-10 11:59:00 UTC));
    }

    #[test]
    fn days_round_to_the_nearest_day() {
        let almost = Duration::days(397) - Duration::seconds(5);
        assert_eq!(days(Duration::days(397) + BACKDATE), 397);
        assert_eq!(days(almost), 397);
        assert_eq!(span(almost), "397 days");
        assert_eq!(days(Duration::hours(36)), 2);
        assert_eq!(days(Duration::hours(35)), 1);
        assert_eq!(span(Duration::hours(23)), "23 hours");
        assert_eq!(span(Duration::days(1) - Duration::seconds(5)), "1 day");
        assert_eq!(span(Duration::hours(23) + Duration::minutes(29)), "23 hours");
        assert_eq!(span(Duration::minutes(59) + Duration::seconds(45)), "1 hour");
        assert_eq!(span(Duration::seconds(90)), "2 minutes");
        assert_eq!(span(Duration::seconds(59)), "less than a minute");
        assert_eq!(days(-Duration::hours(1)), 0);
    }

    #[test]
    fn default_is_backdated_and_whole_seconds() {
        let d = req(397, None, None).decide(NOW, None).unwrap();
        assert_eq!(d.validity.not_before, datetime!(2026-01-10 11:59:00 UTC));
        assert_eq!(d.validity.not_after, datetime!(2027-02-11 12:00:00 UTC));
        assert!(d.clamped_to.is_none());
    }

    #[test]
    fn implicit_not_after_is_clamped_explicit_is_an_error() {
        let limit = datetime!(2026-06-01 0:00 UTC);
        let d = req(397, None, None).decide(NOW, Some(limit)).unwrap();
        assert_eq!(d.validity.not_after, limit);
        assert_eq!(d.clamped_to, Some(limit));
        let e = req(397, None, Some(datetime!(2027-01-01 0:00 UTC))).decide(NOW, Some(limit)).unwrap_err();
        assert!(e.to_string().contains("outlive its issuer"), "{e}");
    }

    #[test]
    fn expired_and_inverted_periods() {
        let d = req(397, Some(datetime!(2020-01-01 0:00 UTC)), Some(datetime!(2020-02-01 0:00 UTC)))
            .decide(NOW, None)
            .unwrap();
        assert_eq!(d.validity.not_after, datetime!(2020-02-01 0:00 UTC));
        let e = req(1, Some(datetime!(2020-02-01 0:00 UTC)), Some(datetime!(2020-01-01 0:00 UTC)))
            .decide(NOW, None)
            .unwrap_err();
        assert!(e.to_string().contains("is not after notBefore"));
        assert!(req(0, None, None).decide(NOW, None).is_err());
    }

    #[test]
    fn a_lifetime_is_kept_to_the_second_from_the_backdated_start() {
        let length = Duration::days(10) + BACKDATE;
        let d = req(397, None, None).decide_lasting(length, NOW, None).unwrap();
        assert_eq!(d.validity.not_before, datetime!(2026-01-10 11:59:00 UTC));
        assert_eq!(d.validity.not_after - d.validity.not_before, length);
        let limit = datetime!(2026-01-15 0:00 UTC);
        let d = req(397, None, None).decide_lasting(length, NOW, Some(limit)).unwrap();
        assert_eq!((d.validity.not_after, d.clamped_to), (limit, Some(limit)));
    }

    #[test]
    fn not_before_with_days_counts_from_not_before() {
        let d = req(10, Some(datetime!(2030-01-01 0:00 UTC)), None).decide(NOW, None).unwrap();
        assert_eq!(d.validity.not_after, datetime!(2030-01-11 0:00 UTC));
    }
}
