//! Differential test: the indexed keyring against a plain linear scan of the same keys, the
//! way Go's `BasicDockerKeyring.Lookup` does it (reverse-sorted index, `URLsMatchStr` on every
//! key, then the Docker Hub fallback), one keyring per source kind.

use kubepull::Secret;
use kubepull::keyring::{CredentialSource, Keyring, KeyringOptions};
use proptest::prelude::*;

mod keyring_linear;
use keyring_linear::linear_lookup;

fn indexed_lookup(
    entries: &[(usize, String, String)],
    image: &str,
    options: &KeyringOptions,
) -> Vec<String> {
    let sources = [
        CredentialSource::secret("ns", "s", "u"),
        CredentialSource::node("/n"),
        CredentialSource::provider("p"),
    ];
    let mut builder = Keyring::builder_with(*options);
    for (layer, key, user) in entries {
        builder.add(&sources[*layer], key, user, Secret::new("pw"));
    }
    let keyring = builder.build().unwrap();
    keyring
        .lookup_str(image)
        .iter()
        .map(|c| c.username().to_owned())
        .collect()
}

fn label() -> impl Strategy<Value = String> {
    prop_oneof![
        Just("io".to_owned()),
        Just("docker".to_owned()),
        Just("index".to_owned()),
        Just("quay".to_owned()),
        Just("Quay".to_owned()),
        Just("*".to_owned()),
        Just("q*".to_owned()),
        Just("[a-q]uay".to_owned()),
        Just("[".to_owned()),
        Just(String::new()),
        "[a-c*]{1,3}",
    ]
}

fn host() -> impl Strategy<Value = String> {
    (
        prop::collection::vec(label(), 1..4),
        prop_oneof![Just(""), Just(":5000"), Just(":"), Just(":443")],
    )
        .prop_map(|(labels, port)| format!("{}{port}", labels.join(".")))
}

fn path() -> impl Strategy<Value = String> {
    prop_oneof![
        Just(String::new()),
        Just("/".to_owned()),
        Just("/v1/".to_owned()),
        Just("/v2/org".to_owned()),
        Just("/org".to_owned()),
        Just("/org/".to_owned()),
        Just("/org/app".to_owned()),
        Just("/orgz".to_owned()),
        Just("?q".to_owned()),
        Just("/%41".to_owned()),
        "/[a-z/]{0,6}",
    ]
}

fn key() -> impl Strategy<Value = String> {
    (
        prop_oneof![Just(""), Just("https://"), Just("http://")],
        host(),
        path(),
    )
        .prop_map(|(scheme, host, path)| format!("{scheme}{host}{path}"))
}

fn image() -> impl Strategy<Value = String> {
    prop_oneof![
        (host(), path()).prop_map(|(h, p)| format!("{h}{p}")),
        Just("docker.io/library/nginx".to_owned()),
        Just("localhost/foo".to_owned()),
        Just("jenkins".to_owned()),
        Just(String::new()),
    ]
}

fn options() -> impl Strategy<Value = KeyringOptions> {
    (any::<bool>(), any::<bool>(), any::<bool>()).prop_map(|(a, b, c)| {
        KeyringOptions::default()
            .with_path_segment_boundaries(a)
            .with_strict_docker_hub_fallback(b)
            .with_case_insensitive_hosts(c)
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    #[test]
    fn indexed_equals_linear(
        keys in prop::collection::vec((0usize..3, key()), 0..12),
        image in image(),
        options in options(),
    ) {
        let entries: Vec<(usize, String, String)> = keys
            .into_iter()
            .enumerate()
            .map(|(i, (layer, key))| (layer, key, format!("user{i}")))
            .collect();
        prop_assert_eq!(
            indexed_lookup(&entries, &image, &options),
            linear_lookup(&entries, &image, &options)
        );
    }
}
