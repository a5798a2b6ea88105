//! Assertions about one input that every parse entry point must satisfy: no panic, invariants,
//! owned and borrowed parsers agreeing, and the round trips a parsed reference promises. Shared
//! by `tests/reference_props.rs` and the fuzz targets.

use super::{Generation, compare};
use kubepull::Reference;
use kubepull::reference::{
    AnyReference, Digest, DigestAlgorithms, ParseError, ParseErrorKind, ParseOptions, ReferenceView,
};

/// Whether Go's `splitDockerDomain` would take the first segment of `s` for a registry host.
pub fn looks_like_a_host(s: &str) -> bool {
    s.split_once('/').is_some_and(|(first, _)| {
        first == "localhost"
            || first.contains(['.', ':'])
            || first.chars().any(|c| c.is_uppercase())
    })
}

fn is_identifier(s: &str) -> bool {
    s.len() == 64 && s.bytes().all(|c| matches!(c, b'0'..=b'9' | b'a'..=b'f'))
}

/// The owned and borrowed parsers say the same thing about `s`.
pub fn assert_view_agrees(s: &str, options: ParseOptions) {
    let owned = Reference::parse_with(s, options);
    let view = ReferenceView::parse_with(s, options);
    match (&owned, &view) {
        (Ok(r), Ok(v)) => {
            r.check_invariants();
            assert_eq!(v.to_string(), r.as_str(), "{s:?}");
            assert_eq!(&v.to_reference(), r, "{s:?}");
            assert_eq!(v.familiar().to_string(), r.familiar(), "{s:?}");
            assert_eq!(
                (v.domain(), v.tag(), v.digest()),
                (r.domain(), r.tag(), r.digest()),
                "{s:?}"
            );
            let (prefix, rest) = v.path_parts();
            assert_eq!(format!("{prefix}{rest}"), r.path(), "{s:?}");
        }
        (Err(a), Err(b)) => {
            assert_eq!(a, b, "{s:?}");
            assert_eq!(a.to_string(), b.to_string(), "{s:?}");
        }
        _ => panic!("{s:?}: owned {owned:?} but view {view:?}"),
    }
    if options == ParseOptions::CURRENT {
        assert_eq!(
            kubepull::reference::validate(s).map_err(|e| e.to_string()),
            owned.as_ref().map(|_| ()).map_err(|e| e.to_string()),
            "{s:?}"
        );
    }
}

/// An error is one of Go's texts (or kubepull's documented size refusal), never empty.
pub fn assert_sane_error(e: &ParseError) {
    let text = e.to_string();
    assert!(!text.is_empty());
    if e.kind() == ParseErrorKind::TooLong {
        assert!(text.starts_with("invalid reference format"));
    }
}

/// Every round trip a parsed reference promises.
pub fn assert_round_trips(s: &str) {
    assert_view_agrees(s, ParseOptions::CURRENT);
    assert_view_agrees(s, ParseOptions::LEGACY);
    let r = match Reference::parse(s) {
        Ok(r) => r,
        Err(e) => return assert_sane_error(&e),
    };
    let display = r.to_string();
    assert_eq!(display, r.as_str());
    assert_eq!(
        Reference::parse(&display).as_ref(),
        Ok(&r),
        "display of {s:?}"
    );
    assert_eq!(display.parse::<Reference>().as_ref(), Ok(&r));
    assert_eq!(Reference::parse_canonical(&display).as_ref(), Ok(&r));
    assert_eq!(r.name(), {
        let mut n = r.domain().to_string();
        if !n.is_empty() {
            n.push('/');
        }
        n + r.path()
    });

    // Go's Parse on the normalised string finds the same domain, path, tag and digest: the
    // normalised form is exactly what ParseNormalizedNamed handed to Parse.
    let raw = Reference::parse_unnormalized(&display).expect("normalised form parses raw");
    raw.check_invariants();
    assert_eq!((raw.tag(), raw.digest()), (r.tag(), r.digest()), "{s:?}");
    assert_eq!((raw.domain(), raw.path()), (r.domain(), r.path()), "{s:?}");

    // The familiar form parses back, except where Go's FamiliarString is itself ambiguous: a Hub
    // namespace that looks like a host, or a Hub image whose name is a 64-hex identifier.
    let familiar = r.familiar();
    let again = Reference::parse(familiar);
    if r.domain() == "docker.io" && looks_like_a_host(familiar) {
        assert_ne!(again.as_ref().ok(), Some(&r), "{s:?}");
    } else if is_identifier(familiar) {
        assert_eq!(again.unwrap_err().kind(), ParseErrorKind::HexIdentifier);
    } else {
        assert_eq!(again.as_ref(), Ok(&r), "familiar {familiar:?} of {s:?}");
    }

    // What the kubelet pulls has exactly one of tag and digest, and parses back.
    let pulled = r.docker_ref();
    pulled.check_invariants();
    assert!(
        pulled.tag().is_some() != pulled.digest().is_some(),
        "{pulled}"
    );
    assert_eq!(pulled.name(), r.name());
    assert_eq!(Reference::parse(pulled.as_str()).as_ref(), Ok(&pulled));
    let tagged = r.tag_name_only();
    tagged.check_invariants();
    assert_eq!(Reference::parse(tagged.as_str()).as_ref(), Ok(&tagged));
    let bare = r.without_tag();
    bare.check_invariants();
    assert_eq!((bare.tag(), bare.digest()), (None, r.digest()));
    assert_eq!(Reference::parse(bare.as_str()).as_ref(), Ok(&bare));

    if let Ok(legacy) = Reference::parse_with(s, ParseOptions::LEGACY) {
        legacy.check_invariants();
        assert_eq!(
            Reference::parse_with(legacy.as_str(), ParseOptions::LEGACY).as_ref(),
            Ok(&legacy)
        );
    }
}

/// Every entry point on `s`: no panic, invariants on every success.
pub fn exercise(s: &str) {
    for options in [ParseOptions::CURRENT, ParseOptions::LEGACY] {
        assert_view_agrees(s, options);
        match Reference::parse_unnormalized_with(s, options) {
            Ok(r) => r.check_invariants(),
            Err(e) => assert_sane_error(&e),
        }
        match AnyReference::parse_with(s, options) {
            Ok(AnyReference::Named(r)) => r.check_invariants(),
            Ok(AnyReference::Digest(d)) => {
                let text = d.to_string();
                assert!(
                    text == s || text == format!("sha256:{s}"),
                    "{s:?} gave {text}"
                );
            }
            Ok(_) => {}
            Err(e) => assert_sane_error(&e),
        }
    }
    for algorithms in [DigestAlgorithms::CURRENT, DigestAlgorithms::WITH_SHA384] {
        if let Ok(d) = Digest::parse_with(s, algorithms) {
            assert_eq!(format!("{}:{}", d.algorithm(), d.hex()), s);
        }
    }
    if let Ok(r) = Reference::parse_canonical(s) {
        assert_eq!(r.as_str(), s);
    }
}

/// `with_tag` and `with_digest` on a parsed reference succeed exactly when Go's `WithTag` and
/// `WithDigest` do (their anchored regexes), keep the other parts, and give references that
/// parse back — for `with_digest` only when go-digest accepts the digest, since like Go it checks
/// the reference grammar's digest syntax alone; otherwise the re-parse fails as Go's does.
pub fn assert_with_tag_and_digest(r: &Reference, new_tag: &str, new_digest: &str) {
    match r.with_tag(new_tag) {
        Ok(t) => {
            assert!(super::tag_regex().is_match(new_tag), "{new_tag:?}");
            t.check_invariants();
            assert_eq!(
                (t.name(), t.tag(), t.digest()),
                (r.name(), Some(new_tag), r.digest())
            );
            assert_eq!(Reference::parse(t.as_str()).as_ref(), Ok(&t));
        }
        Err(e) => {
            assert!(!super::tag_regex().is_match(new_tag), "{new_tag:?}");
            assert_eq!(e.kind(), ParseErrorKind::TagInvalidFormat);
            assert_eq!(e.to_string(), "invalid tag format");
        }
    }
    match r.with_digest(new_digest) {
        Ok(d) => {
            assert!(super::digest_regex().is_match(new_digest), "{new_digest:?}");
            d.check_invariants();
            assert_eq!(
                (d.name(), d.tag(), d.digest()),
                (r.name(), r.tag(), Some(new_digest))
            );
            let reparsed = Reference::parse(d.as_str());
            if super::go_digest_validate(Generation::Current, new_digest).is_ok() {
                assert_eq!(reparsed.as_ref(), Ok(&d));
            } else {
                assert!(reparsed.is_err(), "{d}");
            }
            if let Err(e) = compare::normalized(Generation::Current, d.as_str()) {
                panic!("{e}");
            }
        }
        Err(e) => {
            // kubepull also refuses digests over MAX_INPUT_LEN, which no registry produces.
            assert!(
                !super::digest_regex().is_match(new_digest)
                    || new_digest.len() > kubepull::reference::MAX_INPUT_LEN,
                "{new_digest:?}"
            );
            assert_eq!(e.kind(), ParseErrorKind::DigestInvalidFormat);
            assert_eq!(e.to_string(), "invalid digest format");
        }
    }
}
