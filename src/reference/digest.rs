//! Content digests (`algorithm:hex`) with go-digest's validation and error choice.

use std::fmt;
use std::str::FromStr;

use super::MAX_INPUT_LEN;
use super::error::{ParseError, ParseErrorKind};

/// A digest algorithm that kubepull can validate: a name and the length of its hex encoding.
///
/// ```
/// use kubepull::reference::DigestAlgorithm;
///
/// assert_eq!(DigestAlgorithm::SHA256.name(), "sha256");
/// assert_eq!(DigestAlgorithm::SHA512.hex_len(), 128);
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct DigestAlgorithm {
    name: &'static str,
    hex_len: usize,
}

impl DigestAlgorithm {
    /// SHA-256, 64 hex digits: registered everywhere.
    pub const SHA256: DigestAlgorithm = DigestAlgorithm {
        name: "sha256",
        hex_len: 64,
    };
    /// SHA-384, 96 hex digits: registered by go-digest v1.0.0 (and so by docker/distribution
    /// 2.8), no longer by go-digest main, which distribution/reference v0.6 builds with.
    pub const SHA384: DigestAlgorithm = DigestAlgorithm {
        name: "sha384",
        hex_len: 96,
    };
    /// SHA-512, 128 hex digits.
    pub const SHA512: DigestAlgorithm = DigestAlgorithm {
        name: "sha512",
        hex_len: 128,
    };

    /// The algorithm's name as it appears before the `:`.
    pub const fn name(&self) -> &'static str {
        self.name
    }

    /// The exact number of lowercase hex digits its digests have.
    pub const fn hex_len(&self) -> usize {
        self.hex_len
    }
}

/// The set of algorithms a parse accepts; anything else is `unsupported digest algorithm`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct DigestAlgorithms {
    sha384: bool,
}

impl DigestAlgorithms {
    /// sha256 and sha512: what distribution/reference v0.6 with go-digest main accepts.
    pub const CURRENT: DigestAlgorithms = DigestAlgorithms { sha384: false };
    /// sha256, sha384 and sha512: go-digest v1.0.0, as in docker/distribution 2.8.
    pub const WITH_SHA384: DigestAlgorithms = DigestAlgorithms { sha384: true };

    /// Looks an algorithm up by its exact (case-sensitive) name.
    pub fn get(&self, name: &str) -> Option<DigestAlgorithm> {
        match name {
            "sha256" => Some(DigestAlgorithm::SHA256),
            "sha512" => Some(DigestAlgorithm::SHA512),
            "sha384" if self.sha384 => Some(DigestAlgorithm::SHA384),
            _ => None,
        }
    }

    /// Whether sha384 is in the set.
    pub const fn has_sha384(&self) -> bool {
        self.sha384
    }
}

impl Default for DigestAlgorithms {
    fn default() -> Self {
        DigestAlgorithms::CURRENT
    }
}

/// go-digest's `Digest.Validate`: the semantic check applied after the reference grammar, and the
/// whole check for a bare digest string.
pub(crate) fn validate(s: &str, algorithms: DigestAlgorithms) -> Result<usize, ParseErrorKind> {
    let Some(colon) = s.find(':').filter(|&i| i > 0 && i + 1 < s.len()) else {
        return Err(ParseErrorKind::ChecksumInvalidFormat);
    };
    let (name, hex) = (&s[..colon], &s[colon + 1..]);
    let Some(algorithm) = algorithms.get(name) else {
        // An unknown algorithm is "unsupported" only if the digest fits go-digest's own
        // (lowercase) grammar; otherwise the format is wrong.
        return Err(if fits_go_digest_grammar(name, hex) {
            ParseErrorKind::DigestUnsupported
        } else {
            ParseErrorKind::ChecksumInvalidFormat
        });
    };
    // Length before characters, as go-digest checks them.
    if hex.len() != algorithm.hex_len() {
        return Err(ParseErrorKind::ChecksumInvalidLength);
    }
    if !hex.bytes().all(|c| matches!(c, b'0'..=b'9' | b'a'..=b'f')) {
        return Err(ParseErrorKind::ChecksumInvalidFormat);
    }
    Ok(colon)
}

/// go-digest's check of a digest the reference grammar already accepted (so the algorithm has
/// no `:` and the hex is hex): the same decisions as [`validate`] without scanning again.
pub(crate) fn validate_scanned(
    algorithm: &str,
    hex_len: usize,
    hex_lowercase: bool,
    algorithms: DigestAlgorithms,
) -> Result<(), ParseErrorKind> {
    match algorithms.get(algorithm) {
        // The reference grammar's algorithm components start with a letter and its hex is
        // alphanumeric, so go-digest's own grammar reduces to "the algorithm is lowercase".
        None if algorithm.bytes().any(|c| c.is_ascii_uppercase()) => {
            Err(ParseErrorKind::ChecksumInvalidFormat)
        }
        None => Err(ParseErrorKind::DigestUnsupported),
        Some(a) if a.hex_len() != hex_len => Err(ParseErrorKind::ChecksumInvalidLength),
        Some(_) if !hex_lowercase => Err(ParseErrorKind::ChecksumInvalidFormat),
        Some(_) => Ok(()),
    }
}

/// `^[a-z0-9]+(?:[.+_-][a-z0-9]+)*:[a-zA-Z0-9=_-]+$`, split at the first `:`.
fn fits_go_digest_grammar(algorithm: &str, encoded: &str) -> bool {
    let lower_alnum = |c: u8| c.is_ascii_lowercase() || c.is_ascii_digit();
    let algorithm_ok = algorithm
        .split(['.', '+', '_', '-'])
        .all(|part| !part.is_empty() && part.bytes().all(lower_alnum));
    let encoded_ok = !encoded.is_empty()
        && encoded
            .bytes()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, b'=' | b'_' | b'-'));
    algorithm_ok && encoded_ok
}

/// A validated content digest such as `sha256:e3b0c442…`.
///
/// Parsing follows go-digest's `Parse`: the algorithm must be registered (sha256 and sha512;
/// sha384 with [`Digest::parse_with`] and [`DigestAlgorithms::WITH_SHA384`]), the hex must have
/// exactly the algorithm's length and be lowercase. Errors are go-digest's three texts.
///
/// ```
/// use kubepull::Digest;
///
/// let d: Digest = "sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855".parse()?;
/// assert_eq!(d.algorithm(), "sha256");
/// assert_eq!(d.hex().len(), 64);
/// assert_eq!("md5:d41d8cd98f00b204e9800998ecf8427e".parse::<Digest>().unwrap_err().to_string(),
///            "unsupported digest algorithm");
/// # Ok::<(), kubepull::reference::ParseError>(())
/// ```
#[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Digest {
    value: Box<str>,
    colon: usize,
}

impl Digest {
    /// Parses a bare digest with the current algorithm set.
    ///
    /// # Errors
    ///
    /// `invalid checksum digest format`, `invalid checksum digest length` or
    /// `unsupported digest algorithm`, exactly as go-digest decides between them.
    pub fn parse(s: &str) -> Result<Digest, ParseError> {
        Digest::parse_with(s, DigestAlgorithms::CURRENT)
    }

    /// Parses a bare digest, accepting the algorithms in `algorithms`.
    ///
    /// # Errors
    ///
    /// As [`Digest::parse`]; inputs over [`MAX_INPUT_LEN`] bytes are `TooLong`.
    pub fn parse_with(s: &str, algorithms: DigestAlgorithms) -> Result<Digest, ParseError> {
        if s.len() > MAX_INPUT_LEN {
            return Err(ParseError::new(ParseErrorKind::TooLong));
        }
        let colon = validate(s, algorithms).map_err(ParseError::new)?;
        Ok(Digest {
            value: s.into(),
            colon,
        })
    }

    /// The algorithm name, e.g. `sha256`.
    pub fn algorithm(&self) -> &str {
        &self.value[..self.colon]
    }

    /// The lowercase hex encoding after the `:`.
    pub fn hex(&self) -> &str {
        &self.value[self.colon + 1..]
    }

    /// The whole digest, `algorithm:hex`.
    pub fn as_str(&self) -> &str {
        &self.value
    }
}

impl fmt::Display for Digest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.value)
    }
}

impl fmt::Debug for Digest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Digest({:?})", &*self.value)
    }
}

impl FromStr for Digest {
    type Err = ParseError;
    fn from_str(s: &str) -> Result<Digest, ParseError> {
        Digest::parse(s)
    }
}

impl TryFrom<&str> for Digest {
    type Error = ParseError;
    fn try_from(s: &str) -> Result<Digest, ParseError> {
        Digest::parse(s)
    }
}

impl AsRef<str> for Digest {
    fn as_ref(&self) -> &str {
        &self.value
    }
}
