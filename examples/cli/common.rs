//! Helpers shared by the subcommands, and the demo shown when no arguments are given.

use std::process::ExitCode;

/// The bundled demo data, relative to the crate root.
pub const DATA_DIR: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/examples/data");

/// The tour of the bundled demo, shown when no arguments are given: `explain` on the demo pod.
pub fn demo() -> ExitCode {
    println!("kubepull demo: what the kubelet does with the images of the pod in");
    println!("examples/data/demo/pod.json, its ServiceAccount's two pull secrets (one");
    println!("kubernetes.io/dockerconfigjson, one legacy kubernetes.io/dockercfg), the node's");
    println!("config.json and a multi-arch index, on a linux/arm64 node where only");
    println!("quay.io/acme/metrics:v2 is already present. Passwords are never printed.");
    println!("Run `kubepull help` for the other commands, `kubepull explain --json` for JSON.\n");
    super::explain::run(&[])
}

/// Prints a usage error for a subcommand and returns the exit code for it.
pub fn usage_error(message: &str) -> ExitCode {
    eprintln!("kubepull: {message}");
    ExitCode::from(2)
}
