//! Differential tests: kubepull's hand-written parser against a regex oracle built from the
//! grammar productions of the spec (`tests/oracle/`), which transcribes Go's
//! `ParseNormalizedNamed`, `Parse` and `ParseAnyReference` step by step.
//!
//! The oracle is first checked against the vectors the Go libraries produced, so a mistake in it
//! cannot hide a mistake in the parser; then both are run on the corpus and on mutated corpus
//! lines, for both grammar generations.

mod oracle;

use oracle::{Generation, Rng, compare};
use serde_json::Value;

fn data(file: &str) -> String {
    let path = format!("{}/tests/data/reference/{file}", env!("CARGO_MANIFEST_DIR"));
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

fn corpus() -> Vec<String> {
    let mut lines: Vec<String> = data("references.corpus.txt")
        .lines()
        .map(str::to_owned)
        .collect();
    lines.extend(data("references.edge.txt").lines().map(str::to_owned));
    lines
}

/// The oracle's answer in the vectors' JSON shape.
fn oracle_json(generation: Generation, input: &str) -> Value {
    match oracle::parse_normalized_named(generation, input) {
        Ok(r) => serde_json::json!({
            "input": input, "name": r.name(), "domain": r.domain, "path": r.path,
            "tag": r.tag, "digest": r.digest, "familiar": r.familiar(),
        }),
        Err(e) => serde_json::json!({"input": input, "tag": null, "digest": null, "error": e}),
    }
}

/// Checks the oracle itself against Go's recorded output; returns the number of vectors.
fn assert_oracle_reproduces(files: &[&str], generation: Generation) -> usize {
    let mut mismatches = Vec::new();
    let mut checked = 0;
    for file in files {
        for line in data(file).lines() {
            let expected: Value = serde_json::from_str(line).expect("vector line is JSON");
            let input = expected["input"].as_str().expect("input is a string");
            let got = oracle_json(generation, input);
            if got != expected {
                mismatches.push(format!("{file}:\n  go     {expected}\n  oracle {got}"));
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
fn oracle_reproduces_distribution_reference_v0_6() {
    let files = [
        "references.expected.jsonl",
        "references.edge.expected.jsonl",
    ];
    assert_eq!(
        assert_oracle_reproduces(&files, Generation::Current),
        10_168
    );
}

#[test]
fn oracle_reproduces_docker_distribution_2_8() {
    let files = [
        "references.expected-v2.8.jsonl",
        "references.edge.expected-v2.8.jsonl",
    ];
    assert_eq!(assert_oracle_reproduces(&files, Generation::Legacy), 10_168);
}

/// Runs every differential check on each input; panics with all disagreements.
fn assert_agrees(inputs: impl IntoIterator<Item = String>) -> usize {
    let mut failures = Vec::new();
    let mut checked = 0;
    for input in inputs {
        if let Err(e) = compare::all(&input) {
            failures.push(e);
        }
        checked += 1;
    }
    assert!(
        failures.is_empty(),
        "{} disagreements, first ones:\n{}",
        failures.len(),
        failures[..failures.len().min(20)].join("\n")
    );
    checked
}

#[test]
fn parser_agrees_with_oracle_on_the_corpus() {
    assert_eq!(assert_agrees(corpus()), 10_168);
}

/// Random byte edits of corpus lines, rich in the grammar's punctuation and in case flips.
fn mutations(seed: u64, count: usize) -> Vec<String> {
    let corpus = corpus();
    let mut rng = Rng::new(seed);
    (0..count)
        .map(|_| {
            let line = &corpus[rng.below(corpus.len())];
            let mut s = oracle::mutate(line, &mut rng);
            // Now and then edit again, to reach further from the valid language.
            if rng.below(4) == 0 {
                s = oracle::mutate(&s, &mut rng);
            }
            s
        })
        .collect()
}

#[test]
fn parser_agrees_with_oracle_on_mutated_corpus_lines() {
    let inputs = mutations(0x6b75_6265_7075_6c6c, 6_000);
    // The mutations must land on both sides of the grammar to be worth anything.
    let accepted = inputs
        .iter()
        .filter(|s| oracle::parse_normalized_named(Generation::Current, s).is_ok())
        .count();
    assert!(
        (1_000..5_000).contains(&accepted),
        "{accepted} of 6000 mutations accepted"
    );
    assert_eq!(assert_agrees(inputs), 6_000);
}

/// Hand-picked inputs at the corners of Go's error choice, beyond what the corpus holds.
#[test]
fn parser_agrees_with_oracle_on_corner_cases() {
    let f = |n: usize| "f".repeat(n);
    let a = |n: usize| "a".repeat(n);
    let mut inputs: Vec<String> = [
        "",
        "/",
        ":",
        "@",
        "a@",
        "a:",
        "A",
        "a/B",
        "Foo/bar",
        "FOO:5000/bar",
        "LOCALHOST/foo",
        "localhost/Foo",
        "index.docker.io/Foo",
        "docker.io/Foo:tag",
        "Foo:TAG",
        "Foo:bad~tag",
        "foo_bar.com/baz",
        "foo_bar.com/Baz",
        "foo_bar.com:5000/baz",
        "[::1]/foo",
        "[::1]:5000/foo",
        "[::1]",
        "[::1]:tag",
        "[fd00123123123]/x",
        "[fe80::1%eth0]/x",
        "[::ffff:192.0.2.128]/x",
        "[]/x",
        "[G]/x",
        "[A]/0",
        "[ABCDEF]/x",
        "[FD00123123123]/x",
        "[Fd00::1]/x",
        "[A]:5000/x",
        "[A]",
        "[A]/X",
        "[::1]/Foo",
        "::1/foo",
        "a:/b",
        "a:b/c",
        "a:5000/B",
        "\u{130}/x",
        "x/\u{130}",
        "\u{212a}",
        "\u{212a}/x",
        "ﬀ/x",
        "é",
        "a/é",
        "a:é",
        "registry-1.docker.io/ubuntu",
        "index.docker.io/library/debian",
        "docker.io/library/foo/bar",
        "library/foo",
        "localhost:5000",
        "localhost",
        "xn--n3h.com/a",
        "-a/b",
        "a-/b",
        "a--b/c",
        "a__b/c",
        "a___b/c",
        "a._b/c",
        "A_B/c",
        "A.B/c",
        "A-B/c",
        "a/b/",
        "a//b",
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    for (alg, n) in [
        ("sha256", 64),
        ("sha256", 63),
        ("sha256", 65),
        ("sha256", 32),
        ("sha256", 31),
        ("sha384", 96),
        ("sha512", 128),
        ("sha512", 64),
        ("SHA256", 64),
        ("Sha256", 64),
        ("md5", 32),
        ("blake3", 64),
        ("sha256+b64", 64),
        ("sha256.x", 64),
        ("sha256__x", 64),
        ("sha256-", 64),
        ("1sha", 64),
    ] {
        inputs.push(format!("foo@{alg}:{}", f(n)));
        inputs.push(format!("foo:tag@{alg}:{}", f(n)));
        inputs.push(format!("Foo@{alg}:{}", f(n)));
        inputs.push(format!("{alg}:{}", f(n)));
        inputs.push(format!("foo@{alg}:{}", "F".repeat(n)));
    }
    for n in [236, 237, 245, 246, 247, 248, 253, 254, 255, 256] {
        inputs.push(a(n));
        inputs.push(format!("x/{}", a(n)));
        inputs.push(format!("example.com/{}", a(n)));
        inputs.push(format!("localhost:5000/{}", a(n)));
        inputs.push(format!("{}/x", a(n)));
    }
    for n in [1, 127, 128, 129] {
        inputs.push(format!("foo:{}", "t".repeat(n)));
        inputs.push(format!("foo:_{}", "T".repeat(n - 1)));
    }
    inputs.push(f(64));
    inputs.push(f(63));
    inputs.push(format!("library/{}", f(64)));
    inputs.push("a".repeat(5_000));
    assert_agrees(inputs);
}

/// Found by `grammar_references_agree_with_the_oracle`: a bracketed host with uppercase hex and
/// no `:` (`[A]/0`) is a domain for Go's uppercase heuristic, and `[A]` is a valid IPv6 literal
/// for the grammar, so Go accepts it; kubepull used to report `repository name must be
/// lowercase` because its scanner did not record uppercase inside brackets.
#[test]
fn uppercase_bracketed_host_is_a_domain() {
    for (input, domain) in [("[A]/0", "[A]"), ("[FD00123123123]/x", "[FD00123123123]")] {
        let r = kubepull::Reference::parse(input).expect(input);
        assert_eq!((r.domain(), r.as_str()), (domain, input));
        let legacy =
            kubepull::Reference::parse_with(input, kubepull::reference::ParseOptions::LEGACY);
        assert_eq!(
            legacy.unwrap_err().to_string(),
            "invalid reference format: repository name must be lowercase"
        );
    }
}
