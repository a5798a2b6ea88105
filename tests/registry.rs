//! `kubepull::oci` against a real registry: Debian's `docker-registry` (distribution 2.8) with
//! htpasswd auth on 127.0.0.1. See `support/registry.rs` for how the registry is run (never
//! skipped: `cargo xtask test` installs it).
//!
//! They need `oci-client-rustls`: with `oci-client` alone no rustls crypto provider is
//! installed and reqwest refuses to build a client (see the `oci` module's TLS note).
#![cfg(feature = "oci-client")]

#[path = "support/registry.rs"]
mod support;

use kubepull::keyring::{CredentialSource, Keyring};
use kubepull::oci::oci_client::Client;
use kubepull::oci::oci_client::errors::OciDistributionError;
use kubepull::oci::oci_client::manifest::{IMAGE_LAYER_MEDIA_TYPE, ImageIndexEntry, OciManifest};
use kubepull::oci::oci_client::secrets::RegistryAuth;
use kubepull::oci::{ExactPlatform, PullError, PullErrorKind, Puller, RealmRules, UsedCredential};
use kubepull::platform::{Matcher, Platform};
use kubepull::{Reference, Secret};
use support::{PASSWORD, TestRegistry, USER, http_config, push_auth};

const WRONG_PASSWORD: &str = "not-the-password-4711";

fn image(registry: &TestRegistry, rest: &str) -> Reference {
    format!("{}/{rest}", registry.host()).parse().unwrap()
}

fn secret(name: &str) -> CredentialSource {
    CredentialSource::secret("default", name, format!("uid-{name}"))
}

fn assert_no_secret(text: &str) {
    for secret in [PASSWORD, WRONG_PASSWORD] {
        assert!(!text.contains(secret), "{text:?} carries a password");
    }
}

fn assert_unauthorized(error: &PullError, attempts: usize) {
    assert_eq!(error.attempts().len(), attempts, "{error}");
    assert!(matches!(error.kind(), PullErrorKind::AttemptsFailed(_)));
    for attempt in error.attempts() {
        assert!(
            matches!(
                attempt.error(),
                OciDistributionError::UnauthorizedError { .. }
            ),
            "expected the registry's 401, got {:?}",
            attempt.error()
        );
    }
    assert_no_secret(&error.to_string());
    assert_no_secret(&format!("{error:?}"));
    assert_no_secret(&error.kubelet_message());
}

#[tokio::test]
async fn wrong_then_right_credential_succeeds_and_reports_the_second() {
    let registry = TestRegistry::start();
    registry.push_image("team/app", "v1", "amd64").await;
    let host = registry.host();
    let mut builder = Keyring::builder();
    // The longer key sorts first, so the stale credential is tried first.
    builder
        .add(
            &secret("stale"),
            &format!("{host}/team"),
            USER,
            Secret::new(WRONG_PASSWORD),
        )
        .add(&secret("regcred"), &host, USER, Secret::new(PASSWORD));
    let keyring = builder.build().unwrap();
    let image = image(&registry, "team/app:v1");
    let candidates = keyring.lookup(&image);
    assert_eq!(candidates.len(), 2);

    let pulled = Puller::new(http_config)
        .pull_manifest(&image, &candidates)
        .await
        .expect("the second credential works");
    let used = pulled.credential.expect("a credential was used");
    assert_eq!((used.index, used.username.as_str()), (1, USER));
    assert_eq!(used.source, secret("regcred"));
    assert_eq!(
        used.to_string(),
        format!(r#"credential #2 (user "{USER}", secret:default/regcred)"#)
    );
    assert!(matches!(pulled.value.0, OciManifest::Image(_)));
    assert_eq!(pulled.failed.len(), 1);
    assert_eq!(pulled.failed[0].credential().map(|c| c.index), Some(0));
    assert_no_secret(&format!("{:?}", pulled.failed));

    let digest = Puller::new(http_config)
        .fetch_manifest_digest(&image, &candidates)
        .await
        .expect("digest with the second credential");
    assert_eq!(digest.credential.map(|c| c.index), Some(1));
    assert_eq!(digest.value, pulled.value.1);

    // The full pull takes the same path and brings the layer.
    let pulled = Puller::new(http_config)
        .pull(&image, &candidates, &[IMAGE_LAYER_MEDIA_TYPE])
        .await
        .expect("full pull");
    assert_eq!(pulled.credential.map(|c| c.index), Some(1));
    assert_eq!(
        &pulled.value.layers[0].data[..],
        b"kubepull test layer-amd64"
    );

    // Realm rules change nothing for a registry that asks for Basic credentials.
    let strict = RealmRules::default()
        .refuse_plain_http()
        .refuse_other_hosts();
    let hardened = Puller::new(http_config)
        .with_realm_rules(strict)
        .fetch_manifest_digest(&image, &candidates)
        .await
        .expect("digest under realm rules");
    assert_eq!(hardened.credential.map(|c| c.index), Some(1));
    assert_eq!(hardened.value, digest.value);
    assert_eq!(hardened.failed.len(), 1);
}

#[tokio::test]
async fn only_wrong_credentials_fail_with_every_attempt_and_no_anonymous_retry() {
    let registry = TestRegistry::start();
    registry.push_image("team/app", "v1", "amd64").await;
    let host = registry.host();
    let mut builder = Keyring::builder();
    builder
        .add(&secret("first"), &host, "bob", Secret::new(WRONG_PASSWORD))
        .add(
            &CredentialSource::node("/var/lib/kubelet/config.json"),
            &host,
            USER,
            Secret::new(WRONG_PASSWORD),
        );
    let keyring = builder.build().unwrap();
    let image = image(&registry, "team/app:v1");

    let error = Puller::new(http_config)
        .pull_manifest(&image, &keyring.lookup(&image))
        .await
        .expect_err("no credential is right");
    assert_unauthorized(&error, 2);
    let used: Vec<&UsedCredential> = error
        .attempts()
        .iter()
        .filter_map(|a| a.credential())
        .collect();
    assert_eq!(used.iter().map(|c| c.index).collect::<Vec<_>>(), [0, 1]);
    let text = error.to_string();
    assert!(text.starts_with(&format!(r#"pulling "{image}" failed: credential #1 (user "bob", secret:default/first): Not authorized: url "#)), "{text}");
    assert!(text.contains(r#"; credential #2 (user "alice", node:/var/lib/kubelet/config.json): Not authorized: url "#), "{text}");
    // Both 401s have the same text; the kubelet's aggregate lists it once.
    assert!(
        error
            .kubelet_message()
            .starts_with("Not authorized: url http://"),
        "{}",
        error.kubelet_message()
    );
}

#[tokio::test]
async fn no_matching_credential_pulls_anonymously_and_gets_the_401() {
    let registry = TestRegistry::start();
    registry.push_image("team/app", "v1", "amd64").await;
    let mut builder = Keyring::builder();
    builder.add(
        &secret("elsewhere"),
        "other.example.com",
        USER,
        Secret::new(PASSWORD),
    );
    let keyring = builder.build().unwrap();
    let image = image(&registry, "team/app:v1");
    let candidates = keyring.lookup(&image);
    assert!(candidates.is_empty());

    let error = Puller::new(http_config)
        .pull_manifest(&image, &candidates)
        .await
        .expect_err("anonymous pulls are refused");
    assert_unauthorized(&error, 1);
    assert!(error.attempts()[0].credential().is_none());
    assert!(
        error
            .to_string()
            .contains("failed: anonymous: Not authorized: url http://"),
        "{error}"
    );
}

#[tokio::test]
async fn oci_index_resolves_per_platform() {
    let registry = TestRegistry::start();
    let (amd64, arm64) = registry.push_index("team/multi", "v1").await;
    assert_ne!(amd64, arm64);
    let mut builder = Keyring::builder();
    builder.add(
        &secret("regcred"),
        &registry.host(),
        USER,
        Secret::new(PASSWORD),
    );
    let keyring = builder.build().unwrap();
    let image = image(&registry, "team/multi:v1");
    let candidates = keyring.lookup(&image);

    // Unresolved, the index comes back as is.
    let raw = Puller::new(http_config)
        .pull_manifest(&image, &candidates)
        .await
        .unwrap();
    let OciManifest::ImageIndex(index) = raw.value.0 else {
        panic!("expected an index")
    };
    assert_eq!(index.manifests.len(), 2);

    for (arch, expected) in [("amd64", &amd64), ("arm64", &arm64)] {
        let pulled = Puller::new(http_config)
            .with_platform(ExactPlatform::new("linux", arch))
            .pull_image_manifest(&image, &candidates)
            .await
            .unwrap_or_else(|e| panic!("{arch}: {e}"));
        assert_eq!(&pulled.value.1, expected, "{arch}");
        assert_eq!(pulled.credential.map(|c| c.index), Some(0));
    }
    // containerd's matching through kubepull::platform: `aarch64` normalises to arm64.
    for (spec, expected) in [("linux/x86_64", &amd64), ("linux/aarch64", &arm64)] {
        let host: Platform = spec.parse().unwrap();
        let pulled = Puller::new(http_config)
            .with_platform(Matcher::only(&host))
            .pull_image_manifest(&image, &candidates)
            .await
            .unwrap_or_else(|e| panic!("{spec}: {e}"));
        assert_eq!(&pulled.value.1, expected, "{spec}");
    }

    // A closure is a selector too; nothing matching fails the attempt.
    let error = Puller::new(http_config)
        .with_platform(|entries: &[ImageIndexEntry]| {
            entries
                .iter()
                .find(|e| {
                    e.platform
                        .as_ref()
                        .is_some_and(|p| p.os.to_string() == "windows")
                })
                .map(|e| e.digest.clone())
        })
        .pull_image_manifest(&image, &candidates)
        .await
        .expect_err("no windows image");
    assert!(
        matches!(
            error.attempts()[0].error(),
            OciDistributionError::ImageManifestNotFoundError(_)
        ),
        "{error}"
    );
}

/// Why [`Puller`] builds a client per attempt: one oci-client `Client` keeps the first
/// credential it saw for a registry and ignores later ones (rust-oci-client#221). If this test
/// starts failing, oci-client fixed that and the per-attempt client is merely cautious.
#[tokio::test]
async fn one_shared_client_would_retry_the_first_credential() {
    let registry = TestRegistry::start();
    registry.push_image("team/app", "v1", "amd64").await;
    let client = Client::new(http_config());
    let reference = registry.oci_ref("team/app", "v1");
    let wrong = RegistryAuth::Basic(USER.into(), WRONG_PASSWORD.into());
    assert!(client.pull_manifest(&reference, &wrong).await.is_err());
    let second = client.pull_manifest(&reference, &push_auth()).await;
    assert!(
        matches!(second, Err(OciDistributionError::UnauthorizedError { .. })),
        "the shared client used the right credential: {second:?}"
    );
}

#[test]
fn the_registry_is_killed_and_removed_when_a_test_panics() {
    let seen = std::sync::Mutex::new(None);
    let outcome = std::panic::catch_unwind(|| {
        let registry = TestRegistry::start();
        *seen.lock().unwrap() = Some((registry.pid(), registry.dir().to_owned()));
        panic!("a failing test");
    });
    let (pid, dir) = seen
        .into_inner()
        .unwrap()
        .expect("the registry started before the panic");
    assert!(outcome.is_err());
    assert!(
        !std::path::Path::new(&format!("/proc/{pid}")).exists(),
        "registry {pid} still runs"
    );
    assert!(!dir.exists(), "{} was left behind", dir.display());
}
