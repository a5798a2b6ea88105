//! The command-line example as a user runs it: `parse --json` against the conformance vectors
//! in both grammars, `policy --json`, `platform select --json` and `explain --json` on the
//! bundled demo (shapes of DESIGN.md, no password in any output).

use std::io::Write;
use std::path::PathBuf;
use std::process::{Command, Stdio};

use serde_json::Value;

/// The example binary `cargo test` builds next to the test executables; `None` when examples
/// were not built (`cargo test --tests`), in which case these tests have nothing to run.
fn kubepull() -> Option<PathBuf> {
    let exe = std::env::current_exe().ok()?;
    let path = exe
        .parent()?
        .parent()?
        .join("examples")
        .join(format!("kubepull{}", std::env::consts::EXE_SUFFIX));
    path.exists().then_some(path)
}

fn data(path: &str) -> String {
    format!("{}/{path}", env!("CARGO_MANIFEST_DIR"))
}

/// Runs the binary with `args` and `stdin`; returns (exit code, stdout lines as JSON values).
fn run_json(binary: &PathBuf, args: &[&str], stdin: &str) -> (i32, Vec<Value>) {
    let mut child = Command::new(binary)
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("run kubepull");
    child
        .stdin
        .take()
        .expect("stdin")
        .write_all(stdin.as_bytes())
        .expect("write stdin");
    let output = child.wait_with_output().expect("wait");
    let stdout = String::from_utf8(output.stdout).expect("UTF-8 output");
    let values = if stdout.trim_start().starts_with('{') && !stdout.contains("}\n{") {
        vec![serde_json::from_str(&stdout).expect("one JSON document")]
    } else {
        stdout
            .lines()
            .map(|l| serde_json::from_str(l).expect("JSON line"))
            .collect()
    };
    (output.status.code().unwrap_or(-1), values)
}

/// `parse --json` prints the vectors' objects; errors keep only `input` and `error`.
fn assert_parse_matches(binary: &PathBuf, vectors: &str, legacy: bool) {
    let expected: Vec<Value> = std::fs::read_to_string(data(vectors))
        .expect("vectors")
        .lines()
        .map(|l| serde_json::from_str(l).expect("vector"))
        .collect();
    let stdin: String = expected
        .iter()
        .map(|v| format!("{}\n", v["input"].as_str().unwrap()))
        .collect();
    let args: &[&str] = if legacy {
        &["parse", "--json", "--legacy"]
    } else {
        &["parse", "--json"]
    };
    let (code, got) = run_json(binary, args, &stdin);
    assert_eq!(code, 1, "some vectors are errors, so the exit code is 1");
    assert_eq!(got.len(), expected.len());
    for (got, mut want) in got.into_iter().zip(expected) {
        if want.get("error").is_some() {
            want = serde_json::json!({"input": want["input"], "error": want["error"]});
        }
        assert_eq!(got, want);
    }
}

#[test]
fn parse_json_matches_the_edge_vectors_in_both_grammars() {
    let Some(binary) = kubepull() else { return };
    assert_parse_matches(
        &binary,
        "tests/data/reference/references.edge.expected.jsonl",
        false,
    );
    assert_parse_matches(
        &binary,
        "tests/data/reference/references.edge.expected-v2.8.jsonl",
        true,
    );
}

/// (arguments after `policy --json`, policy, defaulted, action, error)
type PolicyRow = (
    &'static [&'static str],
    &'static str,
    bool,
    &'static str,
    Option<&'static str>,
);

#[test]
fn policy_json_follows_defaulting_and_the_kubelet() {
    let Some(binary) = kubepull() else { return };
    let rows: [PolicyRow; 6] = [
        (&["nginx"], "Always", true, "pull", None),
        (
            &["nginx:1.25", "--present"],
            "IfNotPresent",
            true,
            "use-local",
            None,
        ),
        (
            &["x:latest@sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"],
            "Always",
            true,
            "pull",
            None,
        ),
        (
            &["nginx:1.25", "--present", "--always-pull-images"],
            "Always",
            false,
            "pull",
            None,
        ),
        (
            &["nginx:1.25", "--policy", "Never"],
            "Never",
            false,
            "fail",
            Some("Container image \"nginx:1.25\" is not present with pull policy of Never"),
        ),
        (
            &["nginx:1.25", "--policy", "Never", "--present"],
            "Never",
            false,
            "use-local",
            None,
        ),
    ];
    for (args, policy, defaulted, action, error) in rows {
        let mut full = vec!["policy", "--json"];
        full.extend_from_slice(args);
        let (code, out) = run_json(&binary, &full, "");
        assert_eq!(code, 0, "{args:?}");
        let v = &out[0];
        assert_eq!(v["image"], args[0], "{args:?}");
        assert_eq!(v["policy"], policy, "{args:?}");
        assert_eq!(v["defaulted"], defaulted, "{args:?}");
        assert_eq!(v["action"], action, "{args:?}");
        assert_eq!(v.get("error").and_then(Value::as_str), error, "{args:?}");
    }
}

#[test]
fn platform_select_json_picks_the_node_manifest() {
    let Some(binary) = kubepull() else { return };
    let index = data("examples/data/index.json");
    let (code, out) = run_json(
        &binary,
        &[
            "platform",
            "select",
            &index,
            "--platform",
            "linux/arm64",
            "--json",
        ],
        "",
    );
    assert_eq!(code, 0);
    assert_eq!(out[0]["platform"]["architecture"], "arm64");
    assert!(out[0]["digest"].as_str().unwrap().starts_with("sha256:"));
    let (code, out) = run_json(
        &binary,
        &[
            "platform",
            "select",
            &index,
            "--platform",
            "linux/s390x",
            "--json",
        ],
        "",
    );
    assert_eq!(code, 1);
    assert!(out[0]["error"].is_string());
}

#[test]
fn explain_json_on_the_demo_never_prints_a_password() {
    let Some(binary) = kubepull() else { return };
    let output = Command::new(&binary)
        .args(["explain", "--json"])
        .output()
        .expect("run kubepull");
    assert_eq!(output.status.code(), Some(0));
    let stdout = String::from_utf8(output.stdout).expect("UTF-8");
    for password in [
        "s3cr3t-deploy",
        "r0b0t-pass",
        "wildcard-pass",
        "hub-pass",
        "node-pass",
        "quay-token",
    ] {
        assert!(!stdout.contains(password), "{password} printed");
    }
    let report: Value = serde_json::from_str(&stdout).expect("JSON");
    assert_eq!(report["pullSecretsFrom"], "serviceAccount");
    let images = report["images"].as_array().unwrap();
    assert_eq!(images.len(), 6);
    let web = &images[1];
    assert_eq!(web["path"], "spec.containers[0]");
    let sources: Vec<&str> = web["credentials"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["source"].as_str().unwrap())
        .collect();
    assert_eq!(
        sources[..2],
        ["secret:shop/regcred", "secret:shop/legacy-cfg"]
    );
    assert!(sources[2].starts_with("node:"));
    assert!(
        web["platform"]["digest"]
            .as_str()
            .unwrap()
            .starts_with("sha256:")
    );
    let metrics = &images[4];
    assert_eq!(metrics["ifAbsent"]["action"], "fail");
    assert_eq!(metrics["ifPresent"]["action"], "use-local");
}
