//! Instants: seconds since 1970-01-01T00:00:00Z (a CWT NumericDate), and
//! the one rule for which instants consentkit signs.
//!
//! Every time an artifact carries must lie between [`MIN_TIME`]
//! (2000-01-01, inclusive) and [`MAX_TIME`] (2100-01-01, exclusive) when it
//! is signed. The range catches the usual unit mistakes: a JavaScript
//! `Date.now()` (milliseconds), a `time.time_ns() // 1000` (microseconds),
//! or a forgotten epoch (a small number). The command line's `--at` uses the
//! same range. Decoding does not apply it: an auditor reads what was signed.

use std::fmt;
use std::ops::{Add, AddAssign, Sub, SubAssign};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use serde::{Deserialize, Serialize};

/// An instant: whole seconds since 1970-01-01T00:00:00Z, as a CWT
/// NumericDate (integer only).
///
/// It is encoded as the bare integer everywhere: in CBOR (docs/FORMAT.md),
/// in JSON views, reports and exports (serde, transparent), and printed by
/// `Display` and `Debug` as the number. Arithmetic is in seconds: `t + 60`,
/// `t - 86_400`, and `later - earlier` is the seconds between them. Kotlin
/// sees it as `java.time.Instant`, Swift as `Date`, Python as an `int` (it
/// takes an `int`, a `float` or a `datetime`; feature `uniffi`).
#[derive(Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(transparent)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[cfg_attr(feature = "ts", ts(type = "number"))]
pub struct Timestamp(u64);

impl Timestamp {
    /// The instant `secs` seconds after 1970-01-01T00:00:00Z (unchecked:
    /// [`check`] applies the range rule).
    pub const fn from_secs(secs: u64) -> Timestamp {
        Timestamp(secs)
    }

    /// Seconds since 1970-01-01T00:00:00Z.
    pub const fn secs(self) -> u64 {
        self.0
    }

    /// This instant, if it is one consentkit signs ([`check`]); `field` names it in the error.
    pub fn check(self, field: &str) -> Result<Timestamp, TimeError> {
        check(field, self)
    }

    /// `self + secs`, or `None` on overflow.
    pub fn checked_add(self, secs: u64) -> Option<Timestamp> {
        self.0.checked_add(secs).map(Timestamp)
    }

    /// `self - secs`, or `None` before the epoch.
    pub fn checked_sub(self, secs: u64) -> Option<Timestamp> {
        self.0.checked_sub(secs).map(Timestamp)
    }

    /// `self + secs`, at most the largest instant.
    pub fn saturating_add(self, secs: u64) -> Timestamp {
        Timestamp(self.0.saturating_add(secs))
    }

    /// `self - secs`, at least the epoch.
    pub fn saturating_sub(self, secs: u64) -> Timestamp {
        Timestamp(self.0.saturating_sub(secs))
    }

    /// Seconds from `earlier` to `self`, or `None` if `earlier` is later.
    pub fn checked_since(self, earlier: Timestamp) -> Option<u64> {
        self.0.checked_sub(earlier.0)
    }

    /// Seconds from `earlier` to `self`, 0 if `earlier` is later.
    pub fn saturating_since(self, earlier: Timestamp) -> u64 {
        self.0.saturating_sub(earlier.0)
    }
}

impl From<u64> for Timestamp {
    fn from(secs: u64) -> Timestamp {
        Timestamp(secs)
    }
}

impl From<Timestamp> for u64 {
    fn from(t: Timestamp) -> u64 {
        t.0
    }
}

impl fmt::Display for Timestamp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(&self.0, f)
    }
}

impl fmt::Debug for Timestamp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&self.0, f)
    }
}

impl Add<u64> for Timestamp {
    type Output = Timestamp;
    fn add(self, secs: u64) -> Timestamp {
        Timestamp(self.0 + secs)
    }
}

impl AddAssign<u64> for Timestamp {
    fn add_assign(&mut self, secs: u64) {
        self.0 += secs;
    }
}

impl Sub<u64> for Timestamp {
    type Output = Timestamp;
    fn sub(self, secs: u64) -> Timestamp {
        Timestamp(self.0 - secs)
    }
}

impl SubAssign<u64> for Timestamp {
    fn sub_assign(&mut self, secs: u64) {
        self.0 -= secs;
    }
}

/// The seconds between two instants.
impl Sub<Timestamp> for Timestamp {
    type Output = u64;
    fn sub(self, earlier: Timestamp) -> u64 {
        self.0 - earlier.0
    }
}

/// Earliest instant signed: 2000-01-01T00:00:00Z.
pub const MIN_TIME: Timestamp = Timestamp(946_684_800);
/// Latest instant signed (exclusive): 2100-01-01T00:00:00Z.
pub const MAX_TIME: Timestamp = Timestamp(4_102_444_800);

/// What an out-of-range number most likely is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum TimeUnit {
    /// Milliseconds since the epoch (e.g. JavaScript `Date.now()`).
    Milliseconds,
    /// Microseconds since the epoch.
    Microseconds,
    /// Nanoseconds since the epoch.
    Nanoseconds,
    /// Before 2000 in seconds: a small number, a relative time or a missing epoch.
    BeforeYear2000,
    /// After 2100 in seconds, and not a finer unit either.
    AfterYear2100,
}

impl TimeUnit {
    /// What a value outside [`MIN_TIME`]..[`MAX_TIME`] looks like.
    pub fn guess(t: u128) -> TimeUnit {
        let (min, max) = (u128::from(MIN_TIME.0), u128::from(MAX_TIME.0));
        if t < min {
            TimeUnit::BeforeYear2000
        } else if (min * 1_000..max * 1_000).contains(&t) {
            TimeUnit::Milliseconds
        } else if (min * 1_000_000..max * 1_000_000).contains(&t) {
            TimeUnit::Microseconds
        } else if (min * 1_000_000_000..max * 1_000_000_000).contains(&t) {
            TimeUnit::Nanoseconds
        } else {
            TimeUnit::AfterYear2100
        }
    }

    fn advice(self) -> &'static str {
        match self {
            TimeUnit::Milliseconds => "it looks like milliseconds: divide by 1,000",
            TimeUnit::Microseconds => "it looks like microseconds: divide by 1,000,000",
            TimeUnit::Nanoseconds => "it looks like nanoseconds: divide by 1,000,000,000",
            TimeUnit::BeforeYear2000 => {
                "it is before 2000-01-01: give seconds since 1970-01-01T00:00:00Z"
            }
            TimeUnit::AfterYear2100 => "it is after 2100-01-01",
        }
    }
}

impl fmt::Display for TimeUnit {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            TimeUnit::Milliseconds => "milliseconds",
            TimeUnit::Microseconds => "microseconds",
            TimeUnit::Nanoseconds => "nanoseconds",
            TimeUnit::BeforeYear2000 => "before 2000",
            TimeUnit::AfterYear2100 => "after 2100",
        })
    }
}

/// An instant outside the range consentkit signs, or one that cannot be
/// read as seconds since the epoch.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum TimeError {
    /// Outside 2000-01-01 ..< 2100-01-01 in seconds since the epoch.
    #[error("{field} = {value} is not seconds since the epoch between 2000-01-01T00:00:00Z and 2100-01-01T00:00:00Z ({})", .looks_like.advice())]
    OutOfRange {
        /// The field (e.g. `offer.issued_at`), or `"time"` for a bare value.
        field: String,
        /// The value given.
        value: u128,
        /// What the value looks like.
        looks_like: TimeUnit,
    },
    /// A number that is not a whole, finite, non-negative count of seconds
    /// (from a host language's float, e.g. Python `time.time()`).
    #[error("{field} is {what}, not a finite, non-negative number of seconds since the epoch")]
    NotANumber {
        /// The field.
        field: String,
        /// What the value is: "NaN", "infinite" or "negative" (no float is
        /// formatted: that would grow the wasm module).
        what: &'static str,
    },
}

/// Checks that `value` is an instant consentkit signs; `field` names it in the error.
pub fn check(field: &str, value: Timestamp) -> Result<Timestamp, TimeError> {
    if (MIN_TIME..MAX_TIME).contains(&value) {
        Ok(value)
    } else {
        Err(TimeError::OutOfRange {
            field: field.to_owned(),
            value: u128::from(value.0),
            looks_like: TimeUnit::guess(u128::from(value.0)),
        })
    }
}

/// Seconds since the epoch of a [`SystemTime`] (rounded down), checked by [`check`].
pub fn from_system_time(t: SystemTime) -> Result<Timestamp, TimeError> {
    let secs = t
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0);
    check("time", Timestamp(secs))
}

/// The [`SystemTime`] of an instant.
pub fn to_system_time(t: Timestamp) -> SystemTime {
    UNIX_EPOCH + Duration::from_secs(t.0)
}

/// Seconds since the epoch from a host language's floating-point seconds
/// (Python `time.time()`, `datetime.timestamp()`), rounded down and checked.
pub fn from_float_seconds(field: &str, secs: f64) -> Result<Timestamp, TimeError> {
    not_a_number(field, secs)?;
    let whole = secs.floor();
    if whole >= 1e30 {
        return Err(TimeError::OutOfRange {
            field: field.to_owned(),
            value: u128::MAX,
            looks_like: TimeUnit::AfterYear2100,
        });
    }
    // safe: finite, non-negative and below 1e30 < u128::MAX.
    #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
    let n = whole as u128;
    match u64::try_from(n) {
        Ok(v) => check(field, Timestamp(v)),
        Err(_) => Err(TimeError::OutOfRange {
            field: field.to_owned(),
            value: n,
            looks_like: TimeUnit::guess(n),
        }),
    }
}

/// Seconds since the epoch from JavaScript's milliseconds (`Date.now()`,
/// `date.getTime()`), rounded down and checked.
pub fn from_millis(field: &str, millis: f64) -> Result<Timestamp, TimeError> {
    not_a_number(field, millis)?;
    from_float_seconds(field, (millis / 1000.0).floor())
}

/// Seconds since the epoch from a JavaScript number that holds either
/// seconds or milliseconds (`Date.now()`, `date.getTime()`, or a `Date`
/// converted to a number). The two ranges do not overlap (2000..2100 in
/// seconds is 9.5e8..4.1e9; in milliseconds 9.5e11..4.1e12), so a value in
/// the milliseconds range is read as milliseconds; anything else must be
/// seconds in range ([`check`]), and is refused naming the unit it looks like.
pub fn from_seconds_or_millis(field: &str, t: f64) -> Result<Timestamp, TimeError> {
    not_a_number(field, t)?;
    #[allow(clippy::cast_precision_loss)] // safe: both bounds are below 2^53
    let millis = (MIN_TIME.0 as f64 * 1000.0)..(MAX_TIME.0 as f64 * 1000.0);
    if millis.contains(&t) {
        from_millis(field, t)
    } else {
        from_float_seconds(field, t)
    }
}

fn not_a_number(field: &str, t: f64) -> Result<(), TimeError> {
    let what = if t.is_nan() {
        "NaN"
    } else if t.is_infinite() {
        "infinite"
    } else if t < 0.0 {
        "negative"
    } else {
        return Ok(());
    };
    Err(TimeError::NotANumber {
        field: field.to_owned(),
        what,
    })
}

/// An instant a caller may hand to consentkit: a [`Timestamp`], `u64`
/// seconds since the epoch, or a [`SystemTime`]. Either way the range rule
/// of [`check`] applies.
pub trait IntoTime {
    /// The instant, checked.
    fn into_time(self) -> Result<Timestamp, TimeError>;
}

impl IntoTime for Timestamp {
    fn into_time(self) -> Result<Timestamp, TimeError> {
        check("time", self)
    }
}

impl IntoTime for u64 {
    fn into_time(self) -> Result<Timestamp, TimeError> {
        check("time", Timestamp(self))
    }
}

impl IntoTime for SystemTime {
    fn into_time(self) -> Result<Timestamp, TimeError> {
        from_system_time(self)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const T: Timestamp = Timestamp(1_793_491_200); // 2026-11-01
    const TS: u64 = T.0;

    #[test]
    fn milliseconds_are_named() {
        let e = check("offer.issued_at", Timestamp(TS * 1000)).unwrap_err();
        assert!(matches!(
            e,
            TimeError::OutOfRange {
                looks_like: TimeUnit::Milliseconds,
                ..
            }
        ));
        let msg = e.to_string();
        assert!(msg.contains("offer.issued_at"), "{msg}");
        assert!(msg.contains("milliseconds"), "{msg}");
    }

    #[test]
    fn microseconds_are_named() {
        let e = check("t", Timestamp(TS * 1_000_000)).unwrap_err();
        assert!(e.to_string().contains("microseconds"), "{e}");
    }

    #[test]
    fn before_2000_is_named() {
        for t in [0, 3_600, MIN_TIME.0 - 1] {
            let e = check("t", Timestamp(t)).unwrap_err();
            assert!(e.to_string().contains("before 2000"), "{e}");
        }
    }

    #[test]
    fn after_2100_is_named() {
        let e = check("t", MAX_TIME).unwrap_err();
        assert!(e.to_string().contains("after 2100"), "{e}");
        assert!(check("t", MAX_TIME - 1).is_ok());
        assert!(check("t", MIN_TIME).is_ok());
    }

    #[test]
    fn system_time_converts_to_seconds() {
        let st = to_system_time(T) + Duration::from_millis(999);
        assert_eq!(from_system_time(st), Ok(T));
        assert_eq!(st.into_time(), Ok(T));
        assert!(UNIX_EPOCH.into_time().is_err());
    }

    #[test]
    fn float_seconds_and_millis_convert() {
        assert_eq!(from_float_seconds("t", TS as f64 + 0.75), Ok(T));
        assert_eq!(from_millis("t", (TS * 1000 + 999) as f64), Ok(T));
        assert!(matches!(
            from_float_seconds("t", (TS * 1000) as f64),
            Err(TimeError::OutOfRange {
                looks_like: TimeUnit::Milliseconds,
                ..
            })
        ));
        assert!(matches!(
            from_float_seconds("t", f64::NAN),
            Err(TimeError::NotANumber { .. })
        ));
        assert!(from_float_seconds("t", -1.0).is_err());
        assert!(from_float_seconds("t", 1e300).is_err());
    }

    #[test]
    fn a_javascript_number_is_read_as_seconds_or_milliseconds() {
        let t = TS as f64;
        assert_eq!(from_seconds_or_millis("t", t), Ok(T));
        assert_eq!(from_seconds_or_millis("t", t * 1000.0 + 999.0), Ok(T));
        // Microseconds and small numbers are refused, naming the unit.
        assert!(matches!(
            from_seconds_or_millis("now", t * 1_000_000.0),
            Err(TimeError::OutOfRange {
                looks_like: TimeUnit::Microseconds,
                ..
            })
        ));
        let e = from_seconds_or_millis("now", 60.0).unwrap_err();
        assert!(e.to_string().contains("now = 60"), "{e}");
        assert!(matches!(
            from_seconds_or_millis("now", f64::INFINITY),
            Err(TimeError::NotANumber {
                what: "infinite",
                ..
            })
        ));
    }
}
