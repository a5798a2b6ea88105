//! `kubepull`: what the kubelet does with a pod's images, and, with `--probe`, proof of it
//! against the registry. Every rule it shows comes from the `kubepull` library.

mod credentials;
mod demo;
mod explain;
mod hints;
mod input;
mod lint;
mod lookup;
mod parse;
mod platform;
mod policy;
mod probe;
mod provider;

use std::process::ExitCode;

use clap::{Args, CommandFactory, Parser, Subcommand};

/// The exit codes of DESIGN's contract.
pub mod exit {
    use std::process::ExitCode;

    /// Every image would be pulled or used.
    pub const OK: u8 = 0;
    /// Some image would fail (or a probe got no `ok`).
    pub const FAILS: u8 = 1;
    /// A usage or input error.
    pub const USAGE: u8 = 2;

    /// `OK` or `FAILS`.
    pub fn from_success(success: bool) -> ExitCode {
        ExitCode::from(if success { OK } else { FAILS })
    }
}

/// An input or usage problem: printed as `kubepull: MESSAGE`, exit code 2.
#[derive(Debug)]
pub struct InputError(pub String);

impl std::fmt::Display for InputError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl From<String> for InputError {
    fn from(message: String) -> InputError {
        InputError(message)
    }
}

#[derive(Parser)]
#[command(
    name = "kubepull",
    version,
    about = "What the kubelet does with a pod's images: pull policy, credentials in kubelet order, platform, and proof against the registry",
    long_about = "What the kubelet does with a pod's images: the normalised reference, the \
pull policy and what the kubelet then does, the credentials it tries in order with their \
sources (never the passwords), the platform it picks from an index, and, with --probe, which \
credential actually works against the registry.\n\nWith no command, explains the bundled demo \
pod. Exit codes: 0 every image would be pulled or used, 1 some image would fail (or a probe \
got no ok), 2 usage or input error.",
    after_help = "Debugging ImagePullBackOff:\n  kubectl get pod/web sa/web secret -n shop -o json | kubepull explain -\n  kubectl get pod/web sa/web secret -n shop -o json | kubepull explain - --probe"
)]
struct Cli {
    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Subcommand)]
enum Command {
    /// Parse and normalise image references, as the kubelet does (one per stdin line if none
    /// given).
    Parse(parse::ParseArgs),
    /// The pull policy an image gets and what the kubelet then does.
    Policy(policy::PolicyArgs),
    /// The credentials the kubelet would try for an image, in order.
    Lookup(lookup::LookupArgs),
    /// Why a pod would or would not get its images (the bundled demo if no input).
    Explain(explain::ExplainArgs),
    /// Problems in pull secrets and docker config files that the kubelet only fails on at
    /// pull time.
    Lint(lint::LintArgs),
    /// Multi-arch indexes.
    Platform {
        #[command(subcommand)]
        command: platform::PlatformCommand,
    },
    /// Run the credential provider plugins of a kubelet config for an image.
    Provider(provider::ProviderArgs),
    /// Print a shell completion script.
    Completions {
        /// The shell.
        shell: clap_complete::Shell,
    },
}

/// `--json`, shared by every subcommand.
#[derive(Args, Clone, Copy, Default)]
pub struct Output {
    /// Print JSON (the shapes of kubepull's documented contract) instead of text.
    #[arg(long)]
    pub json: bool,
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        None => Ok(demo::run()),
        Some(Command::Parse(args)) => parse::run(args),
        Some(Command::Policy(args)) => policy::run(&args),
        Some(Command::Lookup(args)) => lookup::run(&args),
        Some(Command::Explain(args)) => explain::run(&args),
        Some(Command::Lint(args)) => lint::run(&args),
        Some(Command::Platform { command }) => platform::run(&command),
        Some(Command::Provider(args)) => provider::run(&args),
        Some(Command::Completions { shell }) => {
            clap_complete::generate(
                shell,
                &mut Cli::command(),
                "kubepull",
                &mut std::io::stdout(),
            );
            Ok(ExitCode::SUCCESS)
        }
    };
    result.unwrap_or_else(|error| {
        eprintln!("kubepull: {error}");
        ExitCode::from(exit::USAGE)
    })
}
