//! Differential test: the indexed keyring against a plain linear scan of the same keys, the
//! way Go's `BasicDockerKeyring.Lookup` does it (reverse-sorted index, `URLsMatchStr` on every
//! key, then the Docker Hub fallback), one keyring per source kind.

use kubepull::Secret;
use kubepull::keyring::{
    CredentialSource, DOCKER_HUB_KEY, Keyring, KeyringOptions, RegistryKey, RegistryPattern,
    is_default_registry_match_with,
};
use proptest::prelude::*;

/// Go's algorithm, written as plainly as possible over the public pattern type.
fn linear_lookup(
    entries: &[(usize, String, String)],
    image: &str,
    options: &KeyringOptions,
) -> Vec<String> {
    let mut out = Vec::new();
    for layer in 0..3 {
        let mut index: Vec<(RegistryKey, Vec<String>)> = Vec::new();
        for (l, key, user) in entries {
            if *l != layer {
                continue;
            }
            let Ok(key) = RegistryKey::normalize(key) else {
                continue;
            };
            match index.iter_mut().find(|(k, _)| *k == key) {
                Some((_, users)) => users.push(user.clone()),
                None => index.push((key, vec![user.clone()])),
            }
        }
        index.sort_by(|a, b| b.0.cmp(&a.0));
        let mut found: Vec<String> = Vec::new();
        for (key, users) in &index {
            if RegistryPattern::from_key(key, options).matches_with(image, options) {
                found.extend(users.iter().cloned());
            }
        }
        if found.is_empty() && is_default_registry_match_with(image, options) {
            for (key, users) in &index {
                let hub = if options.case_insensitive_hosts {
                    key.as_bytes()
                        .eq_ignore_ascii_case(DOCKER_HUB_KEY.as_bytes())
                } else {
                    key.as_bytes() == DOCKER_HUB_KEY.as_bytes()
                };
                if hub {
                    found.extend(users.iter().cloned());
                }
            }
        }
        out.extend(found);
    }
    out
}

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
