//! Pulls an image manifest the way the kubelet would: with the pod's pull secrets' credentials
//! for the image, tried in the kubelet's order, anonymously when none matches.
//!
//! ```text
//! cargo run --example pull --features oci-client-rustls -- IMAGE [--secret FILE]... [--insecure]
//! ```
//!
//! `--secret FILE` is a Secret object as `kubectl get secret -o json` prints it (type
//! `kubernetes.io/dockerconfigjson` or `kubernetes.io/dockercfg`, `data` base64), in the
//! pod's `imagePullSecrets` order. `--insecure` talks plain HTTP (for registries such as
//! `localhost:5000`). Prints which credential worked (source and user name, never the
//! password), or every attempt's error.
//!
//! The Secret files are read with a minimal parser in this example (`data` → docker config →
//! `auths` → username/password or `auth`); `kubepull::config::KubeSecret` is the exact
//! implementation, Go JSON rules and all.

use std::process::ExitCode;

use base64::Engine as _;
use kubepull::keyring::{CredentialSource, Keyring, KeyringBuilder};
use kubepull::oci::Puller;
use kubepull::oci::oci_client::client::{ClientConfig, ClientProtocol};
use kubepull::oci::oci_client::manifest::OciManifest;
use kubepull::{Reference, Secret};
use serde_json::Value;

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

/// Adds one Secret object's registry entries to the keyring (minimal parser, see above).
fn add_secret(builder: &mut KeyringBuilder, file: &str) -> Result<(), String> {
    let text = std::fs::read(file).map_err(|e| e.to_string())?;
    let secret: Value = serde_json::from_slice(&text).map_err(|e| format!("not JSON: {e}"))?;
    let metadata = &secret["metadata"];
    let field = |v: &Value| v.as_str().unwrap_or_default().to_owned();
    let source = CredentialSource::secret(
        field(&metadata["namespace"]),
        field(&metadata["name"]),
        field(&metadata["uid"]),
    );
    let (data_key, wrapped) = match secret["type"].as_str() {
        Some("kubernetes.io/dockerconfigjson") => (".dockerconfigjson", true),
        Some("kubernetes.io/dockercfg") => (".dockercfg", false),
        other => return Err(format!("type {other:?} is not a docker registry secret")),
    };
    let encoded = secret["data"][data_key]
        .as_str()
        .ok_or_else(|| format!("data[{data_key}] missing"))?;
    let decoded = base64(encoded).ok_or_else(|| format!("data[{data_key}] is not base64"))?;
    let config: Value = serde_json::from_slice(&decoded)
        .map_err(|e| format!("data[{data_key}] is not JSON: {e}"))?;
    let auths = if wrapped { &config["auths"] } else { &config };
    let Some(auths) = auths.as_object() else {
        return Ok(());
    };
    for (key, entry) in auths {
        let mut username = field(&entry["username"]);
        let mut password = Secret::new(field(&entry["password"]));
        if let Some(auth) = entry["auth"].as_str().filter(|a| !a.is_empty()) {
            let pair = base64(auth)
                .and_then(|b| String::from_utf8(b).ok())
                .ok_or_else(|| format!("the auth field for {key:?} is not base64 user:password"))?;
            let (user, pass) = pair
                .split_once(':')
                .ok_or_else(|| format!("the auth field for {key:?} has no colon"))?;
            username = user.to_owned();
            password = Secret::new(pass);
        }
        builder.add(&source, key, &username, password);
    }
    Ok(())
}

/// Standard base64, padded or not (what the kubelet accepts).
fn base64(text: &str) -> Option<Vec<u8>> {
    use base64::engine::general_purpose::{STANDARD, STANDARD_NO_PAD};
    STANDARD
        .decode(text.trim())
        .or_else(|_| STANDARD_NO_PAD.decode(text.trim()))
        .ok()
}
