//! `kubepull parse`. Placeholder until its issue lands.

use std::process::ExitCode;

/// Runs the subcommand.
pub fn run(_args: &[String]) -> ExitCode {
    eprintln!("kubepull parse: not implemented yet");
    ExitCode::from(2)
}
