//! Credential provider benches: matching an image against a config's `matchImages`,
//! decoding a plugin response, recognising cloud hosts, cache lookups.
//!
//! `cargo bench --bench provider -- --warm-up-time 1 --measurement-time 3`
#![allow(missing_docs)] // criterion_group! generates undocumented items

use std::hint::black_box;
use std::time::{Duration, Instant};

use criterion::{Criterion, criterion_group, criterion_main};
use kubepull::provider::{
    CredentialProviderConfig, CredentialProviderResponse, ProviderCache, cloud,
};

const CONFIG: &[u8] = br#"{"kind":"CredentialProviderConfig","apiVersion":"kubelet.config.k8s.io/v1","providers":[
 {"name":"ecr-credential-provider","matchImages":["*.dkr.ecr.*.amazonaws.com","*.dkr.ecr.*.amazonaws.com.cn","*.dkr.ecr-fips.*.amazonaws.com"],"defaultCacheDuration":"12h","apiVersion":"credentialprovider.kubelet.k8s.io/v1"},
 {"name":"auth-provider-gcp","matchImages":["container.cloud.google.com","gcr.io","*.gcr.io","*.pkg.dev"],"defaultCacheDuration":"1m","apiVersion":"credentialprovider.kubelet.k8s.io/v1"},
 {"name":"acr-credential-provider","matchImages":["*.azurecr.io","*.azurecr.cn","*.azurecr.de","*.azurecr.us"],"defaultCacheDuration":"10m","apiVersion":"credentialprovider.kubelet.k8s.io/v1"}]}"#;

const RESPONSE: &[u8] = br#"{"kind":"CredentialProviderResponse","apiVersion":"credentialprovider.kubelet.k8s.io/v1","cacheKeyType":"Registry","cacheDuration":"6h","auth":{"123456789012.dkr.ecr.us-west-2.amazonaws.com":{"username":"AWS","password":"eyJwYXlsb2FkIjoiZXhhbXBsZSJ9eyJwYXlsb2FkIjoiZXhhbXBsZSJ9"}}}"#;

const V1: &str = "credentialprovider.kubelet.k8s.io/v1";

fn benches(c: &mut Criterion) {
    let config = CredentialProviderConfig::from_json(CONFIG).unwrap();
    c.bench_function("config/decode+validate", |b| {
        b.iter(|| {
            let config = CredentialProviderConfig::from_json(black_box(CONFIG)).unwrap();
            config.validate().unwrap();
        })
    });
    for image in [
        "123456789012.dkr.ecr.us-west-2.amazonaws.com/team/app",
        "docker.io/library/nginx",
    ] {
        c.bench_function(
            &format!("config/matching/{}", image.split('/').next().unwrap()),
            |b| b.iter(|| config.matching(black_box(image)).count()),
        );
    }
    c.bench_function("response/parse", |b| {
        b.iter(|| CredentialProviderResponse::parse(black_box(RESPONSE), V1).unwrap())
    });
    for host in [
        "123456789012.dkr.ecr.us-west-2.amazonaws.com",
        "europe-west1-docker.pkg.dev",
        "registry.k8s.io",
    ] {
        c.bench_function(&format!("cloud/recognize/{host}"), |b| {
            b.iter(|| cloud::recognize(black_box(host)))
        });
    }
    let response = CredentialProviderResponse::parse(RESPONSE, V1).unwrap();
    let now = Instant::now();
    let mut cache = ProviderCache::new(Duration::from_secs(60), now);
    cache
        .store(
            "123456789012.dkr.ecr.us-west-2.amazonaws.com/app",
            b"",
            &response,
            now,
        )
        .unwrap();
    c.bench_function("cache/lookup-registry-hit", |b| {
        b.iter(|| {
            cache
                .lookup(
                    black_box("123456789012.dkr.ecr.us-west-2.amazonaws.com/other"),
                    b"",
                    now,
                )
                .unwrap()
                .is_some()
        })
    });
}

criterion_group!(provider, benches);
criterion_main!(provider);
