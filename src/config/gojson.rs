//! The parts of Go's `encoding/json` that the kubelet's config structs depend on.
//!
//! * Struct field names match case-insensitively (`"Username"` fills `username`); a
//!   repeated key overwrites; `null` leaves a string field alone and empties a map.
//! * Invalid UTF-8 inside strings becomes U+FFFD, one per bad byte, instead of an error.
//! * A type mismatch in a plain struct is remembered and decoding goes on (`savedError`); an
//!   error from a custom `UnmarshalJSON` (every config entry has one) stops decoding. A
//!   syntax error anywhere wins over both, because Go checks syntax before decoding.
//!
//! Decoding never raises a serde "invalid type" error, whose text would quote the input (a
//! password); shape problems are recorded here with Go-like, value-free texts instead.

use std::borrow::Cow;
use std::fmt;

use serde::de::{self, DeserializeSeed, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};

use super::error::{ConfigError, ConfigErrorKind};

/// The kind of a JSON value in Go's words (`UnmarshalTypeError.Value`).
pub(crate) type GoKind = &'static str;

/// A value read leniently: the wanted type, `null`, or something else.
pub(crate) enum Lenient<T> {
    Null,
    Value(T),
    Wrong(GoKind),
}

/// A JSON string read leniently.
pub(crate) struct LenientString(pub Lenient<String>);

impl<'de> de::Deserialize<'de> for LenientString {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer
            .deserialize_any(KindVisitor(StringWanted))
            .map(LenientString)
    }
}

/// Which value [`KindVisitor`] keeps; everything else is drained and reported by kind.
pub(crate) trait Wanted {
    type Out;
    fn string(&self, _value: String) -> Option<Self::Out> {
        None
    }
}

pub(crate) struct StringWanted;

impl Wanted for StringWanted {
    type Out = String;
    fn string(&self, value: String) -> Option<String> {
        Some(value)
    }
}

/// Only classifies the value (`Lenient::Value(())` never happens).
pub(crate) struct NothingWanted;

impl Wanted for NothingWanted {
    type Out = ();
}

/// Visits any JSON value, keeps strings when wanted, and otherwise reports its Go kind.
pub(crate) struct KindVisitor<W>(pub W);

impl<'de, W: Wanted> Visitor<'de> for KindVisitor<W> {
    type Value = Lenient<W::Out>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("any JSON value")
    }
    fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
        Ok(Lenient::Null)
    }
    fn visit_none<E: de::Error>(self) -> Result<Self::Value, E> {
        Ok(Lenient::Null)
    }
    fn visit_bool<E: de::Error>(self, _: bool) -> Result<Self::Value, E> {
        Ok(Lenient::Wrong("bool"))
    }
    fn visit_i64<E: de::Error>(self, _: i64) -> Result<Self::Value, E> {
        Ok(Lenient::Wrong("number"))
    }
    fn visit_u64<E: de::Error>(self, _: u64) -> Result<Self::Value, E> {
        Ok(Lenient::Wrong("number"))
    }
    fn visit_f64<E: de::Error>(self, _: f64) -> Result<Self::Value, E> {
        Ok(Lenient::Wrong("number"))
    }
    fn visit_str<E: de::Error>(self, value: &str) -> Result<Self::Value, E> {
        self.visit_string::<E>(value.to_owned())
    }
    fn visit_string<E: de::Error>(self, value: String) -> Result<Self::Value, E> {
        Ok(match self.0.string(value) {
            Some(out) => Lenient::Value(out),
            None => Lenient::Wrong("string"),
        })
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
        while seq.next_element::<IgnoredAny>()?.is_some() {}
        Ok(Lenient::Wrong("array"))
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        while map.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {}
        Ok(Lenient::Wrong("object"))
    }
}

/// Classifies the value at the deserializer's position, draining it.
pub(crate) fn classify<'de, D: Deserializer<'de>>(d: D) -> Result<Lenient<()>, D::Error> {
    d.deserialize_any(KindVisitor(NothingWanted))
}

/// Go's case folding for ASCII struct field names: ASCII letters, plus the two non-ASCII
/// runes that fold onto ASCII letters (KELVIN SIGN to `k`, LATIN SMALL LETTER LONG S to `s`).
pub(crate) fn field_matches(key: &str, field: &str) -> bool {
    let mut key_chars = key.chars();
    for wanted in field.chars() {
        let Some(got) = key_chars.next() else {
            return false;
        };
        let got = match got {
            '\u{212A}' => 'k',
            '\u{017F}' => 's',
            other => other.to_ascii_lowercase(),
        };
        if got != wanted {
            return false;
        }
    }
    key_chars.next().is_none()
}

/// Replaces each invalid UTF-8 byte with U+FFFD, as Go's decoder does inside strings.
pub(crate) fn go_lossy_utf8(bytes: &[u8]) -> Cow<'_, str> {
    match std::str::from_utf8(bytes) {
        Ok(text) => Cow::Borrowed(text),
        Err(_) => {
            let mut out = String::with_capacity(bytes.len() + 16);
            let mut rest = bytes;
            while !rest.is_empty() {
                match std::str::from_utf8(rest) {
                    Ok(text) => {
                        out.push_str(text);
                        break;
                    }
                    Err(error) => {
                        let valid = error.valid_up_to();
                        // The prefix was just checked; this cannot fail.
                        out.push_str(std::str::from_utf8(&rest[..valid]).unwrap_or_default());
                        out.push('\u{FFFD}');
                        rest = &rest[valid + 1..];
                    }
                }
            }
            Cow::Owned(out)
        }
    }
}

/// Errors found while decoding, in Go's order of precedence.
#[derive(Default)]
pub(crate) struct Problems {
    /// The first error returned by an entry's `UnmarshalJSON` (stops Go's decoding).
    pub aborted: Option<ConfigError>,
    /// The first type mismatch outside entries (Go keeps decoding).
    pub saved: Option<ConfigError>,
}

impl Problems {
    pub fn abort(&mut self, error: ConfigError) {
        if self.aborted.is_none() {
            self.aborted = Some(error);
        }
    }
    pub fn save(&mut self, error: ConfigError) {
        if self.saved.is_none() {
            self.saved = Some(error);
        }
    }
    /// Whether Go would have stopped decoding by now (later values are only syntax-checked).
    pub fn stopped(&self) -> bool {
        self.aborted.is_some()
    }
    pub fn into_result(self) -> Result<(), ConfigError> {
        match (self.aborted, self.saved) {
            (Some(error), _) | (None, Some(error)) => Err(error),
            (None, None) => Ok(()),
        }
    }
}

/// A Go `UnmarshalTypeError` text for a struct field.
pub(crate) fn field_type_error(kind: GoKind, field: &str, go_type: &str) -> ConfigError {
    ConfigError::new(
        ConfigErrorKind::TypeMismatch,
        format!("json: cannot unmarshal {kind} into Go struct field {field} of type {go_type}"),
    )
}

/// A Go `UnmarshalTypeError` text for a whole value.
pub(crate) fn value_type_error(kind: GoKind, go_type: &str) -> ConfigError {
    ConfigError::new(
        ConfigErrorKind::TypeMismatch,
        format!("json: cannot unmarshal {kind} into Go value of type {go_type}"),
    )
}

/// Runs `seed` over a whole JSON document the way `json.Unmarshal` would, turning serde_json
/// syntax errors into [`ConfigErrorKind::Syntax`].
pub(crate) fn run_document<T>(
    bytes: &[u8],
    seed: impl for<'de> DeserializeSeed<'de, Value = T>,
) -> Result<T, ConfigError> {
    super::check_size(bytes)?;
    let text = go_lossy_utf8(bytes);
    let mut deserializer = serde_json::Deserializer::from_str(&text);
    let value = seed
        .deserialize(&mut deserializer)
        .and_then(|value| deserializer.end().map(|()| value))
        .map_err(syntax_error)?;
    Ok(value)
}

/// A serde_json error as a syntax error. Our visitors never raise data errors, so the text is
/// serde_json's fixed syntax wording plus a position: it never quotes the input.
pub(crate) fn syntax_error(error: serde_json::Error) -> ConfigError {
    let message = if error.is_eof() {
        "unexpected end of JSON input".to_owned()
    } else {
        format!("invalid JSON: {error}")
    };
    ConfigError::new(ConfigErrorKind::Syntax, message)
}

#[cfg(test)]
mod tests {
    use super::{field_matches, go_lossy_utf8};

    #[test]
    fn folds_like_go() {
        assert!(field_matches("USERNAME", "username"));
        assert!(field_matches("uſername", "username"));
        assert!(field_matches("\u{212A}", "k"));
        assert!(!field_matches("user", "username"));
        assert!(!field_matches("usernames", "username"));
    }

    #[test]
    fn lossy_per_byte() {
        assert_eq!(go_lossy_utf8(b"a\xe2\x82b"), "a\u{FFFD}\u{FFFD}b");
        assert_eq!(go_lossy_utf8(b"\xff"), "\u{FFFD}");
    }
}
