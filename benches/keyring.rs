//! Keyring benches: lookup time must stay flat as the number of keys grows (the index), and
//! building must stay linear.
//!
//! The keys are a realistic mix: exact hosts, hosts with ports, repository paths under one
//! busy host, and per-label globs (cloud-registry style).

use std::hint::black_box;

use criterion::{BenchmarkId, Criterion, criterion_main};
use kubepull::keyring::{CredentialSource, Keyring};
use kubepull::{Reference, Secret};

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

/// `lookup` and `matches` with references parsed beforehand (the kubelet parses the image
/// once per container, then looks it up): five lookups per iteration, as `keyring_lookup`.
fn lookup_parsed(c: &mut Criterion) {
    let mut group = c.benchmark_group("keyring_lookup_parsed");
    for n in [10usize, 1000, 100_000] {
        let keyring = keyring(n);
        let images: Vec<Reference> = images(n)
            .iter()
            .map(|image| Reference::parse(image).expect("valid"))
            .collect();
        group.bench_with_input(BenchmarkId::from_parameter(n), &images, |b, images| {
            b.iter(|| {
                for image in images {
                    black_box(keyring.lookup(black_box(image)));
                }
            });
        });
    }
    group.finish();

    // The first credential only, without collecting: a pull loop whose first try works.
    let mut group = c.benchmark_group("keyring_matches_first");
    for n in [10usize, 1000, 100_000] {
        let keyring = keyring(n);
        let images: Vec<Reference> = images(n)
            .iter()
            .map(|image| Reference::parse(image).expect("valid"))
            .collect();
        group.bench_with_input(BenchmarkId::from_parameter(n), &images, |b, images| {
            b.iter(|| {
                for image in images {
                    black_box(keyring.matches(black_box(image)).next());
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

mod group {
    #![allow(missing_docs)]
    criterion::criterion_group!(benches, super::lookup, super::lookup_parsed, super::build);
}
criterion_main!(group::benches);
