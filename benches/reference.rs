//! Reference parsing over the shared 10,000-line corpus (`tests/data/reference/`), per
//! iteration of the whole corpus: kubepull's owned parse, its borrowed validation, and
//! oci-spec 0.10's `Reference::from_str` measured in the same process for the ratio.
//!
//! # Where the time goes
//!
//! Profiled with callgrind (`valgrind --tool=callgrind … --bench --profile-time 1
//! kubepull_view`, bench built with `CARGO_PROFILE_BENCH_DEBUG=line-tables-only`);
//! instruction counts, which stay put on a busy machine, per reference of the corpus
//! (47 bytes on average, 8% of the lines invalid). `perf` has no hardware counters in this VM.
//!
//! `ReferenceView::parse`, 664 instructions per reference:
//!
//! | part | instructions | share |
//! | --- | --- | --- |
//! | scanning (`scan::scan`): first segment, path, tag, digest | 457 | 69% |
//! | … of which path components (`scan::path`) | 99 | 15% |
//! | … tag (`scan::tag`) | 50 | 8% |
//! | … digest hex, eight bytes at a time (`scan::digest_hex`) | 41 | 6% |
//! | normalisation: choosing the domain, `library/`, the view | about 115 | 17% |
//! | length and digest-algorithm checks | 22 | 3% |
//! | errors (`normalized_error`: Go's choice of message, about 800 per failing line) | 64 | 10% |
//! | allocation | 0 | – |
//!
//! `Reference::parse` adds about 170: one `malloc` and one `free` (about 100, the drop is in
//! the loop) and the copies of domain, `library/` and the rest into the one buffer.
//!
//! So scanning is about 10 instructions per input byte, spread over runs that are short:
//! 5 bytes per run of one character class on average. Replacing the eight-at-a-time skips
//! with plain table loops gave 458 instead of 457, so the word skips cost nothing but win
//! nothing either on such runs (they do on the 64-digit digests). At the 7.9 instructions per
//! ns this machine runs the parser at, 35 ns per reference would mean about 275 instructions:
//! under 6 per byte all included, which calls for classifying 16 or 32 bytes at once with
//! SIMD, and that takes `unsafe` (`core::arch`) or nightly `std::simd`.

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
