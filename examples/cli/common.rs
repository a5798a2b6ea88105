//! Helpers shared by the subcommands, and the demo shown when no arguments are given.

use std::process::ExitCode;

use kubepull::Reference;

/// The bundled demo data, relative to the crate root.
pub const DATA_DIR: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/examples/data");

/// The tour of the bundled demo, shown when no arguments are given.
pub fn demo() -> ExitCode {
    let path = format!("{DATA_DIR}/images.txt");
    let text = match std::fs::read_to_string(&path) {
        Ok(text) => text,
        Err(e) => {
            eprintln!("kubepull: cannot read the demo data {path}: {e}");
            return ExitCode::FAILURE;
        }
    };
    println!("kubepull demo: how Kubernetes reads the images in {path}\n");
    for image in text
        .lines()
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
    {
        match Reference::parse(image) {
            Ok(r) => {
                println!("{image}");
                println!("  is              {r}");
                println!(
                    "  registry        {}",
                    if r.domain().is_empty() {
                        "(none)"
                    } else {
                        r.domain()
                    }
                );
                println!("  runtime pulls   {}", r.docker_ref());
                if r.tag().is_none() && r.digest().is_none() {
                    println!(
                        "  note            no tag: the kubelet pulls `latest` and defaults the policy to Always"
                    );
                }
                if r.tag().is_some() && r.digest().is_some() {
                    println!(
                        "  note            tag and digest: the digest wins, the tag is ignored"
                    );
                }
            }
            Err(e) => println!("{image}\n  rejected        {e}"),
        }
        println!();
    }
    println!("Try `kubepull parse --json IMAGE...` or `kubepull help`.");
    ExitCode::SUCCESS
}

/// Prints a usage error for a subcommand and returns the exit code for it.
pub fn usage_error(message: &str) -> ExitCode {
    eprintln!("kubepull: {message}");
    ExitCode::from(2)
}
