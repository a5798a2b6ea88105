//! `kubepull parse [--legacy] [--json] [REF...]`: parse and normalise image references the way
//! Kubernetes does. With no REF, reads one reference per line from standard input.
//!
//! JSON output, one object per input (the shape of the project's conformance vectors):
//! `{"input":S,"name":S,"domain":S,"path":S,"tag":S|null,"digest":S|null,"familiar":S}` or
//! `{"input":S,"error":S}`. Exit code 0 when every input parsed, 1 otherwise, 2 on bad usage.

use std::io::{self, BufRead, Write};
use std::process::ExitCode;

use kubepull::Reference;
use kubepull::reference::ParseOptions;
use serde::Serialize;

#[derive(Serialize)]
struct Parsed<'a> {
    input: &'a str,
    name: &'a str,
    domain: &'a str,
    path: &'a str,
    tag: Option<&'a str>,
    digest: Option<&'a str>,
    familiar: &'a str,
}

#[derive(Serialize)]
struct Failed<'a> {
    input: &'a str,
    error: String,
}

/// Runs the subcommand.
pub fn run(args: &[String]) -> ExitCode {
    let mut options = ParseOptions::CURRENT;
    let mut json = false;
    let mut inputs = Vec::new();
    for arg in args {
        match arg.as_str() {
            "--legacy" => options = ParseOptions::LEGACY,
            "--json" => json = true,
            flag if flag.starts_with("--") => {
                return crate::common::usage_error(&format!("parse: unknown flag {flag}"));
            }
            reference => inputs.push(reference.to_owned()),
        }
    }
    let mut out = io::stdout().lock();
    let mut all_ok = true;
    if inputs.is_empty() {
        for line in io::stdin().lock().split(b'\n') {
            let Ok(line) = line else { break };
            all_ok &= match std::str::from_utf8(&line) {
                Ok(input) => print_one(input, options, json, &mut out).unwrap_or(false),
                Err(_) => {
                    let input = String::from_utf8_lossy(&line);
                    let error = "input is not valid UTF-8".to_owned();
                    let _ = print_failure(&input, error, json, &mut out);
                    false
                }
            };
        }
    } else {
        for input in &inputs {
            all_ok &= print_one(input, options, json, &mut out).unwrap_or(false);
        }
    }
    if all_ok {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    }
}

/// Prints one result; `Ok(true)` when the input parsed.
fn print_one(
    input: &str,
    options: ParseOptions,
    json: bool,
    out: &mut impl Write,
) -> io::Result<bool> {
    let r = match Reference::parse_with(input, options) {
        Ok(r) => r,
        Err(e) => return print_failure(input, e.to_string(), json, out).map(|()| false),
    };
    if json {
        let parsed = Parsed {
            input,
            name: r.name(),
            domain: r.domain(),
            path: r.path(),
            tag: r.tag(),
            digest: r.digest(),
            familiar: r.familiar(),
        };
        writeln!(
            out,
            "{}",
            serde_json::to_string(&parsed).map_err(io::Error::other)?
        )?;
    } else {
        writeln!(out, "{input}")?;
        writeln!(out, "  normalised  {r}")?;
        writeln!(out, "  familiar    {}", r.familiar())?;
        let domain = if r.domain().is_empty() {
            "(none)"
        } else {
            r.domain()
        };
        writeln!(out, "  domain      {domain}")?;
        writeln!(out, "  path        {}", r.path())?;
        writeln!(out, "  tag         {}", r.tag().unwrap_or("(none)"))?;
        writeln!(out, "  digest      {}", r.digest().unwrap_or("(none)"))?;
        writeln!(out, "  pulled as   {}", r.docker_ref())?;
    }
    Ok(true)
}

fn print_failure(input: &str, error: String, json: bool, out: &mut impl Write) -> io::Result<()> {
    if json {
        let line = serde_json::to_string(&Failed { input, error }).map_err(io::Error::other)?;
        writeln!(out, "{line}")
    } else {
        writeln!(out, "{input}\n  error       {error}")
    }
}
