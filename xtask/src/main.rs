//! `cargo xtask test [ARGS...]`: the README's test command.
//!
//! 1. Installs, with `apt-get`, the system packages the tests need when their programs are
//!    missing: `docker-registry` (a real registry for the `--probe` and oci-client tests) and
//!    `apache2-utils` (its `htpasswd`). On a machine that has them it installs nothing.
//! 2. Runs `cargo test --workspace --all-features ARGS...`: the library's and the command's
//!    unit, integration and doc tests.
//! 3. Fails when any test was ignored, so that nothing passes without running. A filter in
//!    `ARGS` may leave tests out ("filtered out"); that is the caller's choice, not a skip.

use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode, Stdio};

/// (program the tests run, Debian package that provides it)
const SYSTEM_PROGRAMS: [(&str, &str); 2] = [
    ("docker-registry", "docker-registry"),
    ("htpasswd", "apache2-utils"),
];

const USAGE: &str = "usage: cargo xtask test [ARGS...]   (ARGS go to `cargo test`)";

fn main() -> ExitCode {
    let mut args = std::env::args().skip(1);
    match args.next().as_deref() {
        Some("test") => match test(args.collect()) {
            Ok(()) => ExitCode::SUCCESS,
            Err(message) => {
                eprintln!("xtask: {message}");
                ExitCode::FAILURE
            }
        },
        _ => {
            eprintln!("{USAGE}");
            ExitCode::from(2)
        }
    }
}

fn test(args: Vec<String>) -> Result<(), String> {
    install_missing_packages()?;
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let mut command = Command::new(cargo);
    command
        .current_dir(workspace_root())
        .args(["test", "--workspace", "--all-features"])
        .args(&args)
        .stdout(Stdio::piped());
    eprintln!(
        "xtask: running cargo test --workspace --all-features {}",
        args.join(" ")
    );
    let mut child = command
        .spawn()
        .map_err(|e| format!("cannot run cargo: {e}"))?;
    let stdout = child.stdout.take().expect("stdout is piped");
    let mut ignored = Vec::new();
    let mut out = std::io::stdout().lock();
    let mut suite = String::new();
    for line in BufReader::new(stdout).lines() {
        let line = line.map_err(|e| format!("reading cargo's output: {e}"))?;
        // Echo as it comes, so a long run shows progress.
        let _ = writeln!(out, "{line}");
        if let Some(name) = ignored_test(&line) {
            ignored.push(format!("{suite}: {name}"));
        } else if ignored_count(&line) > 0 && ignored.is_empty() {
            // `--quiet` prints no names, only the counts.
            ignored.push(format!("{suite}: {line}"));
        }
        if line.starts_with("running ") {
            suite.clear();
        }
        if let Some(rest) = line.strip_prefix("     Running ") {
            suite = rest.to_owned();
        }
        if let Some(rest) = line.strip_prefix("   Doc-tests ") {
            suite = format!("doc tests of {rest}");
        }
    }
    drop(out);
    let status = child
        .wait()
        .map_err(|e| format!("waiting for cargo: {e}"))?;
    if !status.success() {
        return Err(format!("cargo test failed ({status})"));
    }
    if !ignored.is_empty() {
        return Err(format!(
            "{} test(s) were skipped, and a skipped test checks nothing:\n  {}",
            ignored.len(),
            ignored.join("\n  ")
        ));
    }
    eprintln!("xtask: every test ran and passed; none was skipped");
    Ok(())
}

/// The test named by a libtest line such as `test some::name ... ignored`.
fn ignored_test(line: &str) -> Option<&str> {
    let rest = line.strip_prefix("test ")?;
    let (name, verdict) = rest.rsplit_once(" ... ")?;
    verdict.starts_with("ignored").then_some(name)
}

/// N in a libtest summary `test result: ok. 3 passed; 0 failed; N ignored; ...`.
fn ignored_count(line: &str) -> usize {
    let Some(summary) = line.strip_prefix("test result: ") else {
        return 0;
    };
    summary
        .split("; ")
        .find_map(|part| part.strip_suffix(" ignored"))
        .and_then(|n| n.parse().ok())
        .unwrap_or(0)
}

fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("xtask/ lives in the workspace root")
        .to_path_buf()
}

/// Installs the Debian packages whose programs are not on `PATH`; does nothing when all are.
fn install_missing_packages() -> Result<(), String> {
    let missing: Vec<&str> = SYSTEM_PROGRAMS
        .iter()
        .filter(|(program, _)| find_program(program).is_none())
        .map(|&(_, package)| package)
        .collect();
    if missing.is_empty() {
        return Ok(());
    }
    let list = missing.join(" ");
    if find_program("apt-get").is_none() {
        return Err(format!(
            "the tests need the Debian packages {list} (or their programs docker-registry and \
             htpasswd on PATH), and this machine has no apt-get: install them by hand"
        ));
    }
    let sudo: &[&str] = if is_root() { &[] } else { &["sudo"] };
    eprintln!("xtask: installing {list} with apt-get (the tests run a real registry)");
    run(sudo, &["apt-get", "update", "-qq"])?;
    let mut install = vec!["apt-get", "install", "-y", "-qq", "--no-install-recommends"];
    install.extend(&missing);
    run(sudo, &install)?;
    match SYSTEM_PROGRAMS
        .iter()
        .find(|(program, _)| find_program(program).is_none())
    {
        Some((program, package)) => Err(format!(
            "installed {package}, but `{program}` is still not on PATH"
        )),
        None => Ok(()),
    }
}

fn run(prefix: &[&str], command: &[&str]) -> Result<(), String> {
    let all: Vec<&str> = prefix.iter().chain(command).copied().collect();
    let status = Command::new(all[0])
        .args(&all[1..])
        .env("DEBIAN_FRONTEND", "noninteractive")
        .stdin(Stdio::null())
        .status()
        .map_err(|e| format!("cannot run {}: {e}", all.join(" ")))?;
    if status.success() {
        Ok(())
    } else {
        Err(format!("{} failed ({status})", all.join(" ")))
    }
}

fn is_root() -> bool {
    Command::new("id")
        .arg("-u")
        .output()
        .is_ok_and(|out| out.stdout.trim_ascii() == b"0")
}

/// The program's path when an executable file of that name is on `PATH`.
fn find_program(name: &str) -> Option<PathBuf> {
    use std::os::unix::fs::PermissionsExt as _;
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path)
        .map(|dir| dir.join(name))
        .find(|candidate| {
            candidate
                .metadata()
                .is_ok_and(|m| m.is_file() && m.permissions().mode() & 0o111 != 0)
        })
}

#[cfg(test)]
mod tests {
    use super::{ignored_count, ignored_test};

    #[test]
    fn recognises_libtest_ignored_lines() {
        assert_eq!(ignored_test("test a::b ... ignored"), Some("a::b"));
        assert_eq!(
            ignored_test("test src/lib.rs - x (line 3) ... ignored, slow"),
            Some("src/lib.rs - x (line 3)")
        );
        assert_eq!(ignored_test("test a::b ... ok"), None);
        assert_eq!(ignored_test("test result: ok. 1 passed; 0 ignored"), None);
    }

    #[test]
    fn reads_the_ignored_count_of_a_summary() {
        let line = "test result: ok. 3 passed; 0 failed; 2 ignored; 0 measured; 5 filtered out; finished in 0.1s";
        assert_eq!(ignored_count(line), 2);
        assert_eq!(ignored_count(&line.replace("2 ignored", "0 ignored")), 0);
        assert_eq!(ignored_count("test a ... ignored"), 0);
    }
}
