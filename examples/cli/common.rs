//! Helpers shared by the subcommands.

use std::process::ExitCode;

/// The tour of the bundled demo, shown when no arguments are given.
pub fn demo() -> ExitCode {
    println!("kubepull demo: see `kubepull help`");
    ExitCode::SUCCESS
}

/// Prints a usage error for a subcommand and returns the exit code for it.
#[allow(dead_code)]
pub fn usage_error(message: &str) -> ExitCode {
    eprintln!("kubepull: {message}");
    ExitCode::from(2)
}
