//! Pull secrets merged into the keyring (`MakeDockerKeyring`): vectors §8.12 and 179, from
//! `tests/data/keyring/secrets_merge.json` (Secret objects as `kubectl get secret -o json`
//! prints them).

mod common;

use common::cases;

use kubepull::Secret;
use kubepull::config::KubeSecret;
use kubepull::keyring::{Keyring, KeyringBuilder, KeyringOptions, KeyringWarning};
use serde_json::Value;

const NODE_PATH: &str = "/var/lib/kubelet/config.json";

fn builder(case: &Value, options: KeyringOptions) -> KeyringBuilder {
    let mut builder = Keyring::builder_with(options);
    for object in case["secrets"].as_array().expect("secrets") {
        let secret = KubeSecret::from_json(object.to_string().as_bytes()).expect("a Secret object");
        builder.add_pull_secret(&secret);
    }
    for entry in case["node"].as_array().into_iter().flatten() {
        let password = Secret::new(entry["password"].as_str().unwrap());
        builder.add(
            &kubepull::keyring::CredentialSource::node(NODE_PATH),
            entry["key"].as_str().unwrap(),
            entry["username"].as_str().unwrap(),
            password,
        );
    }
    builder
}

#[track_caller]
fn assert_found(id: &str, keyring: &Keyring, image: &str, expected: &Value) {
    let got: Vec<(String, String)> = keyring
        .lookup_str(image)
        .iter()
        .map(|c| (c.username().to_owned(), c.source().to_string()))
        .collect();
    let expected: Vec<(String, String)> = serde_json::from_value(expected.clone()).expect("pairs");
    assert_eq!(got, expected, "vector {id}");
    let password_free = format!("{keyring:?} {:?}", keyring.lookup_str(image));
    for secret in ["\"password\"", "default-password", "hunter2", "pw-"] {
        assert!(
            !password_free.contains(secret),
            "vector {id}: {secret} leaked"
        );
    }
}

#[test]
fn make_docker_keyring_vectors() {
    let cases = cases("keyring/secrets_merge.json");
    for case in &cases {
        let id = case["id"].as_str().unwrap();
        let image = case["image"].as_str().unwrap();
        if let Some(names) = case.get("error_names") {
            let error = builder(case, KeyringOptions::FAITHFUL)
                .build()
                .expect_err(id);
            let text = error.to_string();
            for name in names.as_array().unwrap() {
                assert!(
                    text.contains(name.as_str().unwrap()),
                    "vector {id}: {text} names {name}"
                );
            }
            assert!(!text.contains("hunter2"), "vector {id}: {text}");
            assert!(!format!("{error:?}").contains("hunter2"), "vector {id}");
            let skipping = KeyringOptions::default().with_skip_malformed_secrets(true);
            let keyring = builder(case, skipping).build().expect(id);
            assert_found(id, &keyring, image, &case["skipped_expect"]);
            assert!(
                keyring
                    .warnings()
                    .iter()
                    .any(|w| matches!(w, KeyringWarning::SkippedSecret { .. })),
                "vector {id}"
            );
        } else {
            let keyring = builder(case, KeyringOptions::FAITHFUL).build().expect(id);
            assert_found(id, &keyring, image, &case["expect"]);
        }
    }
    assert!(cases.len() >= 12);
}
