//! The `k8s-openapi` feature: conversions from real k8s-openapi objects (built from JSON, as
//! `kube` deserialises them), the ServiceAccount rule, `AlwaysPullImages` on a real `Pod`, and
//! the pod keyring against the §8.12 vectors of `tests/data/keyring/secrets_merge.json`.
#![cfg(feature = "k8s-openapi")]

use k8s_openapi::api::core::v1::{LocalObjectReference, Pod, PodSpec, Secret, ServiceAccount};
use kubepull::config::{AuthEntry, DockerConfig, KubeSecret};
use kubepull::k8s::{self, ImageSource};
use kubepull::keyring::{Keyring, KeyringOptions, KeyringWarning};
use kubepull::policy::{self, AdmissionRequest, Operation, PolicyErrorKind, PullPolicy};
use serde_json::{Value, json};

const DIGEST: &str = "sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

/// A pod with every kind of image: two init containers, three regular ones, an ephemeral
/// one, and image volumes among other volumes.
fn pod_json() -> Value {
    json!({
        "apiVersion": "v1",
        "kind": "Pod",
        "metadata": {"name": "web", "namespace": "shop", "labels": {"app": "web"}},
        "spec": {
            "serviceAccountName": "builder",
            "initContainers": [
                {"name": "setup", "image": "busybox"},
                {"name": "migrate", "image": "registry.example/shop/migrate:3", "imagePullPolicy": "Never"}
            ],
            "containers": [
                {"name": "app", "image": "registry.example/shop/web:1.4", "imagePullPolicy": "IfNotPresent"},
                {"name": "pinned", "image": format!("registry.example/shop/web@{DIGEST}")},
                {"name": "latest-pinned", "image": format!("nginx:latest@{DIGEST}")}
            ],
            "ephemeralContainers": [
                {"name": "debugger", "image": "busybox:1.36", "imagePullPolicy": "Always", "targetContainerName": "app"}
            ],
            "volumes": [
                {"name": "scratch", "emptyDir": {}},
                {"name": "config", "configMap": {"name": "web-config"}},
                {"name": "models", "image": {"reference": "registry.example/models:v2"}},
                {"name": "weights", "image": {"reference": "quay.io/ml/weights", "pullPolicy": "IfNotPresent"}}
            ],
            "imagePullSecrets": [{"name": "regcred"}, {"name": ""}, {"name": "legacy"}, {"name": "gone"}]
        }
    })
}

fn from_json<T: serde::de::DeserializeOwned>(value: Value) -> T {
    serde_json::from_value(value).expect("a valid k8s-openapi object")
}

fn k8s_pod() -> Pod {
    from_json(pod_json())
}

/// `{"auths":{KEY:{"auth":base64(USER:PASSWORD)}}}` or the bare legacy map.
fn docker_config(key: &str, user: &str, password: &str, legacy: bool) -> String {
    let auth = kubepull::config::encode_auth(user, password);
    let inner = json!({key: {"auth": auth.expose_secret()}});
    if legacy {
        inner.to_string()
    } else {
        json!({"auths": inner}).to_string()
    }
}

fn base64(bytes: &[u8]) -> String {
    use base64::Engine;
    base64::engine::general_purpose::STANDARD.encode(bytes)
}

/// The secrets of the pod's namespace: one of each pull-secret type, an Opaque one the pod
/// lists nowhere, and a secret of the same name in another namespace.
fn secrets() -> Vec<Secret> {
    let json_config = docker_config("registry.example", "json-user", "pw-json", false);
    let legacy_config = docker_config("registry.example/shop", "cfg-user", "pw-cfg", true);
    let secret = |name: &str, namespace: &str, type_: &str, key: &str, value: &str| -> Secret {
        from_json(json!({
            "apiVersion": "v1", "kind": "Secret",
            "metadata": {"name": name, "namespace": namespace, "uid": format!("uid-{name}")},
            "type": type_,
            "data": {key: base64(value.as_bytes())}
        }))
    };
    vec![
        secret(
            "regcred",
            "shop",
            "kubernetes.io/dockerconfigjson",
            ".dockerconfigjson",
            &json_config,
        ),
        secret(
            "legacy",
            "shop",
            "kubernetes.io/dockercfg",
            ".dockercfg",
            &legacy_config,
        ),
        secret(
            "opaque",
            "shop",
            "Opaque",
            ".dockerconfigjson",
            &json_config,
        ),
        secret(
            "gone",
            "elsewhere",
            "kubernetes.io/dockerconfigjson",
            ".dockerconfigjson",
            &json_config,
        ),
    ]
}

fn service_account(names: &[&str]) -> ServiceAccount {
    let refs: Vec<Value> = names.iter().map(|n| json!({"name": n})).collect();
    from_json(json!({
        "apiVersion": "v1", "kind": "ServiceAccount",
        "metadata": {"name": "builder", "namespace": "shop"},
        "imagePullSecrets": refs
    }))
}

fn with_pull_secrets(mut pod: Pod, names: &[&str]) -> Pod {
    let spec = pod.spec.get_or_insert_with(PodSpec::default);
    spec.image_pull_secrets = Some(
        names
            .iter()
            .map(|name| LocalObjectReference {
                name: (*name).to_owned(),
            })
            .collect(),
    );
    pod
}

fn lookup(keyring: &Keyring, image: &str) -> Vec<(String, String)> {
    keyring
        .lookup_str(image)
        .iter()
        .map(|c| (c.username().to_owned(), c.source().to_string()))
        .collect()
}

// --- Secret -> KubeSecret ----------------------------------------------------------------

#[track_caller]
fn assert_same_secret(id: &str, object: &Value) {
    let from_kubepull = KubeSecret::from_json(object.to_string().as_bytes()).expect(id);
    let typed: Secret = from_json(object.clone());
    assert_eq!(k8s::kube_secret(&typed), from_kubepull, "{id}: kube_secret");
    assert_eq!(
        KubeSecret::from(&typed),
        from_kubepull,
        "{id}: From<&Secret>"
    );
    assert_eq!(
        k8s::into_kube_secret(typed.clone()),
        from_kubepull,
        "{id}: into"
    );
    assert_eq!(KubeSecret::from(typed), from_kubepull, "{id}: From<Secret>");
}

#[test]
fn secrets_convert_like_kubectl_json() {
    // Every Secret object of the §8.12 vectors, and the fixtures here.
    let mut count = 0;
    for case in load_merge_vectors() {
        for object in case["secrets"].as_array().unwrap() {
            assert_same_secret(case["id"].as_str().unwrap(), object);
            count += 1;
        }
    }
    let string_data = json!({
        "metadata": {"name": "s", "namespace": "ns", "uid": "u"},
        "type": "kubernetes.io/dockercfg",
        "data": {".dockercfg": base64(b"{}"), "other": base64(b"kept")},
        "stringData": {".dockercfg": "{\"r.io\":{\"username\":\"u\",\"password\":\"p\"}}", "new": "x"}
    });
    assert_same_secret("stringData merged", &string_data);
    assert_same_secret("no type", &json!({"metadata": {"name": "bare"}}));
    assert!(count >= 16, "{count} secrets");
}

#[test]
fn secret_fields() {
    let object: Secret = from_json(json!({
        "metadata": {"name": "s", "namespace": "ns", "uid": "u"},
        "type": "kubernetes.io/dockercfg",
        "data": {".dockercfg": base64(b"{}"), "other": base64(b"kept")},
        "stringData": {".dockercfg": "{\"r.io\":{\"username\":\"u\",\"password\":\"hunter2\"}}"}
    }));
    let converted = k8s::kube_secret(&object);
    assert_eq!(converted.name, "s");
    assert_eq!(converted.namespace.as_deref(), Some("ns"));
    assert_eq!(converted.uid.as_deref(), Some("u"));
    assert_eq!(converted.secret_type, "kubernetes.io/dockercfg");
    assert_eq!(converted.data["other"], b"kept");
    // stringData wins over data, as the API server merges it on write.
    assert!(
        String::from_utf8_lossy(&converted.data[".dockercfg"]).contains("hunter2"),
        "stringData merged"
    );
    assert_eq!(
        converted
            .docker_config()
            .unwrap()
            .unwrap()
            .get("r.io")
            .unwrap()
            .username,
        "u"
    );
    assert!(!format!("{converted:?}").contains("hunter2"));

    // An empty or missing type is Opaque (API server defaulting); metadata may be absent.
    for type_ in [json!(null), json!("")] {
        let object: Secret = from_json(json!({"type": type_}));
        let converted = k8s::kube_secret(&object);
        assert_eq!(converted.secret_type, "Opaque", "{type_}");
        assert_eq!(
            (
                converted.name.as_str(),
                converted.namespace.as_deref(),
                converted.uid.as_deref()
            ),
            ("", None, None)
        );
        assert!(converted.data.is_empty());
    }
}

// --- Pod -> policy::Pod ------------------------------------------------------------------

fn expected_model() -> policy::Pod {
    let c = policy::Container::new;
    let volume = |name: &str, image: Option<(&str, &str)>| policy::Volume {
        name: name.to_owned(),
        image: image.map(|(reference, pull_policy)| policy::ImageVolumeSource {
            reference: reference.to_owned(),
            pull_policy: pull_policy.to_owned(),
        }),
    };
    policy::Pod {
        metadata: policy::ObjectMeta {
            name: "web".into(),
            namespace: "shop".into(),
            ..policy::ObjectMeta::default()
        },
        spec: policy::PodSpec {
            init_containers: vec![
                c("setup", "busybox", ""),
                c("migrate", "registry.example/shop/migrate:3", "Never"),
            ],
            containers: vec![
                c("app", "registry.example/shop/web:1.4", "IfNotPresent"),
                c("pinned", &format!("registry.example/shop/web@{DIGEST}"), ""),
                c("latest-pinned", &format!("nginx:latest@{DIGEST}"), ""),
            ],
            ephemeral_containers: vec![c("debugger", "busybox:1.36", "Always")],
            volumes: vec![
                volume("scratch", None),
                volume("config", None),
                volume("models", Some(("registry.example/models:v2", ""))),
                volume("weights", Some(("quay.io/ml/weights", "IfNotPresent"))),
            ],
            // The model also keeps what picks the pod's pull secrets.
            image_pull_secrets: ["regcred", "", "legacy", "gone"]
                .map(kubepull::pod::LocalObjectReference::new)
                .to_vec(),
            service_account_name: "builder".into(),
        },
    }
}

#[test]
fn pod_converts_verbatim() {
    let object = k8s_pod();
    let model = k8s::pod(&object);
    assert_eq!(model, expected_model());
    assert_eq!(policy::Pod::from(&object), model);
    let spec = object.spec.as_ref().unwrap();
    assert_eq!(k8s::pod_spec(spec), model.spec);
    assert_eq!(policy::PodSpec::from(spec), model.spec);
    // The kubepull model read from the same JSON agrees.
    #[cfg(feature = "serde")]
    assert_eq!(
        serde_json::from_value::<policy::Pod>(pod_json()).unwrap(),
        model
    );
}

#[test]
fn pod_without_spec_or_fields() {
    let bare: Pod = from_json(json!({}));
    assert_eq!(k8s::pod(&bare), policy::Pod::default());
    assert_eq!(k8s::pod_images(&bare).count(), 0);
    assert!(k8s::effective_pull_secret_names(&bare, None).is_empty());
    let imageless: Pod = from_json(json!({"spec": {"containers": [{"name": "x"}],
        "volumes": [{"name": "v", "image": {}}]}}));
    let model = k8s::pod(&imageless);
    assert_eq!(
        model.spec.containers[0],
        policy::Container::new("x", "", "")
    );
    let images: Vec<_> = k8s::pod_images(&imageless).collect();
    assert_eq!(images.len(), 2);
    assert_eq!((images[0].image, images[1].image), ("", ""));
    // The API server defaults an empty image to IfNotPresent (it is rejected later).
    assert_eq!(
        images[1].pull_policy.as_ref().unwrap().policy,
        PullPolicy::IfNotPresent
    );
}

// --- images with field paths and effective policies -------------------------------------

#[test]
fn pod_images_in_kubelet_order_with_effective_policy() {
    use ImageSource::*;
    let object = k8s_pod();
    let digest_image = format!("registry.example/shop/web@{DIGEST}");
    let latest_pinned = format!("nginx:latest@{DIGEST}");
    // (source, index, path, name, image, field, policy, defaulted)
    type Row<'a> = (
        ImageSource,
        usize,
        &'a str,
        &'a str,
        &'a str,
        &'a str,
        PullPolicy,
        bool,
    );
    let expected: Vec<Row<'_>> = vec![
        (
            InitContainer,
            0,
            "spec.initContainers[0]",
            "setup",
            "busybox",
            "",
            PullPolicy::Always,
            true,
        ),
        (
            InitContainer,
            1,
            "spec.initContainers[1]",
            "migrate",
            "registry.example/shop/migrate:3",
            "Never",
            PullPolicy::Never,
            false,
        ),
        (
            Container,
            0,
            "spec.containers[0]",
            "app",
            "registry.example/shop/web:1.4",
            "IfNotPresent",
            PullPolicy::IfNotPresent,
            false,
        ),
        (
            Container,
            1,
            "spec.containers[1]",
            "pinned",
            &digest_image,
            "",
            PullPolicy::IfNotPresent,
            true,
        ),
        // The tag `latest` wins over the digest in defaulting.
        (
            Container,
            2,
            "spec.containers[2]",
            "latest-pinned",
            &latest_pinned,
            "",
            PullPolicy::Always,
            true,
        ),
        (
            EphemeralContainer,
            0,
            "spec.ephemeralContainers[0]",
            "debugger",
            "busybox:1.36",
            "Always",
            PullPolicy::Always,
            false,
        ),
        (
            ImageVolume,
            2,
            "spec.volumes[2].image",
            "models",
            "registry.example/models:v2",
            "",
            PullPolicy::IfNotPresent,
            true,
        ),
        (
            ImageVolume,
            3,
            "spec.volumes[3].image",
            "weights",
            "quay.io/ml/weights",
            "IfNotPresent",
            PullPolicy::IfNotPresent,
            false,
        ),
    ];
    let got: Vec<_> = k8s::pod_images(&object)
        .map(|i| {
            let p = i.pull_policy.expect("valid policy");
            (
                i.source,
                i.index,
                i.field_path,
                i.name,
                i.image,
                i.pull_policy_field,
                p.policy,
                p.defaulted,
            )
        })
        .collect();
    let expected: Vec<_> = expected
        .into_iter()
        .map(|(s, i, path, n, img, f, p, d)| (s, i, path.to_owned(), n, img, f, p, d))
        .collect();
    assert_eq!(got, expected);
    // The bare-spec variant yields the same.
    assert_eq!(
        k8s::spec_images(object.spec.as_ref().unwrap()).count(),
        got.len()
    );
}

#[test]
fn invalid_pull_policy_has_the_api_server_text() {
    let object: Pod = from_json(json!({"spec": {
        "containers": [{"name": "a", "image": "nginx", "imagePullPolicy": "always"}],
        "ephemeralContainers": [{"name": "d", "image": "busybox", "imagePullPolicy": " Always"}],
        "volumes": [{"name": "v", "image": {"reference": "models", "pullPolicy": "Sometimes"}}]
    }}));
    let errors: Vec<String> = k8s::pod_images(&object)
        .map(|i| i.pull_policy.expect_err(i.image).to_string())
        .collect();
    let supported = r#"supported values: "Always", "IfNotPresent", "Never""#;
    assert_eq!(
        errors,
        [
            format!(
                r#"spec.containers[0].imagePullPolicy: Unsupported value: "always": {supported}"#
            ),
            format!(
                r#"spec.ephemeralContainers[0].imagePullPolicy: Unsupported value: " Always": {supported}"#
            ),
            format!(
                r#"spec.volumes[0].image.pullPolicy: Unsupported value: "Sometimes": {supported}"#
            ),
        ]
    );
    let first = k8s::pod_images(&object).next().unwrap();
    assert_eq!(
        first.pull_policy.unwrap_err().kind(),
        PolicyErrorKind::UnsupportedValue
    );
}

// --- ServiceAccount rule -----------------------------------------------------------------

#[test]
fn service_account_vectors() {
    let path = format!(
        "{}/tests/data/keyring/service_account.json",
        env!("CARGO_MANIFEST_DIR")
    );
    let cases: Vec<Value> = serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
    for case in &cases {
        let id = case["id"].as_str().unwrap();
        let names = |key: &str| -> Vec<&str> {
            case[key]
                .as_array()
                .unwrap()
                .iter()
                .map(|v| v.as_str().unwrap())
                .collect()
        };
        let pod = with_pull_secrets(k8s_pod(), &names("pod"));
        let sa = service_account(&names("service_account"));
        assert_eq!(
            k8s::effective_pull_secret_names(&pod, Some(&sa)),
            names("effective"),
            "vector {id}"
        );
        // Without a service account (the kubelet's view), only the pod's own list.
        assert_eq!(
            k8s::effective_pull_secret_names(&pod, None),
            names("pod"),
            "vector {id}"
        );
    }
    assert_eq!(cases.len(), 6);
}

#[test]
fn service_account_rule_edges() {
    let sa = service_account(&["sa-1", "", "sa-2"]);
    let check = |pod: &Pod, sa: Option<&ServiceAccount>, expected: &[&str], what: &str| {
        assert_eq!(
            k8s::effective_pull_secret_names(pod, sa),
            expected,
            "{what}"
        );
    };
    // Empty names are skipped, as the kubelet does, in both lists.
    check(
        &k8s_pod(),
        Some(&sa),
        &["regcred", "legacy", "gone"],
        "pod list, empty skipped",
    );
    check(
        &with_pull_secrets(k8s_pod(), &[]),
        Some(&sa),
        &["sa-1", "sa-2"],
        "SA copied",
    );
    // A list holding only an empty name is not empty for the admission plugin.
    check(
        &with_pull_secrets(k8s_pod(), &[""]),
        Some(&sa),
        &[],
        "empty name blocks the copy",
    );
    // No imagePullSecrets field at all.
    let mut unset = k8s_pod();
    unset.spec.as_mut().unwrap().image_pull_secrets = None;
    check(&unset, Some(&sa), &["sa-1", "sa-2"], "unset list");
    let no_secrets: ServiceAccount = from_json(json!({"metadata": {"name": "builder"}}));
    check(&unset, Some(&no_secrets), &[], "SA without secrets");
    // Duplicates are kept.
    check(
        &with_pull_secrets(k8s_pod(), &["a", "a"]),
        None,
        &["a", "a"],
        "duplicates",
    );
    // Mirror pods are not mutated by the plugin.
    let mut mirror = with_pull_secrets(k8s_pod(), &[]);
    mirror.metadata.annotations =
        Some([(k8s::MIRROR_POD_ANNOTATION.to_owned(), "hash".to_owned())].into());
    check(&mirror, Some(&sa), &[], "mirror pod");
}

// --- keyring_for_pod ---------------------------------------------------------------------

fn node_config(entries: &[(&str, &str, &str)]) -> DockerConfig {
    entries
        .iter()
        .map(|(key, user, password)| ((*key).to_owned(), AuthEntry::new(*user, *password)))
        .collect()
}

#[test]
fn keyring_for_pod_follows_the_kubelet() {
    let pod = k8s_pod();
    let secrets = secrets();
    let node = node_config(&[("registry.example", "node-user", "pw-node")]);
    let keyring = k8s::keyring_for_pod(
        &pod,
        None,
        &secrets,
        Some(("/var/lib/kubelet/config.json", &node)),
        KeyringOptions::FAITHFUL,
    )
    .unwrap();
    // Secret credentials in key-specificity order (the legacy secret's `registry.example/shop`
    // beats `registry.example` although it is listed second), then the node's.
    // `gone` exists only in another namespace: missing, skipped. The Opaque one is not listed.
    assert_eq!(
        lookup(&keyring, "registry.example/shop/web"),
        [
            ("cfg-user".to_owned(), "secret:shop/legacy".to_owned()),
            ("json-user".to_owned(), "secret:shop/regcred".to_owned()),
            (
                "node-user".to_owned(),
                "node:/var/lib/kubelet/config.json".to_owned()
            ),
        ]
    );
    let missing = k8s::missing_pull_secrets(&pod, None, &secrets);
    assert_eq!(missing, ["gone"]);
    let event = policy::failed_pull_secrets_event(missing).expect("a warning event");
    assert_eq!(
        event.message,
        "Unable to retrieve some image pull secrets (gone); attempting to pull the image may not succeed."
    );
    // In its own namespace, `gone` is found.
    let mut moved = secrets.clone();
    moved[3].metadata.namespace = Some("shop".into());
    assert!(k8s::missing_pull_secrets(&pod, None, &moved).is_empty());
    assert!(lookup(&keyring, "quay.io/ml/weights").is_empty());

    // Listing the Opaque secret changes nothing: the kubelet ignores it.
    let with_opaque = with_pull_secrets(k8s_pod(), &["opaque"]);
    let keyring =
        k8s::keyring_for_pod(&with_opaque, None, &secrets, None, KeyringOptions::FAITHFUL).unwrap();
    assert!(keyring.is_empty());
    assert!(k8s::missing_pull_secrets(&with_opaque, None, &secrets).is_empty());

    // The ServiceAccount's secrets when the pod lists none; no secrets, no node: empty.
    let sa = service_account(&["regcred"]);
    let bare = with_pull_secrets(k8s_pod(), &[]);
    let keyring =
        k8s::keyring_for_pod(&bare, Some(&sa), &secrets, None, KeyringOptions::FAITHFUL).unwrap();
    assert_eq!(
        lookup(&keyring, "registry.example/app"),
        [("json-user".to_owned(), "secret:shop/regcred".to_owned())]
    );
    let keyring = k8s::keyring_for_pod(&bare, None, &[], None, KeyringOptions::FAITHFUL).unwrap();
    assert!(keyring.is_empty());

    // A secret listed twice contributes twice.
    let twice = with_pull_secrets(k8s_pod(), &["regcred", "regcred"]);
    let keyring =
        k8s::keyring_for_pod(&twice, None, &secrets, None, KeyringOptions::FAITHFUL).unwrap();
    assert_eq!(lookup(&keyring, "registry.example/app").len(), 2);
}

#[test]
fn keyring_for_pod_fails_on_a_malformed_secret() {
    let bad: Secret = from_json(json!({
        "metadata": {"name": "bad", "namespace": "shop"},
        "type": "kubernetes.io/dockerconfigjson",
        "data": {".dockerconfigjson": base64(br#"{"auths":{"registry.example":{"auth":"hunter2!"}}}"#)}
    }));
    let mut all = secrets();
    all.push(bad);
    let pod = with_pull_secrets(k8s_pod(), &["regcred", "bad"]);
    let error = k8s::keyring_for_pod(&pod, None, &all, None, KeyringOptions::FAITHFUL)
        .expect_err("one bad secret fails the keyring");
    let text = error.to_string();
    assert!(
        text.contains("shop/bad") && text.contains(".dockerconfigjson"),
        "{text}"
    );
    assert!(!text.contains("hunter2") && !format!("{error:?}").contains("hunter2"));
    let skipping = KeyringOptions::default().with_skip_malformed_secrets(true);
    let keyring = k8s::keyring_for_pod(&pod, None, &all, None, skipping).unwrap();
    assert_eq!(lookup(&keyring, "registry.example/app").len(), 1);
    assert!(
        keyring
            .warnings()
            .iter()
            .any(|w| matches!(w, KeyringWarning::SkippedSecret { .. }))
    );
}

fn load_merge_vectors() -> Vec<Value> {
    let path = format!(
        "{}/tests/data/keyring/secrets_merge.json",
        env!("CARGO_MANIFEST_DIR")
    );
    serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap()
}

/// §8.12 (`Test_MakeDockerKeyring`) and its derived rows, through k8s-openapi objects and
/// [`k8s::keyring_for_pod`]: the same lookups as `tests/keyring_secrets.rs`.
#[test]
fn make_docker_keyring_vectors_through_k8s_openapi() {
    let cases = load_merge_vectors();
    for case in &cases {
        let id = case["id"].as_str().unwrap();
        let image = case["image"].as_str().unwrap();
        let secrets: Vec<Secret> = case["secrets"]
            .as_array()
            .unwrap()
            .iter()
            .map(|object| from_json(object.clone()))
            .collect();
        let names: Vec<&str> = secrets
            .iter()
            .map(|s| s.metadata.name.as_deref().unwrap())
            .collect();
        let mut pod = with_pull_secrets(k8s_pod(), &names);
        pod.metadata.namespace = Some("default".into());
        let node_entries: Vec<(&str, &str, &str)> = case["node"]
            .as_array()
            .into_iter()
            .flatten()
            .map(|e| {
                (
                    e["key"].as_str().unwrap(),
                    e["username"].as_str().unwrap(),
                    e["password"].as_str().unwrap(),
                )
            })
            .collect();
        let node = node_config(&node_entries);
        let node = (!node.is_empty()).then_some(("/var/lib/kubelet/config.json", &node));
        let expected = |key: &str| -> Vec<(String, String)> {
            serde_json::from_value(case[key].clone()).expect("pairs")
        };
        let result = k8s::keyring_for_pod(&pod, None, &secrets, node, KeyringOptions::FAITHFUL);
        if case.get("error_names").is_some() {
            let text = result.expect_err(id).to_string();
            for name in case["error_names"].as_array().unwrap() {
                assert!(text.contains(name.as_str().unwrap()), "vector {id}: {text}");
            }
            let skipping = KeyringOptions::default().with_skip_malformed_secrets(true);
            let keyring = k8s::keyring_for_pod(&pod, None, &secrets, node, skipping).expect(id);
            assert_eq!(
                lookup(&keyring, image),
                expected("skipped_expect"),
                "vector {id}"
            );
        } else {
            let keyring = result.expect(id);
            assert_eq!(lookup(&keyring, image), expected("expect"), "vector {id}");
            let debug = format!("{keyring:?}");
            assert!(!debug.contains("default-password") && !debug.contains("\"password\""));
        }
    }
    assert_eq!(cases.len(), 15);
}

// --- AlwaysPullImages on a real Pod ------------------------------------------------------

#[test]
fn always_pull_images_on_a_real_pod() {
    let request = AdmissionRequest::pods(Operation::Create, "");
    let mut object = k8s_pod();
    let before = object.clone();

    let error = k8s::validate_always_pull_images(&request, &object, None).unwrap_err();
    assert_eq!(error.kind(), PolicyErrorKind::Forbidden);
    let unsupported = |path: &str, value: &str| {
        format!(
            r#"pods "web" is forbidden: {path}: Unsupported value: "{value}": supported values: "Always""#
        )
    };
    let expected = [
        unsupported("spec.initContainers[0].imagePullPolicy", ""),
        unsupported("spec.initContainers[1].imagePullPolicy", "Never"),
        unsupported("spec.containers[0].imagePullPolicy", "IfNotPresent"),
        unsupported("spec.containers[1].imagePullPolicy", ""),
        unsupported("spec.containers[2].imagePullPolicy", ""),
        unsupported("spec.volumes[2].image.pullPolicy", ""),
        unsupported("spec.volumes[3].image.pullPolicy", "IfNotPresent"),
    ];
    assert_eq!(error.to_string(), format!("[{}]", expected.join(", ")));

    assert!(k8s::admit_always_pull_images(&request, &mut object, None).unwrap());
    // Exactly the policy fields changed, all to Always, image volumes included.
    let mut expected_pod = before.clone();
    {
        let spec = expected_pod.spec.as_mut().unwrap();
        let always = || Some("Always".to_owned());
        for c in spec.init_containers.iter_mut().flatten() {
            c.image_pull_policy = always();
        }
        for c in &mut spec.containers {
            c.image_pull_policy = always();
        }
        for c in spec.ephemeral_containers.iter_mut().flatten() {
            c.image_pull_policy = always();
        }
        for v in spec.volumes.iter_mut().flatten() {
            if let Some(source) = v.image.as_mut() {
                source.pull_policy = always();
            }
        }
    }
    assert_eq!(object, expected_pod);
    assert!(k8s::pod_images(&object).all(|i| i.pull_policy.unwrap()
        == policy::DefaultedPullPolicy::new(i.image, Some(PullPolicy::Always))));
    k8s::validate_always_pull_images(&request, &object, None).unwrap();
    // A second pass changes nothing.
    assert!(!k8s::admit_always_pull_images(&request, &mut object, None).unwrap());
    assert_eq!(object, expected_pod);
}

#[test]
fn always_pull_images_ignored_requests_leave_the_pod_alone() {
    let old = k8s_pod();
    let mut object = k8s_pod();
    // An update that only reuses the old pod's images is ignored.
    let update = AdmissionRequest::pods(Operation::Update, "web");
    assert!(!k8s::admit_always_pull_images(&update, &mut object, Some(&old)).unwrap());
    assert_eq!(object, old);
    k8s::validate_always_pull_images(&update, &object, Some(&old)).unwrap();
    // A subresource (kubectl debug's ephemeralcontainers) is ignored too.
    let mut debug = AdmissionRequest::pods(Operation::Update, "web");
    debug.subresource = "ephemeralcontainers";
    assert!(!k8s::admit_always_pull_images(&debug, &mut object, None).unwrap());
    assert_eq!(object, old);
    // A new image in the update is not ignored.
    object.spec.as_mut().unwrap().containers[0].image =
        Some("registry.example/shop/web:1.5".into());
    assert!(k8s::admit_always_pull_images(&update, &mut object, Some(&old)).unwrap());
    assert_eq!(
        object.spec.as_ref().unwrap().containers[0]
            .image_pull_policy
            .as_deref(),
        Some("Always")
    );
}
