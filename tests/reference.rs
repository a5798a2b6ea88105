//! Conformance of the reference parser with distribution/reference v0.6 and docker/distribution
//! 2.8, on the vectors in `tests/data/reference/` (copied from the project's shared vectors, which
//! the Go libraries produced).

use kubepull::Reference;
use kubepull::reference::{AnyReference, ParseErrorKind, ParseOptions, ReferenceView};
use serde_json::Value;

const CURRENT: [&str; 2] = [
    "references.expected.jsonl",
    "references.edge.expected.jsonl",
];
const LEGACY: [&str; 2] = [
    "references.expected-v2.8.jsonl",
    "references.edge.expected-v2.8.jsonl",
];

fn vectors(file: &str) -> Vec<Value> {
    let path = format!("{}/tests/data/reference/{file}", env!("CARGO_MANIFEST_DIR"));
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
    text.lines()
        .map(|l| serde_json::from_str(l).expect("vector line is JSON"))
        .collect()
}

/// What kubepull says about one input, in the vectors' shape.
fn observed(input: &str, options: ParseOptions) -> Value {
    match Reference::parse_with(input, options) {
        Ok(r) => {
            r.check_invariants();
            serde_json::json!({
                "input": input, "name": r.name(), "domain": r.domain(), "path": r.path(),
                "tag": r.tag(), "digest": r.digest(), "familiar": r.familiar(),
            })
        }
        Err(e) => {
            serde_json::json!({"input": input, "tag": null, "digest": null, "error": e.to_string()})
        }
    }
}

/// Checks every vector of the files against the parser; returns how many were checked.
fn assert_conforms(files: &[&str], options: ParseOptions) -> usize {
    let mut checked = 0;
    let mut mismatches = Vec::new();
    for file in files {
        for expected in vectors(file) {
            let input = expected["input"].as_str().expect("input is a string");
            let got = observed(input, options);
            if got != expected {
                mismatches.push(format!("{file}:\n  expected {expected}\n  got      {got}"));
            }
            checked += 1;
        }
    }
    assert!(
        mismatches.is_empty(),
        "{} mismatches:\n{}",
        mismatches.len(),
        mismatches.join("\n")
    );
    checked
}

#[test]
fn current_grammar_matches_distribution_reference_v0_6() {
    assert_eq!(assert_conforms(&CURRENT, ParseOptions::CURRENT), 10_168);
}

#[test]
fn legacy_grammar_matches_docker_distribution_2_8() {
    assert_eq!(assert_conforms(&LEGACY, ParseOptions::LEGACY), 10_168);
}

#[test]
fn view_agrees_with_owned_parse() {
    for expected in vectors(CURRENT[0]).iter().chain(&vectors(CURRENT[1])) {
        let input = expected["input"].as_str().unwrap();
        let owned = Reference::parse(input);
        let view = ReferenceView::parse(input);
        match (owned, view) {
            (Ok(r), Ok(v)) => {
                assert_eq!(v.to_string(), r.to_string());
                assert_eq!(v.to_reference(), r);
                assert_eq!(v.familiar().to_string(), r.familiar());
                assert_eq!(
                    (v.domain(), v.tag(), v.digest()),
                    (r.domain(), r.tag(), r.digest())
                );
                let (prefix, rest) = v.path_parts();
                assert_eq!(format!("{prefix}{rest}"), r.path());
            }
            (Err(a), Err(b)) => assert_eq!(a, b),
            (a, b) => panic!("{input:?}: owned {a:?} but view {b:?}"),
        }
        assert_eq!(
            kubepull::reference::validate(input).is_ok(),
            expected.get("error").is_none()
        );
    }
}

/// Whether Go's `splitDockerDomain` would take the first segment of `s` for a registry host.
fn looks_like_a_host(s: &str) -> bool {
    s.split_once('/').is_some_and(|(first, _)| {
        first == "localhost"
            || first.contains(['.', ':'])
            || first.chars().any(|c| c.is_uppercase())
    })
}

#[test]
fn round_trips_over_the_corpus() {
    let (mut checked, mut ambiguous) = (0, 0);
    for expected in vectors(CURRENT[0]).iter().chain(&vectors(CURRENT[1])) {
        let Ok(r) = Reference::parse(expected["input"].as_str().unwrap()) else {
            continue;
        };
        assert_eq!(
            Reference::parse(&format!("{r}")).as_ref(),
            Ok(&r),
            "display of {r}"
        );
        assert_eq!(Reference::parse_canonical(r.as_str()).as_ref(), Ok(&r));
        // The familiar form of a Hub repository whose namespace looks like a host
        // (`docker.io/svc.gateway/web` → `svc.gateway/web`) names another registry: Go's
        // FamiliarString has the same ambiguity. Every other familiar form parses back.
        let again = Reference::parse(r.familiar()).unwrap();
        if r.domain() == "docker.io" && looks_like_a_host(r.familiar()) {
            assert_ne!(again, r);
            ambiguous += 1;
        } else {
            assert_eq!(again, r, "familiar of {r}");
        }
        checked += 1;
    }
    assert_eq!(checked, 9_363);
    assert!(ambiguous < 200, "{ambiguous} ambiguous familiar forms");
}

/// One row of an entry-point table: input and the expected `String()` or error text.
fn assert_entry(got: Result<String, kubepull::reference::ParseError>, expected: &str, what: &str) {
    let got = got.unwrap_or_else(|e| format!("ERR {e}"));
    assert_eq!(got, expected, "{what}");
}

#[test]
fn other_entry_points_match_spec_section_4_2() {
    let h = "dbcc1c35ac38df41fd2f5e4130b32ffdb93ebae8b3dbe638c23575912276fc9c";
    let e = "e6693c20186f837fc393390135d8a598a96a833917917789d63766cab6c59582";
    let rows: Vec<(String, String, String, String)> = vec![
        (
            "busybox".into(),
            "docker.io/library/busybox:latest".into(),
            "docker.io/library/busybox".into(),
            "ERR repository name must be canonical".into(),
        ),
        (
            "busybox:latest".into(),
            "docker.io/library/busybox:latest".into(),
            "docker.io/library/busybox:latest".into(),
            "ERR repository name must be canonical".into(),
        ),
        (
            "library/busybox".into(),
            "docker.io/library/busybox:latest".into(),
            "docker.io/library/busybox".into(),
            "ERR repository name must be canonical".into(),
        ),
        (
            "docker.io/busybox".into(),
            "docker.io/library/busybox:latest".into(),
            "docker.io/library/busybox".into(),
            "ERR repository name must be canonical".into(),
        ),
        (
            "docker.io/library/busybox".into(),
            "docker.io/library/busybox:latest".into(),
            "docker.io/library/busybox".into(),
            "docker.io/library/busybox".into(),
        ),
        (
            "gcr.io/library/busybox".into(),
            "gcr.io/library/busybox:latest".into(),
            "gcr.io/library/busybox".into(),
            "gcr.io/library/busybox".into(),
        ),
        (
            format!("gcr.io/library/busybox:latest@sha256:{e}"),
            format!("gcr.io/library/busybox@sha256:{e}"),
            format!("gcr.io/library/busybox:latest@sha256:{e}"),
            format!("gcr.io/library/busybox:latest@sha256:{e}"),
        ),
        (
            format!("redis@sha256:{h}"),
            format!("docker.io/library/redis@sha256:{h}"),
            format!("docker.io/library/redis@sha256:{h}"),
            "ERR repository name must be canonical".into(),
        ),
        (
            "dmcgowan/myapp:latest".into(),
            "docker.io/dmcgowan/myapp:latest".into(),
            "docker.io/dmcgowan/myapp:latest".into(),
            "ERR repository name must be canonical".into(),
        ),
        (
            h.into(),
            format!(
                "ERR invalid repository name ({h}), cannot specify 64-byte hexadecimal strings"
            ),
            format!("sha256:{h}"),
            format!(
                "ERR invalid repository name ({h}), cannot specify 64-byte hexadecimal strings"
            ),
        ),
        (
            format!("sha256:{h}"),
            format!("docker.io/library/sha256:{h}"),
            format!("sha256:{h}"),
            "ERR repository name must be canonical".into(),
        ),
        (
            h[..63].into(),
            format!("docker.io/library/{}:latest", &h[..63]),
            format!("docker.io/library/{}", &h[..63]),
            "ERR repository name must be canonical".into(),
        ),
        (
            "test.com/foo".into(),
            "test.com/foo:latest".into(),
            "test.com/foo".into(),
            "test.com/foo".into(),
        ),
        (
            "test:8080/foo".into(),
            "test:8080/foo:latest".into(),
            "test:8080/foo".into(),
            "test:8080/foo".into(),
        ),
        (
            "Foo/bar".into(),
            "Foo/bar:latest".into(),
            "Foo/bar".into(),
            "Foo/bar".into(),
        ),
        (
            "foo_bar.com/baz".into(),
            "foo_bar.com/baz:latest".into(),
            "foo_bar.com/baz".into(),
            "foo_bar.com/baz".into(),
        ),
        (
            "localhost:5000".into(),
            "docker.io/library/localhost:5000".into(),
            "docker.io/library/localhost:5000".into(),
            "ERR repository name must be canonical".into(),
        ),
    ];
    for (input, docker_ref, any, canonical) in rows {
        assert_entry(
            Reference::parse(&input).map(|r| r.docker_ref().to_string()),
            &docker_ref,
            &input,
        );
        assert_entry(
            AnyReference::parse(&input).map(|r| r.to_string()),
            &any,
            &input,
        );
        assert_entry(
            Reference::parse_canonical(&input).map(|r| r.to_string()),
            &canonical,
            &input,
        );
    }
}

#[test]
fn unnormalized_parse_uses_its_own_domain_rule() {
    let f64 = "f".repeat(64);
    let rows = [
        ("docker/stevvooe/app", "docker", "stevvooe/app"),
        ("library/debian", "library", "debian"),
        ("test_com/foo", "", "test_com/foo"),
        ("dock__er/docker", "", "dock__er/docker"),
        ("test-com:8080/foo", "test-com:8080", "foo"),
        ("docker.io/ubuntu", "docker.io", "ubuntu"),
        ("index.docker.io/ubuntu", "index.docker.io", "ubuntu"),
        (f64.as_str(), "", f64.as_str()),
    ];
    for (input, domain, path) in rows {
        let r = Reference::parse_unnormalized(input).unwrap();
        assert_eq!((r.domain(), r.path()), (domain, path), "{input}");
    }
    assert_eq!(
        Reference::parse_unnormalized("docker.io/ubuntu")
            .unwrap()
            .familiar(),
        "ubuntu"
    );
    assert_eq!(
        Reference::parse_unnormalized("index.docker.io/ubuntu")
            .unwrap()
            .familiar(),
        "index.docker.io/ubuntu"
    );
    let err = |s: &str| Reference::parse_unnormalized(s).unwrap_err().to_string();
    assert_eq!(err(""), "repository name must have at least one component");
    assert_eq!(err("Uppercase:tag"), "repository name must be lowercase");
    assert_eq!(
        err("test:5000/Uppercase/lowercase:tag"),
        "repository name must be lowercase"
    );
    assert_eq!(
        err(&format!("foo@SHA256:{f64}")),
        "invalid checksum digest format"
    );
    assert_eq!(
        err(&"a".repeat(256)),
        "repository name must not be more than 255 characters"
    );
}

#[test]
fn with_tag_and_digest_follow_go() {
    let name = Reference::parse("test.com:8000/foo").unwrap();
    assert_eq!(
        name.with_tag("TAG5").unwrap().to_string(),
        "test.com:8000/foo:TAG5"
    );
    let d35 = "sha256:1234567890098765432112345667890098765";
    assert_eq!(
        name.with_digest(d35).unwrap().to_string(),
        format!("test.com:8000/foo@{d35}")
    );
    let busybox = Reference::parse("busybox:1").unwrap();
    assert_eq!(
        busybox.with_tag("-foo").unwrap_err().kind(),
        ParseErrorKind::TagInvalidFormat
    );
    assert_eq!(
        busybox.with_tag("-foo").unwrap_err().to_string(),
        "invalid tag format"
    );
    assert_eq!(
        busybox.with_digest("foo").unwrap_err().to_string(),
        "invalid digest format"
    );
    let both = busybox.with_digest(d35).unwrap();
    assert_eq!(
        both.to_string(),
        format!("docker.io/library/busybox:1@{d35}")
    );
    assert_eq!(
        both.without_tag().to_string(),
        format!("docker.io/library/busybox@{d35}")
    );
    assert_eq!(
        both.with_tag("2").unwrap().to_string(),
        format!("docker.io/library/busybox:2@{d35}")
    );
    assert_eq!(busybox.tag_name_only(), busybox);
    assert_eq!(
        Reference::parse("x").unwrap().tag_name_only().to_string(),
        "docker.io/library/x:latest"
    );
    // Like Go's WithDigest, the 35-hex digest is accepted without go-digest's length check, so
    // the result does not parse back; with a real sha256 it does.
    assert_eq!(
        Reference::parse(both.as_str()).unwrap_err().to_string(),
        "invalid checksum digest length"
    );
    let real = format!("sha256:{}", "e".repeat(64));
    let pinned = busybox.with_digest(&real).unwrap();
    for r in [
        pinned.without_tag(),
        pinned.with_tag("2").unwrap(),
        name.with_digest(&real).unwrap(),
        pinned,
    ] {
        r.check_invariants();
        assert_eq!(Reference::parse(r.as_str()).as_ref(), Ok(&r));
    }
}

#[test]
fn digests_follow_go_digest() {
    use kubepull::Digest;
    use kubepull::reference::DigestAlgorithms;
    let err = |s: &str| Digest::parse(s).unwrap_err().to_string();
    let f = |n: usize| "f".repeat(n);
    assert_eq!(
        Digest::parse(&format!("sha256:{}", f(64))).unwrap().hex(),
        f(64)
    );
    assert_eq!(
        Digest::parse(&format!("sha512:{}", f(128)))
            .unwrap()
            .algorithm(),
        "sha512"
    );
    for bad in [
        "",
        "     ",
        "sha256:",
        ":",
        "d41d8cd98f00b204e9800998ecf8427e",
    ] {
        assert_eq!(err(bad), "invalid checksum digest format", "{bad:?}");
    }
    assert_eq!(
        err(&format!("sha256:{}", " ".repeat(64))),
        "invalid checksum digest format"
    );
    assert_eq!(
        err("sha256:d41d8cd98f00b204e9800m98ecf8427e"),
        "invalid checksum digest length"
    );
    assert_eq!(
        err("sha256:abcdef0123456789"),
        "invalid checksum digest length"
    );
    assert_eq!(
        err(&format!("sha512:{}", f(64))),
        "invalid checksum digest length"
    );
    assert_eq!(
        err("foo:d41d8cd98f00b204e9800998ecf8427e"),
        "unsupported digest algorithm"
    );
    assert_eq!(
        err(&format!("sha384:{}", f(96))),
        "unsupported digest algorithm"
    );
    assert_eq!(
        err(&format!("sha384__foo+bar:{}", f(96))),
        "invalid checksum digest format"
    );
    assert_eq!(
        err(&format!("sha384.foo+bar:{}", f(96))),
        "unsupported digest algorithm"
    );
    assert_eq!(
        err("sha256+b64:LCa0a2j_xo_5m0U8HTBBNBNCLXBkg7-g-YpeiGJm564"),
        "unsupported digest algorithm"
    );
    assert_eq!(
        err(&format!("sha256:{}", "E".repeat(64))),
        "invalid checksum digest format"
    );
    assert!(
        Digest::parse_with(&format!("sha384:{}", f(96)), DigestAlgorithms::WITH_SHA384).is_ok()
    );
}

#[test]
fn hostile_inputs_get_errors_not_panics() {
    let long = "a".repeat(kubepull::reference::MAX_INPUT_LEN + 1);
    assert_eq!(
        Reference::parse(&long).unwrap_err().kind(),
        ParseErrorKind::TooLong
    );
    assert_eq!(
        Reference::parse_unnormalized(&long).unwrap_err().kind(),
        ParseErrorKind::TooLong
    );
    let inputs = [
        "\u{0}",
        "a\u{0}b",
        "/",
        "//",
        ":",
        "@",
        "[",
        "[]/a",
        "a@",
        "a:@",
        "\u{130}/x",
        "K/x",
        "\u{212a}",
        "ﬀ/x",
    ];
    for input in inputs {
        let _ = Reference::parse(input);
        let _ = Reference::parse_with(input, ParseOptions::LEGACY);
        let _ = Reference::parse_unnormalized(input);
        let _ = AnyReference::parse(input);
    }
    // Go lowercases U+0130 to 'i' and U+212A (Kelvin) to 'k', so these are case errors there too.
    assert_eq!(
        Reference::parse("\u{130}/x").unwrap_err().to_string(),
        "repository name must be lowercase"
    );
    assert_eq!(
        Reference::parse("\u{212a}").unwrap_err().to_string(),
        "invalid reference format: repository name (library/\u{212a}) must be lowercase"
    );
}
