//! Image references: `[domain[:port]/]path[:tag][@digest]`, parsed and normalised exactly as
//! distribution/reference v0.6 does (`ParseNormalizedNamed`). STUB: the real parser lands soon.
#![allow(missing_docs, clippy::missing_errors_doc)]

use std::fmt;

/// A parse error.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParseError(String);
impl fmt::Display for ParseError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}
impl std::error::Error for ParseError {}

/// A normalised reference.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Reference {
    buf: String,
}

impl Reference {
    pub fn parse(_s: &str) -> Result<Reference, ParseError> {
        todo!()
    }
    pub fn domain(&self) -> &str {
        todo!()
    }
    pub fn path(&self) -> &str {
        todo!()
    }
    pub fn name(&self) -> &str {
        todo!()
    }
    pub fn tag(&self) -> Option<&str> {
        todo!()
    }
    pub fn digest(&self) -> Option<&str> {
        todo!()
    }
    pub fn as_str(&self) -> &str {
        &self.buf
    }
    pub fn familiar(&self) -> impl fmt::Display + '_ {
        &self.buf
    }
}

impl fmt::Display for Reference {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.buf)
    }
}

impl std::str::FromStr for Reference {
    type Err = ParseError;
    fn from_str(s: &str) -> Result<Reference, ParseError> {
        Reference::parse(s)
    }
}

/// A digest.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Digest(String);
