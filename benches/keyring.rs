//! Keyring benches: lookup time must stay flat as the number of keys grows (the index), and
//! building must stay linear.
//!
//! The keys are a realistic mix: exact hosts, hosts with ports, repository paths under one
//! busy host, and per-label globs (cloud-registry style).
//!
//! `keyring_lookup` looks images up by string (`lookup_str`, Go's URL parser on every image);
//! `keyring_lookup_parsed` with `Reference`s parsed beforehand (`lookup`), and
//! `keyring_matches_first` takes only the first credential of `matches`, which collects
//! nothing. All three do five lookups per iteration: divide by 5.
//!
//! # Where the time goes
//!
//! Profiled with callgrind (instruction counts stay put on a busy machine; `perf` has no
//! hardware counters in this VM), per lookup, 1,000 keys:
//!
//! | | before (issue 16) | after |
//! | --- | --- | --- |
//! | `lookup_str` | 5,730 | 3,741 |
//! | … Go `url.Parse` of the image (`Target::parse`; in `gourl.rs` the host check looks each byte up in a 22-byte list) | 2,270 | 2,279 |
//! | … index probes, three source kinds: SipHash about 190 per probe, up to 1 + labels glob probes, `isDefaultRegistryMatch` per kind even when empty, two vectors (after: one) | 3,460 | 1,462 |
//! | `lookup(&Reference)` (the name is not re-parsed: the reference grammar leaves nothing for `url.Parse` to reject or decode) | 5,730 | 1,837 |
//! | … building the target from the reference (`split_host_port` only when the domain has a `:`) | – | 356 |
//! | … probes and full match checks (keyed folded-multiply hash, about 30 per probe; only the glob suffix lengths in use are probed) | – | about 900 |
//! | … the result `Vec` (one allocation) and the walk | – | about 580 |
//! | `matches(&Reference).next()` | – | 1,470 |
//!
//! Build, per key: the same number of instructions at 1,000 and at 100,000 keys (about
//! 3,750 to add a key, 5,900 before and 5,050 after to index it: Go's URL parser twice,
//! `normalize` and `compile`, about 2,400 and 2,800), so what grew with the size was memory,
//! not work: at 100,000 keys the dozen heap blocks per key leave the caches, the sort chased
//! key pointers whenever the first 16 bytes tied (every `*.dkr.ecr.region-…` key), and each
//! credential was moved into a vector of its own. The sort now compares 32 inline bytes and
//! the credentials go into one vector per source kind, in index order. The drop of the
//! keyring is timed too (criterion drops the output inside the loop).
//!
//! callgrind's cache simulation (`--cache-sim=yes`) gives about 30 L1 data misses per key
//! in `Layer::build` at 1,000 keys and at 100,000 alike, and as many again in `free` and
//! glibc's `malloc_consolidate` when a keyring is dropped: roughly a dozen heap blocks per
//! key (key, user name, source strings, compiled host and path, bucket keys). 1,000 keys
//! (about 0.6 MB) stay in this machine's 1 MiB of L2 per core; 100,000 (about 60 MB) do not
//! even fit its 32 MiB L3, shared with the other tenants, so each of those misses goes to
//! memory. What is left to make build linear is fewer, contiguous blocks per key: hosts and
//! paths as ranges of one buffer instead of boxes of their own (`Compiled`, in
//! `pattern.rs`), bucket keys borrowed from it.

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
    criterion::criterion_group!(
        benches,
        super::lookup,
        super::lookup_parsed,
        super::build,
        super::hostile_globs
    );
}
criterion_main!(group::benches);
