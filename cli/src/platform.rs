//! `kubepull platform select INDEX --platform SPEC`: the manifest a node of that platform
//! pulls from a multi-arch index (containerd's matching).

use std::process::ExitCode;

use clap::{Args, Subcommand};
use kubepull::platform::{Descriptor, ImageIndex, Matcher, Platform, PlatformObject};
use serde::Serialize;

use crate::{InputError, Output, exit, input};

/// `kubepull platform …`.
#[derive(Subcommand)]
pub enum PlatformCommand {
    /// Pick the manifest for a platform from an index (manifest list or OCI index).
    Select(SelectArgs),
}

/// `kubepull platform select`.
#[derive(Args)]
pub struct SelectArgs {
    /// The index (JSON), or - for stdin.
    #[arg(value_name = "INDEX")]
    pub index: String,
    /// The node's platform: linux/amd64, linux/arm64/v8, linux/arm/v7,
    /// windows(10.0.20348)/amd64, or one word (linux, arm64) completed from --host.
    #[arg(long, value_name = "SPEC")]
    pub platform: String,
    /// No fallback to compatible platforms (containerd's OnlyStrict instead of Only).
    #[arg(long)]
    pub strict: bool,
    /// The host platform that completes a one-word --platform (default: this machine's).
    #[arg(long, value_name = "SPEC")]
    pub host: Option<String>,
    #[command(flatten)]
    pub output: Output,
}

#[derive(Serialize)]
struct Selected<'a> {
    digest: &'a str,
    #[serde(rename = "mediaType")]
    media_type: &'a str,
    platform: PlatformObject<'a>,
}

#[derive(Serialize)]
struct Failure<'a> {
    error: &'a str,
}

/// Runs `kubepull platform …`.
///
/// # Errors
///
/// A platform specifier or the index is invalid.
pub fn run(command: &PlatformCommand) -> Result<ExitCode, InputError> {
    let PlatformCommand::Select(args) = command;
    let host = match &args.host {
        Some(spec) => spec
            .parse::<Platform>()
            .map_err(|e| InputError(format!("--host {spec}: {e}")))?,
        None => this_machine(),
    };
    let wanted = Platform::parse(&args.platform, &host)
        .map_err(|e| InputError(format!("--platform {}: {e}", args.platform)))?;
    let body = input::read(&args.index)?;
    let name = input::display_name(&args.index);
    let index = ImageIndex::parse(&body).map_err(|e| InputError(format!("{name}: {e}")))?;
    let matcher = if args.strict {
        Matcher::only_strict(&wanted)
    } else {
        Matcher::only(&wanted)
    };
    match index.try_select(&matcher) {
        Ok(descriptor) => {
            print_selected(descriptor, &wanted, args.output.json);
            Ok(ExitCode::SUCCESS)
        }
        Err(e) => {
            let message = e.to_string();
            if args.output.json {
                let failure = Failure { error: &message };
                println!("{}", serde_json::to_string(&failure).expect("serialises"));
            } else {
                eprintln!("kubepull platform: {message}");
                let available: Vec<String> = index
                    .manifests
                    .iter()
                    .filter_map(|d| d.platform.as_ref())
                    .map(ToString::to_string)
                    .collect();
                if !available.is_empty() {
                    eprintln!("  the index has: {}", available.join(", "));
                }
            }
            Ok(ExitCode::from(exit::FAILS))
        }
    }
}

/// The platform of the machine kubepull runs on, in containerd's words.
fn this_machine() -> Platform {
    let arch = match std::env::consts::ARCH {
        "x86_64" => "amd64",
        "x86" => "386",
        "aarch64" => "arm64",
        "powerpc64" if cfg!(target_endian = "little") => "ppc64le",
        "powerpc64" => "ppc64",
        "loongarch64" => "loong64",
        other => other,
    };
    let os = match std::env::consts::OS {
        "macos" => "darwin",
        other => other,
    };
    Platform::new(os, arch)
}

fn print_selected(descriptor: &Descriptor, wanted: &Platform, json: bool) {
    let empty = Platform::default();
    let platform = descriptor.platform.as_ref().unwrap_or(&empty);
    if json {
        let selected = Selected {
            digest: &descriptor.digest,
            media_type: &descriptor.media_type,
            platform: PlatformObject(platform),
        };
        println!("{}", serde_json::to_string(&selected).expect("serialises"));
    } else {
        println!("{wanted} pulls {platform}");
        println!("  digest     {}", descriptor.digest);
        println!("  mediaType  {}", descriptor.media_type);
        if descriptor.size != 0 {
            println!("  size       {}", descriptor.size);
        }
    }
}
