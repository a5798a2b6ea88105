//! Keyring benches: lookup time must stay flat as the number of keys grows (the index), and
//! building must stay linear.
//!
//! The keys are a realistic mix: exact hosts, hosts with ports, repository paths under one
//! busy host, and per-label globs (cloud-registry style).

use std::hint::black_box;

use criterion::{BenchmarkId, Criterion, criterion_main};
use kubepull::Secret;
use kubepull::keyring::{CredentialSource, Keyring};

/// The `i`-th key of the mix.
fn key(i: usize) -> String {
    match i % 4 {
        0 => format!("https://registry{i}.example.com/v1/"),
        1 => format!("registry{i}.corp.internal:5000"),
        2 => format!("quay.io/team-{i}"),
        _ => format!("*.dkr.ecr.region-{i}.amazonaws.com"),
    }
}

/// Images that hit each kind of key (and one that misses), for a keyring of `n` keys.
fn images(n: usize) -> Vec<String> {
    let pick = |kind: usize| (n / 2 / 4) * 4 + kind;
    vec![
        format!("registry{}.example.com/app/web", pick(0)),
        format!("registry{}.corp.internal:5000/app", pick(1)),
        format!("quay.io/team-{}/app", pick(2)),
        format!("123456789012.dkr.ecr.region-{}.amazonaws.com/app", pick(3)),
        "ghcr.io/nobody/nothing".to_owned(),
    ]
}

fn keyring(n: usize) -> Keyring {
    let mut builder = Keyring::builder();
    for i in 0..n {
        let source = CredentialSource::secret("default", format!("secret-{i}"), format!("uid-{i}"));
        builder.add(&source, &key(i), "user", Secret::new("password"));
    }
    builder.build().expect("no malformed secret")
}

fn lookup(c: &mut Criterion) {
    let mut group = c.benchmark_group("keyring_lookup");
    for n in [10usize, 1000, 100_000] {
        let keyring = keyring(n);
        let images = images(n);
        for image in &images[..4] {
            assert!(!keyring.lookup_str(image).is_empty(), "{image} must hit");
        }
        // One iteration looks up all five images.
        group.bench_with_input(BenchmarkId::from_parameter(n), &images, |b, images| {
            b.iter(|| {
                for image in images {
                    black_box(keyring.lookup_str(black_box(image)));
                }
            });
        });
    }
    group.finish();
}

fn build(c: &mut Criterion) {
    let mut group = c.benchmark_group("keyring_build");
    group.sample_size(10);
    for n in [10usize, 1000, 100_000] {
        let entries: Vec<(CredentialSource, String)> = (0..n)
            .map(|i| {
                (
                    CredentialSource::secret("default", format!("secret-{i}"), format!("uid-{i}")),
                    key(i),
                )
            })
            .collect();
        group.bench_with_input(BenchmarkId::from_parameter(n), &entries, |b, entries| {
            b.iter(|| {
                let mut builder = Keyring::builder();
                for (source, key) in entries {
                    builder.add(source, key, "user", Secret::new("password"));
                }
                black_box(builder.build().expect("valid"))
            });
        });
    }
    group.finish();
}

/// Issue 14's worst case: glob keys that share one index bucket (same label count, no port,
/// no path) and whose single glob label makes Go's `filepath.Match` quadratic, against a long
/// image label. `long_label`: 180 keys `*aaa…(4,072 a)b{i}.io` (a pull secret under 1 MiB)
/// and a 3,900-byte label, 4.3 s per lookup before the label cap. `dns_label`: the costliest
/// shape under the cap, 180 keys of 2,000 `*a` chunks against a 63-byte label.
fn hostile_globs(c: &mut Criterion) {
    let mut group = c.benchmark_group("keyring_hostile_globs");
    group.sample_size(10);
    let cases = [
        (
            "long_label",
            (0..180)
                .map(|i| format!("*{}b{i}.io", "a".repeat(4072)))
                .collect::<Vec<_>>(),
            format!("{}.io/app", "a".repeat(3900)),
        ),
        (
            "dns_label",
            (0..180)
                .map(|i| format!("{}{i}.io", "*a".repeat(2000)))
                .collect::<Vec<_>>(),
            format!("{}.io/app", "a".repeat(63)),
        ),
    ];
    for (name, keys, image) in &cases {
        let mut builder = Keyring::builder();
        let source = CredentialSource::secret("default", "hostile", "uid-hostile");
        for key in keys {
            builder.add(&source, key, "user", Secret::new("password"));
        }
        let keyring = builder.build().expect("no malformed secret");
        group.bench_with_input(BenchmarkId::from_parameter(name), image, |b, image| {
            b.iter(|| black_box(keyring.lookup_str(black_box(image))));
        });
    }
    group.finish();
}

mod group {
    #![allow(missing_docs)]
    criterion::criterion_group!(benches, super::lookup, super::build, super::hostile_globs);
}
criterion_main!(group::benches);
