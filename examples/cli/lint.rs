//! `kubepull lint FILE... [--json]`: problems in pull secrets and docker config files.
//!
//! Each FILE is a Secret object (`kubectl get secret NAME -o json`), a `config.json`, or a
//! legacy `.dockercfg` (recognised by its name ending in `.dockercfg`; other files by their
//! content). Human output by default; with `--json`, one object per finding:
//! `{"file":S,"key":S|null,"kind":S,"severity":"error"|"warning","message":S}`.
//! Exit status: 0 when no finding is an error, 1 when one is (or a file cannot be read),
//! 2 on usage errors. Secrets are never printed.
//!
//! Demo: `cargo run --example kubepull -- lint examples/data/config-lint/*` lints a broken
//! pull secret (an `auth` without `:` that fails every pull of the pod, a `credsStore`, an
//! identity-token-only entry, an uppercase host, an ECR pattern that fits no host, a Docker
//! Hub key reached only through the fallback), a clean one, an `Opaque` secret the kubelet
//! ignores, a node `config.json` with `credHelpers`, and a `.dockercfg` holding config.json.
//! All passwords there are fake.

use std::process::ExitCode;

use kubepull::config::{self, Finding, Severity};

use crate::common;

/// Runs the subcommand.
pub fn run(args: &[String]) -> ExitCode {
    let json = args.iter().any(|arg| arg == "--json");
    let files: Vec<&String> = args.iter().filter(|arg| *arg != "--json").collect();
    if let Some(flag) = files.iter().find(|arg| arg.starts_with("--")) {
        return common::usage_error(&format!("lint: unknown flag {flag}"));
    }
    if files.is_empty() {
        return common::usage_error("lint: usage: kubepull lint FILE... [--json]");
    }
    let mut failed = false;
    let mut total = 0;
    for file in files {
        let findings = match std::fs::read(file) {
            Ok(bytes) if file.ends_with(".dockercfg") => config::lint_dockercfg(&bytes),
            Ok(bytes) => config::lint(&bytes),
            Err(error) => {
                failed = true;
                report_unreadable(file, &error, json);
                continue;
            }
        };
        if !json && findings.is_empty() {
            println!("{file}: ok");
        }
        for finding in &findings {
            failed |= finding.severity() == Severity::Error;
            total += 1;
            print_finding(file, finding, json);
        }
    }
    if !json {
        let verdict = if failed { "errors found" } else { "no errors" };
        println!("{total} finding(s); {verdict}");
    }
    if failed {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    }
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

fn report_unreadable(file: &str, error: &std::io::Error, json: bool) {
    if json {
        let line = serde_json::json!({
            "file": file,
            "key": null,
            "kind": "unreadable",
            "severity": "error",
            "message": format!("cannot read the file: {error}"),
        });
        println!("{line}");
    } else {
        println!("{file}: error [unreadable]: cannot read the file: {error}");
    }
}
