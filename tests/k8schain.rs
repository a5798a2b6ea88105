//! The k8schain flow (`examples/k8schain.rs`) against a real registry: a pod, its secrets as
//! a `kind: List`, a [`PullPlan`], and [`PullSession`]s that resolve each image, the wrong
//! secret first and the right one second, a two-platform index included. Sessions reuse the
//! credential that worked and fall back to the kubelet's order when it fails.
#![cfg(all(feature = "oci-client", feature = "serde"))]

#[path = "support/registry.rs"]
mod support;

use kubepull::oci::oci_client::client::ClientConfig;
use kubepull::oci::oci_client::errors::OciDistributionError;
use kubepull::oci::oci_client::secrets::RegistryAuth;
use kubepull::oci::{PullErrorKind, Puller};
use kubepull::platform::{Matcher, Platform};
use kubepull::pod::{Objects, PullPlan};
use serde_json::json;
use support::{PASSWORD, TestRegistry, USER, http_config};

const WRONG_PASSWORD: &str = "not-the-password-4711";

/// The pod (two images) and its two secrets as `kubectl get pod,secret -o json` prints them.
fn objects(registry: &TestRegistry) -> Objects {
    let host = registry.host();
    let secret = |name: &str, key: String, password: &str| {
        let config = json!({"auths": {key: {"username": USER, "password": password}}});
        json!({"kind": "Secret", "metadata": {"name": name, "namespace": "shop", "uid": name},
               "type": "kubernetes.io/dockerconfigjson",
               "stringData": {".dockerconfigjson": config.to_string()}})
    };
    let list = json!({"kind": "List", "items": [
        {"kind": "Pod", "metadata": {"name": "web", "namespace": "shop"},
         "spec": {"imagePullSecrets": [{"name": "stale"}, {"name": "regcred"}],
                  "containers": [{"name": "app", "image": format!("{host}/team/app:v1")},
                                 {"name": "multi", "image": format!("{host}/team/multi:v1")}]}},
        // The longer key sorts first, so the stale secret is tried first.
        secret("stale", format!("{host}/team"), WRONG_PASSWORD),
        secret("regcred", host.clone(), PASSWORD),
    ]});
    Objects::from_json(list.to_string().as_bytes()).unwrap()
}

fn assert_no_secret(text: &str) {
    assert!(
        !text.contains(PASSWORD) && !text.contains(WRONG_PASSWORD),
        "{text}"
    );
}

#[tokio::test]
async fn a_pod_resolves_with_the_secret_that_works_and_sessions_reuse_it() {
    let registry = TestRegistry::start();
    let (app_digest, _) = registry.push_image("team/app", "v1", "amd64").await;
    let (_, arm64) = registry.push_index("team/multi", "v1").await;
    let objects = objects(&registry);
    let plan = PullPlan::builder(&objects.pods[0])
        .secrets(&objects.secrets)
        .build()
        .unwrap();
    assert!(plan.missing_pull_secrets().is_empty());
    let node = Platform::parse("linux/arm64", &Platform::default()).unwrap();
    let puller = Puller::new(http_config).with_platform(Matcher::only(&node));

    let [app, multi] = plan.images() else {
        panic!("two images")
    };
    assert_eq!(app.field_path, "spec.containers[0]");
    let candidates = plan.credentials(app);
    let sources: Vec<String> = candidates.iter().map(|c| c.source().to_string()).collect();
    assert_eq!(sources, ["secret:shop/stale", "secret:shop/regcred"]);

    let mut session = puller.session(app.reference.as_ref().unwrap(), &candidates);
    let digest = session.fetch_manifest_digest().await.unwrap();
    assert_eq!(digest.value, app_digest);
    assert_eq!(digest.failed.len(), 1, "the stale secret failed first");
    assert_eq!(digest.failed[0].credential().unwrap().index, 0);
    assert_no_secret(&digest.failed[0].to_string());
    let used = digest.credential.as_ref().unwrap();
    assert_eq!(
        (used.index, used.source.to_string()),
        (1, "secret:shop/regcred".to_owned())
    );
    assert_eq!(
        used.to_string(),
        r#"credential #2 (user "alice", secret:shop/regcred)"#
    );

    // The manifest and the config blob reuse the credential: the stale one is not sent again.
    let manifest = session.pull_image_manifest().await.unwrap();
    assert!(manifest.failed.is_empty(), "{:?}", manifest.failed);
    assert_eq!(manifest.credential.as_ref().unwrap().index, 1);
    let config = session.pull_blob(&manifest.value.0.config).await.unwrap();
    assert!(config.failed.is_empty());
    assert!(
        String::from_utf8(config.value)
            .unwrap()
            .contains(r#""architecture":"amd64""#)
    );

    // The index resolves to the node's platform, with the same order of credentials.
    let mut session = puller.session(multi.reference.as_ref().unwrap(), &plan.credentials(multi));
    let (_, platform_digest) = session.pull_image_manifest().await.unwrap().value;
    assert_eq!(platform_digest, arm64);
    assert_eq!(session.credential().unwrap().index, 1);
}

#[tokio::test]
async fn a_session_falls_back_to_the_kubelet_order_when_its_credential_fails() {
    let registry = TestRegistry::start();
    registry.push_image("team/app", "v1", "amd64").await;
    let objects = objects(&registry);
    let plan = PullPlan::builder(&objects.pods[0])
        .secrets(&objects.secrets)
        .build()
        .unwrap();
    let app = &plan.images()[0];
    let candidates = plan.credentials(app);
    let puller = Puller::new(http_config);
    let mut session = puller.session(app.reference.as_ref().unwrap(), &candidates);
    session.fetch_manifest_digest().await.unwrap();
    assert_eq!(session.credential().unwrap().index, 1);

    // Now the right password stops working (say it was rotated): every attempt fails.
    let error = session
        .try_each(|client, reference, auth| async move {
            if matches!(&auth, RegistryAuth::Basic(_, p) if p == PASSWORD) {
                return Err(OciDistributionError::AuthenticationFailure(
                    "rotated".into(),
                ));
            }
            client.fetch_manifest_digest(&reference, &auth).await
        })
        .await
        .unwrap_err();
    assert!(matches!(error.kind(), PullErrorKind::AttemptsFailed(_)));
    // The remembered credential first, then the full kubelet order again.
    let tried: Vec<usize> = error
        .attempts()
        .iter()
        .map(|a| a.credential().unwrap().index)
        .collect();
    assert_eq!(tried, [1, 0, 1]);
    assert!(session.credential().is_none());
    assert_no_secret(&error.to_string());

    // The next call goes through the full order again and remembers the one that works.
    let digest = session.fetch_manifest_digest().await.unwrap();
    assert_eq!(digest.failed.len(), 1);
    assert_eq!(session.credential().unwrap().index, 1);
}

#[tokio::test]
async fn an_anonymous_session_and_an_oversized_blob() {
    let registry = TestRegistry::start();
    let image: kubepull::Reference = format!("{}/team/app:v1", registry.host()).parse().unwrap();
    let mut session = Puller::new(ClientConfig::default).session(&image, &[]);
    assert!(session.credential().is_none());
    let blob: kubepull::oci::oci_client::manifest::OciDescriptor = serde_json::from_value(json!({
        "mediaType": "application/octet-stream",
        "digest": "sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
        "size": kubepull::oci::MAX_BLOB_BYTES as i64 + 1
    }))
    .unwrap();
    let error = session.pull_blob(&blob).await.unwrap_err();
    assert!(matches!(error.kind(), PullErrorKind::BlobTooLarge { .. }));
    assert!(error.attempts().is_empty());
    assert!(
        error.to_string().contains("more than the 67108864"),
        "{error}"
    );
}
