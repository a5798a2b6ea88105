//! `kubepull parse [--legacy] [REF...]`: references as the kubelet parses and normalises
//! them (`ParseNormalizedNamed`); with no REF, one per stdin line.

use std::io::{self, BufRead, Read, Write};
use std::process::ExitCode;

use clap::Args;
use kubepull::Reference;
use kubepull::reference::{MAX_INPUT_LEN, ParseOptions};
use serde::Serialize;

use crate::{InputError, Output, exit};

/// `kubepull parse`.
#[derive(Args)]
pub struct ParseArgs {
    /// Use the docker/distribution 2.8 grammar (before distribution/reference v0.6).
    #[arg(long)]
    pub legacy: bool,
    /// References; with none, one per stdin line.
    #[arg(value_name = "REF")]
    pub references: Vec<String>,
    #[command(flatten)]
    pub output: Output,
}

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

/// Runs `kubepull parse`.
///
/// # Errors
///
/// stdin cannot be read or stdout written.
pub fn run(args: ParseArgs) -> Result<ExitCode, InputError> {
    let options = if args.legacy {
        ParseOptions::LEGACY
    } else {
        ParseOptions::CURRENT
    };
    let json = args.output.json;
    let io_error = |e: io::Error| InputError(format!("parse: {e}"));
    let mut out = io::BufWriter::new(io::stdout().lock());
    let mut all_ok = true;
    if args.references.is_empty() {
        // A line longer than any reference can be is an error, not a reason to buffer it all.
        let limit = MAX_INPUT_LEN as u64 + 2;
        let mut stdin = io::stdin().lock();
        let mut line = Vec::new();
        loop {
            line.clear();
            let read = stdin
                .by_ref()
                .take(limit)
                .read_until(b'\n', &mut line)
                .map_err(io_error)?;
            if read == 0 {
                break;
            }
            let complete = line.last() == Some(&b'\n');
            if complete {
                line.pop();
            } else if read as u64 == limit {
                // Skip the rest of the overlong line.
                let mut rest = Vec::new();
                stdin.read_until(b'\n', &mut rest).map_err(io_error)?;
                let shown = String::from_utf8_lossy(&line[..64]).into_owned();
                let error =
                    format!("line longer than {MAX_INPUT_LEN} bytes, the longest reference");
                print_failure(&format!("{shown}…"), error, json, &mut out).map_err(io_error)?;
                all_ok = false;
                continue;
            }
            all_ok &= match std::str::from_utf8(&line) {
                Ok(input) => print_one(input, options, json, &mut out).map_err(io_error)?,
                Err(_) => {
                    let input = String::from_utf8_lossy(&line);
                    let error = "input is not valid UTF-8".to_owned();
                    print_failure(&input, error, json, &mut out).map_err(io_error)?;
                    false
                }
            };
        }
    } else {
        for input in &args.references {
            all_ok &= print_one(input, options, json, &mut out).map_err(io_error)?;
        }
    }
    out.flush().map_err(io_error)?;
    Ok(exit::from_success(all_ok))
}

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
        let none = "(none)";
        writeln!(out, "{input}")?;
        writeln!(out, "  normalised  {r}")?;
        writeln!(out, "  familiar    {}", r.familiar())?;
        let domain = if r.domain().is_empty() {
            none
        } else {
            r.domain()
        };
        writeln!(out, "  domain      {domain}")?;
        writeln!(out, "  path        {}", r.path())?;
        writeln!(out, "  tag         {}", r.tag().unwrap_or(none))?;
        writeln!(out, "  digest      {}", r.digest().unwrap_or(none))?;
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
