//! A string that must never be printed: passwords, `auth` values and tokens.

use std::fmt;

use zeroize::Zeroize;

/// A secret string: a password, a decoded or encoded `auth` value, an identity token.
///
/// As in the `secrecy` crate: `Debug` prints `Secret([REDACTED])`, there is no `Display` (so
/// `format!("Bearer {s}")` does not compile rather than quietly sending a placeholder), the
/// memory is overwritten with zeros when the value is dropped, and the only way to read it is
/// [`Secret::expose_secret`], so every read is easy to find in review. There is deliberately no `Serialize`: writing a secret into JSON is done
/// explicitly by the code that builds a config (see `config`), never by accident.
///
/// Equality compares in time independent of where the first difference is.
///
/// ```
/// use kubepull::Secret;
///
/// let password = Secret::new("hunter2");
/// assert_eq!(format!("{password:?}"), "Secret([REDACTED])");
/// assert_eq!(password.expose_secret(), "hunter2");
/// ```
///
/// ```compile_fail
/// let token = kubepull::Secret::new("hunter2");
/// let header = format!("Bearer {token}"); // no Display: say `token.expose_secret()`
/// ```
#[derive(Clone, Default)]
pub struct Secret(String);

impl Secret {
    /// Wraps a value. The caller's copy, if it had one, is its own to wipe.
    pub fn new(value: impl Into<String>) -> Secret {
        Secret(value.into())
    }

    /// Reads the secret. Call it only where the value leaves kubepull: an HTTP
    /// `Authorization` header, a registry client's credential, a config file being written.
    pub fn expose_secret(&self) -> &str {
        &self.0
    }

    /// Whether the secret is the empty string (an empty password is allowed by the kubelet).
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

impl From<String> for Secret {
    fn from(value: String) -> Secret {
        Secret(value)
    }
}

impl From<&str> for Secret {
    fn from(value: &str) -> Secret {
        Secret(value.to_owned())
    }
}

impl Drop for Secret {
    fn drop(&mut self) {
        self.0.zeroize();
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Secret([REDACTED])")
    }
}

impl PartialEq for Secret {
    fn eq(&self, other: &Secret) -> bool {
        let (a, b) = (self.0.as_bytes(), other.0.as_bytes());
        // Lengths are not secret enough to hide; the contents are compared without an early exit.
        a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
    }
}

impl Eq for Secret {}

impl<'de> serde::Deserialize<'de> for Secret {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Secret, D::Error> {
        String::deserialize(deserializer).map(Secret)
    }
}

#[cfg(test)]
mod tests {
    use super::Secret;

    #[test]
    fn redacts_and_compares() {
        let s = Secret::new("p@ss");
        assert!(!format!("{s:?} {s:#?}").contains("p@ss"));
        assert_eq!(format!("{s:?}"), "Secret([REDACTED])");
        assert_eq!(s, Secret::from("p@ss"));
        assert_ne!(s, Secret::from("p@st"));
        assert_ne!(s, Secret::from("p@s"));
        let parsed: Secret = serde_json::from_str("\"x\"").unwrap();
        assert_eq!(parsed.expose_secret(), "x");
    }
}
