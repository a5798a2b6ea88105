//! What go-containerregistry's k8schain does, in kubepull: from a pod, its ServiceAccount and
//! secrets (as kubectl prints them) to each image's policy, its credentials in kubelet order,
//! and, for images on `--registry`, the digest and the credential that worked.
//!
//! ```sh
//! cargo run --example k8schain --features oci-client                 # the bundled demo
//! cargo run --example k8schain --features oci-client -- \
//!     --registry localhost:5000 --plain-http [FILE...]               # resolve digests too
//! ```

use kubepull::oci::Puller;
use kubepull::oci::oci_client::client::{ClientConfig, ClientProtocol};
use kubepull::pod::{Objects, PullPlan};

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let (mut files, mut registry, mut plain_http) = (Vec::new(), None, false);
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--registry" => registry = args.next(),
            "--plain-http" => plain_http = true,
            _ => files.push(arg),
        }
    }
    if files.is_empty() {
        files.push(concat!(env!("CARGO_MANIFEST_DIR"), "/examples/data/k8schain.json").into());
    }
    // One object or a `kind: List` per file; pods, ServiceAccounts and Secrets are kept.
    let mut objects = Objects::default();
    for file in &files {
        objects.extend(Objects::from_slice(&std::fs::read(file)?)?);
    }
    let pod = objects.pods.first().ok_or("no pod in the input")?;
    let plan = PullPlan::builder(pod)
        .service_account(objects.service_account(pod))
        .secrets(&objects.secrets)
        .build()?;
    println!(
        "pod {} pulls with {:?}",
        pod.metadata.name,
        plan.pull_secrets()
    );
    for missing in plan.missing_pull_secrets() {
        println!("  missing secret {missing}: the kubelet goes on without it");
    }

    let protocol = match (&registry, plain_http) {
        (Some(host), true) => ClientProtocol::HttpsExcept(vec![host.clone()]),
        _ => ClientProtocol::Https,
    };
    let puller = Puller::new(move || ClientConfig {
        protocol: protocol.clone(),
        ..ClientConfig::default()
    });
    for image in plan.images() {
        let reference = image.reference.as_ref().map_err(Clone::clone)?;
        let policy = image.pull_policy.as_ref().map_err(Clone::clone)?;
        println!(
            "{} {reference}: {} (defaulted: {})",
            image.field_path, policy.policy, policy.defaulted
        );
        let candidates = plan.credentials(image);
        for (i, credential) in candidates.iter().enumerate() {
            println!(
                "  {}. {} as {:?} from {}",
                i + 1,
                credential.key(),
                credential.username(),
                credential.source()
            );
        }
        if registry.as_deref() != Some(reference.domain()) {
            continue;
        }
        // A session: the manifest request reuses the credential the digest request found.
        let mut session = puller.session(reference, &candidates);
        let digest = session.fetch_manifest_digest().await?;
        for failed in &digest.failed {
            println!("  failed: {failed}");
        }
        let (_, platform_digest) = session.pull_image_manifest().await?.value;
        match session.credential() {
            Some(used) => println!("  {} ({platform_digest}) with {used}", digest.value),
            None => println!("  {} ({platform_digest}), anonymously", digest.value),
        }
    }
    Ok(())
}
