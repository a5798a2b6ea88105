//! Every subcommand of the built binary, as a user runs it: the JSON shapes of the
//! documented contract, text output, inputs as kubectl prints them (JSON, YAML, Lists,
//! stdin), the input caps, exit codes, and no password in any output (every run checks).

mod common;

use common::{Scratch, data, demo, library_data, run};
use serde_json::{Value, json};

// --- parse ---------------------------------------------------------------------------------

/// `parse --json` prints the vectors' objects; errors keep only `input` and `error`.
fn assert_parse_matches(vectors: &str, legacy: bool) {
    let expected: Vec<Value> = std::fs::read_to_string(library_data(vectors))
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
    let out = run(args, stdin.as_bytes());
    assert_eq!(
        out.code, 1,
        "some vectors are errors, so the exit code is 1"
    );
    let got = out.json_lines();
    assert_eq!(got.len(), expected.len());
    for (got, mut want) in got.into_iter().zip(expected) {
        if want.get("error").is_some() {
            want = json!({"input": want["input"], "error": want["error"]});
        }
        assert_eq!(got, want);
    }
}

#[test]
fn parse_json_matches_the_edge_vectors_in_both_grammars() {
    assert_parse_matches("reference/references.edge.expected.jsonl", false);
    assert_parse_matches("reference/references.edge.expected-v2.8.jsonl", true);
}

#[test]
fn parse_arguments_text_and_overlong_lines() {
    let out = run(&["parse", "nginx", "Foo/bar:1"], b"");
    assert_eq!(out.code, 0);
    assert!(
        out.stdout.contains("normalised  docker.io/library/nginx"),
        "{}",
        out.stdout
    );
    let long = format!("{}\nnginx\n", "a".repeat(100_000));
    let out = run(&["parse", "--json"], long.as_bytes());
    assert_eq!(out.code, 1);
    let lines = out.json_lines();
    assert_eq!(lines.len(), 2);
    assert!(
        lines[0]["error"]
            .as_str()
            .unwrap()
            .starts_with("line longer than 4096")
    );
    assert_eq!(lines[1]["name"], "docker.io/library/nginx");
}

// --- policy --------------------------------------------------------------------------------

/// (arguments after `policy --json`, policy, defaulted, action, error, exit code)
type PolicyRow = (
    &'static [&'static str],
    &'static str,
    bool,
    &'static str,
    Option<&'static str>,
    i32,
);

#[test]
fn policy_json_follows_defaulting_and_the_kubelet() {
    const DIGEST: &str =
        "x:latest@sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";
    let rows: [PolicyRow; 7] = [
        (&["nginx"], "Always", true, "pull", None, 0),
        (
            &["nginx:1.25", "--present"],
            "IfNotPresent",
            true,
            "use-local",
            None,
            0,
        ),
        (&[DIGEST], "Always", true, "pull", None, 0),
        (
            &["nginx:1.25", "--present", "--always-pull-images"],
            "Always",
            false,
            "pull",
            None,
            0,
        ),
        (
            &["nginx:1.25", "--policy", "Never"],
            "Never",
            false,
            "fail",
            Some("Container image \"nginx:1.25\" is not present with pull policy of Never"),
            1,
        ),
        (
            &["nginx:1.25", "--policy=Never", "--present"],
            "Never",
            false,
            "use-local",
            None,
            0,
        ),
        (
            &["nginx:1.25", "--policy", "IfNotPresent"],
            "IfNotPresent",
            false,
            "pull",
            None,
            0,
        ),
    ];
    for (args, policy, defaulted, action, error, code) in rows {
        let mut full = vec!["policy", "--json"];
        full.extend_from_slice(args);
        let out = run(&full, b"");
        assert_eq!(out.code, code, "{args:?}");
        let v = out.json();
        assert_eq!(v["image"], args[0], "{args:?}");
        assert_eq!(v["policy"], policy, "{args:?}");
        assert_eq!(v["defaulted"], defaulted, "{args:?}");
        assert_eq!(v["action"], action, "{args:?}");
        assert_eq!(v.get("error").and_then(Value::as_str), error, "{args:?}");
    }
    let out = run(&["policy", "nginx", "--policy", "Sometimes"], b"");
    assert_eq!(out.code, 2);
    assert_eq!(
        out.stderr.trim(),
        r#"kubepull: --policy: Unsupported value: "Sometimes": supported values: "Always", "IfNotPresent", "Never""#
    );
}

// --- platform select -----------------------------------------------------------------------

#[test]
fn platform_select_json_picks_the_node_manifest() {
    let index = demo("index.json");
    let out = run(
        &[
            "platform",
            "select",
            &index,
            "--platform",
            "linux/arm64",
            "--json",
        ],
        b"",
    );
    assert_eq!(out.code, 0);
    let v = out.json();
    assert_eq!(v["platform"]["architecture"], "arm64");
    assert!(v["digest"].as_str().unwrap().starts_with("sha256:"));
    assert!(v["mediaType"].is_string());
    let out = run(
        &[
            "platform",
            "select",
            &index,
            "--platform",
            "linux/s390x",
            "--json",
        ],
        b"",
    );
    assert_eq!(out.code, 1);
    assert!(out.json()["error"].is_string());
    // stdin works too.
    let bytes = std::fs::read(&index).unwrap();
    let out = run(
        &[
            "platform",
            "select",
            "-",
            "--platform=linux/amd64",
            "--json",
        ],
        &bytes,
    );
    assert_eq!(
        (out.code, out.json()["platform"]["architecture"].clone()),
        (0, json!("amd64"))
    );
}

// --- lookup --------------------------------------------------------------------------------

/// `lookup IMAGE` with every demo source, plus `extra`.
fn lookup(image: &str, extra: &[&str]) -> common::Run {
    let (regcred, legacy) = (
        data("keyring-secret-regcred.json"),
        data("keyring-secret-legacy.json"),
    );
    let (node, ecr) = (
        data("keyring-node-config.json"),
        data("keyring-ecr-credential-provider.json"),
    );
    let mut args = vec!["lookup", image, "--secret", &regcred, "--secret", &legacy];
    args.extend(["--node-config", &node, "--provider-response", &ecr]);
    args.extend_from_slice(extra);
    run(&args, b"")
}

#[test]
fn lookup_json_matches_the_kubelet_order() {
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
        let out = lookup(image, &["--json"]);
        assert_eq!(out.code, 0, "{image}");
        let found = credentials.as_array().is_some_and(|c| !c.is_empty());
        assert_eq!(
            out.json(),
            json!({"image": image, "found": found, "credentials": credentials}),
            "{image}"
        );
        let text = lookup(image, &[]);
        assert_eq!(text.code, 0, "{image}");
        assert!(text.stdout.starts_with(image), "{}", text.stdout);
    }
}

#[test]
fn lookup_takes_a_list_of_secrets() {
    let scratch = Scratch::new("secret-list");
    let item = |name: &str| -> Value {
        serde_json::from_slice(&std::fs::read(data(name)).unwrap()).unwrap()
    };
    let list = json!({"apiVersion": "v1", "kind": "List", "items": [
        item("keyring-secret-regcred.json"), item("keyring-secret-legacy.json")
    ]});
    let file = scratch.file("secrets.json", list.to_string().as_bytes());
    let out = run(
        &["lookup", "quay.io/shop/web", "--secret", &file, "--json"],
        b"",
    );
    assert_eq!(out.code, 0, "{}", out.stderr);
    let sources: Vec<Value> = out.json()["credentials"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["source"].clone())
        .collect();
    assert_eq!(
        sources,
        [json!("secret:shop/regcred"), json!("secret:shop/legacy")]
    );
}

#[test]
fn lookup_errors_are_json_too_and_usage_errors_exit_2() {
    let out = lookup("Not/Valid:Name", &["--json"]);
    assert_eq!(out.code, 1);
    let got = out.json();
    assert_eq!(got["image"], "Not/Valid:Name");
    assert!(
        got["error"]
            .as_str()
            .unwrap()
            .starts_with("invalid reference format"),
        "{got}"
    );
    assert_eq!(run(&["lookup"], b"").code, 2);
    assert_eq!(run(&["lookup", "nginx", "--no-such-flag"], b"").code, 2);
    let out = run(
        &[
            "lookup",
            "nginx",
            "--secret",
            &data("keyring-node-config.json"),
        ],
        b"",
    );
    assert_eq!(out.code, 2);
    assert!(out.stderr.contains("has no `kind`"), "{}", out.stderr);
}

#[test]
fn cloud_hints_name_the_plugin_when_nothing_matches() {
    let out = run(
        &["lookup", "123456789012.dkr.ecr.eu-west-1.amazonaws.com/app"],
        b"",
    );
    assert_eq!(out.code, 0);
    assert!(
        out.stdout.contains("ecr-credential-provider"),
        "{}",
        out.stdout
    );
    assert!(
        out.stdout.contains("ecr:GetAuthorizationToken"),
        "{}",
        out.stdout
    );
    let scratch = Scratch::new("cloud-hint");
    let pod = json!({"kind": "Pod", "metadata": {"name": "p", "namespace": "n"},
        "spec": {"imagePullSecrets": [], "containers": [
            {"name": "a", "image": "shop.azurecr.io/web:1"},
            {"name": "b", "image": "europe-docker.pkg.dev/p/r/web:1"}]}});
    let file = scratch.file("pod.json", pod.to_string().as_bytes());
    let report = run(&["explain", &file, "--json"], b"").json();
    assert_eq!(
        report["images"][0]["cloudHint"]["plugin"],
        "acr-credential-provider"
    );
    assert_eq!(
        report["images"][1]["cloudHint"]["plugin"],
        "auth-provider-gcp"
    );
}

// --- lint ----------------------------------------------------------------------------------

#[test]
fn lint_json_reports_each_finding_with_its_file() {
    let files = [
        "config.json",
        "regcred.secret.json",
        "broken-regcred.secret.json",
    ]
    .map(|f| data(&format!("config-lint/{f}")));
    let mut args = vec!["lint", "--json"];
    args.extend(files.iter().map(String::as_str));
    let out = run(&args, b"");
    assert_eq!(out.code, 1, "the broken secret is an error");
    let findings = out.json_lines();
    assert!(!findings.is_empty());
    for f in &findings {
        for key in ["file", "key", "kind", "severity", "message"] {
            assert!(f.get(key).is_some(), "{key} missing in {f}");
        }
        assert!(files.iter().any(|file| f["file"] == file.as_str()), "{f}");
    }
    assert!(findings.iter().any(|f| f["severity"] == "error"));
    let dir = run(&["lint", "--json", "/"], b"");
    assert_eq!(dir.code, 1);
    assert_eq!(dir.json()["kind"], "unreadable");
    assert_eq!(run(&["lint"], b"").code, 2);
}

// --- explain -------------------------------------------------------------------------------

#[test]
fn explain_json_on_the_demo() {
    let out = run(&["explain", "--json"], b"");
    assert_eq!(out.code, 0, "{}", out.stderr);
    let report = out.json();
    assert_eq!(report["pod"], "shop/web-7d4b9");
    assert_eq!(report["pullSecretsFrom"], "serviceAccount");
    assert_eq!(report["serviceAccountGiven"], true);
    assert_eq!(report["missingPullSecrets"], json!([]));
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
        sources,
        [
            "secret:shop/regcred",
            "secret:shop/legacy-cfg",
            "node:/var/lib/kubelet/config.json"
        ]
    );
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

#[test]
fn no_arguments_explains_the_demo_anywhere() {
    let out = run(&[], b"");
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(out.stdout.starts_with("kubepull demo:"), "{}", out.stdout);
    assert!(out.stdout.contains(
        "3. registry.example.com/shop as \"node-shop\" from node:/var/lib/kubelet/config.json"
    ));
    // Nothing of the build machine leaks into the output.
    assert!(
        !out.stdout.contains(env!("CARGO_MANIFEST_DIR")),
        "{}",
        out.stdout
    );
}

/// The demo pod, its ServiceAccount and both secrets as one `kind: List`.
fn demo_list() -> Value {
    let item = |name: &str| -> Value {
        serde_json::from_slice(&std::fs::read(demo(name)).unwrap()).unwrap()
    };
    json!({"apiVersion": "v1", "kind": "List", "metadata": {"resourceVersion": ""}, "items": [
        item("pod.json"), item("serviceaccount.json"),
        item("regcred.secret.json"), item("legacy-cfg.secret.json"),
    ]})
}

/// `explain` on separate files, for comparison.
fn explain_files(extra: &[&str]) -> Value {
    let (pod, sa) = (demo("pod.json"), demo("serviceaccount.json"));
    let (regcred, legacy) = (demo("regcred.secret.json"), demo("legacy-cfg.secret.json"));
    let mut args = vec![
        "explain",
        &pod,
        "--service-account",
        &sa,
        "--secret",
        &regcred,
    ];
    // The demo's Never image is on the node, so every image would be had: exit 0.
    args.extend([
        "--secret",
        &legacy,
        "--json",
        "--present",
        "quay.io/acme/metrics:v2",
    ]);
    args.extend_from_slice(extra);
    let out = run(&args, b"");
    assert_eq!(out.code, 0, "{}", out.stderr);
    out.json()
}

#[test]
fn explain_reads_a_list_from_stdin_as_kubectl_prints_it() {
    let from_files = explain_files(&[]);
    let present = ["--present", "quay.io/acme/metrics:v2"];
    let out = run(
        &["explain", "-", "--json", present[0], present[1]],
        demo_list().to_string().as_bytes(),
    );
    assert_eq!(out.code, 0, "{}", out.stderr);
    let from_list = out.json();
    assert_eq!(from_list["images"], from_files["images"]);
    assert_eq!(from_list["pullSecrets"], json!(["regcred", "legacy-cfg"]));
    // Lint findings name where each secret came from: stdin here.
    assert!(
        from_list["lint"]
            .as_array()
            .unwrap()
            .iter()
            .all(|l| l["file"] == "stdin")
    );
}

#[test]
fn explain_reads_yaml_as_kubectl_prints_it() {
    let yaml = serde_norway::to_string(&demo_list()).unwrap();
    assert!(!yaml.trim_start().starts_with('{'));
    let scratch = Scratch::new("yaml");
    let file = scratch.file("web.yaml", yaml.as_bytes());
    let present = ["--present", "quay.io/acme/metrics:v2"];
    let out = run(&["explain", &file, "--json", present[0], present[1]], b"");
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert_eq!(out.json()["images"], explain_files(&[])["images"]);
    // And as several documents.
    let items = demo_list()["items"].as_array().unwrap().clone();
    let documents: Vec<String> = items
        .iter()
        .map(|i| serde_norway::to_string(i).unwrap())
        .collect();
    let out = run(
        &["explain", "-", "--json", present[0], present[1]],
        documents.join("---\n").as_bytes(),
    );
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert_eq!(out.json()["images"], explain_files(&[])["images"]);
}

#[test]
fn explain_reports_missing_pull_secrets_as_the_kubelet_warns() {
    let scratch = Scratch::new("missing");
    let pod = json!({"kind": "Pod", "metadata": {"name": "web", "namespace": "shop"},
        "spec": {"imagePullSecrets": [{"name": "regcred"}, {"name": "gone"}],
                 "containers": [{"name": "web", "image": "registry.example.com/shop/web:1"}]}});
    let file = scratch.file("pod.json", pod.to_string().as_bytes());
    let regcred = demo("regcred.secret.json");
    let report = run(&["explain", &file, "--secret", &regcred, "--json"], b"").json();
    assert_eq!(report["pullSecretsFrom"], "pod");
    assert_eq!(report["missingPullSecrets"], json!(["gone"]));
    assert_eq!(
        report["warning"],
        "Warning FailedToRetrieveImagePullSecret: Unable to retrieve some image pull secrets (gone); attempting to pull the image may not succeed."
    );
    let text = run(&["explain", &file, "--secret", &regcred], b"");
    assert!(
        text.stdout
            .contains("Unable to retrieve some image pull secrets (gone)"),
        "{}",
        text.stdout
    );
}

#[test]
fn explain_never_claims_what_an_absent_service_account_holds() {
    let scratch = Scratch::new("no-sa");
    let pod = json!({"kind": "Pod", "metadata": {"name": "web", "namespace": "shop"},
        "spec": {"serviceAccountName": "shop-puller",
                 "containers": [{"name": "web", "image": "registry.example.com/shop/web:1"}]}});
    let file = scratch.file("pod.json", pod.to_string().as_bytes());
    let report = run(&["explain", &file, "--json"], b"").json();
    assert_eq!(report["serviceAccount"], "shop-puller");
    assert_eq!(report["serviceAccountGiven"], false);
    assert_eq!(report["pullSecretsFrom"], "unknown");
    let text = run(&["explain", &file], b"").stdout;
    assert!(
        text.contains("Its ServiceAccount shop-puller was not given"),
        "{text}"
    );
    assert!(
        !text.contains("neither the pod nor its ServiceAccount"),
        "{text}"
    );
    // A ServiceAccount of another name is refused, not silently used.
    let other = scratch.file(
        "sa.json",
        br#"{"kind":"ServiceAccount","metadata":{"name":"default","namespace":"shop"}}"#,
    );
    let out = run(&["explain", &file, "--service-account", &other], b"");
    assert_eq!(out.code, 2);
    assert!(
        out.stderr
            .contains(r#"the pod runs as ServiceAccount "shop-puller""#),
        "{}",
        out.stderr
    );
}

#[test]
fn explain_exit_code_says_whether_every_image_would_be_had() {
    let scratch = Scratch::new("exit");
    let pod = |policy: &str| {
        json!({"kind": "Pod", "metadata": {"name": "p", "namespace": "n"}, "spec": {"containers": [
            {"name": "a", "image": "nginx:1.25", "imagePullPolicy": policy}]}})
        .to_string()
    };
    let never = scratch.file("never.json", pod("Never").as_bytes());
    assert_eq!(
        run(&["explain", &never], b"").code,
        1,
        "Never and absent fails"
    );
    assert_eq!(
        run(&["explain", &never, "--present", "nginx:1.25"], b"").code,
        0
    );
    assert_eq!(
        run(
            &[
                "explain",
                &never,
                "--present",
                "docker.io/library/nginx:1.25"
            ],
            b""
        )
        .code,
        0
    );
    let bad = scratch.file("bad.json", pod("Sometimes").as_bytes());
    let report = run(&["explain", &bad, "--json"], b"");
    assert_eq!(report.code, 1);
    assert!(
        report.json()["images"][0]["error"]
            .as_str()
            .unwrap()
            .contains("Unsupported value")
    );
    let two = scratch.file(
        "two.json",
        br#"{"kind":"List","items":[
        {"kind":"Pod","metadata":{"name":"a"},"spec":{"containers":[]}},
        {"kind":"Pod","metadata":{"name":"b"},"spec":{"containers":[]}}]}"#,
    );
    let out = run(&["explain", &two], b"");
    assert_eq!(out.code, 2);
    assert!(
        out.stderr.contains("choose one with --pod NAME"),
        "{}",
        out.stderr
    );
    assert_eq!(run(&["explain", &two, "--pod", "b"], b"").code, 0);
}

// --- inputs --------------------------------------------------------------------------------

#[test]
fn inputs_are_capped_and_only_regular_files_or_stdin() {
    let scratch = Scratch::new("caps");
    let big = scratch.file("big.json", &vec![b' '; 16 * 1024 * 1024 + 1]);
    let out = run(&["explain", &big], b"");
    assert_eq!(out.code, 2);
    assert!(
        out.stderr.contains("larger than 16777216"),
        "{}",
        out.stderr
    );
    let out = run(&["explain", "-"], &vec![b' '; 16 * 1024 * 1024 + 1]);
    assert_eq!(out.code, 2);
    assert!(
        out.stderr.contains("stdin is larger than 16777216"),
        "{}",
        out.stderr
    );

    let fifo = scratch.path("fifo");
    let made = std::process::Command::new("mkfifo")
        .arg(&fifo)
        .status()
        .expect("mkfifo");
    assert!(made.success());
    let started = std::time::Instant::now();
    let out = run(&["explain", &fifo], b"");
    assert_eq!(out.code, 2);
    assert!(
        out.stderr.contains("is a FIFO, not a regular file"),
        "{}",
        out.stderr
    );
    assert!(
        started.elapsed() < std::time::Duration::from_secs(10),
        "no hang on a FIFO"
    );
    let out = run(&["lookup", "nginx", "--secret", &fifo], b"");
    assert!(out.stderr.contains("is a FIFO"), "{}", out.stderr);

    let out = run(&["explain", "/dev/zero"], b"");
    assert_eq!(out.code, 2);
    assert!(
        out.stderr
            .contains("/dev/zero is a device, not a regular file"),
        "{}",
        out.stderr
    );
    let out = run(
        &["lookup", "nginx", "--node-config", &scratch.path("")],
        b"",
    );
    assert_eq!(out.code, 2);
    assert!(out.stderr.contains("is a directory"), "{}", out.stderr);
    let out = run(&["explain", &scratch.path("nothing-here.json")], b"");
    assert_eq!(out.code, 2);
    assert!(out.stderr.contains("cannot read"), "{}", out.stderr);
}

#[test]
fn input_errors_never_quote_secret_values() {
    let scratch = Scratch::new("bad-secret");
    // A Secret whose data is not base64: the error names the key, not the value.
    let file = scratch.file("bad.json", br#"{"kind":"Secret","metadata":{"name":"x"},"data":{".dockerconfigjson":"demo-password-1!"}}"#);
    let out = run(&["lookup", "nginx", "--secret", &file], b"");
    assert_eq!(out.code, 2);
    assert!(
        out.stderr.contains("data[.dockerconfigjson]"),
        "{}",
        out.stderr
    );
    // `run` has checked that no secret reached the output.
}

// --- help and completions ------------------------------------------------------------------

#[test]
fn every_subcommand_has_help_and_completions_exist() {
    let commands: [&[&str]; 9] = [
        &[],
        &["parse"],
        &["policy"],
        &["lookup"],
        &["explain"],
        &["lint"],
        &["platform", "select"],
        &["provider"],
        &["completions"],
    ];
    for command in commands {
        let mut args = command.to_vec();
        args.push("--help");
        let out = run(&args, b"");
        assert_eq!(out.code, 0, "{args:?}: {}", out.stderr);
        assert!(
            out.stdout.contains("Usage: kubepull"),
            "{args:?}: {}",
            out.stdout
        );
    }
    for shell in ["bash", "zsh", "fish"] {
        let out = run(&["completions", shell], b"");
        assert_eq!(out.code, 0, "{shell}");
        assert!(
            out.stdout.contains("kubepull") && out.stdout.contains("explain"),
            "{shell}"
        );
    }
    assert_eq!(run(&["no-such-command"], b"").code, 2);
    assert_eq!(run(&["completions", "tcsh"], b"").code, 2);
}

#[test]
fn secrets_as_kubectl_prints_them_in_yaml_and_json() {
    // `kubectl create secret docker-registry regcred -n shop --docker-server=registry.example.com
    // --docker-username=deploy --docker-password=s3cr3t-deploy --dry-run=client -o yaml|json`,
    // kubectl 1.32.
    for file in ["kubectl/regcred.secret.yaml", "kubectl/regcred.secret.json"] {
        let secret = data(file);
        let out = run(
            &[
                "lookup",
                "registry.example.com/shop/web",
                "--secret",
                &secret,
                "--json",
            ],
            b"",
        );
        assert_eq!(out.code, 0, "{file}: {}", out.stderr);
        assert_eq!(
            out.json()["credentials"],
            json!([{"key": "registry.example.com", "username": "deploy", "source": "secret:shop/regcred"}]),
            "{file}"
        );
    }
    // Given as the pod's input, it is not a pod: say what was found.
    let out = run(&["explain", &data("kubectl/regcred.secret.yaml")], b"");
    assert_eq!(out.code, 2);
    assert!(
        out.stderr
            .contains("no Pod in the input (found 1 Secret(s))"),
        "{}",
        out.stderr
    );
}
