//! `kubepull::pod` on its own models: objects as kubectl prints them, a pod's images, the
//! ServiceAccount admission rule, missing secrets, namespaces, and the `PullPlan` that puts
//! them together (the rules `kubepull explain` and `k8s::pull_plan` share).
#![cfg(feature = "serde")]

use kubepull::config::DockerConfig;
use kubepull::keyring::KeyringOptions;
use kubepull::pod::{
    self, DEFAULT_SERVICE_ACCOUNT, ImageSource, Objects, Pod, PullPlan, PullSecretsSource,
    ServiceAccount,
};
use serde_json::{Value, json};

fn objects(value: Value) -> Objects {
    Objects::from_json(value.to_string().as_bytes()).expect("objects")
}

fn secret(name: &str, namespace: Option<&str>, key: &str, user: &str) -> Value {
    let config = json!({"auths": {key: {"username": user, "password": "s3cret-value"}}});
    let mut metadata = json!({"name": name, "uid": format!("uid-{name}")});
    if let Some(ns) = namespace {
        metadata["namespace"] = json!(ns);
    }
    json!({"kind": "Secret", "metadata": metadata, "type": "kubernetes.io/dockerconfigjson",
           "stringData": {".dockerconfigjson": config.to_string()}})
}

fn pod_json(spec: Value) -> Value {
    json!({"kind": "Pod", "metadata": {"name": "web", "namespace": "shop"}, "spec": spec})
}

fn pod(spec: Value) -> Pod {
    objects(pod_json(spec)).pods.remove(0)
}

fn account(secrets: &[&str]) -> ServiceAccount {
    let refs: Vec<Value> = secrets.iter().map(|n| json!({"name": n})).collect();
    objects(
        json!({"kind": "ServiceAccount", "metadata": {"name": "default", "namespace": "shop"},
                   "imagePullSecrets": refs}),
    )
    .service_accounts
    .remove(0)
}

#[test]
fn objects_read_single_objects_lists_and_yaml_documents() {
    let list = objects(json!({"kind": "List", "items": [
        pod_json(json!({"containers": []})),
        {"kind": "ServiceAccount", "metadata": {"name": "default", "namespace": "shop"}},
        secret("regcred", Some("shop"), "r.io", "ci"),
        {"kind": "ConfigMap", "metadata": {"name": "x"}},
    ]}));
    assert_eq!(
        (
            list.pods.len(),
            list.service_accounts.len(),
            list.secrets.len()
        ),
        (1, 1, 1)
    );
    assert_eq!(list.other_kinds, ["ConfigMap"]);
    assert!(!list.is_empty());
    // A typed list, as the API returns it.
    let typed = objects(json!({"kind": "SecretList", "items": [secret("a", None, "r.io", "u")]}));
    assert_eq!(typed.secrets[0].name, "a");
    // YAML, several documents, an empty one skipped.
    let yaml = "---\nkind: Pod\nmetadata: {name: a}\nspec:\n  containers:\n  - name: c\n    image: nginx\n---\n---\nkind: Pod\nmetadata:\n  name: b\n";
    let read = Objects::from_slice(yaml.as_bytes()).unwrap();
    let names: Vec<&str> = read.pods.iter().map(|p| p.metadata.name.as_str()).collect();
    assert_eq!(names, ["a", "b"]);
    assert_eq!(read.pods[0].spec.containers[0].image, "nginx");
    // Extend keeps the order of reading.
    let mut all = Objects::default();
    assert!(all.is_empty());
    all.extend(read);
    all.extend(typed);
    assert_eq!((all.pods.len(), all.secrets.len()), (2, 1));
}

#[test]
fn objects_errors_say_where_and_never_quote_values() {
    let cases: [(&[u8], &str); 7] = [
        (b"[1]", "expected an object, found a list"),
        (br#"{"kind": 1}"#, "`kind` is not a string"),
        (br#"{"metadata": {}}"#, "the object has no `kind`"),
        (
            br#"{"kind": "List", "items": {}}"#,
            "List: `items` is not a list",
        ),
        (
            br#"{"kind": "List", "items": [3]}"#,
            "items[0]: expected an object, found a number",
        ),
        (
            br#"{"kind": "Pod", "spec": {"containers": "s3cret-value"}}"#,
            "not a Pod: a field has the wrong type or shape (expected a sequence)",
        ),
        (
            b"{\"kind\": \"Pod\"",
            "not JSON: unexpected end of input at line 1 column 14",
        ),
    ];
    for (input, want) in cases {
        let got = match Objects::from_slice(input) {
            Ok(_) => panic!("{} was read", String::from_utf8_lossy(input)),
            Err(e) => e.to_string(),
        };
        assert!(
            got.contains(want),
            "{}: {got:?} lacks {want:?}",
            String::from_utf8_lossy(input)
        );
        assert!(!got.contains("s3cret-value"), "{got}");
    }
    // A nested List is not unpacked: items are objects of their own kinds.
    let nested = br#"{"kind": "List", "items": [{"kind": "PodList", "items": []}]}"#;
    assert_eq!(Objects::from_json(nested).unwrap().other_kinds, ["PodList"]);
    let big = vec![b' '; pod::MAX_OBJECTS_BYTES + 1];
    assert!(
        Objects::from_json(&big)
            .unwrap_err()
            .to_string()
            .starts_with("too large: ")
    );
    assert!(Objects::from_yaml(&big).is_err());
}

#[test]
fn service_accounts_are_found_by_name_and_exact_namespace() {
    let read = objects(json!({"kind": "List", "items": [
        {"kind": "ServiceAccount", "metadata": {"name": "builder", "namespace": "other"}},
        {"kind": "ServiceAccount", "metadata": {"name": "builder", "namespace": "shop"},
         "imagePullSecrets": [{"name": "from-shop"}]},
        {"kind": "ServiceAccount", "metadata": {"name": "default", "namespace": "shop"}},
    ]}));
    let builder = pod(json!({"serviceAccountName": "builder"}));
    let found = read.service_account(&builder).unwrap();
    assert_eq!(found.image_pull_secrets[0].name, "from-shop");
    let unnamed = pod(json!({}));
    assert_eq!(unnamed.service_account_name(), DEFAULT_SERVICE_ACCOUNT);
    assert_eq!(
        read.service_account(&unnamed).unwrap().metadata.name,
        "default"
    );
    let mut elsewhere = builder.clone();
    elsewhere.metadata.namespace = "third".into();
    assert!(read.service_account(&elsewhere).is_none());
}

#[test]
fn images_have_field_paths_and_effective_policies() {
    let web = pod(json!({
        "initContainers": [{"name": "init", "image": "busybox:1.36"}],
        "containers": [{"name": "app", "image": "nginx"}, {"name": "pinned", "image": "nginx:1", "imagePullPolicy": "Never"}],
        "ephemeralContainers": [{"name": "debug", "image": "alpine:3", "imagePullPolicy": "Sometimes"}],
        "volumes": [{"name": "scratch"}, {"name": "models", "image": {"reference": "models:v2", "pullPolicy": "Always"}}]
    }));
    let rows: Vec<(ImageSource, usize, String, &str, &str, String)> = pod::images(&web)
        .map(|i| {
            let policy = match &i.pull_policy {
                Ok(p) => format!(
                    "{}{}",
                    p.policy,
                    if p.defaulted { " (defaulted)" } else { "" }
                ),
                Err(e) => e.to_string(),
            };
            (
                i.source,
                i.index,
                i.field_path,
                i.name,
                i.pull_policy_field,
                policy,
            )
        })
        .collect();
    let want = [
        (
            ImageSource::InitContainer,
            0,
            "spec.initContainers[0]",
            "init",
            "",
            "IfNotPresent (defaulted)",
        ),
        (
            ImageSource::Container,
            0,
            "spec.containers[0]",
            "app",
            "",
            "Always (defaulted)",
        ),
        (
            ImageSource::Container,
            1,
            "spec.containers[1]",
            "pinned",
            "Never",
            "Never",
        ),
        (
            ImageSource::EphemeralContainer,
            0,
            "spec.ephemeralContainers[0]",
            "debug",
            "Sometimes",
            r#"spec.ephemeralContainers[0].imagePullPolicy: Unsupported value: "Sometimes": supported values: "Always", "IfNotPresent", "Never""#,
        ),
        (
            ImageSource::ImageVolume,
            1,
            "spec.volumes[1].image",
            "models",
            "Always",
            "Always",
        ),
    ];
    assert_eq!(rows.len(), want.len());
    for (got, want) in rows.iter().zip(want) {
        assert_eq!(
            (got.0, got.1, got.2.as_str(), got.3, got.4, got.5.as_str()),
            want
        );
    }
    assert_eq!(
        web.spec.container_images().collect::<Vec<_>>(),
        ["busybox:1.36", "nginx", "nginx:1", "alpine:3"]
    );
}

#[test]
fn pull_secrets_follow_the_service_account_admission_rule() {
    let own = pod(json!({"imagePullSecrets": [{"name": "a"}, {"name": ""}, {"name": "a"}]}));
    let none = pod(json!({}));
    let empty_entry = pod(json!({"imagePullSecrets": [{"name": ""}]}));
    let mut mirror = none.clone();
    mirror
        .metadata
        .annotations
        .insert(pod::MIRROR_POD_ANNOTATION.into(), "x".into());
    assert!(mirror.is_mirror() && !none.is_mirror());
    let sa = account(&["sa-1", "", "sa-2"]);
    let cases: [(&Pod, Option<&ServiceAccount>, &[&str]); 6] = [
        (&own, Some(&sa), &["a", "a"]), // the pod's own, duplicates kept, empty names skipped
        (&own, None, &["a", "a"]),
        (&none, Some(&sa), &["sa-1", "sa-2"]), // the ServiceAccount's
        (&none, None, &[]),
        (&empty_entry, Some(&sa), &[]), // an empty entry still counts as listing secrets
        (&mirror, Some(&sa), &[]),      // admission leaves mirror pods alone
    ];
    for (i, (p, account, want)) in cases.into_iter().enumerate() {
        assert_eq!(
            pod::effective_pull_secret_names(p, account),
            want,
            "case {i}"
        );
    }
}

#[test]
fn missing_secrets_and_namespaces_match_exactly() {
    let web = pod(
        json!({"imagePullSecrets": [{"name": "here"}, {"name": "elsewhere"}, {"name": "no-ns"}, {"name": "gone"}]}),
    );
    let read = objects(json!({"kind": "List", "items": [
        secret("here", Some("shop"), "r.io", "u"),
        secret("elsewhere", Some("other"), "r.io", "u"),
        secret("no-ns", None, "r.io", "u"),
    ]}));
    assert_eq!(
        pod::missing_pull_secrets(&web, None, &read.secrets),
        ["elsewhere", "no-ns", "gone"]
    );
    let keyring =
        pod::keyring_for_pod(&web, None, &read.secrets, None, KeyringOptions::FAITHFUL).unwrap();
    let users: Vec<String> = keyring
        .lookup_str("r.io/app")
        .iter()
        .map(|c| c.source().to_string())
        .collect();
    assert_eq!(users, ["secret:shop/here"]);
}

fn docker_config(key: &str, user: &str) -> DockerConfig {
    let json = json!({"auths": {key: {"username": user, "password": "p"}}}).to_string();
    DockerConfig::from_config_json(json.as_bytes()).unwrap()
}

#[test]
fn a_pull_plan_puts_secrets_node_and_plugins_in_kubelet_order() {
    let web = pod(json!({
        "imagePullSecrets": [{"name": "regcred"}, {"name": "gone"}],
        "containers": [{"name": "app", "image": "r.io/shop/web:1"}, {"name": "bad", "image": "Not/Valid"}]
    }));
    let read = objects(
        json!({"kind": "List", "items": [secret("regcred", Some("shop"), "r.io", "pod-user")]}),
    );
    let plan = PullPlan::builder(&web)
        .secrets(&read.secrets)
        .provider("ecr", &docker_config("*.io", "plugin-user"))
        .node_config(
            "/var/lib/kubelet/config.json",
            &docker_config("r.io/shop", "node-user"),
        )
        .options(KeyringOptions::FAITHFUL)
        .build()
        .unwrap();
    assert_eq!(plan.pull_secrets(), ["regcred", "gone"]);
    assert_eq!(plan.missing_pull_secrets(), ["gone"]);
    assert_eq!(plan.pull_secrets_from(), PullSecretsSource::Pod);
    assert_eq!(plan.service_account(), "default");
    assert!(!plan.service_account_given());
    let [app, bad] = plan.images() else {
        panic!("two images")
    };
    let tried: Vec<String> = plan
        .credentials(app)
        .iter()
        .map(|c| format!("{} {}", c.username(), c.source()))
        .collect();
    assert_eq!(
        tried,
        [
            "pod-user secret:shop/regcred",
            "node-user node:/var/lib/kubelet/config.json",
            "plugin-user provider:ecr"
        ]
    );
    assert_eq!(
        app.reference.as_ref().unwrap().to_string(),
        "r.io/shop/web:1"
    );
    assert_eq!(
        (app.name.as_str(), app.image.as_str()),
        ("app", "r.io/shop/web:1")
    );
    assert!(bad.reference.is_err());
    assert!(plan.credentials(bad).is_empty());
    assert_eq!(plan.keyring().len(), 3);
}

#[test]
fn a_pull_plan_says_where_pull_secrets_come_from() {
    let none = pod(json!({}));
    let own = pod(json!({"imagePullSecrets": [{"name": "a"}]}));
    let mut mirror = none.clone();
    mirror
        .metadata
        .annotations
        .insert(pod::MIRROR_POD_ANNOTATION.into(), "x".into());
    let with = account(&["sa-1"]);
    let without = account(&[]);
    let cases: [(&Pod, Option<&ServiceAccount>, PullSecretsSource, &str); 6] = [
        (&own, Some(&with), PullSecretsSource::Pod, "pod"),
        (
            &none,
            Some(&with),
            PullSecretsSource::ServiceAccount,
            "serviceAccount",
        ),
        (&none, Some(&without), PullSecretsSource::None, "none"),
        (&none, None, PullSecretsSource::Unknown, "unknown"),
        (&mirror, None, PullSecretsSource::None, "none"),
        (&own, None, PullSecretsSource::Pod, "pod"),
    ];
    for (i, (p, account, want, text)) in cases.into_iter().enumerate() {
        let plan = PullPlan::builder(p)
            .service_account(account)
            .build()
            .unwrap();
        assert_eq!(plan.pull_secrets_from(), want, "case {i}");
        assert_eq!(want.as_str(), text);
        assert_eq!(plan.service_account_given(), account.is_some(), "case {i}");
    }
}

#[test]
fn a_malformed_pull_secret_fails_the_plan_unless_skipped() {
    let web = pod(json!({"imagePullSecrets": [{"name": "broken"}], "containers": []}));
    let broken = objects(
        json!({"kind": "Secret", "metadata": {"name": "broken", "namespace": "shop"},
        "type": "kubernetes.io/dockerconfigjson", "stringData": {".dockerconfigjson": "{not json"}}),
    );
    let faithful = PullPlan::builder(&web).secrets(&broken.secrets).build();
    assert!(faithful.is_err());
    let skipping = PullPlan::builder(&web)
        .secrets(&broken.secrets)
        .options(KeyringOptions::default().with_skip_malformed_secrets(true))
        .build()
        .unwrap();
    assert!(skipping.keyring().is_empty());
    assert!(!skipping.keyring().warnings().is_empty());
}
