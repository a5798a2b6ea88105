//! `kubepull platform select INDEX.json --platform SPEC [--strict] [--host SPEC] [--json]`:
//! the manifest a containerd-based node of platform SPEC pulls from a manifest list or OCI
//! index.

use std::process::ExitCode;

use kubepull::platform::{Descriptor, ImageIndex, Matcher, Platform, PlatformObject};
use serde::Serialize;

const USAGE: &str =
    "usage: kubepull platform select INDEX.json --platform SPEC [--strict] [--host SPEC] [--json]

  SPEC is a containerd platform specifier: linux/amd64, linux/arm64/v8, linux/arm/v7,
  windows(10.0.20348)/amd64, or a single word (linux, arm64) completed from --host.
  --strict   no fallback to compatible platforms (containerd OnlyStrict instead of Only)
  --host     the host platform for one-word specifiers (default: this machine)";

/// The chosen descriptor, as `--json` prints it.
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

struct Options {
    index: String,
    platform: String,
    host: Option<String>,
    strict: bool,
    json: bool,
}

/// Runs the subcommand.
pub fn run(args: &[String]) -> ExitCode {
    let Some((command, rest)) = args.split_first() else {
        return usage("missing subcommand");
    };
    if command != "select" {
        return usage(&format!("unknown subcommand {command:?}"));
    }
    let options = match parse_args(rest) {
        Ok(options) => options,
        Err(message) => return usage(&message),
    };
    match select(&options) {
        Ok((descriptor, wanted)) => {
            print_selected(&descriptor, &wanted, options.json);
            ExitCode::SUCCESS
        }
        Err((message, available)) => {
            if options.json {
                println!(
                    "{}",
                    serde_json::to_string(&Failure { error: &message }).unwrap_or_default()
                );
            } else {
                eprintln!("kubepull platform: {message}");
                if !available.is_empty() {
                    eprintln!("  the index has: {}", available.join(", "));
                }
            }
            ExitCode::from(1)
        }
    }
}

fn usage(message: &str) -> ExitCode {
    eprintln!("kubepull platform: {message}\n\n{USAGE}");
    ExitCode::from(2)
}

fn parse_args(args: &[String]) -> Result<Options, String> {
    let (mut index, mut platform, mut host) = (None, None, None);
    let (mut strict, mut json) = (false, false);
    let mut args = args.iter();
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--json" => json = true,
            "--strict" => strict = true,
            "--platform" => platform = Some(args.next().ok_or("--platform needs a value")?.clone()),
            "--host" => host = Some(args.next().ok_or("--host needs a value")?.clone()),
            flag if flag.starts_with("--platform=") => {
                platform = Some(flag["--platform=".len()..].to_owned())
            }
            flag if flag.starts_with("--host=") => host = Some(flag["--host=".len()..].to_owned()),
            flag if flag.starts_with("--") => return Err(format!("unknown flag {flag}")),
            path if index.is_none() => index = Some(path.to_owned()),
            extra => return Err(format!("unexpected argument {extra:?}")),
        }
    }
    Ok(Options {
        index: index.ok_or("missing INDEX.json")?,
        platform: platform.ok_or("missing --platform SPEC")?,
        host,
        strict,
        json,
    })
}

/// This machine as containerd names it (GOOS/GOARCH). Only the example reads it; the library
/// always takes the host as an argument.
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

/// The selected descriptor and the platform asked for, or the error and, when nothing
/// matched, the platforms the index offers.
fn select(options: &Options) -> Result<(Descriptor, Platform), (String, Vec<String>)> {
    let plain = |e: &dyn std::fmt::Display| (e.to_string(), Vec::new());
    let host = match &options.host {
        Some(spec) => spec.parse::<Platform>().map_err(|e| plain(&e))?,
        None => this_machine(),
    };
    let wanted = Platform::parse(&options.platform, &host).map_err(|e| plain(&e))?;
    let body =
        std::fs::read(&options.index).map_err(|e| plain(&format!("{}: {e}", options.index)))?;
    let index = ImageIndex::parse(&body).map_err(|e| plain(&format!("{}: {e}", options.index)))?;
    let matcher = if options.strict {
        Matcher::only_strict(&wanted)
    } else {
        Matcher::only(&wanted)
    };
    match index.try_select(&matcher) {
        Ok(descriptor) => Ok((descriptor.clone(), wanted)),
        Err(e) => {
            let available = index
                .manifests
                .iter()
                .filter_map(|d| d.platform.as_ref())
                .map(ToString::to_string)
                .collect();
            Err((e.to_string(), available))
        }
    }
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
        println!("{}", serde_json::to_string(&selected).unwrap_or_default());
    } else {
        println!("{wanted} pulls {platform}");
        println!("  digest     {}", descriptor.digest);
        println!("  mediaType  {}", descriptor.media_type);
        if descriptor.size != 0 {
            println!("  size       {}", descriptor.size);
        }
    }
}
