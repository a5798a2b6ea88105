//! `kubepull lint FILE...`: problems in pull secrets and docker config files that the kubelet
//! only fails on at pull time. Findings are the library's (`kubepull::config::lint`).

use std::process::ExitCode;

use clap::Args;
use kubepull::config::{self, Finding, Severity};

use crate::{InputError, Output, exit, input};

/// `kubepull lint`.
#[derive(Args)]
pub struct LintArgs {
    /// Secret objects, Lists of them, config.json files or .dockercfg files; - reads stdin.
    #[arg(required = true, value_name = "FILE")]
    pub files: Vec<String>,
    #[command(flatten)]
    pub output: Output,
}

/// Runs `kubepull lint`: exit 1 when any finding is an error.
///
/// # Errors
///
/// Never: an unreadable file is a finding of its own.
pub fn run(args: &LintArgs) -> Result<ExitCode, InputError> {
    let json = args.output.json;
    let mut failed = false;
    let mut total = 0;
    for file in &args.files {
        let name = input::display_name(file);
        let findings = match input::read(file) {
            Ok(bytes) if file.rsplit('/').next() == Some(".dockercfg") => {
                config::lint_dockercfg(&bytes)
            }
            Ok(bytes) => config::lint(&bytes),
            Err(error) => {
                failed = true;
                total += 1;
                report_unreadable(name, &error, json);
                continue;
            }
        };
        if !json && findings.is_empty() {
            println!("{name}: ok");
        }
        for finding in &findings {
            failed |= finding.severity() == Severity::Error;
            total += 1;
            print_finding(name, finding, json);
        }
    }
    if !json {
        let verdict = if failed { "errors found" } else { "no errors" };
        println!("{total} finding(s); {verdict}");
    }
    Ok(exit::from_success(!failed))
}

fn print_finding(file: &str, finding: &Finding, json: bool) {
    if json {
        let line = serde_json::json!({
            "file": file,
            "key": finding.registry_key,
            "kind": finding.kind.name(),
            "severity": finding.severity().as_str(),
            "message": finding.message,
        });
        println!("{line}");
    } else {
        println!("{file}: {finding}");
    }
}

fn report_unreadable(file: &str, error: &InputError, json: bool) {
    if json {
        let line = serde_json::json!({
            "file": file,
            "key": null,
            "kind": "unreadable",
            "severity": "error",
            "message": error.to_string(),
        });
        println!("{line}");
    } else {
        println!("{file}: error [unreadable]: {error}");
    }
}
