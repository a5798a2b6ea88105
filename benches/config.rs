//! Parsing a large `config.json` (1,000 entries, a mix of `auth` and username/password
//! entries) in bytes per second, next to `serde_json::from_slice::<serde_json::Value>` on the
//! same bytes: the floor for any JSON-based reader. Also the legacy format, the lint, and
//! `auth` decoding alone.

#![allow(missing_docs)] // criterion_group! generates undocumented items

use std::hint::black_box;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use kubepull::config::{AuthEntry, DockerConfig, decode_auth, lint_config_json};

const ENTRIES: usize = 1_000;

fn large_config() -> DockerConfig {
    (0..ENTRIES)
        .map(|i| {
            let key = match i % 4 {
                0 => format!("registry-{i}.example.com"),
                1 => format!("https://*.registry-{i}.example.io/v1/"),
                2 => format!("{i}.dkr.ecr.us-west-2.amazonaws.com"),
                _ => format!("quay.io/org-{i}/"),
            };
            let mut entry =
                AuthEntry::new(format!("user-{i}"), format!("p@ss-{i}-{}", "x".repeat(24)));
            entry.email = format!("user-{i}@example.com");
            (key, entry)
        })
        .collect()
}

fn parse(c: &mut Criterion) {
    let config = large_config();
    let json = config.to_config_json();
    let json = json.expose_secret().as_bytes();
    let legacy = config.to_dockercfg();
    let legacy = legacy.expose_secret().as_bytes();

    let mut group = c.benchmark_group("config_1000_entries");
    group.throughput(Throughput::Bytes(json.len() as u64));
    group.bench_function("kubepull_config_json", |b| {
        b.iter(|| DockerConfig::from_config_json(black_box(json)).map(|c| c.len()))
    });
    group.bench_function("serde_json_value", |b| {
        b.iter(|| {
            serde_json::from_slice::<serde_json::Value>(black_box(json)).map(|v| v.is_object())
        })
    });
    group.bench_function("kubepull_lint", |b| {
        b.iter(|| lint_config_json(black_box(json)).len())
    });
    group.finish();

    let mut group = c.benchmark_group("dockercfg_1000_entries");
    group.throughput(Throughput::Bytes(legacy.len() as u64));
    group.bench_function("kubepull_dockercfg", |b| {
        b.iter(|| DockerConfig::from_dockercfg(black_box(legacy)).map(|c| c.len()))
    });
    group.finish();

    let auth = "dXNlci0xMjM6cEBzcy0xMjMteHh4eHh4eHh4eHh4eHh4eHh4eHh4eHh4";
    let mut group = c.benchmark_group("auth");
    group.throughput(Throughput::Bytes(auth.len() as u64));
    group.bench_function("decode_auth", |b| {
        b.iter(|| decode_auth(black_box(auth)).is_ok())
    });
    group.finish();
}

criterion_group!(benches, parse);
criterion_main!(benches);
