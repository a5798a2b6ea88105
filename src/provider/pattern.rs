//! `matchImages` entries: the keyring's [`RegistryPattern`] (Go `url.Parse`, per-label
//! `filepath.Match` globs, exact port, byte-prefix path), with the provider module's error
//! type.

use std::fmt;

use crate::keyring::{KeyringOptions, RegistryPattern};

use super::{ProviderError, ProviderErrorKind};

/// One `matchImages` entry of a credential provider: a schemeless URL whose host labels may
/// be globs (`*.dkr.ecr.*.amazonaws.com`, `registry.io:8080/path`).
///
/// An image matches when, both parsed as `https://` URLs, the ports are equal as strings,
/// the host names have the same number of labels, each label matches its glob
/// (`filepath.Match`: `*`, `?`, `[a-z]`, `[^a]`, `\` escapes; a malformed glob matches
/// nothing; case-sensitive) and the image path starts with the pattern path, byte for byte.
/// This is the keyring's [`RegistryPattern`], the same code the kubelet's `URLsMatchStr`
/// port uses for keyring keys.
///
/// ```
/// use kubepull::provider::MatchImage;
///
/// let pattern = MatchImage::parse("*.registry.io:8080")?;
/// assert!(pattern.matches("test.registry.io:8080/foo"));
/// assert!(!pattern.matches("test.registry.io/foo"));      // port
/// assert!(!pattern.matches("a.test.registry.io:8080/foo")); // label count
/// # Ok::<(), kubepull::provider::ProviderError>(())
/// ```
#[derive(Clone, PartialEq, Eq)]
pub struct MatchImage {
    text: String,
    pattern: RegistryPattern,
}

impl MatchImage {
    /// Parses an entry as the kubelet validates it (`ParseSchemelessURL`: `https://` put in
    /// front, then Go's `url.Parse`).
    ///
    /// # Errors
    ///
    /// [`ProviderErrorKind::Url`] with Go's `url.Parse` error, e.g.
    /// `parse "https://%invalid%": invalid URL escape "%in"`.
    pub fn parse(text: &str) -> Result<MatchImage, ProviderError> {
        let pattern = RegistryPattern::parse(text)
            .map_err(|e| ProviderError::new(ProviderErrorKind::Url, e.to_string()))?;
        Ok(MatchImage {
            text: text.to_owned(),
            pattern,
        })
    }

    /// The entry as written.
    pub fn as_str(&self) -> &str {
        &self.text
    }

    /// The keyring pattern behind it.
    pub fn pattern(&self) -> &RegistryPattern {
        &self.pattern
    }

    /// `URLsMatchStr(self, image)`: whether the kubelet would run the provider for `image`
    /// (the repository without tag or digest, e.g. `docker.io/library/nginx`).
    pub fn matches(&self, image: &str) -> bool {
        self.pattern.matches(image)
    }

    /// [`MatchImage::matches`] with the keyring's opt-in hardening (segment-aware paths;
    /// case-insensitive hosts only take effect for patterns parsed with that option, see
    /// [`RegistryPattern::parse_with`]).
    pub fn matches_with(&self, image: &str, options: &KeyringOptions) -> bool {
        self.pattern.matches_with(image, options)
    }
}

impl fmt::Debug for MatchImage {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "MatchImage({:?})", self.text)
    }
}

impl fmt::Display for MatchImage {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.text)
    }
}

/// Whether `text` matches the `matchImages` entry `pattern`; an entry that does not parse
/// matches nothing (the kubelet ignores the parse error at match time).
pub(crate) fn urls_match_str(pattern: &str, text: &str) -> bool {
    RegistryPattern::parse(pattern).is_ok_and(|p| p.matches(text))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn url_errors() {
        assert_eq!(
            MatchImage::parse("%invalid%").unwrap_err().to_string(),
            r#"parse "https://%invalid%": invalid URL escape "%in""#
        );
        assert_eq!(
            MatchImage::parse("foobar  ").unwrap_err().to_string(),
            r#"parse "https://foobar  ": invalid character " " in host name"#
        );
        assert!(MatchImage::parse("registry.io:8080/path").is_ok());
        assert!(MatchImage::parse("a:b").is_err());
        assert!(!MatchImage::parse("[").is_ok_and(|p| p.matches("a")));
    }
}
