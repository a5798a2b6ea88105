//! Differential checks of kubepull's parsers against the oracle, shared by the integration
//! tests and the `reference_oracle` fuzz target. Each returns a description of the first
//! disagreement, so callers can collect or panic as suits them.

use super::{Generation, GoReference};
use kubepull::Reference;
use kubepull::reference::{
    AnyReference, MAX_INPUT_LEN, ParseErrorKind, ParseOptions, ReferenceView,
};

pub fn options(generation: Generation) -> ParseOptions {
    match generation {
        Generation::Current => ParseOptions::CURRENT,
        Generation::Legacy => ParseOptions::LEGACY,
    }
}

/// The fields the oracle and kubepull both expose, rendered for comparison.
fn go_fields(r: &GoReference) -> String {
    format!(
        "domain={:?} path={:?} tag={:?} digest={:?} name={:?} string={:?} familiar={:?}",
        r.domain,
        r.path,
        r.tag,
        r.digest,
        r.name(),
        r.string(),
        r.familiar()
    )
}

fn our_fields(r: &Reference) -> String {
    format!(
        "domain={:?} path={:?} tag={:?} digest={:?} name={:?} string={:?} familiar={:?}",
        r.domain(),
        r.path(),
        r.tag(),
        r.digest(),
        r.name(),
        r.as_str(),
        r.familiar()
    )
}

fn render(go: &Result<GoReference, String>) -> String {
    match go {
        Ok(r) => go_fields(r),
        Err(e) => format!("ERR {e}"),
    }
}

fn render_ours(ours: &Result<Reference, kubepull::reference::ParseError>) -> String {
    match ours {
        Ok(r) => {
            r.check_invariants();
            our_fields(r)
        }
        Err(e) => format!("ERR {e}"),
    }
}

/// Inputs kubepull refuses up front must fail with `TooLong`; there is nothing to compare.
fn too_long(
    input: &str,
    got: &Result<Reference, kubepull::reference::ParseError>,
) -> Option<Result<(), String>> {
    if input.len() <= MAX_INPUT_LEN {
        return None;
    }
    Some(match got {
        Err(e) if e.kind() == ParseErrorKind::TooLong => Ok(()),
        other => Err(format!("{input:?}: over MAX_INPUT_LEN but got {other:?}")),
    })
}

/// `Reference::parse_with` against `ParseNormalizedNamed`: accept/reject, the error text and
/// every field of the split.
pub fn normalized(generation: Generation, input: &str) -> Result<(), String> {
    let ours = Reference::parse_with(input, options(generation));
    if let Some(verdict) = too_long(input, &ours) {
        return verdict;
    }
    let go = super::parse_normalized_named(generation, input);
    let (expected, got) = (render(&go), render_ours(&ours));
    if expected != got {
        return Err(format!(
            "{generation:?} ParseNormalizedNamed({input:?})\n  go:       {expected}\n  kubepull: {got}"
        ));
    }
    if generation == Generation::Current {
        // The borrowed parser must say exactly the same.
        let view = ReferenceView::parse(input);
        let same = match (&ours, &view) {
            (Ok(r), Ok(v)) => v.to_reference() == *r && v.to_string() == r.as_str(),
            (Err(a), Err(b)) => a == b,
            _ => false,
        };
        if !same {
            return Err(format!(
                "view {view:?} disagrees with owned {ours:?} on {input:?}"
            ));
        }
    }
    Ok(())
}

/// `Reference::parse_unnormalized_with` against `Parse`.
pub fn unnormalized(generation: Generation, input: &str) -> Result<(), String> {
    let ours = Reference::parse_unnormalized_with(input, options(generation));
    if let Some(verdict) = too_long(input, &ours) {
        return verdict;
    }
    let go = super::parse(generation, input);
    let (expected, got) = (render(&go), render_ours(&ours));
    if expected != got {
        return Err(format!(
            "{generation:?} Parse({input:?})\n  go:       {expected}\n  kubepull: {got}"
        ));
    }
    Ok(())
}

/// `AnyReference::parse_with` against `ParseAnyReference`.
pub fn any(generation: Generation, input: &str) -> Result<(), String> {
    if input.len() > MAX_INPUT_LEN {
        return Ok(());
    }
    let ours = match AnyReference::parse_with(input, options(generation)) {
        Ok(AnyReference::Named(r)) => format!("named {}", our_fields(&r)),
        Ok(AnyReference::Digest(d)) => format!("digest {d}"),
        Ok(other) => format!("unknown {other:?}"),
        Err(e) => format!("ERR {e}"),
    };
    let go = match super::parse_any_reference(generation, input) {
        Ok(Ok(r)) => format!("named {}", go_fields(&r)),
        Ok(Err(d)) => format!("digest {d}"),
        Err(e) => format!("ERR {e}"),
    };
    if ours != go {
        return Err(format!(
            "{generation:?} ParseAnyReference({input:?})\n  go:       {go}\n  kubepull: {ours}"
        ));
    }
    Ok(())
}

/// Every differential check for one input and both generations.
pub fn all(input: &str) -> Result<(), String> {
    for generation in [Generation::Current, Generation::Legacy] {
        normalized(generation, input)?;
        unnormalized(generation, input)?;
        any(generation, input)?;
    }
    Ok(())
}
