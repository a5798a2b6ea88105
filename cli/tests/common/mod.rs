//! Running the built `kubepull` binary as a user does, and the data the tests share.
#![allow(dead_code)] // each test crate uses part of it

use std::io::Write;
use std::path::PathBuf;
use std::process::{Command, Stdio};

use serde_json::Value;

/// The binary cargo built for these tests: always there, never skipped.
pub const KUBEPULL: &str = env!("CARGO_BIN_EXE_kubepull");

/// Every password, token and `auth` value in the bundled demo and the test data, plain and
/// as the base64 `auth` forms written in the files.
pub const SECRETS: [&str; 20] = [
    "s3cr3t-deploy",
    "r0b0t-pass",
    "wildcard-pass",
    "hub-pass",
    "node-pass",
    "quay-token",
    "ZGVwbG95OnMzY3IzdC1kZXBsb3k=",
    "YWNtZStjaTpxdWF5LXRva2Vu",
    "cm9ib3Q6cjBiMHQtcGFzcw==",
    "d2lsZGNhcmQ6d2lsZGNhcmQtcGFzcw==",
    "bm9kZS1wdWxsZXI6aHViLXBhc3M=",
    "bm9kZS1zaG9wOm5vZGUtcGFzcw==",
    "demo-password-1",
    "demo-password-2",
    "demo-password-3",
    "demo-password-4",
    "demo-password-5",
    "demo-token-6",
    "right-password",
    "not-the-password-4711",
];

/// What one run printed.
pub struct Run {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

impl Run {
    /// stdout as one JSON document.
    pub fn json(&self) -> Value {
        serde_json::from_str(&self.stdout)
            .unwrap_or_else(|e| panic!("stdout is not one JSON document ({e}):\n{}", self.stdout))
    }

    /// stdout as JSON lines.
    pub fn json_lines(&self) -> Vec<Value> {
        self.stdout
            .lines()
            .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("{e}: {l}")))
            .collect()
    }

    /// Fails when any known secret is in stdout or stderr.
    pub fn assert_no_secret(&self) -> &Run {
        for secret in SECRETS {
            assert!(
                !self.stdout.contains(secret) && !self.stderr.contains(secret),
                "{secret} was printed:\n{}\n{}",
                self.stdout,
                self.stderr
            );
        }
        self
    }
}

/// Runs `kubepull ARGS` with `stdin`, in the system's temporary directory (so nothing
/// depends on the checkout being the working directory).
pub fn run(args: &[&str], stdin: &[u8]) -> Run {
    let mut child = Command::new(KUBEPULL)
        .args(args)
        .current_dir(std::env::temp_dir())
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("running kubepull");
    let mut input = child.stdin.take().expect("stdin");
    let stdin = stdin.to_vec();
    // Write from a thread: a large stdin must not deadlock against a full stdout pipe.
    let writer = std::thread::spawn(move || {
        let _ = input.write_all(&stdin);
    });
    let output = child.wait_with_output().expect("waiting for kubepull");
    writer.join().expect("stdin writer");
    let run = Run {
        code: output.status.code().unwrap_or(-1),
        stdout: String::from_utf8(output.stdout).expect("UTF-8 stdout"),
        stderr: String::from_utf8(output.stderr).expect("UTF-8 stderr"),
    };
    run.assert_no_secret();
    run
}

/// A file of `cli/tests/data/`.
pub fn data(name: &str) -> String {
    format!("{}/tests/data/{name}", env!("CARGO_MANIFEST_DIR"))
}

/// A file of the bundled demo, `cli/demo/`.
pub fn demo(name: &str) -> String {
    format!("{}/demo/{name}", env!("CARGO_MANIFEST_DIR"))
}

/// A file of the library's test data, `tests/data/` at the workspace root.
pub fn library_data(name: &str) -> String {
    format!("{}/../tests/data/{name}", env!("CARGO_MANIFEST_DIR"))
}

/// A fresh directory for one test's files, removed on drop.
pub struct Scratch(pub PathBuf);

impl Scratch {
    pub fn new(name: &str) -> Scratch {
        let dir = std::env::temp_dir().join(format!("kubepull-cli-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).expect("creating a scratch directory");
        Scratch(dir)
    }

    /// Writes `name` with `contents`; returns its path.
    pub fn file(&self, name: &str, contents: &[u8]) -> String {
        let path = self.0.join(name);
        std::fs::write(&path, contents).expect("writing a scratch file");
        path.to_str().expect("UTF-8 path").to_owned()
    }

    pub fn path(&self, name: &str) -> String {
        self.0.join(name).to_str().expect("UTF-8 path").to_owned()
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}
