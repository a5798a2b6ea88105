//! A borrowed, allocation-free view of a parsed reference, for hot paths.

use std::fmt;

use super::parse::{self, DEFAULT_DOMAIN, OFFICIAL_PREFIX};
use super::scan::Spans;
use super::{ParseError, ParseOptions, Reference};

/// A reference parsed without allocating: slices of the input plus what normalisation adds.
///
/// Use it where thousands of images per second are validated (admission webhooks, scanners):
/// [`ReferenceView::parse`] runs the same parser as [`Reference::parse`], with the same errors,
/// but keeps borrowing the input. The normalised path may be split in two when normalisation
/// adds `library/` (see [`ReferenceView::path_parts`]); [`ReferenceView::to_reference`] makes the
/// owned form.
///
/// ```
/// use kubepull::reference::ReferenceView;
///
/// let view = ReferenceView::parse("nginx:1.25")?;
/// assert_eq!(view.domain(), "docker.io");
/// assert_eq!(view.path_parts(), ("library/", "nginx"));
/// assert_eq!(view.tag(), Some("1.25"));
/// assert_eq!(view.to_string(), "docker.io/library/nginx:1.25");
/// # Ok::<(), kubepull::reference::ParseError>(())
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ReferenceView<'a> {
    domain: &'a str,
    library: bool,
    /// `path[:tag][@digest]` as written in the input.
    rest: &'a str,
    path_len: usize,
    tag_end: usize,
}

impl<'a> ReferenceView<'a> {
    /// Parses and normalises like [`Reference::parse`] (`ParseNormalizedNamed`), without
    /// allocating unless it fails.
    ///
    /// # Errors
    ///
    /// The same [`ParseError`] as [`Reference::parse`].
    pub fn parse(s: &'a str) -> Result<ReferenceView<'a>, ParseError> {
        parse::normalized(s, ParseOptions::CURRENT)
    }

    /// Parses and normalises with the given options.
    ///
    /// # Errors
    ///
    /// As [`Reference::parse_with`].
    pub fn parse_with(s: &'a str, options: ParseOptions) -> Result<ReferenceView<'a>, ParseError> {
        parse::normalized(s, options)
    }

    /// The view of a scanned input whose normalised path starts at `start` (the scan's own
    /// path start, or 0 when normalisation gives the scan's domain back to the path).
    pub(crate) fn from_spans(
        input: &'a str,
        domain: &'a str,
        library: bool,
        start: usize,
        spans: Spans,
    ) -> Self {
        ReferenceView {
            domain,
            library,
            rest: &input[start..],
            path_len: spans.path_end - start,
            tag_end: spans.tag_end - start,
        }
    }

    /// The registry host (with port), e.g. `docker.io`; empty in the rare case where
    /// normalisation leaves no domain (`foo_bar.com/baz`).
    pub fn domain(&self) -> &'a str {
        self.domain
    }

    /// The normalised path in two parts: what normalisation adds (`"library/"` or `""`) and
    /// what the input wrote.
    pub fn path_parts(&self) -> (&'static str, &'a str) {
        let prefix = if self.library { OFFICIAL_PREFIX } else { "" };
        (prefix, &self.rest[..self.path_len])
    }

    /// The tag, if any.
    pub fn tag(&self) -> Option<&'a str> {
        (self.tag_end > self.path_len).then(|| &self.rest[self.path_len + 1..self.tag_end])
    }

    /// The digest (`algorithm:hex`), if any.
    pub fn digest(&self) -> Option<&'a str> {
        (self.tag_end < self.rest.len()).then(|| &self.rest[self.tag_end + 1..])
    }

    /// Length of the normalised path in bytes.
    pub(crate) fn path_len(&self) -> usize {
        self.path_len
            + if self.library {
                OFFICIAL_PREFIX.len()
            } else {
                0
            }
    }

    /// Length of the normalised name (domain, `/`, path) in bytes.
    pub(crate) fn name_len(&self) -> usize {
        let domain = if self.domain.is_empty() {
            0
        } else {
            self.domain.len() + 1
        };
        domain + self.path_len()
    }

    /// The owned reference.
    pub fn to_reference(&self) -> Reference {
        Reference::from_view(self)
    }

    pub(crate) fn library(&self) -> bool {
        self.library
    }

    pub(crate) fn rest(&self) -> &'a str {
        self.rest
    }

    pub(crate) fn rest_offsets(&self) -> (usize, usize) {
        (self.path_len, self.tag_end)
    }

    /// The familiar form (`nginx:1.25`), as `FamiliarString` prints it.
    pub fn familiar(&self) -> impl fmt::Display + 'a {
        let path = &self.rest[..self.path_len];
        let hub = self.domain == DEFAULT_DOMAIN;
        // On Docker Hub the domain goes, and so does a single-level `library/`: an implied one
        // is never printed, a written one is skipped.
        let written_library = hub
            && !self.library
            && path.starts_with(OFFICIAL_PREFIX)
            && !path[OFFICIAL_PREFIX.len()..].contains('/');
        let skip = if written_library {
            OFFICIAL_PREFIX.len()
        } else {
            0
        };
        let domain = if hub { "" } else { self.domain };
        Familiar {
            domain,
            rest: &self.rest[skip..],
        }
    }
}

struct Familiar<'a> {
    domain: &'a str,
    rest: &'a str,
}

impl fmt::Display for Familiar<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if !self.domain.is_empty() {
            f.write_str(self.domain)?;
            f.write_str("/")?;
        }
        f.write_str(self.rest)
    }
}

impl fmt::Display for ReferenceView<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if !self.domain.is_empty() {
            f.write_str(self.domain)?;
            f.write_str("/")?;
        }
        if self.library {
            f.write_str(OFFICIAL_PREFIX)?;
        }
        f.write_str(self.rest)
    }
}
