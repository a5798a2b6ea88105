//! Pulls an image manifest the way the kubelet would: with the pod's pull secrets' credentials
//! for the image, tried in the kubelet's order, anonymously when none matches.
//!
//! ```text
//! cargo run --example pull --features oci-client -- IMAGE [--secret FILE]... [--insecure]
//! ```
//!
//! `--secret FILE` is a Secret object as `kubectl get secret -o json` prints it (type
//! `kubernetes.io/dockerconfigjson` or `kubernetes.io/dockercfg`, `data` base64), in the
//! pod's `imagePullSecrets` order. `--insecure` talks plain HTTP (for registries such as
//! `localhost:5000`). Prints which credential worked (source and user name, never the
//! password), or every attempt's error.
//!
//! Secret files are read with `kubepull::config::KubeSecret`, exactly as the kubelet reads
//! pull secrets.

use std::process::ExitCode;

use kubepull::KubeSecret;
use kubepull::Reference;
use kubepull::config::{DOCKER_CONFIG_JSON_KEY, DOCKERCFG_KEY, DOCKERCFG_TYPE};
use kubepull::keyring::{CredentialSource, Keyring, KeyringBuilder};
use kubepull::oci::Puller;
use kubepull::oci::oci_client::client::{ClientConfig, ClientProtocol};
use kubepull::oci::oci_client::manifest::OciManifest;

const USAGE: &str = "usage: pull IMAGE [--secret FILE]... [--insecure]";

#[tokio::main(flavor = "current_thread")]
async fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let (mut image, mut secrets, mut insecure) = (None, Vec::new(), false);
    let mut iter = args.iter();
    while let Some(arg) = iter.next() {
        match arg.as_str() {
            "--secret" => match iter.next() {
                Some(file) => secrets.push(file.clone()),
                None => return usage("--secret needs a FILE"),
            },
            "--insecure" => insecure = true,
            "-h" | "--help" => {
                println!("{USAGE}");
                return ExitCode::SUCCESS;
            }
            flag if flag.starts_with('-') => return usage(&format!("unknown flag {flag}")),
            _ if image.is_none() => image = Some(arg.clone()),
            _ => return usage("only one IMAGE"),
        }
    }
    let Some(image) = image else {
        return usage("IMAGE is required");
    };
    let image: Reference = match image.parse() {
        Ok(image) => image,
        Err(e) => return fail(&format!("{image}: {e}")),
    };

    let mut builder = Keyring::builder();
    for file in &secrets {
        if let Err(e) = add_secret(&mut builder, file) {
            return fail(&format!("{file}: {e}"));
        }
    }
    let keyring = match builder.build() {
        Ok(keyring) => keyring,
        Err(e) => return fail(&e.to_string()),
    };
    for warning in keyring.warnings() {
        eprintln!("warning: {warning}");
    }
    let candidates = keyring.lookup(&image);
    println!("image {image}: {} matching credential(s)", candidates.len());

    let puller = Puller::new(move || ClientConfig {
        protocol: if insecure {
            ClientProtocol::Http
        } else {
            ClientProtocol::Https
        },
        ..ClientConfig::default()
    });
    match puller.pull_manifest(&image, &candidates).await {
        Ok(pulled) => {
            for attempt in &pulled.failed {
                println!("  failed: {attempt}");
            }
            let (manifest, digest) = &pulled.value;
            let kind = match manifest {
                OciManifest::Image(_) => "image manifest",
                OciManifest::ImageIndex(_) => "image index",
            };
            println!("pulled {kind} {digest}");
            match &pulled.credential {
                Some(used) => println!(
                    "with credential #{} from {}, user {:?}",
                    used.index, used.source, used.username
                ),
                None => println!("anonymously (no credential matched)"),
            }
            ExitCode::SUCCESS
        }
        Err(error) => {
            eprintln!("pull failed for {}:", error.image());
            for attempt in error.attempts() {
                eprintln!("  {attempt}");
            }
            eprintln!("kubelet would report: {}", error.kubelet_message());
            ExitCode::FAILURE
        }
    }
}

fn usage(problem: &str) -> ExitCode {
    eprintln!("pull: {problem}\n{USAGE}");
    ExitCode::from(2)
}

fn fail(message: &str) -> ExitCode {
    eprintln!("pull: {message}");
    ExitCode::FAILURE
}

/// Adds one Secret object's registry entries to the keyring, as the kubelet's
/// `MakeDockerKeyring` does: secrets of other types are ignored, and data that does not parse
/// is recorded so that building the keyring fails (the kubelet fails the pull).
fn add_secret(builder: &mut KeyringBuilder, file: &str) -> Result<(), String> {
    let bytes = std::fs::read(file).map_err(|e| e.to_string())?;
    let secret = KubeSecret::from_json(&bytes).map_err(|e| e.to_string())?;
    let source = CredentialSource::secret(
        secret.namespace.clone().unwrap_or_default(),
        secret.name.clone(),
        secret.uid.clone().unwrap_or_default(),
    );
    match secret.docker_config() {
        Ok(Some(config)) => {
            for (key, entry) in config.iter() {
                builder.add_with_email(
                    &source,
                    key,
                    &entry.username,
                    entry.password.clone(),
                    &entry.email,
                );
            }
        }
        Ok(None) => eprintln!(
            "warning: {file}: a secret of type {:?} holds no registry credentials; the kubelet ignores it",
            secret.secret_type
        ),
        Err(error) => {
            let data_key = if secret.secret_type == DOCKERCFG_TYPE {
                DOCKERCFG_KEY
            } else {
                DOCKER_CONFIG_JSON_KEY
            };
            builder.add_malformed_secret(&source, data_key, error);
        }
    }
    Ok(())
}
