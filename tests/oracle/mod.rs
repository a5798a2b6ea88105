//! A test oracle: distribution/reference's `ParseNormalizedNamed` and `Parse` transcribed
//! literally from the Go source, on top of the `regex` crate and the grammar productions of
//! `/work/shared/spec/reference-grammar.md` §1 — the very regexes Go runs, not a hand-written
//! scanner. It is deliberately naive (a regex match per step, strings built as Go builds them) so
//! that it shares no code or structure with `src/reference/`.
//!
//! Used by `tests/reference_oracle.rs`, `tests/reference_props.rs` and the `reference_oracle`
//! fuzz target (through `#[path]`), so it depends on nothing but `regex`.

#![allow(dead_code)]

use regex::Regex;
use std::sync::OnceLock;

/// Which Go library to imitate.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Generation {
    /// distribution/reference v0.6 with go-digest main (sha256, sha512).
    Current,
    /// docker/distribution v2.8.2 with go-digest v1.0.0 (sha256, sha384, sha512).
    Legacy,
}

/// What Go returns for a successful parse: the fields of its `reference` struct.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct GoReference {
    pub domain: String,
    pub path: String,
    pub tag: Option<String>,
    pub digest: Option<String>,
}

impl GoReference {
    /// `repository.Name()`.
    pub fn name(&self) -> String {
        if self.domain.is_empty() {
            self.path.clone()
        } else {
            format!("{}/{}", self.domain, self.path)
        }
    }

    /// `reference.String()`.
    pub fn string(&self) -> String {
        let mut s = self.name();
        if let Some(tag) = &self.tag {
            s.push(':');
            s.push_str(tag);
        }
        if let Some(digest) = &self.digest {
            s.push('@');
            s.push_str(digest);
        }
        s
    }

    /// `FamiliarString`: `familiarizeName` then `String()`.
    pub fn familiar(&self) -> String {
        let mut familiar = self.clone();
        if familiar.domain == DEFAULT_DOMAIN {
            familiar.domain = String::new();
            if let Some(rest) = familiar.path.strip_prefix(OFFICIAL_REPO_PREFIX) {
                if !rest.contains('/') {
                    familiar.path = rest.to_string();
                }
            }
        }
        familiar.string()
    }
}

const DEFAULT_DOMAIN: &str = "docker.io";
const LEGACY_DEFAULT_DOMAIN: &str = "index.docker.io";
const OFFICIAL_REPO_PREFIX: &str = "library/";
const LOCALHOST: &str = "localhost";
const NAME_TOTAL_LENGTH_MAX: usize = 255;

pub const ERR_REFERENCE_INVALID_FORMAT: &str = "invalid reference format";
pub const ERR_NAME_CONTAINS_UPPERCASE: &str = "repository name must be lowercase";
pub const ERR_NAME_EMPTY: &str = "repository name must have at least one component";
pub const ERR_NAME_TOO_LONG: &str = "repository name must not be more than 255 characters";
pub const ERR_DIGEST_INVALID_FORMAT: &str = "invalid checksum digest format";
pub const ERR_DIGEST_INVALID_LENGTH: &str = "invalid checksum digest length";
pub const ERR_DIGEST_UNSUPPORTED: &str = "unsupported digest algorithm";

// ---- regexp.go, production by production (Go's `\w` is ASCII: written out). ----

const ALPHA_NUMERIC: &str = "[a-z0-9]+";
/// v0.5+ (`[-]+`); docker/distribution 2.8 wrote `[-]*`, the same language.
const SEPARATOR_CURRENT: &str = "(?:[._]|__|[-]+)";
const SEPARATOR_LEGACY: &str = "(?:[._]|__|[-]*)";
const DOMAIN_NAME_COMPONENT: &str = "(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])";
const PORT_NUMBER: &str = "[0-9]+";
const IPV6_ADDRESS: &str = r"\[(?:[a-fA-F0-9:]+)\]";
const TAG: &str = "[0-9A-Za-z_][0-9A-Za-z_.-]{0,127}";
const DIGEST: &str = "[A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*[:][[:xdigit:]]{32,}";
const IDENTIFIER: &str = "[a-f0-9]{64}";

fn optional(s: &str) -> String {
    format!("(?:{s})?")
}
fn repeated(s: &str) -> String {
    format!("(?:{s})*")
}
fn capture(s: &str) -> String {
    format!("({s})")
}
fn anchored(s: &str) -> String {
    format!("^{s}$")
}

struct Regexes {
    reference: Regex,
    anchored_name: Regex,
}

fn build(generation: Generation) -> Regexes {
    let separator = match generation {
        Generation::Current => SEPARATOR_CURRENT,
        Generation::Legacy => SEPARATOR_LEGACY,
    };
    let domain_name = format!(
        "{DOMAIN_NAME_COMPONENT}{}",
        repeated(&format!(r"\.{DOMAIN_NAME_COMPONENT}"))
    );
    let host = match generation {
        Generation::Current => format!("(?:{domain_name}|{IPV6_ADDRESS})"),
        Generation::Legacy => domain_name,
    };
    let domain_and_port = format!("{host}{}", optional(&format!(":{PORT_NUMBER}")));
    let path_component = format!(
        "{ALPHA_NUMERIC}{}",
        repeated(&format!("{separator}{ALPHA_NUMERIC}"))
    );
    let remote_name = format!(
        "{path_component}{}",
        repeated(&format!("/{path_component}"))
    );
    let name_pat = format!("{}{remote_name}", optional(&format!("{domain_and_port}/")));
    let reference = anchored(&format!(
        "{}{}{}",
        capture(&name_pat),
        optional(&format!(":{}", capture(TAG))),
        optional(&format!("@{}", capture(DIGEST)))
    ));
    let anchored_name = anchored(&format!(
        "{}{}",
        optional(&format!("{}/", capture(&domain_and_port))),
        capture(&remote_name)
    ));
    let size = 1 << 26;
    Regexes {
        reference: regex::RegexBuilder::new(&reference)
            .size_limit(size)
            .build()
            .expect("reference regex"),
        anchored_name: regex::RegexBuilder::new(&anchored_name)
            .size_limit(size)
            .build()
            .expect("name regex"),
    }
}

fn regexes(generation: Generation) -> &'static Regexes {
    static CURRENT: OnceLock<Regexes> = OnceLock::new();
    static LEGACY: OnceLock<Regexes> = OnceLock::new();
    match generation {
        Generation::Current => CURRENT.get_or_init(|| build(Generation::Current)),
        Generation::Legacy => LEGACY.get_or_init(|| build(Generation::Legacy)),
    }
}

fn identifier() -> &'static Regex {
    static ID: OnceLock<Regex> = OnceLock::new();
    ID.get_or_init(|| Regex::new(&anchored(IDENTIFIER)).unwrap())
}

/// The reference grammar exactly as Go's `ReferenceRegexp` for `generation` (for tests that
/// want to know whether a string is grammatical at all).
pub fn reference_regex(generation: Generation) -> &'static Regex {
    &regexes(generation).reference
}

/// `anchoredTagRegexp`, what `WithTag` checks.
pub fn tag_regex() -> &'static Regex {
    static RE: OnceLock<Regex> = OnceLock::new();
    RE.get_or_init(|| Regex::new(&anchored(TAG)).unwrap())
}

/// `anchoredDigestRegexp`, what `WithDigest` checks.
pub fn digest_regex() -> &'static Regex {
    static RE: OnceLock<Regex> = OnceLock::new();
    RE.get_or_init(|| Regex::new(&anchored(DIGEST)).unwrap())
}

// ---- Go's strings.ToLower: unicode.ToLower rune by rune (simple case mapping). ----

fn go_lower_rune(c: char) -> char {
    // Rust's char::to_lowercase applies SpecialCasing's unconditional mappings; the only one
    // that is not a single character is U+0130, which UnicodeData maps to plain 'i'.
    if c == '\u{130}' {
        return 'i';
    }
    let mut it = c.to_lowercase();
    match (it.next(), it.next()) {
        (Some(l), None) => l,
        _ => c,
    }
}

pub fn go_to_lower(s: &str) -> String {
    s.chars().map(go_lower_rune).collect()
}

// ---- go-digest ----

/// `DigestRegexpAnchored`.
fn go_digest_regex() -> &'static Regex {
    static RE: OnceLock<Regex> = OnceLock::new();
    RE.get_or_init(|| Regex::new("^[a-z0-9]+(?:[.+_-][a-z0-9]+)*:[a-zA-Z0-9=_-]+$").unwrap())
}

/// go-digest's `anchoredEncodedRegexps`: `^[a-f0-9]{64}$`, `^[a-f0-9]{96}$`, `^[a-f0-9]{128}$`.
fn hex_regex(len: usize) -> &'static Regex {
    static RES: OnceLock<[Regex; 3]> = OnceLock::new();
    let res = RES
        .get_or_init(|| [64, 96, 128].map(|n| Regex::new(&format!("^[a-f0-9]{{{n}}}$")).unwrap()));
    match len {
        64 => &res[0],
        96 => &res[1],
        _ => &res[2],
    }
}

/// `Algorithm.Size()` for the algorithms whose hash is "available" in the modelled binary.
fn available_size(generation: Generation, algorithm: &str) -> Option<usize> {
    match (algorithm, generation) {
        ("sha256", _) => Some(32),
        ("sha512", _) => Some(64),
        ("sha384", Generation::Legacy) => Some(48),
        _ => None,
    }
}

/// go-digest `Digest.Validate` (what `digest.Parse` returns).
pub fn go_digest_validate(generation: Generation, s: &str) -> Result<(), &'static str> {
    let i = s.find(':');
    let i = match i {
        Some(i) if i > 0 && i + 1 != s.len() => i,
        _ => return Err(ERR_DIGEST_INVALID_FORMAT),
    };
    let (algorithm, encoded) = (&s[..i], &s[i + 1..]);
    let Some(size) = available_size(generation, algorithm) else {
        if !go_digest_regex().is_match(s) {
            return Err(ERR_DIGEST_INVALID_FORMAT);
        }
        return Err(ERR_DIGEST_UNSUPPORTED);
    };
    if size * 2 != encoded.len() {
        return Err(ERR_DIGEST_INVALID_LENGTH);
    }
    if hex_regex(size * 2).is_match(encoded) {
        Ok(())
    } else {
        Err(ERR_DIGEST_INVALID_FORMAT)
    }
}

// ---- reference.go Parse ----

/// `reference.Parse` (no normalisation).
pub fn parse(generation: Generation, s: &str) -> Result<GoReference, String> {
    let re = regexes(generation);
    let Some(matches) = re.reference.captures(s) else {
        if s.is_empty() {
            return Err(ERR_NAME_EMPTY.into());
        }
        if re.reference.is_match(&go_to_lower(s)) {
            return Err(ERR_NAME_CONTAINS_UPPERCASE.into());
        }
        return Err(ERR_REFERENCE_INVALID_FORMAT.into());
    };
    let name = matches.get(1).map_or("", |m| m.as_str());
    if generation == Generation::Legacy && name.len() > NAME_TOTAL_LENGTH_MAX {
        return Err(ERR_NAME_TOO_LONG.into());
    }
    let (domain, path) = match re.anchored_name.captures(name) {
        Some(n) => (
            n.get(1).map_or("", |m| m.as_str()),
            n.get(2).map_or("", |m| m.as_str()),
        ),
        None => ("", name),
    };
    if generation == Generation::Current && path.len() > NAME_TOTAL_LENGTH_MAX {
        return Err(ERR_NAME_TOO_LONG.into());
    }
    let tag = matches.get(2).map(|m| m.as_str().to_string());
    let digest = matches.get(3).map(|m| m.as_str().to_string());
    if let Some(d) = &digest {
        go_digest_validate(generation, d)?;
    }
    Ok(GoReference {
        domain: domain.into(),
        path: path.into(),
        tag,
        digest,
    })
}

// ---- normalize.go ----

/// `splitDockerDomain`, v0.6 (PR #7) or v2.8.
pub fn split_docker_domain(generation: Generation, name: &str) -> (String, String) {
    let (mut domain, mut remainder);
    match name.split_once('/') {
        None => {
            domain = DEFAULT_DOMAIN.to_string();
            remainder = name.to_string();
        }
        Some((maybe_domain, maybe_remainder)) => {
            let is_domain = match generation {
                Generation::Current => {
                    maybe_domain == LOCALHOST
                        || maybe_domain == LEGACY_DEFAULT_DOMAIN
                        || maybe_domain.contains(['.', ':'])
                        || go_to_lower(maybe_domain) != maybe_domain
                }
                Generation::Legacy => {
                    maybe_domain.contains(['.', ':']) || maybe_domain == LOCALHOST
                }
            };
            if is_domain {
                domain = maybe_domain.to_string();
                remainder = maybe_remainder.to_string();
            } else {
                domain = DEFAULT_DOMAIN.to_string();
                remainder = name.to_string();
            }
        }
    }
    if domain == LEGACY_DEFAULT_DOMAIN {
        domain = DEFAULT_DOMAIN.to_string();
    }
    if domain == DEFAULT_DOMAIN && !remainder.contains('/') {
        remainder = format!("{OFFICIAL_REPO_PREFIX}{remainder}");
    }
    (domain, remainder)
}

/// `ParseNormalizedNamed`.
pub fn parse_normalized_named(generation: Generation, s: &str) -> Result<GoReference, String> {
    if identifier().is_match(s) {
        return Err(format!(
            "invalid repository name ({s}), cannot specify 64-byte hexadecimal strings"
        ));
    }
    let (domain, remainder) = split_docker_domain(generation, s);
    let remote = match remainder.find(':') {
        Some(i) => &remainder[..i],
        None => &remainder[..],
    };
    if go_to_lower(remote) != remote {
        return Err(match generation {
            Generation::Current => {
                format!("invalid reference format: repository name ({remote}) must be lowercase")
            }
            Generation::Legacy => {
                "invalid reference format: repository name must be lowercase".to_string()
            }
        });
    }
    // A successful Parse always has a name here (the regex requires a path), so the
    // "reference %s has no name" branch cannot be reached.
    parse(generation, &format!("{domain}/{remainder}"))
}

/// `ParseAnyReference` (v0.6): an identifier becomes a `sha256:` digest, a valid digest stays
/// one, anything else is `ParseNormalizedNamed`. `Ok(Err(digest))` is a digest reference.
pub fn parse_any_reference(
    generation: Generation,
    s: &str,
) -> Result<Result<GoReference, String>, String> {
    if identifier().is_match(s) {
        return Ok(Err(format!("sha256:{s}")));
    }
    if go_digest_validate(generation, s).is_ok() {
        return Ok(Err(s.to_string()));
    }
    parse_normalized_named(generation, s).map(Ok)
}

// ---- mutation helpers shared by the differential tests and the fuzz target ----

/// Bytes that matter to the grammar, weighted towards its punctuation.
pub const MUTATION_ALPHABET: &[u8] =
    b"/:@._-[]/:@._-[]AZFabfz09:/@.__--[]ABCDEFXYZ0123456789abcdefxyz+ ~";

/// A tiny deterministic generator (xorshift64*), so failures reproduce from the seed.
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Rng {
        Rng(seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1)
    }

    pub fn next(&mut self) -> u64 {
        let mut x = self.0;
        x ^= x >> 12;
        x ^= x << 25;
        x ^= x >> 27;
        self.0 = x;
        x.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    pub fn below(&mut self, n: usize) -> usize {
        if n == 0 {
            0
        } else {
            (self.next() % n as u64) as usize
        }
    }
}

/// Applies 1–3 random byte edits (insert, delete, replace, duplicate a span) to an ASCII
/// string, drawing new bytes from [`MUTATION_ALPHABET`].
pub fn mutate(line: &str, rng: &mut Rng) -> String {
    let mut b: Vec<u8> = line.as_bytes().to_vec();
    for _ in 0..1 + rng.below(3) {
        let pick = MUTATION_ALPHABET[rng.below(MUTATION_ALPHABET.len())];
        match rng.below(5) {
            0 => {
                let at = rng.below(b.len() + 1);
                b.insert(at, pick);
            }
            1 if !b.is_empty() => {
                let at = rng.below(b.len());
                b.remove(at);
            }
            2 if !b.is_empty() => {
                let at = rng.below(b.len());
                b[at] = pick;
            }
            3 if !b.is_empty() => {
                // Case flip: the uppercase rules are where Go's error choice is subtle.
                let at = rng.below(b.len());
                if b[at].is_ascii_alphabetic() {
                    b[at] ^= 0x20;
                }
            }
            _ if !b.is_empty() => {
                let start = rng.below(b.len());
                let end = (start + 1 + rng.below(8)).min(b.len());
                let span = b[start..end].to_vec();
                let at = rng.below(b.len() + 1);
                b.splice(at..at, span);
            }
            _ => b.push(pick),
        }
    }
    // Edits only ever insert ASCII into ASCII (or remove whole ASCII bytes), but a corpus line
    // might not be ASCII: fall back to a lossy conversion rather than panic.
    String::from_utf8(b).unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned())
}

pub mod checks;
pub mod compare;
