//! `kubepull lookup IMAGE [--secret FILE]... [--node-config FILE] [--provider-response FILE]...
//! [--json]`: the credentials the kubelet would try for IMAGE, in the order it tries them.
//!
//! * `--secret FILE`: a Secret object as `kubectl get secret NAME -o json` prints it; give
//!   them in `imagePullSecrets` order.
//! * `--node-config FILE`: the node's docker config (a `.dockercfg` file by that name,
//!   otherwise `config.json`); a file that does not parse is skipped, as the kubelet does.
//! * `--provider-response FILE`: a kubelet `CredentialProviderResponse` (JSON); the provider
//!   name is the file stem. Give them in the kubelet's provider order.
//!
//! JSON output: `{"image":S,"found":bool,"credentials":[{"key":S,"username":S,"source":S}]}`
//! or `{"image":S,"error":S}`. Passwords are never printed. Exit code 0 when the lookup ran
//! (found or not), 1 on an error, 2 on bad usage.

use std::collections::BTreeMap;
use std::path::Path;
use std::process::ExitCode;

use kubepull::config::{DockerConfig, KubeSecret};
use kubepull::keyring::{CredentialSource, Keyring, KeyringBuilder};
use kubepull::{Reference, Secret};
use serde::{Deserialize, Serialize};

#[derive(Serialize)]
struct Found<'a> {
    image: &'a str,
    found: bool,
    credentials: Vec<Row>,
}

#[derive(Serialize)]
struct Row {
    key: String,
    username: String,
    source: String,
}

#[derive(Serialize)]
struct Failed<'a> {
    image: &'a str,
    error: String,
}

#[derive(Default)]
struct Args {
    image: Option<String>,
    secrets: Vec<String>,
    node_config: Option<String>,
    provider_responses: Vec<String>,
    json: bool,
}

fn parse_args(args: &[String]) -> Result<Args, String> {
    let mut parsed = Args::default();
    let mut it = args.iter();
    while let Some(arg) = it.next() {
        let mut value = |flag: &str| {
            it.next()
                .cloned()
                .ok_or_else(|| format!("lookup: {flag} needs a FILE"))
        };
        match arg.as_str() {
            "--json" => parsed.json = true,
            "--secret" => parsed.secrets.push(value("--secret")?),
            "--node-config" => parsed.node_config = Some(value("--node-config")?),
            "--provider-response" => parsed
                .provider_responses
                .push(value("--provider-response")?),
            flag if flag.starts_with("--") => return Err(format!("lookup: unknown flag {flag}")),
            image if parsed.image.is_none() => parsed.image = Some(image.to_owned()),
            extra => return Err(format!("lookup: one IMAGE only (also got {extra:?})")),
        }
    }
    Ok(parsed)
}

/// Runs the subcommand.
pub fn run(args: &[String]) -> ExitCode {
    let args = match parse_args(args) {
        Ok(args) => args,
        Err(message) => return crate::common::usage_error(&message),
    };
    let Some(image) = args.image.as_deref() else {
        return crate::common::usage_error("lookup: IMAGE is required");
    };
    match lookup(image, &args) {
        Ok((name, rows)) => {
            if args.json {
                let found = Found {
                    image,
                    found: !rows.is_empty(),
                    credentials: rows,
                };
                println!("{}", serde_json::to_string(&found).unwrap_or_default());
            } else {
                print_human(image, &name, &rows);
            }
            ExitCode::SUCCESS
        }
        Err(error) => {
            if args.json {
                println!(
                    "{}",
                    serde_json::to_string(&Failed { image, error }).unwrap_or_default()
                );
            } else {
                eprintln!("kubepull lookup {image}: {error}");
            }
            ExitCode::FAILURE
        }
    }
}

/// The name looked up (`domain/path`) and the credentials in the order they are tried.
fn lookup(image: &str, args: &Args) -> Result<(String, Vec<Row>), String> {
    let reference = Reference::parse(image).map_err(|e| e.to_string())?;
    let mut builder = Keyring::builder();
    for path in &args.secrets {
        let bytes = read(path)?;
        let secret = KubeSecret::from_json(&bytes).map_err(|e| format!("{path}: {e}"))?;
        builder.add_pull_secret(&secret);
    }
    if let Some(path) = &args.node_config {
        add_node_config(&mut builder, path)?;
    }
    for path in &args.provider_responses {
        add_provider_response(&mut builder, path)?;
    }
    let keyring = builder.build().map_err(|e| e.to_string())?;
    for warning in keyring.warnings() {
        eprintln!("kubepull lookup: {warning}");
    }
    let rows = keyring
        .lookup(&reference)
        .into_iter()
        .map(|c| Row {
            key: c.key().to_string(),
            username: c.username().to_owned(),
            source: c.source().to_string(),
        })
        .collect();
    Ok((reference.name().to_owned(), rows))
}

fn read(path: &str) -> Result<Vec<u8>, String> {
    std::fs::read(path).map_err(|e| format!("{path}: {e}"))
}

/// The kubelet reads `.dockercfg` files with the legacy parser and everything else as
/// `config.json`; a file that does not parse gives the node no credentials.
fn add_node_config(builder: &mut KeyringBuilder, path: &str) -> Result<(), String> {
    let bytes = read(path)?;
    let legacy = Path::new(path)
        .file_name()
        .is_some_and(|name| name == ".dockercfg");
    let parsed = if legacy {
        DockerConfig::from_dockercfg(&bytes)
    } else {
        DockerConfig::from_config_json(&bytes)
    };
    match parsed {
        Ok(config) => {
            builder.add_node_config(path, &config);
        }
        Err(error) => eprintln!("kubepull lookup: node config {path} skipped: {error}"),
    }
    Ok(())
}

/// `CredentialProviderResponse` (credentialprovider.kubelet.k8s.io), decoded strictly as the
/// kubelet does. A minimal model until the provider module lands.
#[derive(Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
struct ProviderResponse {
    api_version: String,
    kind: String,
    cache_key_type: String,
    #[serde(default)]
    #[allow(dead_code)]
    cache_duration: Option<String>,
    #[serde(default)]
    auth: BTreeMap<String, ProviderAuth>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ProviderAuth {
    #[serde(default)]
    username: String,
    #[serde(default)]
    password: Secret,
}

const PROVIDER_API_VERSIONS: [&str; 3] = [
    "credentialprovider.kubelet.k8s.io/v1",
    "credentialprovider.kubelet.k8s.io/v1beta1",
    "credentialprovider.kubelet.k8s.io/v1alpha1",
];

/// A response the kubelet would reject contributes no credentials (it logs and goes on).
fn add_provider_response(builder: &mut KeyringBuilder, path: &str) -> Result<(), String> {
    let bytes = read(path)?;
    let name = Path::new(path)
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default();
    let response: ProviderResponse = match serde_json::from_slice(&bytes) {
        Ok(response) => response,
        Err(e) => {
            // serde's message may quote a value (a password); report the position only.
            eprintln!(
                "kubepull lookup: {path}: error decoding credential provider plugin response from stdout (line {} column {})",
                e.line(),
                e.column()
            );
            return Ok(());
        }
    };
    let problem = if !PROVIDER_API_VERSIONS.contains(&response.api_version.as_str()) {
        Some(format!("unsupported apiVersion {:?}", response.api_version))
    } else if response.kind != "CredentialProviderResponse" {
        Some(format!(
            "kind was {:?}, expected CredentialProviderResponse",
            response.kind
        ))
    } else if !matches!(
        response.cache_key_type.as_str(),
        "Image" | "Registry" | "Global"
    ) {
        Some(format!(
            "credential provider plugin did not return a valid cacheKeyType: {:?}",
            response.cache_key_type
        ))
    } else {
        None
    };
    if let Some(problem) = problem {
        eprintln!("kubepull lookup: {path}: {problem}");
        return Ok(());
    }
    let source = CredentialSource::provider(name);
    for (key, auth) in response.auth {
        builder.add(&source, &key, &auth.username, auth.password);
    }
    Ok(())
}

fn print_human(image: &str, name: &str, rows: &[Row]) {
    println!("{image}");
    println!("  looked up as {name}");
    if rows.is_empty() {
        println!("  no credentials match: the kubelet pulls anonymously");
        return;
    }
    println!(
        "  the kubelet tries {} credential(s), in this order, until one works:",
        rows.len()
    );
    for (i, row) in rows.iter().enumerate() {
        println!(
            "  {}. user {:?}  key {}  from {}",
            i + 1,
            row.username,
            row.key,
            row.source
        );
    }
}
