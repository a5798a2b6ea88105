//! Pull-policy and verification hot paths: defaulting and deciding per container, and the
//! KEP-2535 check per container start.
// criterion_group! generates an undocumented public function.
#![allow(missing_docs)]

use std::hint::black_box;

use criterion::{Criterion, criterion_group, criterion_main};
use kubepull::Secret;
use kubepull::policy::{Presence, PullPolicy, Verification, decide, default_pull_policy};
use kubepull::verify::{
    CredentialPolicy, ImagePullCredentials, ImagePullSecret, ImagePulledRecord, PodCredentials,
    PulledRecordState, VerificationPolicy, VerifyOptions, credential_hash, must_attempt_image_pull,
};

const IMAGES: [&str; 4] = [
    "nginx",
    "registry.k8s.io/pause:3.10",
    "docker.io/library/busybox@sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
    "localhost:5000/team/app:latest",
];

fn policy(c: &mut Criterion) {
    c.bench_function("default_pull_policy (4 images)", |b| {
        b.iter(|| IMAGES.map(|i| default_pull_policy(black_box(i))))
    });
    c.bench_function("decide IfNotPresent present (4 images)", |b| {
        b.iter(|| {
            IMAGES.map(|i| {
                decide(
                    black_box(i),
                    PullPolicy::IfNotPresent,
                    &Presence::Present,
                    &Verification::Disabled,
                )
            })
        })
    });
}

fn verify(c: &mut Criterion) {
    let mut record = ImagePulledRecord::new("sha256:feed", "2026-01-01T00:00:00Z");
    for i in 0..20 {
        let secret =
            ImagePullSecret::new(&format!("uid{i}"), "ns", &format!("s{i}"), &format!("h{i}"));
        record.merge_credentials(
            "docker.io/team/app",
            Some(&ImagePullCredentials::secret(secret)),
            "t",
        );
    }
    let pod = PodCredentials {
        secrets: vec![ImagePullSecret::new("uid19", "ns", "s19", "h19")],
        service_account: None,
    };
    let policy = CredentialPolicy::default();
    c.bench_function(
        "must_attempt_image_pull (20 cached secrets, last matches)",
        |b| {
            b.iter(|| {
                must_attempt_image_pull(
                    &policy,
                    VerifyOptions::default(),
                    black_box("team/app:1"),
                    "sha256:feed",
                    PulledRecordState::Present(&record),
                    false,
                    || Ok::<_, ()>(pod.clone()),
                )
            })
        },
    );
    let allow = CredentialPolicy::new(
        VerificationPolicy::NeverVerifyAllowlistedImages,
        [
            "registry.k8s.io/pause",
            "registry.k8s.io/*",
            "quay.io/team/*",
        ],
    )
    .unwrap();
    c.bench_function("allowlist requires_verification", |b| {
        b.iter(|| allow.requires_verification(black_box("registry.k8s.io/pause:3.10"), false))
    });
    let json = record.to_json();
    c.bench_function("ImagePulledRecord::from_json (20 secrets)", |b| {
        b.iter(|| ImagePulledRecord::from_json(black_box(json.as_bytes())))
    });
    let password = Secret::new("password");
    c.bench_function("credential_hash", |b| {
        b.iter(|| credential_hash(black_box("user"), &password, ""))
    });
}

criterion_group!(benches, policy, verify);
criterion_main!(benches);
