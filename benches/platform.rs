//! Platform benches: specifier parsing, matching, and selection on a large index.
//!
//! `cargo bench --bench platform -- --warm-up-time 1 --measurement-time 3`
#![allow(missing_docs)] // criterion_group! generates undocumented items

use std::hint::black_box;

use criterion::{Criterion, criterion_group, criterion_main};
use kubepull::platform::{Descriptor, ImageIndex, Matcher, Platform, media_type};

const ARCHES: &[(&str, &str)] = &[
    ("amd64", ""),
    ("arm64", "v8"),
    ("arm", "v7"),
    ("arm", "v6"),
    ("ppc64le", ""),
    ("s390x", ""),
    ("386", ""),
    ("riscv64", ""),
    ("mips64le", ""),
    ("amd64", "v3"),
];

/// `n` descriptors over many OS/arch/variant/version combinations, with the ones a linux/arm64
/// host wants placed at the end (the worst case for a scan).
fn large_index(n: usize) -> ImageIndex {
    let mut manifests = Vec::with_capacity(n);
    for i in 0..n - 2 {
        let (arch, variant) = ARCHES[i % ARCHES.len()];
        let os = if i % 3 == 0 { "windows" } else { "freebsd" };
        let mut platform = Platform::new(os, arch).with_variant(variant);
        if os == "windows" {
            platform = platform.with_os_version(format!("10.0.{}.{}", 17763 + i % 3000, i));
        }
        manifests.push(Descriptor {
            media_type: media_type::OCI_MANIFEST.to_owned(),
            size: 1000 + i as i64,
            digest: format!("sha256:{i:064x}"),
            platform: Some(platform),
            ..Descriptor::default()
        });
    }
    for (i, platform) in [
        Platform::new("linux", "arm").with_variant("v7"),
        Platform::new("linux", "arm64").with_variant("v8"),
    ]
    .into_iter()
    .enumerate()
    {
        manifests.push(Descriptor {
            media_type: media_type::OCI_MANIFEST.to_owned(),
            size: 1,
            digest: format!("sha256:{:064x}", n + i),
            platform: Some(platform),
            ..Descriptor::default()
        });
    }
    ImageIndex::from_descriptors(manifests)
}

fn specifiers(c: &mut Criterion) {
    let host = Platform::new("linux", "amd64");
    let inputs = [
        "linux/amd64",
        "linux/arm64/v8",
        "Linux/x86_64",
        "windows(10.0.17763+win32k)/amd64",
        "armhf",
    ];
    c.bench_function("platform/parse 5 specifiers", |b| {
        b.iter(|| {
            for input in inputs {
                black_box(Platform::parse(black_box(input), &host).unwrap());
            }
        });
    });
    let p: Platform = "windows(10.0.17763+win32k)/amd64".parse().unwrap();
    c.bench_function("platform/display", |b| {
        b.iter(|| black_box(black_box(&p).to_string()))
    });
    let m = Matcher::only(&"linux/arm64/v9.4".parse().unwrap());
    let candidate: Platform = "linux/arm/v6".parse().unwrap();
    c.bench_function("platform/only(arm64 v9.4).matches(arm/v6)", |b| {
        b.iter(|| black_box(m.matches(black_box(&candidate))))
    });
}

fn selection(c: &mut Criterion) {
    let index = large_index(1000);
    let json = index.to_json();
    let arm64 = Matcher::only(&"linux/arm64".parse().unwrap());
    let strict = Matcher::only_strict(&"linux/arm64".parse().unwrap());
    let windows = Matcher::only(&"windows(10.0.20348)/amd64".parse().unwrap());
    assert_eq!(index.select(&arm64).unwrap().size, 1);
    c.bench_function("index/select only(linux/arm64), 1000 descriptors", |b| {
        b.iter(|| black_box(index.select(black_box(&arm64))))
    });
    c.bench_function(
        "index/select only_strict(linux/arm64), 1000 descriptors",
        |b| b.iter(|| black_box(index.select(black_box(&strict)))),
    );
    c.bench_function("index/select only(windows 20348), 1000 descriptors", |b| {
        b.iter(|| black_box(index.select(black_box(&windows))))
    });
    c.bench_function(
        "index/candidates only(linux/arm64), 1000 descriptors",
        |b| b.iter(|| black_box(index.candidates(black_box(&arm64)))),
    );
    c.bench_function(
        &format!("index/parse 1000 descriptors ({} KiB)", json.len() / 1024),
        |b| b.iter(|| black_box(ImageIndex::parse(black_box(json.as_bytes())).unwrap())),
    );
    c.bench_function("index/to_json_pretty 1000 descriptors", |b| {
        b.iter(|| black_box(index.to_json_pretty()))
    });
}

criterion_group!(benches, specifiers, selection);
criterion_main!(benches);
