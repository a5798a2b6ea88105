//! Keyring conformance against Kubernetes v1.35 `pkg/credentialprovider/keyring.go`
//! (`Add`, `Lookup`) and `keyring_test.go`, from `tests/data/keyring/` (secrets: see
//! `keyring_secrets.rs`). The `§` markers name the vector groups in the data files.

mod common;

use common::{cases, s};

use std::fmt::Write as _;

use kubepull::keyring::{
    Credential, CredentialSource, Keyring, KeyringOptions, KeyringWarning, RegistryKey,
    RegistryPattern, check_pull_secret_references, effective_pull_secrets,
    is_default_registry_match, is_default_registry_match_with, try_credentials,
};
use kubepull::{Reference, Secret};
use serde::Deserialize;
use serde_json::Value;

fn strings(case: &Value, field: &str) -> Vec<String> {
    serde_json::from_value(case[field].clone()).unwrap_or_else(|e| panic!("{field} in {case}: {e}"))
}

/// `secret:NS/NAME`, `node:PATH` or `provider:NAME`, as the sources print.
fn source(text: &str) -> CredentialSource {
    let (kind, rest) = text.split_once(':').expect("kind:value");
    match kind {
        "secret" => {
            let (ns, name) = rest.split_once('/').expect("ns/name");
            CredentialSource::secret(ns, name, format!("uid-{name}"))
        }
        "node" => CredentialSource::node(rest),
        "provider" => CredentialSource::provider(rest),
        other => panic!("unknown source kind {other}"),
    }
}

fn options(case: &Value) -> KeyringOptions {
    let flag = |name: &str| case["options"][name].as_bool().unwrap_or(false);
    KeyringOptions::default()
        .with_path_segment_boundaries(flag("path_segment_boundaries"))
        .with_strict_docker_hub_fallback(flag("strict_docker_hub_fallback"))
        .with_case_insensitive_hosts(flag("case_insensitive_hosts"))
        .with_skip_malformed_secrets(flag("skip_malformed_secrets"))
}

#[derive(Deserialize)]
struct Entry {
    key: String,
    username: String,
    source: String,
}

fn password_for(username: &str, index: usize) -> String {
    format!("pw-{username}-{index}-s3cr3t")
}

/// Builds a keyring from `entries`; every password is distinct and recognisable.
fn build(case: &Value) -> (Keyring, Vec<String>) {
    let entries: Vec<Entry> = serde_json::from_value(case["entries"].clone()).expect("entries");
    let mut builder = Keyring::builder_with(options(case));
    let mut passwords = Vec::new();
    for (i, entry) in entries.iter().enumerate() {
        let password = password_for(&entry.username, i);
        builder.add(
            &source(&entry.source),
            &entry.key,
            &entry.username,
            Secret::new(password.clone()),
        );
        passwords.push(password);
    }
    (builder.build().expect("no malformed secret"), passwords)
}

#[track_caller]
fn assert_usernames(id: &str, found: &[&Credential], expected: &[String]) {
    let got: Vec<&str> = found.iter().map(|c| c.username()).collect();
    assert_eq!(got, expected, "vector {id}");
}

#[track_caller]
fn assert_no_secret(id: &str, text: &str, passwords: &[String]) {
    for password in passwords {
        assert!(
            !text.contains(password.as_str()),
            "vector {id}: password {password} leaked in {text}"
        );
    }
}

#[test]
fn urls_match_vectors() {
    for case in cases("keyring/urls_match.json") {
        let (id, glob, target) = (s(&case, "id"), s(&case, "glob"), s(&case, "target"));
        let expected = case["match"].as_bool().unwrap();
        if case["parse_error"].as_bool() == Some(true) {
            assert!(
                RegistryPattern::parse(glob).is_err(),
                "vector {id}: {glob} must not parse"
            );
            assert!(
                RegistryKey::normalize(glob).is_err(),
                "vector {id}: {glob} is skipped as a key"
            );
        } else {
            let pattern =
                RegistryPattern::parse(glob).unwrap_or_else(|e| panic!("vector {id}: {e}"));
            assert_eq!(
                pattern.matches(target),
                expected,
                "vector {id}: {glob} vs {target}"
            );
        }
        // The same answer through a one-key keyring (the indexed path).
        let mut builder = Keyring::builder();
        builder.add(&CredentialSource::node("/cfg"), glob, "u", Secret::new("p"));
        let keyring = builder.build().unwrap();
        assert_eq!(
            !keyring.lookup_str(target).is_empty(),
            expected,
            "vector {id} (keyring)"
        );
    }
}

#[test]
fn match_images_validation_error_text() {
    // multiarch-and-providers.md §2: the kubelet's matchImages validation message.
    let err = RegistryPattern::parse("%invalid%").unwrap_err();
    assert_eq!(
        err.to_string(),
        r#"parse "https://%invalid%": invalid URL escape "%in""#
    );
    // A malformed glob parses (the kubelet accepts it) but never matches.
    let bad = RegistryPattern::parse("a[.io").unwrap();
    assert!(!bad.is_matchable());
}

#[test]
fn default_registry_vectors() {
    for case in cases("keyring/default_registry.json") {
        let (id, image) = (s(&case, "id"), s(&case, "image"));
        let faithful = case["faithful"].as_bool().unwrap();
        let strict = case["strict"].as_bool().unwrap();
        assert_eq!(is_default_registry_match(image), faithful, "vector {id}");
        let hardened = KeyringOptions::default().with_strict_docker_hub_fallback(true);
        assert_eq!(
            is_default_registry_match_with(image, &hardened),
            strict,
            "vector {id} (strict)"
        );
    }
}

#[test]
fn normalize_vectors() {
    for case in cases("keyring/normalize.json") {
        let (id, key) = (s(&case, "id"), s(&case, "key"));
        match case.get("normalized") {
            Some(expected) => {
                let normalized =
                    RegistryKey::normalize(key).unwrap_or_else(|e| panic!("vector {id}: {e}"));
                assert_eq!(
                    normalized.to_string(),
                    expected.as_str().unwrap(),
                    "vector {id}"
                );
            }
            None => {
                assert!(RegistryKey::normalize(key).is_err(), "vector {id}");
                let mut builder = Keyring::builder();
                let source = CredentialSource::secret("default", "s", "uid");
                builder.add(&source, key, "u", Secret::new("hunter2"));
                let keyring = builder.build().unwrap();
                assert!(keyring.is_empty(), "vector {id}: invalid key skipped");
                let [warning] = keyring.warnings() else {
                    panic!("vector {id}: one warning")
                };
                assert!(
                    matches!(warning, KeyringWarning::InvalidKey { .. }),
                    "vector {id}"
                );
                assert_eq!(warning.to_string(), s(&case, "error"), "vector {id}");
                assert_no_secret(
                    id,
                    &format!("{warning} {warning:?}"),
                    &["hunter2".to_owned()],
                );
            }
        }
    }
}

#[test]
fn lookup_vectors() {
    let cases = cases("keyring/lookups.json");
    for case in &cases {
        let id = s(case, "id");
        let (keyring, passwords) = build(case);
        let found = keyring.lookup_str(s(case, "image"));
        assert_usernames(id, &found, &strings(case, "expect"));
        let mut printed = format!("{keyring:?} {found:?}");
        for credential in &found {
            let _ = write!(printed, "{} {}", credential.source(), credential.key());
        }
        assert_no_secret(id, &printed, &passwords);
    }
    assert!(
        cases.len() >= 60,
        "every §8.2–8.7 and §8.18 lookup vector is present"
    );
}

#[test]
fn lookup_by_reference_uses_the_normalised_name() {
    let mut builder = Keyring::builder();
    let hub = CredentialSource::node("/root/.docker/config.json");
    builder.add(
        &hub,
        "https://index.docker.io/v1/",
        "hub",
        Secret::new("pw"),
    );
    builder.add(&hub, "localhost:5000", "local", Secret::new("pw"));
    let keyring = builder.build().unwrap();
    let nginx: Reference = "nginx:1.25".parse().unwrap();
    assert_usernames("ref-hub", &keyring.lookup(&nginx), &["hub".to_owned()]);
    let local: Reference = "localhost:5000/app@sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
        .parse()
        .unwrap();
    assert_usernames("ref-port", &keyring.lookup(&local), &["local".to_owned()]);
}

#[test]
fn sources_display_and_order() {
    let (keyring, _) = build(&serde_json::json!({"entries": [
        {"key": "quay.io/org/app", "username": "plugin", "source": "provider:ecr"},
        {"key": "quay.io/org", "username": "node", "source": "node:/var/lib/kubelet/config.json"},
        {"key": "quay.io", "username": "secret", "source": "secret:team/regcred"},
    ]}));
    let found = keyring.lookup_str("quay.io/org/app");
    let sources: Vec<String> = found.iter().map(|c| c.source().to_string()).collect();
    assert_eq!(
        sources,
        [
            "secret:team/regcred",
            "node:/var/lib/kubelet/config.json",
            "provider:ecr"
        ]
    );
    assert!(
        matches!(found[0].source(), CredentialSource::Secret { uid, .. } if uid == "uid-regcred")
    );
    let keys: Vec<String> = found.iter().map(|c| c.key().to_string()).collect();
    assert_eq!(keys, ["quay.io", "quay.io/org", "quay.io/org/app"]);
}

#[test]
fn malformed_secret_fails_or_is_skipped() {
    let bad = CredentialSource::secret("default", "bad", "uid-bad");
    let good = CredentialSource::secret("default", "good", "uid-good");
    let reason = "illegal base64 data at input byte 3";
    let mut builder = Keyring::builder();
    builder.add(&good, "quay.io", "u", Secret::new("hunter2"));
    builder.add_malformed_secret(&bad, ".dockerconfigjson", reason);
    let err = builder.build().unwrap_err();
    assert_eq!(
        err.to_string(),
        r#"pull secret:default/bad: data key ".dockerconfigjson": illegal base64 data at input byte 3"#
    );
    assert_no_secret("err", &format!("{err} {err:?}"), &["hunter2".to_owned()]);

    let mut builder =
        Keyring::builder_with(KeyringOptions::default().with_skip_malformed_secrets(true));
    builder.add(&good, "quay.io", "u", Secret::new("hunter2"));
    builder.add_malformed_secret(&bad, ".dockerconfigjson", reason);
    let keyring = builder.build().unwrap();
    assert_eq!(keyring.lookup_str("quay.io/x").len(), 1);
    let [warning] = keyring.warnings() else {
        panic!("one warning")
    };
    assert!(matches!(warning, KeyringWarning::SkippedSecret { .. }));
    assert!(warning.to_string().contains("secret:default/bad"));
}

#[derive(Debug, PartialEq)]
struct PullError(String);

impl std::fmt::Display for PullError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

#[test]
fn attempt_vectors() {
    for case in cases("keyring/attempts.json") {
        let id = s(&case, "id");
        let users = strings(&case, "credentials");
        let succeeds = strings(&case, "succeeds");
        let mut builder = Keyring::builder();
        let secret = CredentialSource::secret("default", "s", "uid");
        for (i, user) in users.iter().enumerate() {
            builder.add(
                &secret,
                "registry.example.com",
                user,
                Secret::new(password_for(user, i)),
            );
        }
        let keyring = builder.build().unwrap();
        let candidates = keyring.lookup_str("registry.example.com/app");
        let mut tried = Vec::new();
        let outcome = try_credentials(&candidates, |credential| {
            let who = credential.map_or("anonymous", |c| c.username()).to_owned();
            tried.push(who.clone());
            if succeeds.contains(&who) {
                Ok(who)
            } else {
                Err(PullError(format!("pull failed for {who}")))
            }
        });
        assert_eq!(tried, strings(&case, "tried"), "vector {id}");
        match outcome {
            Ok(success) => {
                let who = success.credential.map_or("anonymous", |c| c.username());
                assert_eq!(who, s(&case, "result"), "vector {id}");
                assert_eq!(success.value, who, "vector {id}");
            }
            Err(failure) => {
                assert_eq!(failure.to_string(), s(&case, "error"), "vector {id}");
                assert_eq!(failure.attempts.len(), tried.len(), "vector {id}");
                let passwords: Vec<String> = users
                    .iter()
                    .enumerate()
                    .map(|(i, u)| password_for(u, i))
                    .collect();
                assert_no_secret(id, &format!("{failure} {failure:?}"), &passwords);
            }
        }
    }
}

#[test]
fn service_account_vectors() {
    for case in cases("keyring/service_account.json") {
        let id = s(&case, "id");
        let (pod, sa) = (strings(&case, "pod"), strings(&case, "service_account"));
        assert_eq!(
            effective_pull_secrets(&pod, &sa),
            strings(&case, "effective"),
            "vector {id}"
        );
        if let Some(expected) = case.get("enforce") {
            let result = check_pull_secret_references(&pod, s(&case, "service_account_name"), &sa);
            assert_eq!(
                result.err().map(|e| e.to_string()),
                expected.as_str().map(str::to_owned),
                "vector {id}"
            );
        }
    }
    assert_eq!(kubepull::keyring::service_account_name(""), "default");
    assert_eq!(
        kubepull::keyring::service_account_name("builder"),
        "builder"
    );
}

#[test]
fn index_order_and_limits() {
    let node = CredentialSource::node("/cfg");
    let mut builder = Keyring::builder();
    for key in [
        "quay.io",
        "*.io",
        "quay.io/org",
        "https://quay.io/v1/",
        "a.io:5000",
        "Quay.io",
    ] {
        builder.add(&node, key, "u", Secret::new("p"));
    }
    let long_key = format!("{}.io", "a".repeat(kubepull::keyring::MAX_PATTERN_LEN));
    builder.add(&node, &long_key, "u", Secret::new("p"));
    let keyring = builder.build().unwrap();
    // Deduplicated, descending bytes: `*` (0x2A) sorts below letters, upper case below lower.
    let keys: Vec<String> = keyring.keys(&node).map(ToString::to_string).collect();
    assert_eq!(
        keys,
        ["quay.io/org", "quay.io", "a.io:5000", "Quay.io", "*.io"]
    );
    assert_eq!(keyring.len(), 6);
    let [warning] = keyring.warnings() else {
        panic!("one warning for the long key")
    };
    let text = warning.to_string();
    assert!(text.contains("longer than") && text.len() < 600, "{text}");
    assert!(keyring.lookup_str(&format!("{long_key}/x")).is_empty());
}

/// Polls a future that never waits (the attempts below are ready at once).
fn block_on<F: std::future::Future>(future: F) -> F::Output {
    let mut future = std::pin::pin!(future);
    let mut context = std::task::Context::from_waker(std::task::Waker::noop());
    loop {
        if let std::task::Poll::Ready(value) = future.as_mut().poll(&mut context) {
            return value;
        }
    }
}

#[test]
fn async_attempts_follow_the_same_loop() {
    let secret = CredentialSource::secret("default", "s", "uid");
    let mut builder = Keyring::builder();
    builder.add(&secret, "quay.io", "wrong", Secret::new("pw-wrong"));
    builder.add(&secret, "quay.io", "right", Secret::new("pw-right"));
    let keyring = builder.build().unwrap();
    let candidates = keyring.lookup_str("quay.io/app");
    let success = block_on(kubepull::keyring::try_credentials_async(
        &candidates,
        |c| async move {
            match c {
                Some(c) if c.username() == "right" => Ok(c.username().len()),
                _ => Err(PullError("denied".to_owned())),
            }
        },
    ))
    .unwrap();
    assert_eq!(
        success
            .credential
            .map(|c| c.source().to_string())
            .as_deref(),
        Some("secret:default/s")
    );
    let failure = block_on(kubepull::keyring::try_credentials_async(
        &candidates,
        |_| async { Err::<(), _>(PullError("denied".to_owned())) },
    ))
    .unwrap_err();
    assert_eq!(failure.attempts.len(), 2);
    assert_eq!(
        failure.to_string(),
        "denied",
        "repeated texts are listed once"
    );
}

#[test]
fn credential_hash_vectors() {
    // §8.18 #181 and #182: the KEP-2535 hash of a keyring credential.
    let source = CredentialSource::secret("default", "s", "uid");
    let mut builder = Keyring::builder();
    builder.add(&source, "a.io", "user", Secret::new("password"));
    builder.add_with_email(&source, "b.io", "foo", Secret::new("bar"), "foo@bar.baz");
    let keyring = builder.build().unwrap();
    let hash = |image: &str| keyring.lookup_str(image)[0].credential_hash();
    assert_eq!(
        hash("a.io/x"),
        "a55436fc140d516560d072c5fe8700385ce9f41629abf65c1edcbcb39fac691d"
    );
    assert_eq!(
        hash("b.io/x"),
        "ecbd0905d2154d4c2569fcb97186ee08a2c2424001e5b2e6bbdb80bbd4f04f1b"
    );
}

#[test]
fn keyring_types_are_send_and_sync() {
    fn assert_send_sync<T: Send + Sync>() {}
    assert_send_sync::<Keyring>();
    assert_send_sync::<Credential>();
    assert_send_sync::<RegistryPattern>();
    assert_send_sync::<kubepull::keyring::KeyringBuilder>();
    assert_send_sync::<kubepull::keyring::KeyringError>();
}
