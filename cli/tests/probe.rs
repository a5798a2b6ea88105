//! `--probe` against a real registry: Debian's `docker-registry` (distribution 2.8) with
//! htpasswd auth on 127.0.0.1 (`cargo xtask test` installs it; these tests never skip).
//! Each test starts its own registry, pushes what it needs and runs the built binary.

#[path = "../../tests/support/registry.rs"]
mod support;

mod common;

use common::{Run, Scratch, run};
use serde_json::{Value, json};
use support::{PASSWORD, TestRegistry, USER};

const WRONG_PASSWORD: &str = "not-the-password-4711";

/// A registry with `team/app:v1` (linux/amd64) and the two-platform index `team/multi:v1`.
struct Fixture {
    registry: TestRegistry,
    app_digest: String,
    arm64_digest: String,
    scratch: Scratch,
}

impl Fixture {
    fn new(name: &str) -> Fixture {
        let registry = TestRegistry::start();
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        let (app_digest, _) = runtime.block_on(registry.push_image("team/app", "v1", "amd64"));
        let (_, arm64_digest) = runtime.block_on(registry.push_index("team/multi", "v1"));
        Fixture {
            registry,
            app_digest,
            arm64_digest,
            scratch: Scratch::new(name),
        }
    }

    fn image(&self, rest: &str) -> String {
        format!("{}/{rest}", self.registry.host())
    }

    /// A pull secret `name` in namespace `shop` holding `password` for `key` (relative to the
    /// registry host); returns its file.
    fn secret(&self, name: &str, key: &str, password: &str) -> String {
        let config = json!({"auths": {format!("{}{key}", self.registry.host()):
            {"username": USER, "password": password}}});
        let secret = json!({"apiVersion": "v1", "kind": "Secret",
            "metadata": {"name": name, "namespace": "shop", "uid": format!("uid-{name}")},
            "type": "kubernetes.io/dockerconfigjson",
            "stringData": {".dockerconfigjson": config.to_string()}});
        self.scratch
            .file(&format!("{name}.json"), secret.to_string().as_bytes())
    }

    /// The wrong secret (its longer key is tried first) and the right one.
    fn wrong_and_right(&self) -> (String, String) {
        (
            self.secret("stale", "/team", WRONG_PASSWORD),
            self.secret("regcred", "", PASSWORD),
        )
    }

    /// `lookup IMAGE --probe` over plain HTTP with `extra` arguments.
    fn probe(&self, image: &str, extra: &[&str]) -> Run {
        let mut args = vec![
            "lookup",
            image,
            "--probe",
            "--insecure-registry",
            "127.0.0.1",
        ];
        args.extend_from_slice(extra);
        run(&args, b"")
    }
}

fn results(probe: &Value) -> Vec<&str> {
    probe["attempts"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["result"].as_str().unwrap())
        .collect()
}

#[test]
fn wrong_then_right_secret_reports_both_attempts_and_succeeds() {
    let f = Fixture::new("probe-order");
    let (wrong, right) = f.wrong_and_right();
    let image = f.image("team/app:v1");
    let out = f.probe(&image, &["--secret", &wrong, "--secret", &right, "--json"]);
    assert_eq!(out.code, 0, "{}\n{}", out.stdout, out.stderr);
    let report = out.json();
    let probe = &report["probe"];
    assert_eq!(probe["result"], "ok");
    assert_eq!(probe["digest"], f.app_digest.as_str());
    assert_eq!(probe["platformDigest"], Value::Null);
    assert_eq!(results(probe), ["unauthorized", "ok"]);
    let attempts = probe["attempts"].as_array().unwrap();
    assert_eq!(attempts[0]["source"], "secret:shop/stale");
    assert_eq!(attempts[1]["source"], "secret:shop/regcred");
    assert_eq!(attempts[1]["username"], USER);
    // The credentials listed are the ones probed, in the same order.
    assert_eq!(report["credentials"][0]["source"], "secret:shop/stale");

    let text = f.probe(&image, &["--secret", &wrong, "--secret", &right]);
    assert_eq!(text.code, 0);
    assert!(
        text.stdout.contains(&format!(
            "2. {USER} from secret:shop/regcred: ok {}",
            f.app_digest
        )),
        "{}",
        text.stdout
    );
    assert!(
        text.stdout.contains(&format!(
            "1. {USER} from secret:shop/stale: 401 unauthorized"
        )),
        "{}",
        text.stdout
    );

    // Realm rules change nothing for a registry that asks for Basic credentials.
    let strict = f.probe(
        &image,
        &[
            "--secret",
            &wrong,
            "--secret",
            &right,
            "--strict-token-realms",
            "--json",
        ],
    );
    assert_eq!(strict.code, 0, "{}", strict.stderr);
    assert_eq!(results(&strict.json()["probe"]), ["unauthorized", "ok"]);
}

#[test]
fn only_a_wrong_secret_is_unauthorized_and_exits_1() {
    let f = Fixture::new("probe-wrong");
    let (wrong, _) = f.wrong_and_right();
    let out = f.probe(&f.image("team/app:v1"), &["--secret", &wrong, "--json"]);
    assert_eq!(out.code, 1);
    let probe = &out.json()["probe"];
    assert_eq!(probe["result"], "unauthorized");
    assert_eq!(probe["digest"], Value::Null);
    assert_eq!(results(probe), ["unauthorized"]);
}

#[test]
fn no_matching_secret_probes_anonymously() {
    let f = Fixture::new("probe-anonymous");
    let out = f.probe(&f.image("team/app:v1"), &["--json"]);
    assert_eq!(out.code, 1);
    let probe = &out.json()["probe"];
    assert_eq!(probe["result"], "unauthorized");
    let attempt = &probe["attempts"][0];
    assert_eq!(
        (&attempt["source"], &attempt["username"]),
        (&Value::Null, &Value::Null)
    );
    let text = f.probe(&f.image("team/app:v1"), &[]);
    assert!(text.stdout.contains("1. anonymous: "), "{}", text.stdout);
}

#[test]
fn a_missing_tag_is_not_found() {
    let f = Fixture::new("probe-missing");
    let (_, right) = f.wrong_and_right();
    let out = f.probe(
        &f.image("team/app:no-such-tag"),
        &["--secret", &right, "--json"],
    );
    assert_eq!(out.code, 1);
    let probe = &out.json()["probe"];
    assert_eq!(probe["result"], "not-found");
    assert_eq!(results(probe), ["not-found"]);
}

#[test]
fn an_index_resolves_the_node_platform_or_says_none_matches() {
    let f = Fixture::new("probe-index");
    let (_, right) = f.wrong_and_right();
    let image = f.image("team/multi:v1");
    let out = f.probe(
        &image,
        &["--secret", &right, "--platform", "linux/arm64", "--json"],
    );
    assert_eq!(out.code, 0, "{}", out.stderr);
    let probe = &out.json()["probe"];
    assert_eq!(probe["result"], "ok");
    assert_eq!(probe["platformDigest"], f.arm64_digest.as_str());
    assert!(probe["digest"].as_str().unwrap().starts_with("sha256:"));
    assert_ne!(probe["digest"], probe["platformDigest"]);

    let out = f.probe(
        &image,
        &["--secret", &right, "--platform", "linux/s390x", "--json"],
    );
    assert_eq!(out.code, 1);
    let probe = &out.json()["probe"];
    assert_eq!(probe["result"], "no-matching-platform");
    assert_eq!(results(probe), ["no-matching-platform"]);
    let message = probe["attempts"][0]["message"].as_str().unwrap();
    assert!(
        message.contains("linux/amd64") && message.contains("linux/arm64"),
        "{message}"
    );
}

#[test]
fn explain_probes_every_image_of_the_pod() {
    let f = Fixture::new("probe-explain");
    let (wrong, right) = f.wrong_and_right();
    let pod = json!({"apiVersion": "v1", "kind": "Pod",
        "metadata": {"name": "web", "namespace": "shop"},
        "spec": {"imagePullSecrets": [{"name": "stale"}, {"name": "regcred"}],
                 "containers": [
                    {"name": "app", "image": f.image("team/app:v1")},
                    {"name": "multi", "image": f.image("team/multi:v1")}]}});
    let pod = f.scratch.file("pod.json", pod.to_string().as_bytes());
    let args = [
        "explain",
        &pod,
        "--secret",
        &wrong,
        "--secret",
        &right,
        "--probe",
        "--insecure-registry",
        "127.0.0.1",
        "--platform",
        "linux/arm64",
    ];
    let out = run(&[&args[..], &["--json"]].concat(), b"");
    assert_eq!(out.code, 0, "{}\n{}", out.stdout, out.stderr);
    let report = out.json();
    let app = &report["images"][0]["probe"];
    assert_eq!(results(app), ["unauthorized", "ok"]);
    let multi = &report["images"][1]["probe"];
    assert_eq!(multi["platformDigest"], f.arm64_digest.as_str());
    let text = run(&args, b"");
    assert_eq!(text.code, 0);
    assert!(text.stdout.contains("probe         ok"), "{}", text.stdout);
}

#[test]
fn an_unreachable_registry_is_reported_within_the_timeout() {
    let scratch = Scratch::new("probe-unreachable");
    // A port that was free a moment ago: nothing listens there.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .unwrap()
        .port();
    drop(scratch);
    let image = format!("127.0.0.1:{port}/team/app:v1");
    let started = std::time::Instant::now();
    let out = run(
        &[
            "lookup",
            &image,
            "--probe",
            "--insecure-registry",
            "127.0.0.1",
            "--timeout",
            "5s",
            "--json",
        ],
        b"",
    );
    assert!(started.elapsed() < std::time::Duration::from_secs(30));
    assert_eq!(out.code, 1);
    let probe = &out.json()["probe"];
    assert_eq!(probe["result"], "unreachable", "{probe}");
    // The cause is in the message, not only "error sending request".
    let message = probe["attempts"][0]["message"].as_str().unwrap();
    assert!(message.contains("Connection refused"), "{message}");
    // Plain HTTPS against the plain-HTTP test registry says why, not just that it failed.
    let f = Fixture::new("probe-tls");
    let out = run(
        &["lookup", &f.image("team/app:v1"), "--probe", "--json"],
        b"",
    );
    assert_eq!(out.code, 1);
    let probe = &out.json()["probe"];
    assert_eq!(probe["result"], "unreachable", "{probe}");
    let message = probe["attempts"][0]["message"].as_str().unwrap();
    assert!(
        message.starts_with("error sending request for url (https://"),
        "{message}"
    );
    assert!(
        message.len() > message.find(")").unwrap() + 1,
        "a cause follows: {message}"
    );
}
