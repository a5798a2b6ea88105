//! Regression tests for the security audit (issue 14): each test names its finding. Tests
//! that need an I/O feature are gated on it; the rest run everywhere.

use kubepull::config::{DockerConfig, KubeSecret, lint};
use kubepull::keyring::{Keyring, RegistryKey, RegistryPattern};

/// The password written into every key below.
const PASSWORD: &str = "S3cret";

/// Fails if `text` (any Display, Debug or JSON output) holds the password or a doubled scheme.
#[track_caller]
fn assert_clean(what: &str, text: &str) {
    assert_no_password(what, text);
    assert!(
        !text.contains("https://https://"),
        "{what} doubles the scheme: {text}"
    );
}

/// Fails if `text` holds the password. (`RegistryPattern::parse` puts `https://` in front of
/// any text, as the kubelet's `ParseSchemelessURL` does, so its errors may double a scheme.)
#[track_caller]
fn assert_no_password(what: &str, text: &str) {
    assert!(
        !text.contains(PASSWORD),
        "{what} leaks the password: {text}"
    );
}

/// Keys with userinfo, as written in a docker config: (key, why it is shown).
fn userinfo_keys() -> Vec<(String, &'static str)> {
    let long_path = "p".repeat(5000);
    vec![
        // Too long: the error used to keep the first 64 bytes, password included.
        (
            format!("https://ci-bot:{PASSWORD}@registry.example/team/{long_path}"),
            "too long, with scheme",
        ),
        (
            format!("ci-bot:{PASSWORD}@registry.example/team/{long_path}"),
            "too long, no scheme",
        ),
        (
            format!("http://ci-bot:{PASSWORD}@registry.example/{long_path}"),
            "too long, http",
        ),
        // Not a URL: the error quotes the whole key.
        (
            format!("https://ci-bot:{PASSWORD}@registry.example/team/%zz"),
            "bad escape",
        ),
        (
            format!("ci-bot:{PASSWORD}@registry.example:x1/team/"),
            "bad port, no scheme",
        ),
        // A `://` after the userinfo (found by the keyring_glob fuzz target): the key has no
        // scheme, so its authority is `ci-bot:S3cret@x`.
        (
            format!("ci-bot:{PASSWORD}@x\"http://foo.example.com/"),
            "'://' later in a schemeless key",
        ),
        // Valid keys: only lint and entry errors show them.
        (
            format!("https://ci-bot:{PASSWORD}@registry.example/team/"),
            "valid",
        ),
        (
            format!("ci-bot:{PASSWORD}@Registry.example/team/"),
            "valid, uppercase host",
        ),
    ]
}

#[test]
fn finding_1_url_errors_redact_userinfo_before_truncation() {
    for (key, why) in userinfo_keys() {
        if let Err(error) = RegistryKey::normalize(&key) {
            assert_clean(why, &error.to_string());
            assert_clean(why, &format!("{error:?}"));
            if key.len() > 4096 {
                assert!(error.to_string().contains("[REDACTED]@"), "{why}: {error}");
            }
        }
        if let Err(error) = RegistryPattern::parse(&key) {
            assert_no_password(why, &error.to_string());
            assert_no_password(why, &format!("{error:?}"));
        }
    }
    // The cut keeps Go's shape: the scheme once, then at most 64 bytes.
    let error = RegistryKey::normalize(&userinfo_keys()[1].0).unwrap_err();
    assert!(
        error
            .to_string()
            .starts_with("parse \"https://[REDACTED]@registry.example/team/"),
        "{error}"
    );
}

#[test]
fn finding_1_entry_keyring_and_lint_errors_redact_userinfo() {
    for (key, why) in userinfo_keys() {
        // An entry error (bad `auth`) names the key.
        let json = serde_json::json!({"auths": {key.clone(): {"auth": "!!"}}}).to_string();
        let error = DockerConfig::from_config_json(json.as_bytes()).unwrap_err();
        assert_clean(why, &error.to_string());
        assert_clean(why, &error.detail());
        assert_clean(why, &format!("{error:?}"));
        assert_clean(why, error.registry_key().expect("entry error has a key"));

        // The same document as a pull secret: KeyringError carries the reason.
        let secret = KubeSecret::from_json(
            serde_json::json!({
                "kind": "Secret", "apiVersion": "v1",
                "metadata": {"name": "regcred", "namespace": "shop"},
                "type": "kubernetes.io/dockerconfigjson",
                "data": {".dockerconfigjson": base64(json.as_bytes())},
            })
            .to_string()
            .as_bytes(),
        )
        .expect("secret object");
        let mut builder = Keyring::builder();
        builder.add_pull_secret(&secret);
        let error = builder.build().unwrap_err();
        assert_clean(why, &error.to_string());
        assert_clean(why, &format!("{error:?}"));

        // A valid entry under the key: warnings, lint findings and Debug.
        let json = serde_json::json!({"auths": {key.clone(): {"username": "u", "password": "p"}}})
            .to_string();
        let config = DockerConfig::from_config_json(json.as_bytes()).expect("valid");
        assert_clean(why, &format!("{config:?}"));
        let mut builder = Keyring::builder();
        builder.add_node_config("/var/lib/kubelet/config.json", &config);
        let keyring = builder.build().expect("no malformed secret");
        for warning in keyring.warnings() {
            assert_clean(why, &warning.to_string());
            assert_clean(why, &format!("{warning:?}"));
        }
        for bad in [
            &json,
            &serde_json::json!({"auths": {key.clone(): {"auth": "!!"}}}).to_string(),
        ] {
            let findings = lint(bad.as_bytes());
            for finding in &findings {
                assert_clean(why, &finding.to_string());
                assert_clean(why, &format!("{finding:?}"));
            }
        }
    }
}

fn base64(bytes: &[u8]) -> String {
    use base64::Engine as _;
    base64::engine::general_purpose::STANDARD.encode(bytes)
}

/// A bearer token holding `\n`, which oci-client 0.18 `unwrap`s into a header value.
#[cfg(feature = "oci-client-rustls")]
const NEWLINE_TOKEN: &str = r#"{"token":"evil\ninjected: yes"}"#;

#[cfg(feature = "oci-client-rustls")]
#[test]
fn finding_2_a_panicking_attempt_fails_only_that_attempt() {
    use kubepull::keyring::CredentialSource;
    use kubepull::oci::oci_client::client::{ClientConfig, ClientProtocol};
    use kubepull::oci::{ATTEMPT_PANICKED, Puller};
    use kubepull::{Reference, Secret};

    let (port, _) = token_registry("http://127.0.0.1:{port}/token", NEWLINE_TOKEN.to_owned());
    let image: Reference = format!("127.0.0.1:{port}/team/app:1.0")
        .parse()
        .expect("reference");
    let puller = Puller::new(|| ClientConfig {
        protocol: ClientProtocol::Http,
        ..ClientConfig::default()
    });
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime");

    // Anonymous: nothing matched, one attempt.
    let error = runtime
        .block_on(puller.pull_manifest(&image, &[]))
        .expect_err("the token is unusable");
    let messages: Vec<&str> = error.attempts().iter().map(|a| a.message()).collect();
    assert_eq!(messages, [ATTEMPT_PANICKED]);

    // Two credentials: both attempts run (the first panic does not stop the loop).
    let mut builder = Keyring::builder();
    let source = CredentialSource::secret("ns", "a", "uid-a");
    builder.add(
        &source,
        &format!("127.0.0.1:{port}"),
        "alice",
        Secret::new(PASSWORD),
    );
    builder.add(
        &source,
        &format!("127.0.0.1:{port}/team"),
        "bob",
        Secret::new(PASSWORD),
    );
    let keyring = builder.build().expect("keyring");
    let candidates = keyring.lookup(&image);
    assert_eq!(candidates.len(), 2);
    let error = runtime
        .block_on(puller.fetch_manifest_digest(&image, &candidates))
        .expect_err("the token is unusable");
    let messages: Vec<&str> = error.attempts().iter().map(|a| a.message()).collect();
    assert_eq!(messages, [ATTEMPT_PANICKED, ATTEMPT_PANICKED]);
    assert_no_password("pull error", &error.to_string());
}

#[test]
fn finding_3_glob_labels_are_matched_only_against_dns_sized_labels() {
    use kubepull::keyring::MAX_GLOB_LABEL_LEN;
    assert_eq!(MAX_GLOB_LABEL_LEN, 63);
    // (pattern, image, matches): a glob label never sees a label over 63 bytes.
    let a = |n: usize| "a".repeat(n);
    let cases = [
        ("*.io".to_owned(), format!("{}.io/x", a(63)), true),
        ("*.io".to_owned(), format!("{}.io/x", a(64)), false),
        (
            format!("*{}b.io", a(4000)),
            format!("{}.io/x", a(3900)),
            false,
        ),
        (format!("*{}b.io", a(20)), format!("{}b.io/x", a(62)), true),
        ("a*a*a*a*b.io".to_owned(), format!("{}b.io/x", a(62)), true),
        // Literal labels still compare at any length.
        (format!("{}.io", a(64)), format!("{}.io/x", a(64)), true),
        // The key's own glob label may be longer than 63 bytes.
        (format!("{}*", a(70)), format!("{}.io/x", a(63)), false),
        (
            format!("*{}.io", "[a]".repeat(70)),
            format!("{}.io/x", a(63)),
            false,
        ),
        (
            format!("x{}.io", "[a]".repeat(62)),
            format!("x{}.io/x", a(62)),
            true,
        ),
    ];
    for (pattern, image, want) in cases {
        let parsed = RegistryPattern::parse(&pattern).expect("pattern parses");
        assert_eq!(parsed.matches(&image), want, "{pattern} vs {image}");
        let mut builder = Keyring::builder();
        let source = kubepull::CredentialSource::node("/n");
        builder.add(&source, &pattern, "u", kubepull::Secret::new("p"));
        let keyring = builder.build().expect("keyring");
        assert_eq!(
            !keyring.lookup_str(&image).is_empty(),
            want,
            "lookup {pattern} vs {image}"
        );
    }
}

#[cfg(all(unix, feature = "fs"))]
#[test]
fn finding_4_a_fifo_on_the_search_path_is_skipped_without_blocking() {
    let dir = std::path::Path::new(env!("CARGO_TARGET_TMPDIR"))
        .join(format!("kubepull-fifo-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let fifo = dir.join("config.json");
    let _ = std::fs::remove_file(&fifo);
    let status = std::process::Command::new("mkfifo")
        .arg(&fifo)
        .status()
        .expect("mkfifo runs");
    assert!(status.success(), "mkfifo {fifo:?}");
    let (done, result) = std::sync::mpsc::channel();
    let path = fifo.clone();
    std::thread::spawn(move || {
        let read = kubepull::fs::read_capped(&path).map_err(|e| e.kind());
        let _ = done.send(read);
    });
    // Before the fix the open blocks forever waiting for a writer.
    let read = result
        .recv_timeout(std::time::Duration::from_secs(20))
        .expect("read_capped blocked on the FIFO");
    assert_eq!(read, Err(std::io::ErrorKind::InvalidInput));
    // The whole search moves past it: no valid file under this root.
    let search = kubepull::searchpath::SearchPath::without_working_dir(&dir, None::<&str>);
    assert!(search.resolve(kubepull::fs::read_capped).is_err());
    std::fs::remove_dir_all(&dir).expect("clean up");
}

#[test]
fn finding_6_adding_go_durations_wraps_as_go_does_without_overflow() {
    use kubepull::provider::GoDuration;
    let max = "9223372036854775808ns"; // 1<<63, the most one term may hold
    let invalid = |s: &str| Err(format!("time: invalid duration \"{s}\""));
    // (input, Go's ParseDuration result: Display of the value, or the error text). Go sums the
    // terms in uint64 with wrapping addition, and checks the sum against 1<<63 after each.
    let cases: Vec<(String, Result<String, String>)> = vec![
        (format!("{max}{max}"), Ok("0s".into())),
        (format!("{max}{max}1h"), Ok("1h0m0s".into())),
        (format!("-{max}{max}"), Ok("0s".into())),
        (format!("-{max}"), Ok("-2562047h47m16.854775808s".into())),
        (max.to_owned(), invalid(max)),
        (
            "9223372036854775807ns1ns".into(),
            invalid("9223372036854775807ns1ns"),
        ),
        (
            "-9223372036854775807ns1ns".into(),
            Ok("-2562047h47m16.854775808s".into()),
        ),
        (format!("{max}{max}1ns"), Ok("1ns".into())),
        (
            format!("{max}{max}{max}"),
            invalid(&format!("{max}{max}{max}")),
        ),
        (
            "2562047h47m16.854775807s".into(),
            Ok("2562047h47m16.854775807s".into()),
        ),
        (
            "2562047h47m16.854775808s".into(),
            invalid("2562047h47m16.854775808s"),
        ),
    ];
    for (input, want) in cases {
        let got = GoDuration::parse(&input)
            .map(|d| d.to_string())
            .map_err(|e| e.to_string());
        assert_eq!(got, want, "{input}");
    }
}

#[cfg(feature = "k8s-openapi")]
#[test]
fn finding_8_pull_secrets_are_found_in_the_pods_namespace_only() {
    use k8s_openapi::api::core::v1::{Pod, Secret as K8sSecret};
    use kubepull::k8s;
    use kubepull::keyring::KeyringOptions;

    let dockerconfig = |user: &str| {
        let json = serde_json::json!({"auths": {"quay.io": {"username": user, "password": "pw"}}});
        base64(json.to_string().as_bytes())
    };
    let secret = |namespace: Option<&str>, user: &str| -> K8sSecret {
        let mut metadata = serde_json::json!({"name": "regcred", "uid": format!("uid-{user}")});
        if let Some(namespace) = namespace {
            metadata["namespace"] = namespace.into();
        }
        serde_json::from_value(serde_json::json!({
            "metadata": metadata,
            "type": "kubernetes.io/dockerconfigjson",
            "data": {".dockerconfigjson": dockerconfig(user)},
        }))
        .expect("secret")
    };
    let pod = |namespace: Option<&str>| -> Pod {
        let mut metadata = serde_json::json!({"name": "web"});
        if let Some(namespace) = namespace {
            metadata["namespace"] = namespace.into();
        }
        serde_json::from_value(serde_json::json!({
            "metadata": metadata,
            "spec": {"containers": [], "imagePullSecrets": [{"name": "regcred"}]},
        }))
        .expect("pod")
    };
    /// A secret's namespace and the user name in it.
    type Stored<'a> = (Option<&'a str>, &'a str);
    // (pod namespace, secrets, the user the pod gets, or None: missing)
    let cases: &[(Option<&str>, &[Stored<'_>], Option<&str>)] = &[
        (Some("shop"), &[(Some("shop"), "own")], Some("own")),
        (Some("shop"), &[(Some("other"), "foreign")], None),
        // A secret without a namespace no longer matches every pod.
        (Some("shop"), &[(None, "unscoped")], None),
        // A pod without a namespace no longer takes the first same-named secret anywhere.
        (None, &[(Some("other"), "foreign")], None),
        (
            None,
            &[(Some("other"), "foreign"), (None, "unscoped")],
            Some("unscoped"),
        ),
        (
            Some("shop"),
            &[
                (Some("other"), "foreign"),
                (None, "unscoped"),
                (Some("shop"), "own"),
            ],
            Some("own"),
        ),
        (None, &[(None, "unscoped")], Some("unscoped")),
    ];
    for (pod_namespace, secrets, want) in cases {
        let pod = pod(*pod_namespace);
        let secrets: Vec<K8sSecret> = secrets.iter().map(|(ns, user)| secret(*ns, user)).collect();
        let keyring = k8s::keyring_for_pod(&pod, None, &secrets, None, KeyringOptions::FAITHFUL)
            .expect("keyring");
        let users: Vec<&str> = keyring
            .lookup_str("quay.io/team/app")
            .iter()
            .map(|c| c.username())
            .collect();
        let missing = k8s::missing_pull_secrets(&pod, None, &secrets);
        match want {
            Some(user) => {
                assert_eq!(users, [*user], "{pod_namespace:?}");
                assert!(missing.is_empty(), "{pod_namespace:?}");
            }
            None => {
                assert!(users.is_empty(), "{pod_namespace:?}: got {users:?}");
                assert_eq!(missing, ["regcred"], "{pod_namespace:?}");
            }
        }
    }
}

#[cfg(all(unix, feature = "exec"))]
mod exec {
    use std::os::unix::fs::PermissionsExt;
    use std::path::{Path, PathBuf};
    use std::sync::OnceLock;
    use std::time::{Duration, Instant};

    use kubepull::exec::{ExecErrorKind, PluginRunner, credential_helper_get};
    use kubepull::provider::CredentialProviderConfig;

    use super::PASSWORD;

    const RESPONSE: &str = r#"{"kind":"CredentialProviderResponse","apiVersion":"credentialprovider.kubelet.k8s.io/v1","cacheKeyType":"Registry","auth":{"*.registry.io":{"username":"u","password":"S3cret"}}}"#;

    /// The scripts, written once before any test spawns one.
    fn bin_dir() -> &'static Path {
        static DIR: OnceLock<PathBuf> = OnceLock::new();
        DIR.get_or_init(|| {
            let dir = Path::new(env!("CARGO_TARGET_TMPDIR"))
                .join(format!("kubepull-security-{}", std::process::id()));
            let _ = std::fs::remove_dir_all(&dir);
            std::fs::create_dir_all(&dir).expect("bin dir");
            let scripts = [
                // Answers, then leaves a job holding stdout open.
                (
                    "background-job",
                    format!("#!/bin/sh\ncat >/dev/null\necho '{RESPONSE}'\nsleep 30 &\nexit 0\n"),
                ),
                // Starts a grandchild, records both pids, never answers.
                (
                    "grandchild",
                    "#!/bin/sh\ncat >/dev/null\nsleep 300 &\necho $! $$ > \"$PID_FILE\"\nwait\n"
                        .to_owned(),
                ),
                // Prints its credentials on stderr and fails.
                (
                    "leaky-plugin",
                    format!("#!/bin/sh\ncat >/dev/null\necho '{RESPONSE}' >&2\nexit 1\n"),
                ),
                (
                    "docker-credential-leaky",
                    format!(
                        "#!/bin/sh\nread -r url\ncase \"$url\" in\n  json.io) echo '{{\"ServerURL\":\"json.io\",\"Username\":\"me\",\"Secret\":\"{PASSWORD}\"}}' ;;\n  kv.io) echo 'password={PASSWORD}' ;;\n  *) echo 'keychain locked' ;;\nesac\nexit 1\n"
                    ),
                ),
            ];
            for (name, body) in scripts {
                let path = dir.join(name);
                std::fs::write(&path, body).expect("script");
                std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o755))
                    .expect("chmod");
            }
            dir
        })
    }

    fn provider_config(name: &str, env: &[(&str, &str)]) -> CredentialProviderConfig {
        let doc = serde_json::json!({
            "kind": "CredentialProviderConfig",
            "apiVersion": "kubelet.config.k8s.io/v1",
            "providers": [{
                "name": name,
                "matchImages": ["*.registry.io"],
                "defaultCacheDuration": "1m",
                "apiVersion": "credentialprovider.kubelet.k8s.io/v1",
                "env": env.iter().map(|(k, v)| serde_json::json!({"name": k, "value": v})).collect::<Vec<_>>(),
            }],
        });
        CredentialProviderConfig::from_json(doc.to_string().as_bytes()).expect("config")
    }

    /// `R` (running, sleeping…), `Z` (zombie) or `None` (gone), from `/proc`.
    fn process_state(pid: u32) -> Option<char> {
        let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
        stat.rsplit_once(") ")
            .and_then(|(_, rest)| rest.chars().next())
    }

    #[tokio::test]
    async fn finding_5_an_answer_with_a_background_job_is_not_a_timeout() {
        let config = provider_config("background-job", &[]);
        let provider = &config.providers[0];
        let runner = PluginRunner::new(bin_dir()).with_timeout(Duration::from_secs(10));
        let started = Instant::now();
        let response = runner
            .run(provider, &provider.request("a.registry.io/app"))
            .await
            .expect("the plugin answered");
        assert_eq!(response.auth["*.registry.io"].username, "u");
        assert!(
            started.elapsed() < Duration::from_secs(5),
            "waited {:?} for the background job",
            started.elapsed()
        );
    }

    #[cfg(target_os = "linux")]
    #[tokio::test]
    async fn finding_5_a_timeout_kills_the_process_group_and_reaps_the_child() {
        let pid_file = bin_dir().join("grandchild.pids");
        let _ = std::fs::remove_file(&pid_file);
        let pid_file_text = pid_file.to_str().expect("utf-8 path").to_owned();
        let config = provider_config("grandchild", &[("PID_FILE", &pid_file_text)]);
        let provider = &config.providers[0];
        let runner = PluginRunner::new(bin_dir()).with_timeout(Duration::from_millis(1500));
        let error = runner
            .run(provider, &provider.request("a.registry.io/app"))
            .await
            .expect_err("the plugin never answers");
        assert_eq!(error.kind(), ExecErrorKind::Timeout);
        let pids = std::fs::read_to_string(&pid_file).expect("the plugin wrote its pids");
        let pids: Vec<u32> = pids
            .split_whitespace()
            .map(|p| p.parse().expect("pid"))
            .collect();
        let [grandchild, child] = pids[..] else {
            panic!("two pids expected: {pids:?}")
        };
        // The direct child was reaped before run returned.
        assert_eq!(process_state(child), None, "child {child} is left over");
        // The grandchild was killed with the group (it may stay a zombie of init briefly).
        let deadline = Instant::now() + Duration::from_secs(5);
        while matches!(process_state(grandchild), Some(s) if s != 'Z') {
            assert!(
                Instant::now() < deadline,
                "grandchild {grandchild} survived"
            );
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }

    #[tokio::test]
    async fn finding_9_output_that_parses_as_a_credential_is_never_echoed() {
        // A plugin that prints its response on stderr and fails.
        let config = provider_config("leaky-plugin", &[]);
        let provider = &config.providers[0];
        let runner = PluginRunner::new(bin_dir()).with_timeout(Duration::from_secs(10));
        let error = runner
            .run(provider, &provider.request("a.registry.io/app"))
            .await
            .expect_err("exit status 1");
        assert_eq!(error.kind(), ExecErrorKind::ExitStatus);
        assert!(!error.to_string().contains(PASSWORD), "{error}");
        assert!(!format!("{error:?}").contains(PASSWORD), "{error:?}");

        // A helper that prints credentials on stdout and exits 1: (server, echoed as is).
        let helper = bin_dir().join("docker-credential-leaky");
        for (server, echoed) in [("json.io", false), ("kv.io", false), ("plain.io", true)] {
            let error = credential_helper_get(&helper, server, Duration::from_secs(10))
                .await
                .expect_err("exit status 1");
            let text = error.to_string();
            assert!(!text.contains(PASSWORD), "{server}: {text}");
            assert_eq!(text.contains("keychain locked"), echoed, "{server}: {text}");
        }
    }
}

#[cfg(feature = "yaml")]
#[test]
fn finding_7_yaml_nesting_is_bounded_before_parsing() {
    use kubepull::provider::{CredentialProviderConfig, MAX_YAML_DEPTH};
    let nested = |open: &str, close: &str, depth: usize| {
        format!("{}{}", open.repeat(depth), close.repeat(depth))
    };
    let too_deep = |at: usize| {
        format!(
            "error decoding config: invalid YAML at line 1 column {at}: flow collections nested \
             deeper than {MAX_YAML_DEPTH}"
        )
    };
    let provider = r#"kind: CredentialProviderConfig
apiVersion: kubelet.config.k8s.io/v1
providers:
- name: ecr
  matchImages: ["*.dkr.ecr.*.amazonaws.com", '[0-9]*.example.com', "a\"[[[[b"]
  defaultCacheDuration: 12h
  apiVersion: credentialprovider.kubelet.k8s.io/v1
  args: ['don''t [[[[', "]]]]", '{x}'] # a comment [[[[
"#;
    // (document, error text or None when it parses as a config)
    let cases: Vec<(String, Option<String>)> = vec![
        // Refused at the 129th bracket, before the parser sees any of it.
        ("[".repeat(100_000), Some(too_deep(MAX_YAML_DEPTH + 1))),
        ("{".repeat(100_000), Some(too_deep(MAX_YAML_DEPTH + 1))),
        (nested("[", "]", 129), Some(too_deep(129))),
        // Closers hidden in quoted scalars do not lower the count.
        (
            format!(
                "{}\"{}\"{}",
                "[".repeat(100),
                "]".repeat(100),
                "[".repeat(100)
            ),
            Some(too_deep(100 + 1 + 100 + 1 + 29)),
        ),
        (
            format!(
                "{} # {}\n{}",
                "[".repeat(100),
                "]".repeat(100),
                "[".repeat(100)
            ),
            Some(
                "error decoding config: invalid YAML at line 2 column 29: flow collections \
                 nested deeper than 128"
                    .to_owned(),
            ),
        ),
        // Brackets in strings and comments of a real config are not nesting.
        (provider.to_owned(), None),
    ];
    for (doc, want) in cases {
        let got = CredentialProviderConfig::from_yaml(doc.as_bytes())
            .map(|_| ())
            .map_err(|e| e.to_string());
        match want {
            Some(text) => assert_eq!(got, Err(text), "{}", &doc[..doc.len().min(80)]),
            None => assert_eq!(got, Ok(()), "{doc}"),
        }
    }
    // At the limit the YAML parser decides, as before.
    let at_limit = CredentialProviderConfig::from_yaml(nested("[", "]", 128).as_bytes())
        .expect_err("not a config");
    assert!(
        !at_limit.to_string().contains("nested deeper"),
        "{at_limit}"
    );
}

/// A registry on 127.0.0.1 that asks for a bearer token from `realm` (`{port}` is replaced by
/// its port), answers `/token` with `token_body`, and serves the digest of `team/app:1.0` only
/// with `Authorization: Bearer good`. Returns the port and the `Authorization` header of each
/// request to `/token` (empty when none was sent).
#[cfg(feature = "oci-client-rustls")]
fn token_registry(
    realm: &str,
    token_body: String,
) -> (u16, std::sync::Arc<std::sync::Mutex<Vec<String>>>) {
    use std::io::{BufRead, BufReader, Write};
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind 127.0.0.1");
    let port = listener.local_addr().expect("local addr").port();
    let realm = realm.replace("{port}", &port.to_string());
    let token_requests = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
    let seen = std::sync::Arc::clone(&token_requests);
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(mut stream) = stream else { continue };
            let mut reader = BufReader::new(stream.try_clone().expect("clone stream"));
            let mut request_line = String::new();
            if reader.read_line(&mut request_line).is_err() {
                continue;
            }
            let (mut line, mut authorization) = (String::new(), String::new());
            while reader.read_line(&mut line).is_ok_and(|n| n > 2) {
                if let Some(value) = line.strip_prefix("authorization: ") {
                    authorization = value.trim().to_owned();
                }
                line.clear();
            }
            let challenge = format!(
                "HTTP/1.1 401 Unauthorized\r\nWWW-Authenticate: Bearer realm=\"{realm}\",\
                 service=\"test\"\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
            );
            let response = if request_line.starts_with("GET /token") {
                seen.lock().expect("lock").push(authorization);
                format!(
                    "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\
                     Connection: close\r\n\r\n{token_body}",
                    token_body.len()
                )
            } else if request_line.contains("/manifests/") && authorization == "Bearer good" {
                "HTTP/1.1 200 OK\r\nDocker-Content-Digest: sha256:\
                 0000000000000000000000000000000000000000000000000000000000000000\r\n\
                 Content-Type: application/vnd.oci.image.manifest.v1+json\r\n\
                 Content-Length: 0\r\nConnection: close\r\n\r\n"
                    .to_owned()
            } else {
                challenge
            };
            let _ = stream.write_all(response.as_bytes());
        }
    });
    (port, token_requests)
}

/// Pulls the digest of `127.0.0.1:PORT/team/app:1.0` with one credential (alice, the
/// password) under `rules`: the result, or every attempt's message.
#[cfg(feature = "oci-client-rustls")]
fn digest_with_rules(port: u16, rules: kubepull::oci::RealmRules) -> Result<String, Vec<String>> {
    use kubepull::keyring::CredentialSource;
    use kubepull::oci::Puller;
    use kubepull::oci::oci_client::client::{ClientConfig, ClientProtocol};
    use kubepull::{Reference, Secret};

    let image: Reference = format!("127.0.0.1:{port}/team/app:1.0")
        .parse()
        .expect("reference");
    let mut builder = Keyring::builder();
    let source = CredentialSource::secret("ns", "a", "uid-a");
    let registry = format!("127.0.0.1:{port}");
    builder.add(&source, &registry, "alice", Secret::new(PASSWORD));
    let keyring = builder.build().expect("keyring");
    let puller = Puller::new(|| ClientConfig {
        protocol: ClientProtocol::Http,
        ..ClientConfig::default()
    })
    .with_realm_rules(rules);
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime");
    match runtime.block_on(puller.fetch_manifest_digest(&image, &keyring.lookup(&image))) {
        Ok(pulled) => {
            assert_eq!(pulled.credential.expect("a credential worked").index, 0);
            Ok(pulled.value)
        }
        Err(error) => {
            assert_no_password("pull error", &error.to_string());
            Err(error
                .attempts()
                .iter()
                .map(|a| a.message().to_owned())
                .collect())
        }
    }
}

#[cfg(feature = "oci-client-rustls")]
const GOOD_TOKEN: &str = r#"{"token":"good"}"#;

#[cfg(feature = "oci-client-rustls")]
const ZERO_DIGEST: &str = "sha256:0000000000000000000000000000000000000000000000000000000000000000";

/// Alice's Basic credentials, as a token server receives them.
#[cfg(feature = "oci-client-rustls")]
fn alice_basic() -> String {
    use base64::Engine as _;
    let encoded = base64::engine::general_purpose::STANDARD.encode(format!("alice:{PASSWORD}"));
    format!("Basic {encoded}")
}

#[cfg(feature = "oci-client-rustls")]
#[test]
fn finding_10_by_default_credentials_go_to_any_realm_as_docker_sends_them() {
    use kubepull::oci::RealmRules;
    // `localhost` is another host than `127.0.0.1`, though it reaches the same server.
    let (port, tokens) = token_registry("http://localhost:{port}/token", GOOD_TOKEN.to_owned());
    assert_eq!(
        digest_with_rules(port, RealmRules::default()),
        Ok(ZERO_DIGEST.to_owned())
    );
    assert_eq!(*tokens.lock().expect("lock"), [alice_basic()]);
}

#[cfg(feature = "oci-client-rustls")]
#[test]
fn finding_10_refused_realms_receive_nothing() {
    use kubepull::oci::RealmRules;
    let (port, tokens) = token_registry("http://localhost:{port}/token", GOOD_TOKEN.to_owned());
    let refused = digest_with_rules(port, RealmRules::default().refuse_other_hosts());
    assert_eq!(
        refused,
        Err(vec![format!(
            "Authentication failure: refusing to send credentials for registry \
             127.0.0.1:{port} to token realm http://localhost:{port}/token on another host"
        )])
    );
    assert!(
        tokens.lock().expect("lock").is_empty(),
        "a credential was sent"
    );

    // An allowed host is accepted; the exchange then runs in kubepull.
    let allowed = RealmRules::default()
        .refuse_other_hosts()
        .allow_host(format!("localhost:{port}"));
    assert_eq!(digest_with_rules(port, allowed), Ok(ZERO_DIGEST.to_owned()));
    assert_eq!(*tokens.lock().expect("lock"), [alice_basic()]);
}

#[cfg(feature = "oci-client-rustls")]
#[test]
fn finding_10_the_hardened_exchange_pulls_from_an_accepted_realm() {
    use kubepull::oci::RealmRules;
    let strict = || {
        RealmRules::default()
            .refuse_plain_http()
            .refuse_other_hosts()
    };
    let (port, tokens) = token_registry("http://127.0.0.1:{port}/token", GOOD_TOKEN.to_owned());
    assert_eq!(
        digest_with_rules(port, strict()),
        Ok(ZERO_DIGEST.to_owned())
    );
    assert_eq!(*tokens.lock().expect("lock"), [alice_basic()]);

    // `access_token` is Docker's other field name.
    let (port, _) = token_registry(
        "http://127.0.0.1:{port}/token",
        r#"{"access_token":"good"}"#.to_owned(),
    );
    assert_eq!(
        digest_with_rules(port, strict()),
        Ok(ZERO_DIGEST.to_owned())
    );
}

#[cfg(feature = "oci-client-rustls")]
#[test]
fn finding_10_token_answers_are_bounded_and_checked() {
    use kubepull::oci::{MAX_TOKEN_BYTES, RealmRules};
    let strict = || RealmRules::default().refuse_other_hosts();
    let huge = format!(r#"{{"token":"{}"}}"#, "a".repeat(MAX_TOKEN_BYTES));
    let (port, _) = token_registry("http://127.0.0.1:{port}/token", huge);
    assert_eq!(
        digest_with_rules(port, strict()),
        Err(vec![format!(
            "Authentication failure: the token server's answer is larger than {MAX_TOKEN_BYTES} bytes"
        )])
    );
    // A token that is no header value is an error of the attempt, not a panic.
    let (port, _) = token_registry("http://127.0.0.1:{port}/token", NEWLINE_TOKEN.to_owned());
    let messages = digest_with_rules(port, strict()).expect_err("the token is unusable");
    assert_eq!(messages.len(), 1);
    assert!(
        messages[0].contains("not a valid header value"),
        "{messages:?}"
    );
}
