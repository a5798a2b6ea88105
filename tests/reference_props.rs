//! Property tests of the reference parser: references generated from the grammar productions
//! (distribution/reference `regexp.go`) and near misses of them, checked for round trips, agreement between the owned and
//! borrowed parsers, agreement with the regex oracle of `tests/oracle/`, and for never
//! panicking on arbitrary input.

mod oracle;

use kubepull::Reference;
use kubepull::reference::{MAX_INPUT_LEN, ParseErrorKind, ParseOptions};
use oracle::{Rng, checks, compare};
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

/// Modest case counts keep the file fast in debug builds; `PROPTEST_CASES` overrides them for
/// a longer search.
fn config(cases: u32) -> ProptestConfig {
    let default = ProptestConfig::default();
    let cases = if std::env::var_os("PROPTEST_CASES").is_some() {
        default.cases
    } else {
        cases
    };
    ProptestConfig {
        cases,
        failure_persistence: None,
        ..default
    }
}

proptest! {
    #![proptest_config(config(384))]

    #[test]
    fn grammar_references_round_trip(s in candidates()) {
        checks::assert_round_trips(&s);
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
        if let Ok(r) = Reference::parse(&s) {
            checks::assert_with_tag_and_digest(&r, &new_tag, &new_digest);
        }
    }
}

proptest! {
    #![proptest_config(config(256))]

    #[test]
    fn arbitrary_strings_never_panic(s in any::<String>()) {
        checks::exercise(&s);
    }

    #[test]
    fn grammar_alphabet_strings_never_panic(s in "[/:@._\\-\\[\\]A-Za-z0-9é+%İK]{0,80}") {
        checks::exercise(&s);
        if let Err(e) = compare::all(&s) {
            panic!("{e}");
        }
    }

    #[test]
    fn huge_inputs_are_refused_without_panic(
        s in reference(),
        len in (MAX_INPUT_LEN - 8)..(MAX_INPUT_LEN + 4_000),
        filler in prop::sample::select(vec!["a", "/", ":", "é", "İ", "\u{1F600}"]),
    ) {
        let mut huge = s.clone();
        while huge.len() < len {
            huge.push_str(&s);
            huge.push_str(filler);
        }
        let mut end = len;
        while !huge.is_char_boundary(end) {
            end -= 1;
        }
        huge.truncate(end);
        checks::exercise(&huge);
        if huge.len() > MAX_INPUT_LEN {
            for result in [
                Reference::parse(&huge),
                Reference::parse_with(&huge, ParseOptions::LEGACY),
                Reference::parse_unnormalized(&huge),
            ] {
                prop_assert_eq!(result.unwrap_err().kind(), ParseErrorKind::TooLong);
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
