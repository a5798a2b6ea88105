//! Lint and the keyring agree: whenever lint says a key can never match, the keyring matches
//! no image with it. Keys and images are drawn from the labels that matter (cloud domains,
//! globs, ports, paths, uppercase, empty labels). Images are real ones: a host in a cloud's
//! domain is one of that cloud's registry hosts (`provider::cloud::recognize`), since no
//! registry answers at, say, `x.dkr.ecr.y.amazonaws.cn`.

use kubepull::Secret;
use kubepull::keyring::{CredentialSource, Keyring};
use proptest::prelude::*;

const LABELS: &[&str] = &[
    "*",
    "?",
    "x*",
    "[a-z]*",
    "[",
    "dkr",
    "dkr-ecr",
    "ecr",
    "ecr-fips",
    "us-east-1",
    "123456789012",
    "amazonaws",
    "com",
    "cn",
    "eu",
    "on",
    "aws",
    "azurecr",
    "io",
    "quay",
    "Quay",
    "example",
    "gcr",
    "",
];

fn host(labels: Vec<usize>) -> String {
    labels
        .iter()
        .map(|&i| LABELS[i])
        .collect::<Vec<_>>()
        .join(".")
}

/// Whether `host` can be a registry: outside the clouds' domains any host can, inside them
/// only the clouds' registry hosts.
fn real_host(host: &str) -> bool {
    let in_cloud_domain = host
        .split('.')
        .any(|l| ["amazonaws", "aws", "amazonwebservices", "azurecr"].contains(&l));
    !in_cloud_domain || kubepull::provider::cloud::recognize(host).is_some()
}

fn key() -> impl Strategy<Value = String> {
    (
        proptest::collection::vec(0..LABELS.len(), 1..8),
        prop_oneof![Just(""), Just(":5000"), Just(":abc")],
        prop_oneof![Just(""), Just("/team"), Just("/Team"), Just("/team/")],
        prop_oneof![Just(""), Just("https://")],
    )
        .prop_map(|(labels, port, path, scheme)| format!("{scheme}{}{port}{path}", host(labels)))
}

/// Image names: concrete labels only (no globs, no uppercase, no empty labels), on plain
/// hosts or on the clouds' real registry hosts.
fn image() -> impl Strategy<Value = String> {
    const CLOUD_LABELS: [&str; 4] = ["amazonaws", "aws", "azurecr", "on"];
    let concrete: Vec<&'static str> = LABELS
        .iter()
        .copied()
        .filter(|l| {
            !l.is_empty()
                && !CLOUD_LABELS.contains(l)
                && l.bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
        })
        .collect();
    let plain = proptest::collection::vec(proptest::sample::select(concrete), 2..8)
        .prop_map(|labels| labels.join("."));
    let ecr = (
        proptest::sample::select(vec!["dkr.ecr", "dkr.ecr-fips", "dkr-ecr"]),
        proptest::sample::select(vec![
            "amazonaws.com",
            "amazonaws.com.cn",
            "amazonaws.eu",
            "on.aws",
            "c2s.ic.gov",
        ]),
    )
        .prop_map(|(dkr, suffix)| format!("123456789012.{dkr}.us-east-1.{suffix}"));
    let acr =
        proptest::sample::select(vec!["shop.azurecr.io", "x.azurecr.cn"]).prop_map(String::from);
    (
        prop_oneof![plain, ecr, acr],
        prop_oneof![Just(""), Just(":5000")],
        prop_oneof![Just("/team/app"), Just("/app"), Just("/team")],
    )
        .prop_map(|(host, port, path)| format!("{host}{port}{path}"))
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 3000, max_global_rejects: 200_000, ..ProptestConfig::default() })]

    #[test]
    fn a_key_lint_calls_unmatchable_matches_no_image(key in key(), images in proptest::collection::vec(image(), 8)) {
        let config = serde_json::json!({"auths": {&key: {"auth": "dTpw"}}}).to_string();
        let unmatchable = kubepull::config::lint(config.as_bytes())
            .iter()
            .any(|f| f.kind.name() == "unmatchable-key");
        prop_assume!(unmatchable);
        let mut builder = Keyring::builder();
        builder.add(&CredentialSource::node("/n"), &key, "u", Secret::new("p"));
        let keyring = builder.build().unwrap();
        for image in &images {
            prop_assert!(kubepull::Reference::parse(image).is_ok(), "{image} is an image");
            prop_assert!(keyring.lookup_str(image).is_empty(), "{key} matched {image}");
        }
        // Its own most likely targets too: the key with each glob label made concrete.
        let guess = key
            .trim_start_matches("https://")
            .split('.')
            .map(|l| if l.contains(['*', '?', '[']) { "us-east-1" } else { l })
            .collect::<Vec<_>>()
            .join(".");
        let target = format!("{guess}/app");
        // Only real image names count: the kubelet looks up nothing else.
        let real = kubepull::Reference::parse(&target)
            .is_ok_and(|r| r.name() == target && real_host(r.domain().split(':').next().unwrap_or("")));
        if real {
            prop_assert!(keyring.lookup_str(&target).is_empty(), "{key} matched {target}");
        }
    }
}
