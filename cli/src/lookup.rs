//! `kubepull lookup IMAGE`: the credentials the kubelet would try for an image, in order
//! (pod secrets, then the node file, then plugin answers), and with `--probe` which works.

use std::process::ExitCode;

use clap::Args;
use kubepull::Reference;
use kubepull::keyring::Keyring;
use serde::Serialize;

use crate::credentials::{self, Row};
use crate::probe::{self, Probe, ProbeArgs, ProbeOptions};
use crate::{InputError, Output, exit};

/// `kubepull lookup`.
#[derive(Args)]
pub struct LookupArgs {
    /// The image, as a pod names it.
    pub image: String,
    /// A pull secret: a Secret, or a List of Secrets (repeatable), in the pod's order.
    #[arg(long = "secret", value_name = "FILE")]
    pub secrets: Vec<String>,
    /// The node's docker config (config.json, or a file named .dockercfg).
    #[arg(long, value_name = "FILE")]
    pub node_config: Option<String>,
    /// A credential provider plugin's answer (its JSON stdout), named after the file
    /// (repeatable).
    #[arg(long = "provider-response", value_name = "FILE")]
    pub provider_responses: Vec<String>,
    #[command(flatten)]
    pub probe: ProbeArgs,
    #[command(flatten)]
    pub output: Output,
}

#[derive(Serialize)]
struct Found<'a> {
    image: &'a str,
    found: bool,
    credentials: Vec<Row>,
    #[serde(skip_serializing_if = "Option::is_none")]
    probe: Option<Probe>,
}

#[derive(Serialize)]
struct Failed<'a> {
    image: &'a str,
    error: String,
}

/// Runs `kubepull lookup`.
///
/// # Errors
///
/// A file cannot be read or is not what it should be.
pub fn run(args: &LookupArgs) -> Result<ExitCode, InputError> {
    let image = args.image.as_str();
    let reference = match Reference::parse(image) {
        Ok(reference) => reference,
        Err(error) => {
            let error = error.to_string();
            if args.output.json {
                println!(
                    "{}",
                    serde_json::to_string(&Failed { image, error }).expect("serialises")
                );
            } else {
                eprintln!("kubepull lookup {image}: {error}");
            }
            return Ok(ExitCode::from(exit::FAILS));
        }
    };
    let keyring = keyring(args)?;
    for warning in keyring.warnings() {
        eprintln!("kubepull lookup: {warning}");
    }
    let candidates = keyring.lookup(&reference);
    let probe = if args.probe.probe {
        let options = ProbeOptions::new(&args.probe)?;
        let runtime = probe::runtime()?;
        Some(runtime.block_on(probe::probe(&reference, &candidates, &options)))
    } else {
        None
    };
    let rows: Vec<Row> = candidates.iter().map(|c| Row::new(c)).collect();
    let success = probe
        .as_ref()
        .is_none_or(|p| p.result == probe::Outcome::Ok);
    if args.output.json {
        let found = Found {
            image,
            found: !rows.is_empty(),
            credentials: rows,
            probe,
        };
        println!("{}", serde_json::to_string(&found).expect("serialises"));
    } else {
        print_text(image, &reference, &rows, probe.as_ref());
    }
    Ok(exit::from_success(success))
}

fn keyring(args: &LookupArgs) -> Result<Keyring, InputError> {
    let mut builder = Keyring::builder();
    for path in &args.secrets {
        for secret in credentials::read_secrets(path)? {
            builder.add_pull_secret(&secret);
        }
    }
    if let Some(path) = &args.node_config {
        let bytes = crate::input::read(path)?;
        if let Some(config) = credentials::node_config(path, &bytes) {
            builder.add_node_config(path, &config);
        }
    }
    for path in &args.provider_responses {
        if let Some((name, config)) = credentials::provider_response(path)? {
            builder.add_provider_config(&name, &config);
        }
    }
    builder.build().map_err(|e| InputError(e.to_string()))
}

fn print_text(image: &str, reference: &Reference, rows: &[Row], probe: Option<&Probe>) {
    println!("{image}");
    println!("  looked up as {}", reference.name());
    if rows.is_empty() {
        println!("  no credentials match: the kubelet pulls anonymously");
        if let Some(hint) = crate::hints::for_domain(reference.domain()) {
            println!(
                "  {} images get credentials from the {} plugin (matchImages {}); the node needs {}",
                hint.registry,
                hint.plugin,
                hint.match_images.join(", "),
                hint.needs
            );
        }
    } else {
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
    if let Some(probe) = probe {
        println!("  probe: {}", probe.result.describe());
        for line in probe::text_lines(probe) {
            println!("  {line}");
        }
    }
}
