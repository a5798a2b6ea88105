//! Reference parsing over the shared 10,000-line corpus (`tests/data/reference/`), per
//! iteration of the whole corpus: kubepull's owned parse, its borrowed validation, and
//! oci-spec 0.10's `Reference::from_str` measured in the same process for the ratio.

#![allow(missing_docs)] // criterion_group! generates undocumented items

use std::hint::black_box;
use std::str::FromStr;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use kubepull::Reference;
use kubepull::reference::{ParseOptions, ReferenceView};

fn corpus() -> Vec<String> {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/data/reference/references.corpus.txt"
    );
    std::fs::read_to_string(path)
        .expect("corpus")
        .lines()
        .map(str::to_owned)
        .collect()
}

fn parse_corpus(c: &mut Criterion) {
    let lines = corpus();
    let bytes: usize = lines.iter().map(String::len).sum();
    let mut group = c.benchmark_group("reference_corpus");
    // Elements = references, so criterion's "elem/s" reads as references per second; the
    // README divides the iteration time by 10,000 for ns per reference.
    group.throughput(Throughput::Bytes(bytes as u64));
    group.bench_function("kubepull_parse", |b| {
        b.iter(|| {
            let mut ok = 0usize;
            for line in &lines {
                ok += Reference::parse(black_box(line)).is_ok() as usize;
            }
            ok
        })
    });
    group.bench_function("kubepull_view", |b| {
        b.iter(|| {
            let mut ok = 0usize;
            for line in &lines {
                ok += ReferenceView::parse(black_box(line)).is_ok() as usize;
            }
            ok
        })
    });
    group.bench_function("kubepull_parse_legacy", |b| {
        b.iter(|| {
            let mut ok = 0usize;
            for line in &lines {
                ok += Reference::parse_with(black_box(line), ParseOptions::LEGACY).is_ok() as usize;
            }
            ok
        })
    });
    group.bench_function("oci_spec_0_10", |b| {
        b.iter(|| {
            let mut ok = 0usize;
            for line in &lines {
                ok += oci_spec::distribution::Reference::from_str(black_box(line)).is_ok() as usize;
            }
            ok
        })
    });
    group.finish();
}

criterion_group!(benches, parse_corpus);
criterion_main!(benches);
