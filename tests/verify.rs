//! KEP-2535 verification, after Kubernetes v1.36 `pkg/kubelet/images/pullmanager`
//! (`image_pull_manager.go` `MustAttemptImagePull`, `fs_pullrecords.go`, and their
//! `_test.go` tables); data in `tests/data/`. The `§` markers name the vector groups.

use kubepull::Secret;
use kubepull::verify::{
    Allowlist, AllowlistPattern, AuthConfig, CredentialPolicy, ImagePullCredentials,
    ImagePullIntent, ImagePullSecret, ImagePullServiceAccount, ImagePulledRecord, PodCredentials,
    PulledRecordState, VerificationPolicy, VerifyErrorKind, VerifyOptions, credential_hash,
    is_record_file_name, must_attempt_image_pull, record_file_name,
};
use serde_json::Value;

fn rows(name: &str) -> Vec<Value> {
    let path = format!("{}/tests/data/policy/{name}", env!("CARGO_MANIFEST_DIR"));
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
    let rows: Vec<Value> = text
        .lines()
        .filter(|l| !l.trim().is_empty())
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert!(!rows.is_empty(), "{path} has no rows");
    rows
}

fn s<'a>(row: &'a Value, key: &str) -> &'a str {
    row[key]
        .as_str()
        .unwrap_or_else(|| panic!("{key} missing in {row}"))
}

fn strings(v: &Value) -> Vec<&str> {
    v.as_array()
        .map(|a| a.iter().map(|x| x.as_str().unwrap()).collect())
        .unwrap_or_default()
}

// ---- §2.2 / §2.3 / §2.4 / §8.13 ----

#[test]
fn verification_policy_text() {
    for policy in VerificationPolicy::ALL {
        assert_eq!(
            policy.to_string().parse::<VerificationPolicy>().unwrap(),
            policy
        );
    }
    assert_eq!(
        VerificationPolicy::from_config("").unwrap(),
        VerificationPolicy::NeverVerifyPreloadedImages
    );
    for bad in ["neververify", "", " NeverVerify"] {
        let err = bad.parse::<VerificationPolicy>().unwrap_err();
        assert_eq!(err.kind(), VerifyErrorKind::UnknownPolicy);
        assert_eq!(
            err.to_string(),
            format!("unknown image pull credential verification policy: {bad}")
        );
    }
}

fn assert_allowlist_row(row: &Value) {
    let ctx = format!("row {}", row["row"]);
    if let Some(pattern) = row.get("pattern") {
        let pattern = pattern.as_str().unwrap();
        let err = pattern.parse::<AllowlistPattern>().unwrap_err();
        assert_eq!(
            err.kind(),
            VerifyErrorKind::InvalidAllowlistPattern,
            "{ctx}"
        );
        assert_eq!(err.to_string(), s(row, "error"), "{ctx}");
        // The same error surfaces from the whole list and from the policy constructor.
        let list = ["test.io/ok", pattern];
        assert_eq!(Allowlist::parse(list).unwrap_err(), err, "{ctx}");
        let policy = CredentialPolicy::new(VerificationPolicy::NeverVerifyAllowlistedImages, list);
        assert_eq!(policy.unwrap_err(), err, "{ctx}");
        return;
    }
    let policy: VerificationPolicy = s(row, "policy").parse().unwrap();
    let allowlist = strings(&row["allowlist"]);
    let policy = CredentialPolicy::new(policy, allowlist.iter().copied()).unwrap();
    let pulled = row["pulled_by_kubelet"].as_bool().unwrap();
    assert_eq!(
        policy.requires_verification(s(row, "image"), pulled),
        row["verify"].as_bool().unwrap(),
        "{ctx}"
    );
    if let Some(n) = row["exact"].as_u64() {
        assert_eq!(policy.allowlist().exact_len() as u64, n, "{ctx}");
    }
    if let Some(n) = row["prefixes"].as_u64() {
        assert_eq!(policy.allowlist().prefix_len() as u64, n, "{ctx}");
    }
    for pattern in allowlist {
        if let Ok(p) = pattern.parse::<AllowlistPattern>() {
            assert_eq!(p.to_string(), pattern, "Display inverts FromStr");
        }
    }
}

#[test]
fn allowlist_vectors() {
    rows("allowlist.jsonl")
        .iter()
        .for_each(assert_allowlist_row);
}

/// `image_pull_policies_test.go` `TestNewNeverVerifyAllowListedPullPolicy`, Kubernetes v1.36,
/// every row, through the public API.
#[test]
fn upstream_never_verify_allowlisted_table() {
    for row in rows("upstream_allowlist.jsonl") {
        let ctx = s(&row, "name");
        let allowlist = strings(&row["allowlist"]);
        let policy = CredentialPolicy::new(
            VerificationPolicy::NeverVerifyAllowlistedImages,
            allowlist.iter().copied(),
        );
        if row["wantErr"].as_bool().unwrap() {
            let err = policy.unwrap_err();
            assert_eq!(
                err.kind(),
                VerifyErrorKind::InvalidAllowlistPattern,
                "{ctx}"
            );
            continue;
        }
        let policy = policy.unwrap_or_else(|e| panic!("{ctx}: {e}"));
        assert_eq!(
            policy.allowlist().exact_len() as u64,
            row["expectedAbsolutes"].as_u64().unwrap(),
            "{ctx}"
        );
        assert_eq!(
            policy.allowlist().prefix_len() as u64,
            row["expectedWildcards"].as_u64().unwrap(),
            "{ctx}"
        );
        assert_eq!(
            policy.requires_verification(
                s(&row, "inputImage"),
                row["imageRecordsExist"].as_bool().unwrap()
            ),
            row["want"].as_bool().unwrap(),
            "{ctx}"
        );
    }
}

/// `image_pull_policies_test.go` `TestTrimImageTagDigest`, Kubernetes v1.36, every row.
#[test]
fn upstream_trim_image_tag_digest_table() {
    use kubepull::verify::trim_tag_and_digest;
    for row in rows("upstream_trim_tag_digest.jsonl") {
        let ctx = s(&row, "name");
        let got = trim_tag_and_digest(s(&row, "image"));
        if row["wantErr"].as_bool() == Some(true) {
            let err = got.unwrap_err();
            assert_eq!(err.kind(), VerifyErrorKind::InvalidImageName, "{ctx}");
        } else {
            assert_eq!(got.unwrap(), s(&row, "want"), "{ctx}");
        }
    }
}

#[test]
fn policy_functions_are_total() {
    let allowed = CredentialPolicy::new(
        VerificationPolicy::NeverVerifyAllowlistedImages,
        ["docker.io/library/nginx"],
    )
    .unwrap();
    // (policy, image, pulled_by_kubelet) -> requires verification, every policy and flag.
    let table = [
        (VerificationPolicy::NeverVerify, false, false, false, false),
        (
            VerificationPolicy::NeverVerifyPreloadedImages,
            false,
            true,
            false,
            true,
        ),
        (VerificationPolicy::AlwaysVerify, true, true, true, true),
    ];
    for (policy, a, b, c, d) in table {
        let p = CredentialPolicy::new(policy, []).unwrap();
        // columns: (allowlisted image, not pulled), (allowlisted, pulled), (other, not), (other, pulled)
        assert_eq!(
            [
                p.requires_verification("nginx", false),
                p.requires_verification("nginx", true),
                p.requires_verification("other", false),
                p.requires_verification("other", true)
            ],
            [a, b, c, d],
            "{policy}"
        );
    }
    // Kubernetes v1.36 keeps names as written (image_pull_policies_test.go, "'familiar' image
    // name with docker-disambiguated fqdn in the allowlist - not a match"): the entry
    // `docker.io/library/nginx` does not cover the pod image `nginx`.
    assert_eq!(
        [
            allowed.requires_verification("nginx", false),
            allowed.requires_verification("nginx", true),
            allowed.requires_verification("other", false),
            allowed.requires_verification("other", true)
        ],
        [true, true, true, true]
    );
    let familiar =
        CredentialPolicy::new(VerificationPolicy::NeverVerifyAllowlistedImages, ["nginx"]).unwrap();
    assert_eq!(
        [
            familiar.requires_verification("nginx", false),
            familiar.requires_verification("nginx", true),
            familiar.requires_verification("other", false),
            familiar.requires_verification("other", true)
        ],
        [false, false, true, true]
    );
}

// ---- §2.5 records: file names, JSON ----

#[test]
fn record_file_name_vectors() {
    for row in rows("record_files.jsonl") {
        let key = s(&row, "key");
        let name = match s(&row, "kind") {
            "intent" => ImagePullIntent::new(key).file_name(),
            _ => ImagePulledRecord::new(key, "2024-10-21T12:26:40Z").file_name(),
        };
        assert_eq!(name, s(&row, "file"), "row {}", row["row"]);
        assert_eq!(record_file_name(key), name);
        assert!(is_record_file_name(&name));
        assert!(!is_record_file_name(&format!("{name}.tmp")));
    }
    assert!(!is_record_file_name("README"));
}

#[test]
fn record_image_pulled_row_148() {
    // RecordImagePulled("repo.repo/test/test:v1", "testimageref", nodePodsAccessible)
    let name = kubepull::policy::ImageName::parse("repo.repo/test/test:v1").unwrap();
    let mut record = ImagePulledRecord::new("testimageref", "2024-10-21T12:26:40Z");
    assert!(record.merge_credentials(
        name.repo(),
        Some(&ImagePullCredentials::node_pods_accessible()),
        "t1"
    ));
    assert_eq!(
        record.credential_mapping.keys().collect::<Vec<_>>(),
        ["repo.repo/test/test"]
    );
    assert!(record.credential_mapping["repo.repo/test/test"].node_pods_accessible);
    assert_eq!(
        record.to_json(),
        r#"{"kind":"ImagePulledRecord","apiVersion":"kubelet.config.k8s.io/v1beta1","lastUpdatedTime":"t1","imageRef":"testimageref","credentialMapping":{"repo.repo/test/test":{"nodePodsAccessible":true}}}"#.to_owned() + "\n"
    );
}

#[test]
fn records_round_trip_in_go_json() {
    let mut record = ImagePulledRecord::new("sha256:abc", "2024-10-21T12:26:40Z");
    let secret = ImagePullSecret::new("u1", "ns<1>", "s&1", "h1");
    record.merge_credentials(
        "b.io/x",
        Some(&ImagePullCredentials::secret(secret)),
        "2024-10-21T12:26:40Z",
    );
    record.merge_credentials(
        "a.io/y",
        Some(&ImagePullCredentials::service_account(
            ImagePullServiceAccount::new("u2", "ns", "sa"),
        )),
        "2024-10-21T12:26:41Z",
    );
    let json = record.to_json();
    assert_eq!(
        json,
        r#"{"kind":"ImagePulledRecord","apiVersion":"kubelet.config.k8s.io/v1beta1","lastUpdatedTime":"2024-10-21T12:26:41Z","imageRef":"sha256:abc","credentialMapping":{"a.io/y":{"kubernetesServiceAccounts":[{"uid":"u2","namespace":"ns","name":"sa"}]},"b.io/x":{"kubernetesSecrets":[{"uid":"u1","namespace":"ns\u003c1\u003e","name":"s\u00261","credentialHash":"h1"}]}}}"#.to_owned() + "\n"
    );
    assert_eq!(
        ImagePulledRecord::from_json(json.as_bytes()).unwrap(),
        record
    );

    let intent = ImagePullIntent::new("docker.io/testing/test:latest");
    let json = intent.to_json();
    assert_eq!(
        json,
        r#"{"kind":"ImagePullIntent","apiVersion":"kubelet.config.k8s.io/v1beta1","image":"docker.io/testing/test:latest"}"#.to_owned() + "\n"
    );
    assert_eq!(ImagePullIntent::from_json(json.as_bytes()).unwrap(), intent);
}

/// `fs_pullrecords_test.go` `TestNewFSPullRecordsAccessor`, Kubernetes v1.36: the upstream
/// `testdata` files, each named for its key, and their content after the kubelet's start-up
/// (v1alpha1 files rewritten as v1beta1 byte for byte, v1beta1 files left alone).
#[test]
fn upstream_fs_records_rewritten_at_startup() {
    for row in rows("upstream_fs_records.jsonl") {
        let file = s(&row, "file");
        let content = s(&row, "content").as_bytes();
        let after = s(&row, "afterStartup");
        let (key, migrated) = match s(&row, "dir") {
            "pulling" => (
                ImagePullIntent::from_json(content).unwrap().image,
                ImagePullIntent::migrate(content).unwrap(),
            ),
            _ => (
                ImagePulledRecord::from_json(content).unwrap().image_ref,
                ImagePulledRecord::migrate(content).unwrap(),
            ),
        };
        assert_eq!(record_file_name(&key), file, "{file}");
        assert_eq!(
            migrated.as_deref().unwrap_or(s(&row, "content")),
            after,
            "{file}"
        );
    }
}

#[test]
fn records_decode_strictly() {
    // The upstream testdata intent, written with apiVersion v1beta1.
    let intent = br#"{"kind":"ImagePullIntent","apiVersion":"kubelet.config.k8s.io/v1beta1","image":"docker.io/testing/test:latest"}"#;
    assert_eq!(
        ImagePullIntent::from_json(intent).unwrap().image,
        "docker.io/testing/test:latest"
    );
    for time in [
        "2024-02-29T23:59:59Z",
        "2024-10-21T12:26:40.123456789+02:00",
        "2024-10-21T12:26:40,5-07:30",
    ] {
        let json = format!(
            r#"{{"kind":"ImagePulledRecord","apiVersion":"kubelet.config.k8s.io/v1alpha1","lastUpdatedTime":"{time}","imageRef":"r"}}"#
        );
        assert!(
            ImagePulledRecord::from_json(json.as_bytes()).is_ok(),
            "{time}"
        );
    }
    let null_time = br#"{"kind":"ImagePulledRecord","apiVersion":"kubelet.config.k8s.io/v1alpha1","lastUpdatedTime":null,"imageRef":"r","credentialMapping":null}"#;
    let r = ImagePulledRecord::from_json(null_time).unwrap();
    assert_eq!((r.last_updated_time, r.credential_mapping.len()), (None, 0));
    let bad: &[&[u8]] = &[
        // The old schema's field name is unknown to the newest decoder.
        br#"{"kind":"ImagePulledRecord","apiVersion":"kubelet.config.k8s.io/v1alpha1","imageRef":"r","credentialMapping":{"a":{"kubernetesSecretCoordinates":[]}}}"#,
        br#"{"kind":"ImagePullIntent","apiVersion":"kubelet.config.k8s.io/v1alpha1","imageRef":"r"}"#,
        br#"{"apiVersion":"kubelet.config.k8s.io/v1alpha1","imageRef":"r"}"#,
        br#"{"kind":"ImagePulledRecord","imageRef":"r"}"#,
        br#"{"kind":"ImagePulledRecord","apiVersion":"v1","imageRef":"r"}"#,
        br#"{"kind":"ImagePulledRecord","apiVersion":"kubelet.config.k8s.io/v1alpha1","imageRef":"r","imageRef":"s"}"#,
        br#"{"kind":"ImagePulledRecord","apiVersion":"kubelet.config.k8s.io/v1alpha1","ImageRef":"r"}"#,
        br#"{"kind":"ImagePulledRecord","apiVersion":"kubelet.config.k8s.io/v1alpha1","lastUpdatedTime":"","imageRef":"r"}"#,
        br#"{"kind":"ImagePulledRecord","apiVersion":"kubelet.config.k8s.io/v1alpha1","lastUpdatedTime":"2024-02-30T00:00:00Z","imageRef":"r"}"#,
        br#"{"kind":"ImagePulledRecord","apiVersion":"kubelet.config.k8s.io/v1alpha1","lastUpdatedTime":"2024-10-21 12:26:40Z","imageRef":"r"}"#,
        br#"{"kind":"ImagePulledRecord","apiVersion":"kubelet.config.k8s.io/v1alpha1","lastUpdatedTime":"2024-10-21T12:26:60Z","imageRef":"r"}"#,
        br#"{"kind":"ImagePulledRecord","apiVersion":"kubelet.config.k8s.io/v1alpha1","lastUpdatedTime":"2024-10-21T12:26:40","imageRef":"r"}"#,
        br#"{"kind":"ImagePulledRecord","apiVersion":"kubelet.config.k8s.io/v1alpha1","lastUpdatedTime":"2024-10-21T12:26:40+24:00","imageRef":"r"}"#,
        b"",
        b"\xff\xfe",
        b"{\"kind\":",
        b"[]",
    ];
    for bytes in bad {
        let err = ImagePulledRecord::from_json(bytes).unwrap_err();
        assert_eq!(
            err.kind(),
            VerifyErrorKind::InvalidRecord,
            "{}",
            String::from_utf8_lossy(bytes)
        );
    }
    let huge = vec![b' '; kubepull::verify::MAX_RECORD_BYTES + 1];
    assert_eq!(
        ImagePulledRecord::from_json(&huge).unwrap_err().kind(),
        VerifyErrorKind::RecordTooLarge
    );
}

#[test]
fn lookups_like_the_file_accessor() {
    use kubepull::verify::{RecordLookup, lookup_pulled_record, pull_intent_exists};
    let record = ImagePulledRecord::new("ref", "2024-10-21T12:26:40Z");
    let json = record.to_json();
    assert_eq!(lookup_pulled_record("ref", None), RecordLookup::Absent);
    assert_eq!(
        lookup_pulled_record("ref", Some(json.as_bytes())),
        RecordLookup::Present(record.clone())
    );
    assert_eq!(
        lookup_pulled_record("other", Some(json.as_bytes())),
        RecordLookup::Absent
    );
    let invalid = lookup_pulled_record("ref", Some(b"{"));
    assert!(matches!(invalid, RecordLookup::Invalid(_)));
    assert_eq!(invalid.state(), PulledRecordState::AccessError);
    // A corrupt record means "must pull" even under NeverVerify.
    let never = CredentialPolicy::new(VerificationPolicy::NeverVerify, []).unwrap();
    let verdict = must_attempt_image_pull(
        &never,
        VerifyOptions::default(),
        "nginx",
        "ref",
        invalid.state(),
        false,
        || Ok::<_, ()>(PodCredentials::default()),
    )
    .unwrap();
    assert!(verdict.must_pull);
    let intent = ImagePullIntent::new("nginx").to_json();
    assert_eq!(
        pull_intent_exists("nginx", Some(intent.as_bytes())),
        Ok(true)
    );
    assert_eq!(
        pull_intent_exists("nginx:1", Some(intent.as_bytes())),
        Ok(false)
    );
    assert_eq!(pull_intent_exists("nginx", None), Ok(false));
    assert!(pull_intent_exists("nginx", Some(b"null")).is_err());
}

#[test]
fn merge_rules() {
    let now = "2024-01-01T00:00:00Z";
    let mut r = ImagePulledRecord::new("ref", "2000-01-01T00:00:00Z");
    assert!(!r.merge_credentials("x", None, now));
    assert!(!r.merge_credentials("x", Some(&ImagePullCredentials::default()), now));
    assert_eq!(r.last_updated_time.as_deref(), Some("2000-01-01T00:00:00Z"));
    // Preloaded first, then preloaded again: no change; then a secret clears preloaded.
    assert!(r.merge_credentials("x", Some(&ImagePullCredentials::preloaded()), now));
    assert!(!r.merge_credentials("x", Some(&ImagePullCredentials::preloaded()), "later"));
    let b = ImagePullSecret::new("u", "ns", "b", "h1");
    let a = ImagePullSecret::new("u", "ns", "a", "h2");
    assert!(r.merge_credentials("x", Some(&ImagePullCredentials::secret(b.clone())), now));
    assert!(r.merge_credentials("x", Some(&ImagePullCredentials::secret(a.clone())), now));
    let creds = &r.credential_mapping["x"];
    assert!(!creds.preloaded);
    assert_eq!(
        creds.kubernetes_secrets,
        [a.clone(), b.clone()],
        "sorted by namespace, name, uid"
    );
    // Same secret again: no change; new hash for the same coordinates replaces the old one.
    assert!(!r.merge_credentials("x", Some(&ImagePullCredentials::secret(a.clone())), "later"));
    let rotated = ImagePullSecret::new("u", "ns", "a", "h3");
    assert!(r.merge_credentials(
        "x",
        Some(&ImagePullCredentials::secret(rotated.clone())),
        now
    ));
    assert_eq!(r.credential_mapping["x"].kubernetes_secrets, [rotated, b]);
    // A preloaded observation of a kubelet-pulled image still counts as a change (clears
    // nothing, but Kubernetes rewrites the record).
    assert!(r.merge_credentials("x", Some(&ImagePullCredentials::preloaded()), "t2"));
    assert_eq!(r.last_updated_time.as_deref(), Some("t2"));
    // nodePodsAccessible replaces everything and then absorbs everything.
    assert!(r.merge_credentials(
        "x",
        Some(&ImagePullCredentials::node_pods_accessible()),
        now
    ));
    assert_eq!(
        r.credential_mapping["x"],
        ImagePullCredentials::node_pods_accessible()
    );
    assert!(!r.merge_credentials("x", Some(&ImagePullCredentials::secret(a)), now));
    // Service accounts: union, dedup, sorted.
    let sa = |ns: &str| ImagePullServiceAccount::new("u", ns, "sa");
    assert!(r.merge_credentials(
        "y",
        Some(&ImagePullCredentials::service_account(sa("b"))),
        now
    ));
    assert!(r.merge_credentials(
        "y",
        Some(&ImagePullCredentials::service_account(sa("a"))),
        now
    ));
    assert!(!r.merge_credentials(
        "y",
        Some(&ImagePullCredentials::service_account(sa("a"))),
        now
    ));
    assert_eq!(
        r.credential_mapping["y"].kubernetes_service_accounts,
        [sa("a"), sa("b")]
    );
}

// ---- §8.18 rows 181–182: credential hashes ----

#[test]
fn credential_hash_vectors() {
    for row in rows("hashes.jsonl") {
        let hash = credential_hash(
            s(&row, "username"),
            &Secret::new(s(&row, "password")),
            s(&row, "email"),
        );
        assert_eq!(hash, s(&row, "hash"), "row {}", row["row"]);
    }
    let full = AuthConfig {
        username: "u".into(),
        server_address: "https://index.docker.io/v1/".into(),
        identity_token: Secret::new("t"),
        ..AuthConfig::default()
    };
    // sha256 of {"username":"u","serveraddress":"https://index.docker.io/v1/","identitytoken":"t"}
    assert_ne!(
        full.credential_hash(),
        credential_hash("u", &Secret::new(""), "")
    );
    assert_eq!(full.credential_hash().len(), 64);
}

#[test]
fn secrets_never_printed() {
    let config = AuthConfig {
        username: "u".into(),
        password: Secret::new("hunter2"),
        ..AuthConfig::default()
    };
    let printed = format!("{config:?}");
    assert!(!printed.contains("hunter2"), "{printed}");
}

// ---- §2.7 / §8.14 must-pull ----

fn secret(v: &Value) -> ImagePullSecret {
    ImagePullSecret::new(
        s(v, "uid"),
        s(v, "namespace"),
        s(v, "name"),
        s(v, "credentialHash"),
    )
}

fn account(v: &Value) -> Option<ImagePullServiceAccount> {
    v.as_object()
        .map(|_| ImagePullServiceAccount::new(s(v, "uid"), s(v, "namespace"), s(v, "name")))
}

fn assert_must_pull(row: &Value) {
    let ctx = format!("row {}", row["row"]);
    let policy: VerificationPolicy = s(row, "policy").parse().unwrap();
    let policy = CredentialPolicy::new(policy, strings(&row["allowlist"])).unwrap();
    let options = match s(row, "options") {
        "hardened" => VerifyOptions::hardened(),
        "preloaded-flag-revision" => VerifyOptions::preloaded_flag_revision(),
        _ => VerifyOptions::default(),
    };
    let parsed;
    let record = match &row["record"] {
        Value::Null => PulledRecordState::Absent,
        Value::String(t) if t == "unreadable" => PulledRecordState::Unreadable,
        Value::String(t) if t == "access-error" => PulledRecordState::AccessError,
        Value::String(json) => {
            parsed = ImagePulledRecord::from_json(json.as_bytes()).unwrap();
            PulledRecordState::Present(&parsed)
        }
        other => panic!("{other}"),
    };
    let pod = PodCredentials {
        secrets: row["pod_secrets"]
            .as_array()
            .unwrap()
            .iter()
            .map(secret)
            .collect(),
        service_account: account(&row["pod_service_account"]),
    };
    let mut calls = 0;
    let verdict = must_attempt_image_pull(
        &policy,
        options,
        s(row, "image"),
        s(row, "image_ref"),
        record,
        row["intent"].as_bool().unwrap(),
        || {
            calls += 1;
            Ok::<_, String>(pod.clone())
        },
    )
    .unwrap();
    assert!(calls <= 1, "{ctx}: credentials fetched {calls} times");
    assert_eq!(
        verdict.must_pull,
        row["must_pull"].as_bool().unwrap(),
        "{ctx}: {verdict:?}"
    );
    assert_eq!(format!("{:?}", verdict.reason), s(row, "reason"), "{ctx}");
    let want_update = match &row["record_update"] {
        Value::Null => None,
        v => Some(ImagePullCredentials {
            kubernetes_secrets: v["kubernetesSecrets"]
                .as_array()
                .map(|a| a.iter().map(secret).collect())
                .unwrap_or_default(),
            preloaded: v["preloaded"].as_bool().unwrap_or(false),
            ..Default::default()
        }),
    };
    assert_eq!(verdict.record_update, want_update, "{ctx}");
}

#[test]
fn must_attempt_image_pull_vectors() {
    rows("must_pull.jsonl").iter().for_each(assert_must_pull);
}

/// `image_pull_manager_test.go` `TestFileBasedImagePullManager_MustAttemptImagePull`,
/// Kubernetes v1.36, every row, with the default [`VerifyOptions`]. A record or intent file is
/// found when it is named for the key looked up, as in the upstream test's directories. The
/// cache-write column counts credential writes to the pulled record; v1.36 keeps images it
/// saw but did not pull in a separate preloaded record, which this crate does not model (an
/// exemption's `preloaded` update is not counted).
#[test]
fn upstream_must_attempt_image_pull_table() {
    use kubepull::verify::{lookup_pulled_record, pull_intent_exists};
    for row in rows("upstream_must_attempt.jsonl") {
        let ctx = s(&row, "name");
        let policy: VerificationPolicy = s(&row, "imagePullPolicy").parse().unwrap();
        let policy = CredentialPolicy::new(policy, []).unwrap();
        let image = s(&row, "image");
        let image_ref = s(&row, "imageRef");
        let pulled = row["pulledFile"]
            .as_str()
            .map(str::as_bytes)
            .filter(|bytes| {
                ImagePulledRecord::from_json(bytes).unwrap().file_name()
                    == record_file_name(image_ref)
            });
        let lookup = lookup_pulled_record(image_ref, pulled);
        let pulling = row["pullingFile"]
            .as_str()
            .map(str::as_bytes)
            .filter(|bytes| {
                ImagePullIntent::from_json(bytes).unwrap().file_name() == record_file_name(image)
            });
        let intent = pull_intent_exists(image, pulling).unwrap();
        let pod = PodCredentials {
            secrets: row["podSecrets"]
                .as_array()
                .unwrap()
                .iter()
                .map(secret)
                .collect(),
            service_account: account(&row["podServiceAccount"]),
        };
        let mut requested = false;
        let verdict = must_attempt_image_pull(
            &policy,
            VerifyOptions::default(),
            image,
            image_ref,
            lookup.state(),
            intent,
            || {
                requested = true;
                Ok::<_, String>(pod)
            },
        )
        .unwrap();
        assert_eq!(
            verdict.must_pull,
            row["want"].as_bool().unwrap(),
            "{ctx}: {verdict:?}"
        );
        assert_eq!(
            requested,
            row["wantPodCredsRequested"].as_bool().unwrap(),
            "{ctx}"
        );
        // The kubelet merges the update into the record and writes only on a change.
        let credential_write = match (&verdict.record_update, &lookup) {
            (Some(update), kubepull::verify::RecordLookup::Present(record))
                if !update.preloaded =>
            {
                let name = verdict.image_name.as_deref().unwrap();
                record
                    .clone()
                    .merge_credentials(name, Some(update), "2026-01-01T00:00:00Z")
            }
            (Some(update), _) => !update.preloaded,
            (None, _) => false,
        };
        assert_eq!(
            credential_write,
            row["expectedCacheWrite"].as_bool().unwrap(),
            "{ctx}: {verdict:?}"
        );
    }
}

#[test]
fn credential_errors_are_returned_only_when_needed() {
    let record = ImagePulledRecord::from_json(
        br#"{"kind":"ImagePulledRecord","apiVersion":"kubelet.config.k8s.io/v1alpha1","lastUpdatedTime":"2024-10-21T12:26:40Z","imageRef":"ref","credentialMapping":{"docker.io/testing/test":{"kubernetesSecrets":[{"uid":"a","namespace":"b","name":"c","credentialHash":"d"}]}}}"#,
    )
    .unwrap();
    let policy = CredentialPolicy::default();
    let failing = || Err::<PodCredentials, _>("malformed secret");
    let result = must_attempt_image_pull(
        &policy,
        VerifyOptions::default(),
        "docker.io/testing/test:1",
        "ref",
        PulledRecordState::Present(&record),
        false,
        failing,
    );
    assert_eq!(result, Err("malformed secret"));
    // Not consulted when the policy exempts the image.
    let never = CredentialPolicy::new(VerificationPolicy::NeverVerify, []).unwrap();
    let result = must_attempt_image_pull(
        &never,
        VerifyOptions::default(),
        "docker.io/testing/test:1",
        "ref",
        PulledRecordState::Present(&record),
        false,
        failing,
    );
    assert!(!result.unwrap().must_pull);
}

#[test]
fn verdict_feeds_the_kubelet_decision() {
    use kubepull::policy::{Action, Presence, PullPolicy, Verification, decide};
    let hidden = decide(
        "docker.io/testing/test:latest",
        PullPolicy::Never,
        &Presence::Present,
        &Verification::from(true),
    );
    assert_eq!(hidden.action(), Action::Fail);
    assert_eq!(hidden.error().unwrap().kind().as_str(), "ErrImageNeverPull");
    let ok = decide(
        "docker.io/testing/test:latest",
        PullPolicy::Never,
        &Presence::Present,
        &Verification::from(false),
    );
    assert_eq!(ok.action(), Action::UseLocal);
}

// ---- §2.6 what is recorded, and the §2.8 scenario end to end ----

#[test]
fn pulled_with_maps_to_recorded_credentials() {
    use kubepull::verify::PulledWith;
    assert_eq!(
        ImagePullCredentials::from(PulledWith::Anonymous),
        ImagePullCredentials::node_pods_accessible()
    );
    assert_eq!(
        ImagePullCredentials::from(PulledWith::NodeCredential),
        ImagePullCredentials::node_pods_accessible()
    );
    let secret = ImagePullSecret::new("u", "ns", "s", "h");
    assert_eq!(
        ImagePullCredentials::from(PulledWith::Secret(secret.clone())),
        ImagePullCredentials::secret(secret)
    );
    let sa = ImagePullServiceAccount::new("u", "ns", "sa");
    assert_eq!(
        ImagePullCredentials::from(PulledWith::ServiceAccount(sa.clone())),
        ImagePullCredentials::service_account(sa)
    );
}

#[test]
fn record_image_pulled_creates_merges_and_rejects() {
    use kubepull::verify::record_image_pulled;
    let creds = ImagePullCredentials::secret(ImagePullSecret::new("u", "ns", "s", "h"));
    // Unknown circumstances: a record with an empty mapping.
    let empty = record_image_pulled(None, "nginx", "ref", None, "t0")
        .unwrap()
        .unwrap();
    assert!(empty.credential_mapping.is_empty());
    assert_eq!(
        record_image_pulled(Some(&empty), "nginx", "ref", None, "t1").unwrap(),
        None
    );
    let merged = record_image_pulled(Some(&empty), "nginx:1", "ref", Some(&creds), "t1")
        .unwrap()
        .unwrap();
    // Keyed by the name as written (Kubernetes v1.36 `trimImageTagDigest`).
    assert_eq!(merged.credential_mapping["nginx"], creds);
    assert_eq!(merged.last_updated_time.as_deref(), Some("t1"));
    assert_eq!(
        record_image_pulled(Some(&merged), "nginx:2", "ref", Some(&creds), "t2").unwrap(),
        None
    );
    // image_pull_manager_test.go (Kubernetes v1.36) keys these records `testing` and
    // `secretorg/myimage`.
    for (image, key) in [
        (
            "testing@sha256:38a8906435c4dd5f4258899d46621bfd8eea3ad6ff494ee3c2f17ef0321625bd",
            "testing",
        ),
        ("secretorg/myimage:customtag", "secretorg/myimage"),
    ] {
        let record = record_image_pulled(None, image, "ref", Some(&creds), "t0")
            .unwrap()
            .unwrap();
        assert_eq!(
            record.credential_mapping.keys().collect::<Vec<_>>(),
            [key],
            "{image}"
        );
    }
    let err = record_image_pulled(None, "bad image", "ref", Some(&creds), "t").unwrap_err();
    assert_eq!(err.kind(), VerifyErrorKind::InvalidImageName);
    assert_eq!(
        err.to_string(),
        r#"invalid image name "bad image": couldn't parse image name "bad image": invalid reference format"#
    );
}

#[test]
fn intents_reconcile_against_runtime_tags_and_digests() {
    use kubepull::verify::{ReconciledIntent, RuntimeImage, reconcile_intents};
    let intents = [
        ImagePullIntent::new("docker.io/testing/test:latest"),
        ImagePullIntent::new(
            "quay.io/x@sha256:38a8906435c4dd5f4258899d46621bfd8eea3ad6ff494ee3c2f17ef0321625bd",
        ),
        ImagePullIntent::new("nginx"),
    ];
    let images = [
        RuntimeImage {
            id: "sha256:1".into(),
            repo_tags: vec!["docker.io/testing/test:latest".into()],
            repo_digests: vec![],
        },
        RuntimeImage {
            id: "sha256:2".into(),
            repo_tags: vec![],
            repo_digests: vec![
                "quay.io/x@sha256:38a8906435c4dd5f4258899d46621bfd8eea3ad6ff494ee3c2f17ef0321625bd"
                    .into(),
            ],
        },
        // The runtime lists the normalised name; the intent's short name does not match.
        RuntimeImage {
            id: "sha256:3".into(),
            repo_tags: vec!["docker.io/library/nginx:latest".into()],
            repo_digests: vec![],
        },
    ];
    let got = reconcile_intents(&intents, &images);
    let want = [
        ReconciledIntent {
            image: "docker.io/testing/test:latest".into(),
            image_ref: "sha256:1".into(),
        },
        ReconciledIntent {
            image: intents[1].image.clone(),
            image_ref: "sha256:2".into(),
        },
    ];
    assert_eq!(got, want);
}

/// §2.8: tenant A pulls a private image with its secret; tenant B, on the same node, must pull
/// it again (and fails under `Never`); an anonymous pull opens it to everyone.
#[test]
fn tenants_scenario() {
    use kubepull::policy::{Action, Presence, PullPolicy, Verification, decide};
    use kubepull::verify::{PulledWith, record_image_pulled};
    let image = "registry.example/private/app:1";
    let image_ref = "sha256:feed";
    let policy = CredentialPolicy::default();
    let hash = credential_hash("tenant-a", &Secret::new("pw"), "");
    let a_secret = ImagePullSecret::new("uid-a", "tenant-a", "regcred", &hash);
    let a = PodCredentials {
        secrets: vec![a_secret.clone()],
        service_account: None,
    };
    let b = PodCredentials {
        secrets: vec![ImagePullSecret::new(
            "uid-b",
            "tenant-b",
            "regcred",
            &credential_hash("tenant-b", &Secret::new("pw"), ""),
        )],
        service_account: None,
    };
    let verdict = |record: Option<&ImagePulledRecord>, pod: &PodCredentials, intent: bool| {
        let state = record.map_or(PulledRecordState::Absent, PulledRecordState::Present);
        must_attempt_image_pull(
            &policy,
            VerifyOptions::default(),
            image,
            image_ref,
            state,
            intent,
            || Ok::<_, String>(pod.clone()),
        )
        .unwrap()
    };
    // A pulls: intent written, pull succeeds with A's secret, record written.
    let record = record_image_pulled(
        None,
        image,
        image_ref,
        Some(&PulledWith::Secret(a_secret).into()),
        "2026-01-01T00:00:00Z",
    )
    .unwrap()
    .unwrap();
    assert!(!verdict(Some(&record), &a, false).must_pull);
    let for_b = verdict(Some(&record), &b, false);
    assert!(for_b.must_pull);
    let d = decide(
        image,
        PullPolicy::Never,
        &Presence::Present,
        &Verification::from(for_b.must_pull),
    );
    assert_eq!(
        d.error().unwrap().to_string(),
        format!("Container image \"{image}\" is not present with pull policy of Never")
    );
    let d = decide(
        image,
        PullPolicy::IfNotPresent,
        &Presence::Present,
        &Verification::from(for_b.must_pull),
    );
    assert_eq!(d.action(), Action::Pull);
    // Someone pulls it anonymously: now every pod may use it.
    let open = record_image_pulled(
        Some(&record),
        image,
        image_ref,
        Some(&PulledWith::Anonymous.into()),
        "2026-01-02T00:00:00Z",
    )
    .unwrap()
    .unwrap();
    assert!(!verdict(Some(&open), &b, false).must_pull);
    assert!(!verdict(Some(&open), &PodCredentials::default(), false).must_pull);
}

/// Every combination of `MustAttemptImagePull`'s inputs (policy, image validity, record shape,
/// intent, pod credentials, hardening), answered by an independent reading of spec §2.7
/// (`tests/data/policy/gen_must_pull_table.py`).
#[test]
fn must_attempt_image_pull_is_total() {
    let dir = format!("{}/tests/data/policy", env!("CARGO_MANIFEST_DIR"));
    let fixtures: Value = serde_json::from_str(
        &std::fs::read_to_string(format!("{dir}/must_pull_table.fixtures.json")).unwrap(),
    )
    .unwrap();
    let table = std::fs::read_to_string(format!("{dir}/must_pull_table.jsonl")).unwrap();
    let mut count = 0;
    for line in table
        .lines()
        .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
    {
        let row: Vec<Value> = serde_json::from_str(line).unwrap();
        let [
            policy_key,
            valid,
            record_key,
            intent,
            pod_key,
            options,
            must,
            reason,
            update,
        ] = &row[..]
        else {
            panic!("bad row {line}");
        };
        let policy = &fixtures["policies"][policy_key.as_str().unwrap()];
        let pod = &fixtures["pods"][pod_key.as_str().unwrap()];
        let case = serde_json::json!({
            "row": line,
            "policy": policy["policy"],
            "allowlist": policy["allowlist"],
            "image": if valid.as_bool().unwrap() { "docker.io/testing/test:latest" } else { "Not/Valid:Name" },
            "image_ref": "ref",
            "record": fixtures["records"][record_key.as_str().unwrap()],
            "intent": intent,
            "pod_secrets": pod["secrets"],
            "pod_service_account": pod["service_account"],
            "options": options,
            "must_pull": must,
            "reason": reason,
            "record_update": update,
        });
        assert_must_pull(&case);
        count += 1;
    }
    // 5 policies x 2 images x 10 records x 2 intents x 4 pods, plus the preloaded-flag
    // revision on the empty-mapping record and hardening on the other-image record.
    assert_eq!(count, 5 * 2 * 10 * 2 * 4 + 2 * (5 * 2 * 2 * 4));
}

/// With feature `serde`, the value types serialise in the on-disk shape (without `kind` and
/// `apiVersion`).
#[cfg(feature = "serde")]
#[test]
fn serde_shape_matches_the_file_shape() {
    let mut record = ImagePulledRecord::new("ref", "2024-10-21T12:26:40Z");
    record.merge_credentials(
        "a",
        Some(&ImagePullCredentials::node_pods_accessible()),
        "2024-10-21T12:26:40Z",
    );
    record.merge_credentials(
        "b",
        Some(&ImagePullCredentials::secret(ImagePullSecret::new(
            "u", "n", "s", "h",
        ))),
        "2024-10-21T12:26:40Z",
    );
    let mut file: Value = serde_json::from_str(&record.to_json()).unwrap();
    file.as_object_mut().unwrap().remove("kind");
    file.as_object_mut().unwrap().remove("apiVersion");
    assert_eq!(serde_json::to_value(&record).unwrap(), file);
    let back: ImagePulledRecord = serde_json::from_value(file).unwrap();
    assert_eq!(back, record);
    assert_eq!(
        serde_json::to_string(&VerificationPolicy::AlwaysVerify).unwrap(),
        r#""AlwaysVerify""#
    );
    let p: AllowlistPattern = serde_json::from_str(r#""quay.io/*""#).unwrap();
    assert_eq!(p, AllowlistPattern::Prefix("quay.io/".into()));
    assert!(serde_json::from_str::<AllowlistPattern>(r#""*""#).is_err());
}

#[test]
fn prune_unknown_records_by_time_and_use() {
    use kubepull::verify::prune_unknown_records;
    let at = |image_ref: &str, time: Option<&str>| ImagePulledRecord {
        last_updated_time: time.map(str::to_owned),
        image_ref: image_ref.to_owned(),
        credential_mapping: Default::default(),
    };
    let records = [
        at("null-time", None),
        at("just-before", Some("2026-03-01T11:59:59.999999999Z")),
        at("exactly-until", Some("2026-03-01T12:00:00Z")),
        at("same-instant-other-zone", Some("2026-03-01T13:00:00+01:00")),
        at("earlier-other-zone", Some("2026-03-01T12:30:00+01:00")),
        at("leap-day", Some("2024-02-29T00:00:00Z")),
        at("in-use", Some("2000-01-01T00:00:00Z")),
    ];
    let gone = prune_unknown_records(&records, &["in-use"], "2026-03-01T12:00:00Z").unwrap();
    assert_eq!(
        gone,
        ["null-time", "just-before", "earlier-other-zone", "leap-day"]
    );
    let err = prune_unknown_records(&records, &[], "yesterday").unwrap_err();
    assert_eq!(err.kind(), VerifyErrorKind::InvalidRecord);
}
