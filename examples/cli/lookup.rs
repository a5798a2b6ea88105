//! `kubepull lookup`. Placeholder until its issue lands.

use std::process::ExitCode;

/// Runs the subcommand.
pub fn run(_args: &[String]) -> ExitCode {
    eprintln!("kubepull lookup: not implemented yet");
    ExitCode::from(2)
}
