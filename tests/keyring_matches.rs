//! `Keyring::matches` (the allocation-free walk) against the linear model, with keyrings
//! where many keys match one image, so that the walk needs more than one batch.

use kubepull::keyring::{CredentialSource, Keyring, KeyringOptions};
use kubepull::{Reference, Secret};
use proptest::prelude::*;

mod keyring_linear;
use keyring_linear::linear_lookup;

fn keyring(entries: &[(usize, String, String)], options: &KeyringOptions) -> Keyring {
    let sources = [
        CredentialSource::secret("ns", "s", "u"),
        CredentialSource::node("/n"),
        CredentialSource::provider("p"),
    ];
    let mut builder = Keyring::builder_with(*options);
    for (layer, key, user) in entries {
        builder.add(&sources[*layer], key, user, Secret::new("pw"));
    }
    builder.build().unwrap()
}

fn users<'a>(credentials: impl Iterator<Item = &'a kubepull::keyring::Credential>) -> Vec<String> {
    credentials.map(|c| c.username().to_owned()).collect()
}

#[test]
fn many_matching_keys_come_in_index_order() {
    let mut entries = Vec::new();
    for (i, host) in ["quay.io", "*.io", "q*.io", "*.*", "quay.*", "[p-r]uay.io"]
        .iter()
        .enumerate()
    {
        for (j, path) in ["", "/o", "/or", "/org", "/org/", "/org/a", "/org/app"]
            .iter()
            .enumerate()
        {
            entries.push((0, format!("{host}{path}"), format!("user{i}-{j}")));
            entries.push((0, format!("{host}{path}"), format!("again{i}-{j}")));
        }
    }
    entries.push((2, "quay.io".to_owned(), "provider".to_owned()));
    for options in [
        KeyringOptions::default(),
        KeyringOptions::default().with_path_segment_boundaries(true),
    ] {
        let keyring = keyring(&entries, &options);
        let image = Reference::parse("quay.io/org/app:1").unwrap();
        let want = linear_lookup(&entries, image.name(), &options);
        assert!(want.len() > 30, "{}", want.len());
        assert_eq!(users(keyring.matches(&image)), want);
        assert_eq!(users(keyring.matches_str(image.name())), want);
        assert_eq!(users(keyring.lookup(&image).into_iter()), want);
    }
}

fn key() -> impl Strategy<Value = String> {
    (
        prop_oneof![
            Just("quay.io"),
            Just("Quay.io"),
            Just("*.io"),
            Just("q*.io"),
            Just("*.*"),
            Just("*."),
            Just("quay.*"),
            Just("quay.io:5000"),
            Just("[::1]:5000"),
            Just("localhost"),
            Just("index.docker.io"),
            Just("docker.io"),
        ],
        prop_oneof![
            Just(""),
            Just("/"),
            Just("/o"),
            Just("/org"),
            Just("/org/"),
            Just("/org/app"),
            Just("/library"),
            Just("/v1/"),
        ],
    )
        .prop_map(|(host, path)| format!("{host}{path}"))
}

fn image() -> impl Strategy<Value = &'static str> {
    prop_oneof![
        Just("quay.io/org/app"),
        Just("Quay.io/org/app:1"),
        Just("quay.io:5000/org"),
        Just("[::1]:5000/org/app"),
        Just("localhost/org"),
        Just("nginx"),
        Just("docker.io/org/app"),
        Just("foo_bar.com/org"),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(500))]

    #[test]
    fn matches_equals_linear(
        keys in prop::collection::vec((0usize..3, key()), 0..40),
        image in image(),
        (a, b, c) in (any::<bool>(), any::<bool>(), any::<bool>()),
    ) {
        let options = KeyringOptions::default()
            .with_path_segment_boundaries(a)
            .with_strict_docker_hub_fallback(b)
            .with_case_insensitive_hosts(c);
        let entries: Vec<(usize, String, String)> = keys
            .into_iter()
            .enumerate()
            .map(|(i, (layer, key))| (layer, key, format!("user{i}")))
            .collect();
        let keyring = keyring(&entries, &options);
        let image = Reference::parse(image).unwrap();
        let want = linear_lookup(&entries, image.name(), &options);
        prop_assert_eq!(users(keyring.matches(&image)), want.clone());
        prop_assert_eq!(users(keyring.matches_str(image.name())), want);
    }
}
