#![no_main]
//! The k8s-openapi conversions: the input is a pod, a service account and a list of secrets
//! as JSON, separated by NUL. Conversions, image listing, pull-secret resolution and the
//! pod's keyring never panic, and no keyring error or Debug output holds a password: every
//! secret that decodes gets a `.dockerconfigjson` whose entries carry a planted password.

use k8s_openapi::ByteString;
use k8s_openapi::api::core::v1::{Pod, Secret, ServiceAccount};
use kubepull::k8s;
use kubepull::keyring::KeyringOptions;
use libfuzzer_sys::fuzz_target;

const CANARY: &str = "CANARY-pw-7f3a";

fuzz_target!(|data: &[u8]| {
    let data = defused(&String::from_utf8_lossy(data)).into_bytes();
    let mut parts = data.split(|&b| b == 0);
    let pod: Option<Pod> = parts.next().and_then(|p| serde_json::from_slice(p).ok());
    let account: Option<ServiceAccount> = parts.next().and_then(|p| serde_json::from_slice(p).ok());
    let mut secrets: Vec<Secret> = parts
        .next()
        .and_then(|p| serde_json::from_slice(p).ok())
        .unwrap_or_default();
    // The keys of each secret's auth map come from its string data, the password is planted.
    for secret in &mut secrets {
        let keys: Vec<String> = secret
            .string_data
            .as_ref()
            .map(|m| m.keys().cloned().collect())
            .unwrap_or_else(|| vec!["registry.example".to_owned()]);
        let auths: serde_json::Map<String, serde_json::Value> = keys
            .into_iter()
            .map(|k| {
                (
                    k,
                    serde_json::json!({"username": "u", "password": CANARY, "auth": "!!"}),
                )
            })
            .collect();
        let doc = serde_json::json!({"auths": auths}).to_string();
        secret
            .data
            .get_or_insert_with(Default::default)
            .insert(".dockerconfigjson".into(), ByteString(doc.into_bytes()));
        secret.type_ = Some("kubernetes.io/dockerconfigjson".into());
    }
    for secret in &secrets {
        let converted = k8s::kube_secret(secret);
        assert!(!format!("{converted:?}").contains(CANARY));
        if let Err(error) = converted.docker_config() {
            assert!(!format!("{error} {error:?}").contains(CANARY), "{error}");
        }
    }
    let Some(pod) = pod else { return };
    let _ = k8s::pod(&pod);
    for image in k8s::pod_images(&pod) {
        let _ = format!("{image:?}");
    }
    let _ = k8s::effective_pull_secret_names(&pod, account.as_ref());
    let _ = k8s::missing_pull_secrets(&pod, account.as_ref(), &secrets);
    for options in [
        KeyringOptions::FAITHFUL,
        KeyringOptions::default().with_skip_malformed_secrets(true),
    ] {
        match k8s::keyring_for_pod(&pod, account.as_ref(), &secrets, None, options) {
            Ok(keyring) => {
                let shown = format!("{keyring:?}");
                assert!(!shown.contains(CANARY), "{shown}");
                for warning in keyring.warnings() {
                    assert!(
                        !format!("{warning} {warning:?}").contains(CANARY),
                        "{warning}"
                    );
                }
            }
            Err(error) => {
                assert!(!format!("{error} {error:?}").contains(CANARY), "{error}");
            }
        }
    }
});

/// The input with every spelling of the canary (and of its base64 form) lowered, so that a
/// key the fuzzer writes cannot hold the planted password: keys may be shown, passwords not.
fn defused(text: &str) -> String {
    text.replace("CANARY", "canary").replace("dTpD", "dtpd")
}
