//! Property tests of the reference parser: references generated from the grammar productions
//! (spec §1) and near misses of them, checked for round trips, agreement between the owned and
//! borrowed parsers, agreement with the regex oracle of `tests/oracle/`, and for never
//! panicking on arbitrary input.

mod oracle;

use kubepull::Reference;
use kubepull::reference::{
    AnyReference, Digest, DigestAlgorithms, ErrorKind, MAX_INPUT_LEN, ParseError, ParseOptions,
    ReferenceView,
};
use oracle::{Generation, Rng, compare};
use proptest::collection::vec;
use proptest::prelude::*;

// ---- generators, production by production ----

/// `domain-component`, mostly lowercase, sometimes mixed case or with inner hyphens.
fn domain_component() -> impl Strategy<Value = String> {
    prop_oneof![
        4 => "[a-z0-9]{1,8}",
        1 => "[a-zA-Z0-9]",
        2 => "[a-zA-Z0-9][a-zA-Z0-9-]{0,6}[a-zA-Z0-9]",
    ]
}

/// `host`: domain names, IPv4-looking names, bracketed IPv6, and the names normalisation
/// treats specially.
fn host() -> impl Strategy<Value = String> {
    let special = prop::sample::select(vec![
        "localhost",
        "docker.io",
        "index.docker.io",
        "registry-1.docker.io",
        "LOCALHOST",
        "Docker.IO",
        "localhost.localdomain",
    ])
    .prop_map(String::from);
    prop_oneof![
        4 => vec(domain_component(), 1..4).prop_map(|c| c.join(".")),
        1 => special,
        1 => "[0-9]{1,3}\\.[0-9]{1,3}\\.[0-9]{1,3}\\.[0-9]{1,3}",
        1 => "\\[[a-fA-F0-9:]{1,24}\\]",
        1 => "[A-Z][A-Za-z0-9]{0,6}",
    ]
}

/// `domain := host [":" port-number]`.
fn domain() -> impl Strategy<Value = String> {
    (host(), prop::option::of("[0-9]{1,6}")).prop_map(|(h, port)| match port {
        Some(p) => format!("{h}:{p}"),
        None => h,
    })
}

/// `separator := [_.] | __ | [-]+`.
fn separator() -> impl Strategy<Value = String> {
    prop_oneof![
        Just(".".to_string()),
        Just("_".to_string()),
        Just("__".to_string()),
        "-{1,3}",
    ]
}

/// `path-component := alpha-numeric (separator alpha-numeric)*`.
fn path_component() -> impl Strategy<Value = String> {
    ("[a-z0-9]{1,8}", vec((separator(), "[a-z0-9]{1,8}"), 0..3)).prop_map(|(first, rest)| {
        let mut s = first;
        for (sep, alnum) in rest {
            s.push_str(&sep);
            s.push_str(&alnum);
        }
        s
    })
}

/// `path := path-component ("/" path-component)*`, including paths near the 255-byte limit
/// (with and without the `library/` normalisation adds).
fn path() -> impl Strategy<Value = String> {
    prop_oneof![
        8 => vec(path_component(), 1..4).prop_map(|c| c.join("/")),
        1 => "[a-z]{244,258}",
        1 => ("[a-z0-9]{1,4}", "[a-z]{240,256}").prop_map(|(ns, name)| format!("{ns}/{name}")),
        1 => Just("library".to_string()),
        1 => "[a-f0-9]{64}",
    ]
}

/// `tag := [\w][\w.-]{0,127}`, short and at the length limit.
fn tag() -> impl Strategy<Value = String> {
    prop_oneof![
        4 => "[A-Za-z0-9_][A-Za-z0-9_.-]{0,12}",
        1 => "[A-Za-z0-9_][A-Za-z0-9_.-]{124,127}",
        1 => "[0-9]{1,5}",
    ]
}

/// Digests: registered algorithms with the right length, and every way go-digest objects.
fn digest() -> impl Strategy<Value = String> {
    prop_oneof![
        4 => "sha256:[a-f0-9]{64}",
        2 => "sha512:[a-f0-9]{128}",
        1 => "sha384:[a-f0-9]{96}",
        1 => "sha256:[a-fA-F0-9]{64}",
        1 => "sha256:[a-f0-9]{32,70}",
        1 => "sha512:[a-f0-9]{60,130}",
        1 => "(SHA256|Sha512|md5|blake3|sha256\\+b64):[a-f0-9]{64}",
        1 => "[A-Za-z][A-Za-z0-9]{0,6}([-_+.][A-Za-z][A-Za-z0-9]{0,4}){0,2}:[a-fA-F0-9]{32,70}",
    ]
}

/// A string from `reference := name [":" tag] ["@" digest]`.
fn reference() -> impl Strategy<Value = String> {
    (
        prop::option::weighted(0.6, domain()),
        path(),
        prop::option::weighted(0.5, tag()),
        prop::option::weighted(0.3, digest()),
    )
        .prop_map(|(domain, path, tag, digest)| {
            let mut s = String::new();
            if let Some(d) = domain {
                s.push_str(&d);
                s.push('/');
            }
            s.push_str(&path);
            if let Some(t) = tag {
                s.push(':');
                s.push_str(&t);
            }
            if let Some(d) = digest {
                s.push('@');
                s.push_str(&d);
            }
            s
        })
}

/// Fragments that break a production in the ways people get wrong.
const NEAR_MISS_TOKENS: &[&str] = &[
    "//", "___", "..", "._", "-/", "/-", "-", ":", "::", "@", "@sha256:", ":/", "[", "]", "[]",
    "%eth0", "A", "Z", "_", "é", "İ", "K", " ", "+", "~", "/", ":5000", "@@",
];

/// A grammatical reference with one thing wrong: a random edit or a bad fragment.
fn near_miss() -> impl Strategy<Value = String> {
    prop_oneof![
        (reference(), any::<u64>()).prop_map(|(s, seed)| oracle::mutate(&s, &mut Rng::new(seed))),
        (
            reference(),
            prop::sample::select(NEAR_MISS_TOKENS),
            any::<prop::sample::Index>()
        )
            .prop_map(|(s, token, at)| {
                // Insert on a char boundary (the generated strings are ASCII).
                let i = at.index(s.len() + 1);
                format!("{}{token}{}", &s[..i], &s[i..])
            }),
        reference().prop_map(|s| s.to_uppercase()),
        reference().prop_map(|s| format!("{s}/")),
    ]
}

/// Grammatical references and near misses, about half and half.
fn candidates() -> impl Strategy<Value = String> {
    prop_oneof![reference(), near_miss()]
}

// ---- assertions ----

/// Whether Go's `splitDockerDomain` would take the first segment of `s` for a registry host.
fn looks_like_a_host(s: &str) -> bool {
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
fn assert_view_agrees(s: &str, options: ParseOptions) {
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
fn assert_sane_error(e: &ParseError) {
    let text = e.to_string();
    assert!(!text.is_empty());
    if e.kind() == ErrorKind::TooLong {
        assert!(text.starts_with("invalid reference format"));
    }
}

/// Every round trip a parsed reference promises.
fn assert_round_trips(s: &str) {
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
        assert_eq!(again.unwrap_err().kind(), ErrorKind::HexIdentifier);
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
fn exercise(s: &str) {
    for options in [ParseOptions::CURRENT, ParseOptions::LEGACY] {
        assert_view_agrees(s, options);
        match Reference::parse_unnormalized_with(s, options) {
            Ok(r) => r.check_invariants(),
            Err(e) => assert_sane_error(&e),
        }
        match AnyReference::parse_with(s, options) {
            Ok(AnyReference::Named(r)) => r.check_invariants(),
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

fn config(cases: u32) -> ProptestConfig {
    ProptestConfig {
        cases,
        failure_persistence: None,
        ..ProptestConfig::default()
    }
}

proptest! {
    #![proptest_config(config(384))]

    #[test]
    fn grammar_references_round_trip(s in candidates()) {
        assert_round_trips(&s);
    }

    #[test]
    fn grammar_references_agree_with_the_oracle(s in candidates()) {
        if let Err(e) = compare::all(&s) {
            panic!("{e}");
        }
    }

    #[test]
    fn with_tag_and_with_digest_re_parse_or_fail_as_documented(
        s in reference(),
        new_tag in prop_oneof![tag(), "[A-Za-z0-9_.:@/+-]{0,8}", "[a-z]{129}"],
        new_digest in prop_oneof![digest(), "[A-Za-z0-9:+._-]{0,40}"],
    ) {
        let Ok(r) = Reference::parse(&s) else { return Ok(()) };
        // WithTag checks the tag grammar only; the result parses back unchanged as long as the
        // digest it keeps was valid, which it was.
        match r.with_tag(&new_tag) {
            Ok(t) => {
                prop_assert!(oracle::tag_regex().is_match(&new_tag));
                t.check_invariants();
                prop_assert_eq!((t.name(), t.tag(), t.digest()), (r.name(), Some(&*new_tag), r.digest()));
                prop_assert_eq!(Reference::parse(t.as_str()), Ok(t.clone()));
            }
            Err(e) => {
                prop_assert!(!oracle::tag_regex().is_match(&new_tag));
                prop_assert_eq!(e.kind(), ErrorKind::TagInvalidFormat);
                prop_assert_eq!(e.to_string(), "invalid tag format");
            }
        }
        // WithDigest checks the reference grammar's digest syntax only (as Go does), so the
        // result re-parses exactly when go-digest accepts the digest; otherwise the parse fails
        // the way Go's ParseNormalizedNamed fails on that string.
        match r.with_digest(&new_digest) {
            Ok(d) => {
                prop_assert!(oracle::digest_regex().is_match(&new_digest));
                d.check_invariants();
                prop_assert_eq!((d.name(), d.tag(), d.digest()), (r.name(), r.tag(), Some(&*new_digest)));
                let reparsed = Reference::parse(d.as_str());
                if oracle::go_digest_validate(Generation::Current, &new_digest).is_ok() {
                    prop_assert_eq!(reparsed, Ok(d.clone()));
                } else {
                    prop_assert!(reparsed.is_err());
                }
                if let Err(e) = compare::normalized(Generation::Current, d.as_str()) {
                    panic!("{e}");
                }
            }
            Err(e) => {
                prop_assert!(!oracle::digest_regex().is_match(&new_digest));
                prop_assert_eq!(e.kind(), ErrorKind::DigestInvalidFormat);
                prop_assert_eq!(e.to_string(), "invalid digest format");
            }
        }
    }
}

proptest! {
    #![proptest_config(config(256))]

    #[test]
    fn arbitrary_strings_never_panic(s in any::<String>()) {
        exercise(&s);
    }

    #[test]
    fn grammar_alphabet_strings_never_panic(s in "[/:@._\\-\\[\\]A-Za-z0-9é+%İK]{0,80}") {
        exercise(&s);
        if let Err(e) = compare::all(&s) {
            panic!("{e}");
        }
    }

    #[test]
    fn huge_inputs_are_refused_without_panic(
        s in reference(),
        len in (MAX_INPUT_LEN - 8)..(MAX_INPUT_LEN + 4_000),
    ) {
        let mut huge = s.clone();
        while huge.len() < len {
            huge.push_str(&s);
            huge.push('a');
        }
        huge.truncate(len);
        exercise(&huge);
        if huge.len() > MAX_INPUT_LEN {
            for result in [
                Reference::parse(&huge),
                Reference::parse_with(&huge, ParseOptions::LEGACY),
                Reference::parse_unnormalized(&huge),
            ] {
                prop_assert_eq!(result.unwrap_err().kind(), ErrorKind::TooLong);
            }
        }
    }
}

/// The generators must actually reach both sides of the grammar, or the properties above prove
/// little: count how many candidates parse.
#[test]
fn generators_cover_valid_and_invalid_inputs() {
    use proptest::strategy::ValueTree;
    use proptest::test_runner::TestRunner;
    let mut runner = TestRunner::deterministic();
    let (mut valid, mut invalid, mut with_port, mut ipv6, mut digests) = (0, 0, 0, 0, 0);
    let strategy = candidates();
    for _ in 0..400 {
        let s = strategy.new_tree(&mut runner).unwrap().current();
        match Reference::parse(&s) {
            Ok(r) => {
                valid += 1;
                with_port += usize::from(
                    r.domain().contains("]:") || {
                        let d = r.domain();
                        !d.starts_with('[') && d.contains(':')
                    },
                );
                ipv6 += usize::from(r.domain().starts_with('['));
                digests += usize::from(r.digest().is_some());
            }
            Err(_) => invalid += 1,
        }
    }
    assert!(
        valid > 100 && invalid > 100,
        "{valid} valid, {invalid} invalid"
    );
    assert!(
        with_port > 5 && ipv6 > 5 && digests > 20,
        "{with_port} ports, {ipv6} IPv6, {digests} digests"
    );
}
