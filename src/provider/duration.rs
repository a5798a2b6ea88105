//! Go's `time.Duration` text form, as `metav1.Duration` reads and prints it.

use std::fmt;
use std::str::FromStr;

use super::{ProviderError, ProviderErrorKind};

/// A duration as Kubernetes writes it in configs and plugin responses (`"12h"`, `"1m30s"`,
/// `"0"`, `"-1m"`): Go's `time.ParseDuration` grammar, signed, in nanoseconds.
///
/// `Display` is Go's `Duration.String()` (`"1h0m0s"`, `"1.5s"`, `"-1m0s"`, `"0s"`), and
/// `FromStr` accepts everything Go accepts, so `d.to_string().parse()` gives `d` back.
///
/// ```
/// use kubepull::provider::GoDuration;
///
/// let d: GoDuration = "1h30m".parse()?;
/// assert_eq!(d.to_string(), "1h30m0s");
/// assert_eq!("-1m".parse::<GoDuration>()?.to_string(), "-1m0s");
/// assert_eq!("0".parse::<GoDuration>()?.as_std(), Some(std::time::Duration::ZERO));
/// # Ok::<(), kubepull::provider::ProviderError>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct GoDuration(i64);

const NANOSECOND: u64 = 1;
const MICROSECOND: u64 = 1_000 * NANOSECOND;
const MILLISECOND: u64 = 1_000 * MICROSECOND;
const SECOND: u64 = 1_000 * MILLISECOND;
const MINUTE: u64 = 60 * SECOND;
const HOUR: u64 = 60 * MINUTE;

impl GoDuration {
    /// The zero duration.
    pub const ZERO: GoDuration = GoDuration(0);

    /// A duration of `nanos` nanoseconds.
    pub const fn from_nanos(nanos: i64) -> GoDuration {
        GoDuration(nanos)
    }

    /// The duration in nanoseconds (negative for negative durations).
    pub const fn as_nanos(self) -> i64 {
        self.0
    }

    /// Whether the duration is negative.
    pub const fn is_negative(self) -> bool {
        self.0 < 0
    }

    /// Whether the duration is zero.
    pub const fn is_zero(self) -> bool {
        self.0 == 0
    }

    /// The duration as a [`std::time::Duration`], `None` when negative.
    pub fn as_std(self) -> Option<std::time::Duration> {
        u64::try_from(self.0)
            .ok()
            .map(std::time::Duration::from_nanos)
    }

    /// Parses Go's duration grammar, `[-+]?([0-9]*(\.[0-9]*)?[a-z]+)+` or `0`, with units
    /// `ns`, `us`, `µs`, `μs`, `ms`, `s`, `m`, `h`.
    ///
    /// # Errors
    ///
    /// Go's own texts: `time: invalid duration "…"`, `time: missing unit in duration "…"`,
    /// `time: unknown unit "…" in duration "…"`.
    pub fn parse(s: &str) -> Result<GoDuration, ProviderError> {
        parse_go_duration(s)
            .map_err(|message| ProviderError::new(ProviderErrorKind::Duration, message))
    }
}

impl FromStr for GoDuration {
    type Err = ProviderError;

    fn from_str(s: &str) -> Result<GoDuration, ProviderError> {
        GoDuration::parse(s)
    }
}

impl From<std::time::Duration> for GoDuration {
    /// Saturates at Go's largest duration (about 292 years).
    fn from(d: std::time::Duration) -> GoDuration {
        GoDuration(i64::try_from(d.as_nanos()).unwrap_or(i64::MAX))
    }
}

/// Go's `time.quote`: ASCII printable as is (with `"` and `\` escaped), everything else as
/// `\xNN` bytes.
pub(crate) fn go_time_quote(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for (i, c) in s.char_indices() {
        if (c as u32) >= 0x80 || c < ' ' {
            for b in &s.as_bytes()[i..i + c.len_utf8()] {
                out.push_str(&format!("\\x{b:02x}"));
            }
        } else {
            if c == '"' || c == '\\' {
                out.push('\\');
            }
            out.push(c);
        }
    }
    out.push('"');
    out
}

fn parse_go_duration(orig: &str) -> Result<GoDuration, String> {
    let invalid = || format!("time: invalid duration {}", go_time_quote(orig));
    let mut s = orig.as_bytes();
    let mut neg = false;
    if let Some(&c) = s.first() {
        if c == b'-' || c == b'+' {
            neg = c == b'-';
            s = &s[1..];
        }
    }
    if s == b"0" {
        return Ok(GoDuration(0));
    }
    if s.is_empty() {
        return Err(invalid());
    }
    const LIMIT: u64 = 1 << 63;
    let mut total: u64 = 0;
    while !s.is_empty() {
        if !(s[0] == b'.' || s[0].is_ascii_digit()) {
            return Err(invalid());
        }
        // Leading integer.
        let before = s.len();
        let mut v: u64 = 0;
        while let Some(&c) = s.first() {
            if !c.is_ascii_digit() {
                break;
            }
            if v > LIMIT / 10 {
                return Err(invalid());
            }
            v = v * 10 + u64::from(c - b'0');
            if v > LIMIT {
                return Err(invalid());
            }
            s = &s[1..];
        }
        let pre = before != s.len();
        // Optional fraction.
        let (mut f, mut scale, mut post) = (0u64, 1f64, false);
        if s.first() == Some(&b'.') {
            s = &s[1..];
            let before = s.len();
            let mut overflow = false;
            while let Some(&c) = s.first() {
                if !c.is_ascii_digit() {
                    break;
                }
                s = &s[1..];
                if overflow {
                    continue;
                }
                if f > (LIMIT - 1) / 10 {
                    overflow = true;
                    continue;
                }
                let y = f * 10 + u64::from(c - b'0');
                if y > LIMIT {
                    overflow = true;
                    continue;
                }
                f = y;
                scale *= 10.0;
            }
            post = before != s.len();
        }
        if !pre && !post {
            return Err(invalid());
        }
        // Unit: everything up to the next digit or dot.
        let unit_len = s
            .iter()
            .position(|&c| c == b'.' || c.is_ascii_digit())
            .unwrap_or(s.len());
        if unit_len == 0 {
            return Err(format!(
                "time: missing unit in duration {}",
                go_time_quote(orig)
            ));
        }
        let (unit_bytes, rest) = s.split_at(unit_len);
        s = rest;
        let unit = match unit_bytes {
            b"ns" => NANOSECOND,
            b"us" | [0xC2, 0xB5, b's'] | [0xCE, 0xBC, b's'] => MICROSECOND,
            b"ms" => MILLISECOND,
            b"s" => SECOND,
            b"m" => MINUTE,
            b"h" => HOUR,
            other => {
                return Err(format!(
                    "time: unknown unit {} in duration {}",
                    go_time_quote(&String::from_utf8_lossy(other)),
                    go_time_quote(orig)
                ));
            }
        };
        if v > LIMIT / unit {
            return Err(invalid());
        }
        v *= unit;
        if f > 0 {
            // Go converts through float64 exactly like this.
            v += (f as f64 * (unit as f64 / scale)) as u64;
            if v > LIMIT {
                return Err(invalid());
            }
        }
        // Go adds in uint64 and wraps: `d += v` with d and v both 1<<63 gives 0, which its
        // `d > 1<<63` check then lets through (so Go parses
        // "9223372036854775808ns9223372036854775808ns" as 0s). Wrap exactly as Go does,
        // never overflow.
        total = total.wrapping_add(v);
        if total > LIMIT {
            return Err(invalid());
        }
    }
    if neg {
        // total <= 1<<63, so the negation fits.
        return Ok(GoDuration((total as i128).wrapping_neg() as i64));
    }
    if total > LIMIT - 1 {
        return Err(invalid());
    }
    Ok(GoDuration(total as i64))
}

impl fmt::Display for GoDuration {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let neg = self.0 < 0;
        let mut u = self.0.unsigned_abs();
        // Built back to front, as Go does.
        let mut buf: Vec<u8> = Vec::with_capacity(32);
        if u < SECOND {
            buf.push(b's');
            let prec;
            if u == 0 {
                return f.write_str("0s");
            } else if u < MICROSECOND {
                prec = 0;
                buf.push(b'n');
            } else if u < MILLISECOND {
                prec = 3;
                // "µ" (U+00B5) reversed.
                buf.push(0xB5);
                buf.push(0xC2);
            } else {
                prec = 6;
                buf.push(b'm');
            }
            u = push_frac(&mut buf, u, prec);
            push_int(&mut buf, u);
        } else {
            buf.push(b's');
            u = push_frac(&mut buf, u, 9);
            push_int(&mut buf, u % 60);
            u /= 60;
            if u > 0 {
                buf.push(b'm');
                push_int(&mut buf, u % 60);
                u /= 60;
                if u > 0 {
                    buf.push(b'h');
                    push_int(&mut buf, u);
                }
            }
        }
        if neg {
            buf.push(b'-');
        }
        buf.reverse();
        f.write_str(std::str::from_utf8(&buf).map_err(|_| fmt::Error)?)
    }
}

/// Pushes (reversed) the fraction `v / 10^prec` without trailing zeros, and the dot when
/// anything was pushed; returns the integer part.
fn push_frac(buf: &mut Vec<u8>, mut v: u64, prec: u32) -> u64 {
    let mut print = false;
    for _ in 0..prec {
        let digit = v % 10;
        print = print || digit != 0;
        if print {
            buf.push(b'0' + digit as u8);
        }
        v /= 10;
    }
    if print {
        buf.push(b'.');
    }
    v
}

fn push_int(buf: &mut Vec<u8>, mut v: u64) {
    if v == 0 {
        buf.push(b'0');
        return;
    }
    while v > 0 {
        buf.push(b'0' + (v % 10) as u8);
        v /= 10;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_and_errors() {
        for (text, nanos, shown) in [
            ("0", 0, "0s"),
            ("+0", 0, "0s"),
            ("-0", 0, "0s"),
            ("1m", 60_000_000_000, "1m0s"),
            ("-1m", -60_000_000_000, "-1m0s"),
            ("12h", 43_200_000_000_000, "12h0m0s"),
            ("1.5h", 5_400_000_000_000, "1h30m0s"),
            ("1h30m", 5_400_000_000_000, "1h30m0s"),
            ("500ms", 500_000_000, "500ms"),
            ("1.2ms", 1_200_000, "1.2ms"),
            ("3us", 3_000, "3µs"),
            ("3µs", 3_000, "3µs"),
            ("3μs", 3_000, "3µs"),
            ("7ns", 7, "7ns"),
            (".5s", 500_000_000, "500ms"),
            ("5.s", 5_000_000_000, "5s"),
            ("1.000000001s", 1_000_000_001, "1.000000001s"),
            (
                "9223372036854775807ns",
                i64::MAX,
                "2562047h47m16.854775807s",
            ),
            (
                "-9223372036854775808ns",
                i64::MIN,
                "-2562047h47m16.854775808s",
            ),
        ] {
            let d: GoDuration = text.parse().unwrap();
            assert_eq!(d.as_nanos(), nanos, "{text}");
            assert_eq!(d.to_string(), shown, "{text}");
            assert_eq!(shown.parse::<GoDuration>().unwrap(), d, "{shown}");
        }
        for (text, error) in [
            ("", r#"time: invalid duration """#),
            ("1", r#"time: missing unit in duration "1""#),
            ("1x", r#"time: unknown unit "x" in duration "1x""#),
            ("-", r#"time: invalid duration "-""#),
            (".s", r#"time: invalid duration ".s""#),
            ("1h ", r#"time: unknown unit "h " in duration "1h ""#),
            (
                "9223372036854775808ns",
                r#"time: invalid duration "9223372036854775808ns""#,
            ),
            (
                "1é",
                r#"time: unknown unit "\xc3\xa9" in duration "1\xc3\xa9""#,
            ),
        ] {
            assert_eq!(
                GoDuration::parse(text).unwrap_err().to_string(),
                error,
                "{text:?}"
            );
        }
    }
}
