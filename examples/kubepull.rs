//! `kubepull`: the command-line face of the crate. Run it with no arguments for a tour of the
//! bundled demo under `examples/data/`; see `kubepull help` for the subcommands.

#[path = "cli/common.rs"]
mod common;
#[path = "cli/explain.rs"]
mod explain;
#[path = "cli/lint.rs"]
mod lint;
#[path = "cli/lookup.rs"]
mod lookup;
#[path = "cli/parse.rs"]
mod parse;
#[path = "cli/platform.rs"]
mod platform;
#[path = "cli/policy.rs"]
mod policy;
#[path = "cli/provider.rs"]
mod provider;

use std::process::ExitCode;

const USAGE: &str = "usage: kubepull <command> [args] [--json]

commands:
  parse [--legacy] [REF...]        parse and normalise image references (stdin lines if none)
  policy IMAGE [--policy P] [--present] [--always-pull-images]
                                   the pull policy and what the kubelet would do
  lookup IMAGE [--secret FILE]... [--node-config FILE] [--provider-response FILE]...
                                   the credentials the kubelet would try, in order
  explain [POD.json] [--secret FILE]... [--service-account FILE] [--node-config FILE]
          [--present IMAGE]... [--index IMAGE=INDEX.json]... [--platform SPEC]
                                   why a pod would or would not get its images (demo if no POD)
  lint FILE...                     find problems in pull secrets and docker config files
  platform select INDEX.json --platform SPEC
                                   pick the manifest for a platform from an index
  provider CONFIG IMAGE [--bin-dir DIR]
                                   run the credential provider plugins (feature exec)
  help                             this text
";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let Some((command, rest)) = args.split_first() else {
        return common::demo();
    };
    match command.as_str() {
        "parse" => parse::run(rest),
        "explain" => explain::run(rest),
        "policy" => policy::run(rest),
        "lookup" => lookup::run(rest),
        "lint" => lint::run(rest),
        "platform" => platform::run(rest),
        "provider" => provider::run(rest),
        "help" | "--help" | "-h" => {
            print!("{USAGE}");
            ExitCode::SUCCESS
        }
        other => {
            eprintln!("kubepull: unknown command {other:?}\n\n{USAGE}");
            ExitCode::from(2)
        }
    }
}
