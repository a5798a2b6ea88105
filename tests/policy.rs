//! Pull policy: spec §1 and vectors §8.10, §8.11, §8.16, plus the full decision table.

mod common;

use common::{rows, s};

use std::time::Duration;

use kubepull::policy::{
    Action, AdmissionRequest, AlwaysPullImages, Container, DefaultedPullPolicy, ImageErrorKind,
    ImageName, ImageVolumeSource, ObjectMeta, Operation, Pod, PodSpec, PolicyErrorKind, Presence,
    PullBackoff, PullPolicy, Verification, Volume, apply_default_image_tag, decide,
    default_pull_policy, pull_failed, pulled_event,
};
use serde_json::Value;

// ---- §8.10 ParseImageName ----

fn assert_image_name(row: &Value) {
    let input = s(row, "input");
    match ImageName::parse(input) {
        Ok(name) => {
            assert!(
                row.get("error").is_none(),
                "row {}: expected an error",
                row["row"]
            );
            assert_eq!(name.repo(), s(row, "repo"), "row {}", row["row"]);
            assert_eq!(name.tag(), s(row, "tag"), "row {}", row["row"]);
            assert_eq!(name.digest(), s(row, "digest"), "row {}", row["row"]);
        }
        Err(e) => {
            assert_eq!(e.kind(), PolicyErrorKind::InvalidImageName);
            assert_eq!(e.to_string(), s(row, "error"), "row {}", row["row"]);
        }
    }
}

#[test]
fn image_name_vectors() {
    rows("policy/image_names.jsonl")
        .iter()
        .for_each(assert_image_name);
}

#[test]
fn default_image_tag() {
    let digest = "sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";
    let cases = [
        ("busybox", "busybox:latest".to_owned()),
        ("busybox:latest", "busybox:latest".to_owned()),
        ("busybox:1.36", "busybox:1.36".to_owned()),
        (
            "localhost:5000/busybox",
            "localhost:5000/busybox:latest".to_owned(),
        ),
        (&*format!("busybox@{digest}"), format!("busybox@{digest}")),
        (
            &*format!("busybox:1@{digest}"),
            format!("busybox:1@{digest}"),
        ),
    ];
    for (input, want) in cases {
        assert_eq!(apply_default_image_tag(input).unwrap(), want, "{input}");
    }
    assert!(apply_default_image_tag("UPPER").is_err());
}

// ---- §8.11 defaulting ----

fn assert_default(row: &Value) {
    let image = s(row, "image");
    let want: PullPolicy = s(row, "default").parse().unwrap();
    assert_eq!(
        default_pull_policy(image),
        want,
        "row {} image {image:?}",
        row["row"]
    );
    let d = DefaultedPullPolicy::new(image, None);
    assert_eq!((d.policy, d.defaulted), (want, true));
    // Agrees with the allocating ParseImageName path.
    let via_name = ImageName::parse(image)
        .map(|n| n.tag() == "latest")
        .unwrap_or(false);
    assert_eq!(want == PullPolicy::Always, via_name, "row {}", row["row"]);
}

#[test]
fn defaulting_vectors() {
    rows("policy/defaulting.jsonl")
        .iter()
        .for_each(assert_default);
}

#[test]
fn set_policy_is_left_alone() {
    for policy in PullPolicy::ALL {
        let d = DefaultedPullPolicy::new("nginx", Some(policy));
        assert_eq!((d.policy, d.defaulted), (policy, false));
        let d = DefaultedPullPolicy::from_field("nginx", policy.as_str()).unwrap();
        assert_eq!((d.policy, d.defaulted), (policy, false));
    }
    let d = DefaultedPullPolicy::from_field("nginx:1", "").unwrap();
    assert_eq!((d.policy, d.defaulted), (PullPolicy::IfNotPresent, true));
    assert_eq!(
        DefaultedPullPolicy::from_field("nginx", "Sometimes")
            .unwrap_err()
            .to_string(),
        r#"Unsupported value: "Sometimes": supported values: "Always", "IfNotPresent", "Never""#
    );
}

// ---- PullPolicy text ----

#[test]
fn pull_policy_text() {
    for policy in PullPolicy::ALL {
        assert_eq!(policy.to_string().parse::<PullPolicy>().unwrap(), policy);
    }
    let err = "always".parse::<PullPolicy>().unwrap_err();
    assert_eq!(err.kind(), PolicyErrorKind::UnsupportedValue);
    assert_eq!(
        err.to_string(),
        r#"Unsupported value: "always": supported values: "Always", "IfNotPresent", "Never""#
    );
    let err = PullPolicy::parse_field("", "spec.containers[0].imagePullPolicy").unwrap_err();
    assert_eq!(err.kind(), PolicyErrorKind::RequiredValue);
    assert_eq!(
        err.to_string(),
        "spec.containers[0].imagePullPolicy: Required value"
    );
    let err =
        PullPolicy::parse_field("x\ny", "spec.initContainers[1].imagePullPolicy").unwrap_err();
    assert_eq!(
        err.to_string(),
        r#"spec.initContainers[1].imagePullPolicy: Unsupported value: "x\ny": supported values: "Always", "IfNotPresent", "Never""#
    );
}

#[cfg(feature = "serde")]
#[test]
fn pull_policy_serde() {
    assert_eq!(
        serde_json::to_string(&PullPolicy::IfNotPresent).unwrap(),
        r#""IfNotPresent""#
    );
    assert_eq!(
        serde_json::from_str::<PullPolicy>(r#""Never""#).unwrap(),
        PullPolicy::Never
    );
    let err = serde_json::from_str::<PullPolicy>(r#""never""#)
        .unwrap_err()
        .to_string();
    assert!(err.contains(r#"Unsupported value: "never""#), "{err}");
    assert_eq!(
        serde_json::to_string(&Action::UseLocal).unwrap(),
        r#""use-local""#
    );
}

// ---- §1.2 decision: every combination ----

fn presence(text: &str) -> Presence {
    match text {
        "absent" => Presence::Absent,
        "present" => Presence::Present,
        "inspect-failed" => Presence::InspectFailed("rpc error: unavailable".into()),
        other => panic!("presence {other}"),
    }
}

fn verification(text: &str) -> Verification {
    match text {
        "disabled" => Verification::Disabled,
        "accessible" => Verification::Accessible,
        "must-pull" => Verification::MustPull,
        "failed" => Verification::Failed("bad secret".into()),
        other => panic!("verification {other}"),
    }
}

fn assert_decision(row: &Value) {
    let policy: PullPolicy = s(row, "policy").parse().unwrap();
    let d = decide(
        s(row, "image"),
        policy,
        &presence(s(row, "presence")),
        &verification(s(row, "verification")),
    );
    let ctx = row.to_string();
    assert_eq!(d.action().as_str(), s(row, "action"), "{ctx}");
    assert_eq!(s(row, "action").parse::<Action>().unwrap(), d.action());
    match d.error() {
        Some(e) => {
            assert_eq!(e.kind().as_str(), s(row, "error_kind"), "{ctx}");
            assert_eq!(e.to_string(), s(row, "error"), "{ctx}");
        }
        None => assert!(row.get("error").is_none(), "{ctx}"),
    }
    match (d.event(), &row["event"]) {
        (None, Value::Null) => {}
        (Some(ev), Value::Array(want)) => {
            assert_eq!(ev.event_type.as_str(), want[0], "{ctx}");
            assert_eq!(ev.reason, want[1], "{ctx}");
            assert_eq!(ev.message, want[2], "{ctx}");
        }
        (got, want) => panic!("event {got:?} != {want}: {ctx}"),
    }
    match &d {
        kubepull::policy::Decision::Pull { image, .. } => {
            assert_eq!(image, s(row, "image_to_pull"), "{ctx}");
        }
        _ => assert!(row.get("image_to_pull").is_none(), "{ctx}"),
    }
}

#[test]
fn decision_table_is_total() {
    let rows = rows("policy/decision.jsonl");
    // 3 images (one invalid + 3 valid = 4) x 3 policies x 3 presences x 4 verdicts.
    assert_eq!(rows.len(), 4 * 3 * 3 * 4);
    for row in &rows {
        assert_decision(row);
    }
}

#[test]
fn never_pull_hides_presence() {
    let absent = decide(
        "private/app:1",
        PullPolicy::Never,
        &Presence::Absent,
        &Verification::MustPull,
    );
    let hidden = decide(
        "private/app:1",
        PullPolicy::Never,
        &Presence::Present,
        &Verification::MustPull,
    );
    assert_eq!(absent, hidden);
    assert_eq!(
        absent.error().unwrap().kind(),
        ImageErrorKind::ErrImageNeverPull
    );
}

#[test]
fn decision_is_deterministic_and_quotes_like_go() {
    let image = "bad\"image\u{7}";
    let a = decide(
        image,
        PullPolicy::IfNotPresent,
        &Presence::Absent,
        &Verification::Disabled,
    );
    let b = decide(
        image,
        PullPolicy::IfNotPresent,
        &Presence::Absent,
        &Verification::Disabled,
    );
    assert_eq!(a, b);
    assert!(
        a.error()
            .unwrap()
            .to_string()
            .starts_with(r#"Failed to apply default image tag "bad\"image\a": "#)
    );
}

// ---- pull failures and success events ----

#[test]
fn pull_failure_classification() {
    let cases = [
        (
            "RegistryUnavailable",
            ImageErrorKind::RegistryUnavailable,
            "image pull failed for x because the registry is unavailable",
        ),
        (
            "RegistryUnavailable: timeout",
            ImageErrorKind::RegistryUnavailable,
            "image pull failed for x because the registry is unavailable: timeout",
        ),
        (
            "SignatureValidationFailed: bad sig",
            ImageErrorKind::SignatureValidationFailed,
            "image pull failed for x because the signature validation failed: bad sig",
        ),
        (
            "rpc error: code = NotFound desc = manifest unknown",
            ImageErrorKind::ErrImagePull,
            "rpc error: code = NotFound desc = manifest unknown",
        ),
        ("", ImageErrorKind::ErrImagePull, ""),
    ];
    for (cri, kind, message) in cases {
        let (error, event) = pull_failed("x", cri);
        assert_eq!((error.kind(), error.message()), (kind, message), "{cri}");
        assert_eq!(event.reason, "Failed");
        assert_eq!(event.event_type.as_str(), "Warning");
        assert_eq!(event.message, format!("Failed to pull image \"x\": {cri}"));
    }
}

#[test]
fn pulled_event_text() {
    let e = pulled_event(
        "nginx",
        Duration::from_nanos(999_999),
        Duration::from_secs(61),
        0,
    );
    assert_eq!(e.reason, "Pulled");
    assert_eq!(
        e.message,
        r#"Successfully pulled image "nginx" in 0s (1m1s including waiting). Image size: 0 bytes."#
    );
}

// ---- §1.4 back-off ----

#[test]
fn backoff_doubles_to_cap_and_expires() {
    let mut b = PullBackoff::new();
    let key = PullBackoff::key("pod-uid", "nginx");
    assert_eq!(key, "pod-uid_nginx");
    let mut now = Duration::from_secs(10_000);
    let mut delays = Vec::new();
    for _ in 0..7 {
        b.begin_pull(&key);
        b.record_failure(&key, "boom", now);
        delays.push(b.delay(&key).unwrap().as_secs());
        assert!(b.is_in_backoff(&key, now));
        now += b.delay(&key).unwrap();
        assert!(
            !b.is_in_backoff(&key, now),
            "free exactly when the delay has passed"
        );
    }
    assert_eq!(delays, [10, 20, 40, 80, 160, 300, 300]);
    // Other pods and other image strings are independent.
    assert!(!b.is_in_backoff(
        &PullBackoff::key("other", "nginx"),
        now - Duration::from_secs(1)
    ));
    // Twice the cap without an update forgets the entry: the next failure starts at 10 s.
    now += Duration::from_secs(601);
    b.record_failure(&key, "boom", now);
    assert_eq!(b.delay(&key), Some(Duration::from_secs(10)));
}

#[test]
fn backoff_messages() {
    let mut b = PullBackoff::new();
    let key = PullBackoff::key("u", "nginx:1");
    let t = Duration::from_secs(5);
    assert!(b.check(&key, "nginx:1", t).is_none());
    b.record_failure(&key, "rpc error: not found", t);
    let (error, event) = b.check(&key, "nginx:1", t).unwrap();
    assert_eq!(error.kind(), ImageErrorKind::ImagePullBackOff);
    assert_eq!(error.kind().as_str(), "ImagePullBackOff");
    assert_eq!(event.reason, "BackOff");
    assert_eq!(event.event_type.as_str(), "Normal");
    assert_eq!(
        event.message,
        r#"Back-off pulling image "nginx:1": rpc error: not found"#
    );
    assert_eq!(error.message(), event.message);
    // The stored message is dropped when a new attempt starts.
    b.begin_pull(&key);
    let (_, event) = b.check(&key, "nginx:1", t).unwrap();
    assert_eq!(event.message, r#"Back-off pulling image "nginx:1""#);
}

#[test]
fn backoff_success_only_collects_expired_entries() {
    let mut b = PullBackoff::new();
    let t = Duration::from_secs(1_000);
    b.record_failure("old_a", "x", t);
    b.record_failure("new_b", "x", t + Duration::from_secs(500));
    b.record_success(t + Duration::from_secs(601));
    assert_eq!(b.len(), 1);
    assert!(b.delay("old_a").is_none());
    assert_eq!(b.delay("new_b"), Some(Duration::from_secs(10)));
    b.reset("new_b");
    assert!(b.is_empty());
}

#[test]
fn backoff_survives_clock_going_backwards() {
    let mut b = PullBackoff::new();
    b.record_failure("k", "x", Duration::from_secs(100));
    assert!(b.is_in_backoff("k", Duration::from_secs(50)));
    b.record_failure("k", "x", Duration::ZERO);
    assert_eq!(b.delay("k"), Some(Duration::from_secs(20)));
}

// ---- §1.5 / §8.16 AlwaysPullImages ----

fn container(v: &Value) -> Container {
    Container::new(
        v["name"].as_str().unwrap_or(""),
        v["image"].as_str().unwrap_or(""),
        v["imagePullPolicy"].as_str().unwrap_or(""),
    )
}

fn containers(v: &Value) -> Vec<Container> {
    v.as_array()
        .map(|a| a.iter().map(container).collect())
        .unwrap_or_default()
}

/// Builds the pod model from pod JSON by hand, so this test also runs without `serde`.
fn pod(v: &Value) -> Option<Pod> {
    let spec = v.get("spec")?; // no spec: not a pod
    Some(Pod {
        metadata: ObjectMeta {
            name: v["metadata"]["name"].as_str().unwrap_or("").into(),
            namespace: v["metadata"]["namespace"].as_str().unwrap_or("").into(),
            ..ObjectMeta::default()
        },
        spec: PodSpec {
            init_containers: containers(&spec["initContainers"]),
            containers: containers(&spec["containers"]),
            ephemeral_containers: containers(&spec["ephemeralContainers"]),
            volumes: spec["volumes"]
                .as_array()
                .map(|a| {
                    a.iter()
                        .map(|v| Volume {
                            name: v["name"].as_str().unwrap_or("").into(),
                            image: v.get("image").map(|i| ImageVolumeSource {
                                reference: i["reference"].as_str().unwrap_or("").into(),
                                pull_policy: i["pullPolicy"].as_str().unwrap_or("").into(),
                            }),
                        })
                        .collect()
                })
                .unwrap_or_default(),
            ..PodSpec::default()
        },
    })
}

fn operation(text: &str) -> Operation {
    match text {
        "CREATE" => Operation::Create,
        "UPDATE" => Operation::Update,
        "DELETE" => Operation::Delete,
        "CONNECT" => Operation::Connect,
        other => panic!("operation {other}"),
    }
}

fn assert_admission(row: &Value) {
    let ctx = format!("row {} {}", row["row"], row["op"]);
    let request = AdmissionRequest {
        operation: operation(s(row, "operation")),
        group: row["group"].as_str().unwrap_or(""),
        resource: row["resource"].as_str().unwrap_or("pods"),
        subresource: row["subresource"].as_str().unwrap_or(""),
        name: row["name"].as_str().unwrap_or("123"),
    };
    let mut object = pod(&row["object"]);
    let old = row.get("old_object").and_then(pod);
    let result = match s(row, "op") {
        "admit" => AlwaysPullImages.admit(&request, object.as_mut(), old.as_ref()),
        "validate" => AlwaysPullImages
            .validate(&request, object.as_ref(), old.as_ref())
            .map(|()| false),
        other => panic!("op {other}"),
    };
    let expect = &row["expect"];
    match result {
        Ok(changed) => {
            assert!(
                expect.get("error").is_none(),
                "{ctx}: expected {}",
                expect["error"]
            );
            assert_eq!(changed, expect["changed"].as_bool().unwrap(), "{ctx}");
            assert_eq!(object, pod(&expect["pod"]), "{ctx}");
        }
        Err(e) => {
            assert_eq!(e.to_string(), s(expect, "error"), "{ctx}");
            let kind = match s(expect, "error_kind") {
                "Forbidden" => PolicyErrorKind::Forbidden,
                "BadRequest" => PolicyErrorKind::BadRequest,
                other => panic!("{other}"),
            };
            assert_eq!(e.kind(), kind, "{ctx}");
        }
    }
}

#[test]
fn always_pull_images_vectors() {
    rows("policy/admission.jsonl")
        .iter()
        .for_each(assert_admission);
}

#[test]
fn admitted_pods_validate() {
    for row in rows("policy/admission.jsonl") {
        let Some(mut p) = pod(&row["object"]) else {
            continue;
        };
        let request = AdmissionRequest::pods(Operation::Create, "123");
        AlwaysPullImages
            .admit(&request, Some(&mut p), None)
            .unwrap();
        assert_eq!(
            AlwaysPullImages.validate(&request, Some(&p), None),
            Ok(()),
            "row {}",
            row["row"]
        );
    }
}

#[cfg(feature = "serde")]
#[test]
fn pod_model_reads_real_pod_json() {
    let json = r#"{"apiVersion":"v1","kind":"Pod","metadata":{"name":"p","namespace":"ns","uid":"x"},
        "spec":{"containers":[{"name":"c","image":"nginx","imagePullPolicy":"IfNotPresent","ports":[]}],
                "volumes":[{"name":"v","image":{"reference":"quay.io/x:1","pullPolicy":"Never"}},{"name":"e","emptyDir":{}}]}}"#;
    let pod: Pod = serde_json::from_str(json).unwrap();
    assert_eq!(pod.spec.containers[0].image_pull_policy, "IfNotPresent");
    assert_eq!(
        pod.spec.volumes[0].image.as_ref().unwrap().pull_policy,
        "Never"
    );
    assert!(pod.spec.volumes[1].image.is_none());
}

#[test]
fn pod_spec_defaulting() {
    use kubepull::policy::default_pod_spec;
    let mut spec = PodSpec {
        init_containers: vec![Container::new("i", "busybox", "")],
        containers: vec![
            Container::new("c", "nginx:1", ""),
            Container::new("d", "nginx", "Never"),
        ],
        ephemeral_containers: vec![Container::new("e", "", "")],
        volumes: vec![
            Volume {
                name: "v".into(),
                image: Some(ImageVolumeSource {
                    reference: "quay.io/x".into(),
                    pull_policy: String::new(),
                }),
            },
            Volume {
                name: "w".into(),
                image: None,
            },
        ],
        ..PodSpec::default()
    };
    assert_eq!(kubepull::policy::default_pod_spec(&mut spec), 4);
    let got: Vec<&str> = spec
        .init_containers
        .iter()
        .chain(&spec.containers)
        .chain(&spec.ephemeral_containers)
        .map(|c| c.image_pull_policy.as_str())
        .collect();
    assert_eq!(got, ["Always", "IfNotPresent", "Never", "IfNotPresent"]);
    assert_eq!(
        spec.volumes[0].image.as_ref().unwrap().pull_policy,
        "Always"
    );
    assert_eq!(default_pod_spec(&mut spec), 0);
}

#[test]
fn failed_pull_secrets_events() {
    use kubepull::policy::failed_pull_secrets_event;
    let e = failed_pull_secrets_event(["a"]).unwrap();
    assert_eq!(
        (e.event_type.as_str(), e.reason),
        ("Warning", "FailedToRetrieveImagePullSecret")
    );
    assert_eq!(
        e.message,
        "Unable to retrieve some image pull secrets (a); attempting to pull the image may not succeed."
    );
    assert!(failed_pull_secrets_event([]).is_none());
}
