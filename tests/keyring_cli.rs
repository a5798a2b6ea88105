//! `kubepull lookup`, run as a user would, on the bundled demo data: the JSON shape of
//! DESIGN.md, the kubelet's order, and no password anywhere in the output.

use std::path::PathBuf;
use std::process::Command;

use serde_json::{Value, json};

/// The example binary `cargo test` builds next to the test executables; `None` when the
/// examples were not built (`cargo test --tests`).
fn kubepull() -> Option<PathBuf> {
    let exe = std::env::current_exe().ok()?;
    let path = exe
        .parent()?
        .parent()?
        .join("examples")
        .join(format!("kubepull{}", std::env::consts::EXE_SUFFIX));
    path.exists().then_some(path)
}

const DEMO_PASSWORDS: [&str; 6] = [
    "demo-password-1",
    "demo-password-2",
    "demo-password-3",
    "demo-password-4",
    "demo-password-5",
    "demo-token-6",
];

fn data(name: &str) -> String {
    format!("{}/examples/data/{name}", env!("CARGO_MANIFEST_DIR"))
}

/// Runs `kubepull lookup IMAGE <all demo sources> [extra]`; (exit code, stdout).
fn lookup(binary: &PathBuf, image: &str, extra: &[&str]) -> (i32, String) {
    let output = Command::new(binary)
        .args(["lookup", image])
        .args(["--secret", &data("keyring-secret-regcred.json")])
        .args(["--secret", &data("keyring-secret-legacy.json")])
        .args(["--node-config", &data("keyring-node-config.json")])
        .args([
            "--provider-response",
            &data("keyring-ecr-credential-provider.json"),
        ])
        .args(extra)
        .output()
        .expect("run kubepull");
    let stdout = String::from_utf8(output.stdout).expect("UTF-8");
    let stderr = String::from_utf8_lossy(&output.stderr);
    for password in DEMO_PASSWORDS {
        assert!(
            !stdout.contains(password) && !stderr.contains(password),
            "{password} printed for {image}"
        );
    }
    (output.status.code().unwrap_or(-1), stdout)
}

#[test]
fn lookup_json_matches_the_kubelet_order() {
    let Some(binary) = kubepull() else {
        eprintln!("examples not built; run `cargo test` to build them");
        return;
    };
    let node = data("keyring-node-config.json");
    let cases = [
        (
            "quay.io/shop/web:1.2",
            json!([
                {"key": "quay.io/shop", "username": "shop-ci", "source": "secret:shop/regcred"},
                {"key": "quay.io", "username": "legacy-ci", "source": "secret:shop/legacy"},
            ]),
        ),
        (
            "nginx",
            json!([{"key": "index.docker.io", "username": "shopbot", "source": "secret:shop/regcred"}]),
        ),
        (
            "registry.example.com/app",
            json!([{"key": "*.example.com", "username": "node-reader", "source": format!("node:{node}")}]),
        ),
        (
            "123456789012.dkr.ecr.us-east-1.amazonaws.com/app:v1",
            json!([{"key": "*.dkr.ecr.us-east-1.amazonaws.com", "username": "AWS", "source": "provider:keyring-ecr-credential-provider"}]),
        ),
        ("ghcr.io/nobody/nothing", json!([])),
    ];
    for (image, credentials) in cases {
        let (code, stdout) = lookup(&binary, image, &["--json"]);
        assert_eq!(code, 0, "{image}");
        let got: Value = serde_json::from_str(stdout.trim()).expect("one JSON object");
        let found = credentials.as_array().is_some_and(|c| !c.is_empty());
        assert_eq!(
            got,
            json!({"image": image, "found": found, "credentials": credentials}),
            "{image}"
        );
        let (code, human) = lookup(&binary, image, &[]);
        assert_eq!(code, 0, "{image}");
        assert!(human.starts_with(image), "{human}");
    }
}

#[test]
fn lookup_errors_are_json_too() {
    let Some(binary) = kubepull() else { return };
    let (code, stdout) = lookup(&binary, "Not/Valid:Name", &["--json"]);
    assert_eq!(code, 1);
    let got: Value = serde_json::from_str(stdout.trim()).expect("one JSON object");
    assert_eq!(got["image"], "Not/Valid:Name");
    assert!(
        got["error"]
            .as_str()
            .is_some_and(|e| e.starts_with("invalid reference format")),
        "{got}"
    );
    let usage = Command::new(&binary)
        .arg("lookup")
        .output()
        .expect("run kubepull");
    assert_eq!(usage.status.code(), Some(2));
}
