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

/// Format a time as RFC 3339 UTC with a `Z` suffix and whole seconds.
pub fn rfc3339(t: OffsetDateTime) -> String {
    let t = t.to_offset(UtcOffset::UTC).replace_nanosecond(0).unwrap_or(t);
    t.format(&Rfc3339).unwrap_or_else(|_| t.to_string())
}

/// A duration in the largest sensible unit: "3 days", "5 hours", "12 minutes".
pub fn span(d: Duration) -> String {
    let plural = |n: i64, unit: &str| if n == 1 { format!("1 {unit}") } else { format!("{n} {unit}s") };
    if d.whole_days() >= 1 {
        plural(d.whole_days(), "day")
    } else if d.whole_hours() >= 1 {
        plural(d.whole_hours(), "hour")
    } else if d.whole_minutes() >= 1 {
        plural(d.whole_minutes(), "minute")
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
    /// an explicit one is an error.
    pub fn decide(&self, now: OffsetDateTime, issuer_not_after: Option<OffsetDateTime>) -> Result<Decided> {
        if self.days == 0 {
            return Err(Error::invalid("--days", "0", "a certificate must be valid for at least one day"));
        }
        let not_before = match self.not_before {
            Some(t) => t,
            None => now - BACKDATE,
        };
        let not_before = not_before.replace_nanosecond(0).unwrap_or(not_before);
        let explicit = self.not_after.is_some();
        let mut not_after = match self.not_after {
            Some(t) => t,
            None => {
                let start = self.not_before.unwrap_or(now);
                start
                    .checked_add(Duration::days(i64::from(self.days)))
                    .ok_or_else(|| Error::invalid("--days", self.days.to_string(), "too far in the future"))?
            }
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
    fn not_before_with_days_counts_from_not_before() {
        let d = req(10, Some(datetime!(2030-01-01 0:00 UTC)), None).decide(NOW, None).unwrap();
        assert_eq!(d.validity.not_after, datetime!(2030-01-11 0:00 UTC));
    }
}
