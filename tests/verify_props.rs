//! Property tests: round trips of the verification value types.

use std::collections::BTreeMap;

use kubepull::verify::{
    AllowlistPattern, CredentialPolicy, ImagePullCredentials, ImagePullIntent, ImagePullSecret,
    ImagePullServiceAccount, ImagePulledRecord, VerificationPolicy, trim_tag_and_digest,
};
use proptest::prelude::*;

fn text() -> impl Strategy<Value = String> {
    // Everything Go escapes differently from a naive encoder, plus plain text.
    prop::collection::vec(
        prop_oneof![
            Just('<'),
            Just('>'),
            Just('&'),
            Just('"'),
            Just('\\'),
            Just('\u{2028}'),
            Just('\u{2029}'),
            Just('\u{8}'),
            Just('\u{c}'),
            Just('\u{1}'),
            Just('\u{7f}'),
            Just('é'),
            Just('🦀'),
            prop::char::range('a', 'z'),
        ],
        0..12,
    )
    .prop_map(|c| c.into_iter().collect())
}

fn secret() -> impl Strategy<Value = ImagePullSecret> {
    (text(), text(), text(), text()).prop_map(|(u, ns, n, h)| ImagePullSecret::new(&u, &ns, &n, &h))
}

fn credentials() -> impl Strategy<Value = ImagePullCredentials> {
    (
        prop::collection::vec(secret(), 0..3),
        prop::collection::vec((text(), text(), text()), 0..3),
        any::<bool>(),
        any::<bool>(),
    )
        .prop_map(
            |(secrets, accounts, node, preloaded)| ImagePullCredentials {
                kubernetes_secrets: secrets,
                kubernetes_service_accounts: accounts
                    .into_iter()
                    .map(|(u, ns, n)| ImagePullServiceAccount::new(&u, &ns, &n))
                    .collect(),
                node_pods_accessible: node,
                preloaded,
            },
        )
}

fn record() -> impl Strategy<Value = ImagePulledRecord> {
    // Times the kubelet's decoder accepts (RFC 3339); anything else is rejected on read.
    let time = "20[0-9]{2}-0[1-9]-1[0-9]T[01][0-9]:[0-5][0-9]:[0-5][0-9](\\.[0-9]{1,9})?(Z|[+-]0[0-9]:[0-5][0-9])";
    (
        prop::option::of(time),
        text(),
        prop::collection::btree_map(text(), credentials(), 0..4),
    )
        .prop_map(
            |(time, image_ref, mapping): (Option<String>, String, BTreeMap<_, _>)| {
                ImagePulledRecord {
                    last_updated_time: time,
                    image_ref,
                    credential_mapping: mapping,
                }
            },
        )
}

fn label() -> impl Strategy<Value = String> {
    "[a-z0-9]{1,8}"
}

proptest! {
    #[test]
    fn pulled_records_round_trip(record in record()) {
        let json = record.to_json();
        prop_assert!(!json.contains(['<', '>', '&', '\u{2028}', '\u{2029}']), "Go escapes these: {json}");
        prop_assert_eq!(ImagePulledRecord::from_json(json.as_bytes()).unwrap(), record);
    }

    #[test]
    fn intents_round_trip(image in text()) {
        let intent = ImagePullIntent::new(&image);
        prop_assert_eq!(ImagePullIntent::from_json(intent.to_json().as_bytes()).unwrap(), intent);
    }

    #[test]
    fn allowlist_patterns_round_trip(host in label(), tld in label(), path in prop::collection::vec(label(), 1..4), wildcard in any::<bool>()) {
        let name = format!("{host}.{tld}/{}", path.join("/"));
        let pattern = if wildcard { format!("{name}/*") } else { name.clone() };
        let parsed: AllowlistPattern = pattern.parse().unwrap();
        prop_assert_eq!(parsed.to_string(), pattern.clone());
        prop_assert_eq!(parsed.matches_name(&name), !wildcard);
        if wildcard {
            let inside = format!("{name}/x");
            prop_assert!(parsed.matches_name(&inside));
        }
    }

    #[test]
    fn allowlist_parsing_is_total(pattern in "\\PC{0,40}") {
        if let Ok(parsed) = pattern.parse::<AllowlistPattern>() {
            prop_assert_eq!(parsed.to_string(), pattern);
        }
    }

    /// Kubernetes v1.36 `trimImageTagDigest`: the name is the image as written up to its tag
    /// or digest, never expanded; as an allowlist entry it exempts exactly the images written
    /// with that name, and never the `docker.io/library/` spelling of a familiar name.
    #[test]
    fn names_are_kept_as_written(
        path in prop::collection::vec(label(), 1..4),
        host in prop::option::of(label()),
        tag in prop::option::of("[a-z0-9]{1,8}"),
        digest in any::<bool>(),
    ) {
        let name = match &host {
            Some(h) => format!("{h}.io/{}", path.join("/")),
            None => path.join("/"),
        };
        let mut image = name.clone();
        if let Some(t) = &tag {
            image = format!("{image}:{t}");
        }
        if digest {
            image = format!("{image}@sha256:{}", "a".repeat(64));
        }
        prop_assert_eq!(trim_tag_and_digest(&image).unwrap(), name.as_str());
        let exact = CredentialPolicy::new(VerificationPolicy::NeverVerifyAllowlistedImages, [name.as_str()]).unwrap();
        prop_assert!(!exact.requires_verification(&image, true));
        if host.is_none() {
            let expanded = if path.len() == 1 {
                format!("docker.io/library/{name}")
            } else {
                format!("docker.io/{name}")
            };
            let other = CredentialPolicy::new(VerificationPolicy::NeverVerifyAllowlistedImages, [expanded.as_str(), "docker.io/*"]).unwrap();
            prop_assert!(other.requires_verification(&image, false));
        }
    }
}
