//! Running real credential provider plugins and docker credential helpers (feature `exec`):
//! small shell scripts written to a temp dir, one per behaviour.
#![cfg(feature = "exec")]

use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;
use std::time::Duration;

use kubepull::exec::{CredentialProviders, ExecErrorKind, PluginRunner, credential_helper_get};
use kubepull::provider::{CredentialProviderConfig, CredentialProviderRequest, ProviderErrorKind};

const V1: &str = "credentialprovider.kubelet.k8s.io/v1";

/// The plugins, written once before any test spawns one (so no file is open for writing
/// while another thread forks).
fn bin_dir() -> &'static Path {
    static DIR: OnceLock<PathBuf> = OnceLock::new();
    DIR.get_or_init(|| {
        let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join(format!("kubepull-exec-test-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        let scripts: &[(&str, &str)] = &[
            (
                "good",
                r#"#!/bin/bash
request=$(cat)
case "$request" in
  *'"kind":"CredentialProviderRequest"'*) ;;
  *) echo "bad request: $request" >&2; exit 9 ;;
esac
if [ -n "$COUNT_FILE" ]; then echo run >> "$COUNT_FILE"; sleep 0.5; fi
printf '{"kind":"CredentialProviderResponse","apiVersion":"credentialprovider.kubelet.k8s.io/v1","cacheKeyType":"Registry","cacheDuration":"%s","auth":{"*.registry.io":{"username":"%s","password":"pw-%s"}}}\n' "${CACHE_DURATION:-0}" "$PLUGIN_USER" "$1"
"#,
            ),
            ("hang", "#!/bin/bash\nsleep 30\n"),
            (
                "garbage",
                "#!/bin/bash\ncat >/dev/null\necho 'password=hunter2-garbage not json'\n",
            ),
            (
                "fails",
                "#!/bin/bash\ncat >/dev/null\necho 'token expired for this node' >&2\necho 'password=hunter2-stdout'\nexit 3\n",
            ),
            (
                "wrong-version",
                "#!/bin/bash\ncat >/dev/null\necho '{\"kind\":\"CredentialProviderResponse\",\"apiVersion\":\"credentialprovider.kubelet.k8s.io/v1beta1\",\"cacheKeyType\":\"Registry\",\"auth\":{\"a\":{\"username\":\"u\",\"password\":\"hunter2-wrong\"}}}'\n",
            ),
            (
                "no-stdin",
                "#!/bin/bash\nprintf '{\"kind\":\"CredentialProviderResponse\",\"apiVersion\":\"credentialprovider.kubelet.k8s.io/v1\",\"cacheKeyType\":\"Global\"}'\n",
            ),
            (
                "docker-credential-test",
                r#"#!/bin/bash
[ "$1" = get ] || { echo "docker-credential-test: unknown action: $1"; exit 1; }
read -r url
case "$url" in
  known.io) echo '{"ServerURL":"known.io","Username":"me","Secret":"helper-secret"}' ;;
  token.io) echo '{"ServerURL":"token.io","Username":"<token>","Secret":"refresh-token"}' ;;
  broken.io) echo 'keychain locked'; exit 1 ;;
  garbage.io) echo 'Secret: helper-secret' ;;
  *) echo 'credentials not found in native keychain'; exit 1 ;;
esac
"#,
            ),
        ];
        for (name, body) in scripts {
            let path = dir.join(name);
            std::fs::write(&path, body).unwrap();
            std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o755)).unwrap();
        }
        dir
    })
}

/// A provider in the test config: name, args, env.
type ProviderSpec<'a> = (&'a str, &'a [&'a str], &'a [(&'a str, &'a str)]);

fn config(providers: &[ProviderSpec<'_>]) -> CredentialProviderConfig {
    let providers: Vec<serde_json::Value> = providers
        .iter()
        .map(|(name, args, env)| {
            serde_json::json!({
                "name": name,
                "matchImages": ["*.registry.io"],
                "defaultCacheDuration": "1m",
                "apiVersion": V1,
                "args": args,
                "env": env.iter().map(|(k, v)| serde_json::json!({"name": k, "value": v})).collect::<Vec<_>>(),
            })
        })
        .collect();
    let doc = serde_json::json!({
        "kind": "CredentialProviderConfig",
        "apiVersion": "kubelet.config.k8s.io/v1",
        "providers": providers,
    });
    let config = CredentialProviderConfig::from_json(&serde_json::to_vec(&doc).unwrap()).unwrap();
    config.validate().unwrap();
    config
}

fn runner() -> PluginRunner {
    PluginRunner::new(bin_dir()).with_timeout(Duration::from_millis(1500))
}

/// Every error must leave out what the plugin printed on stdout.
fn assert_no_secret(message: &str) {
    for secret in ["hunter2", "helper-secret", "refresh-token"] {
        assert!(!message.contains(secret), "secret in error: {message}");
    }
}

#[tokio::test]
async fn good_plugin_gets_args_env_and_request() {
    let config = config(&[("good", &["arg-one"], &[("PLUGIN_USER", "from-env")])]);
    let provider = &config.providers[0];
    let response = runner()
        .run(provider, &provider.request("test.registry.io/foo/bar"))
        .await
        .unwrap();
    let auth = &response.auth["*.registry.io"];
    assert_eq!(auth.username, "from-env");
    assert_eq!(auth.password.expose_secret(), "pw-arg-one");
    runner().check(&config).unwrap();
}

#[tokio::test]
async fn configured_env_overrides_the_base_environment() {
    let config = config(&[("good", &[], &[("PLUGIN_USER", "configured")])]);
    let provider = &config.providers[0];
    let runner = runner().with_base_env([("PLUGIN_USER", "base"), ("PATH", "/usr/bin:/bin")]);
    let response = runner
        .run(provider, &provider.request("test.registry.io/x"))
        .await
        .unwrap();
    assert_eq!(response.auth["*.registry.io"].username, "configured");
    // Debug output never shows environment values (they may be cloud credentials).
    let runner = runner.with_base_env([("AWS_SECRET_ACCESS_KEY", "hunter2-env")]);
    assert_no_secret(&format!("{runner:?}"));
}

#[tokio::test]
async fn hanging_plugin_times_out() {
    let config = config(&[("hang", &[], &[])]);
    let provider = &config.providers[0];
    let runner = PluginRunner::new(bin_dir()).with_timeout(Duration::from_millis(300));
    let started = std::time::Instant::now();
    let e = runner
        .run(provider, &provider.request("test.registry.io/x"))
        .await
        .unwrap_err();
    assert!(started.elapsed() < Duration::from_secs(10));
    assert_eq!(e.kind(), ExecErrorKind::Timeout);
    assert_eq!(
        e.to_string(),
        "error execing credential provider plugin hang for image test.registry.io/x: context deadline exceeded: "
    );
}

#[tokio::test]
async fn garbage_output_is_a_decode_error_without_the_output() {
    let config = config(&[("garbage", &[], &[])]);
    let provider = &config.providers[0];
    let e = runner()
        .run(provider, &provider.request("test.registry.io/x"))
        .await
        .unwrap_err();
    assert_eq!(e.provider_error_kind(), Some(ProviderErrorKind::Syntax));
    assert!(
        e.to_string()
            .starts_with("error reading GVK from response: "),
        "{e}"
    );
    assert_no_secret(&e.to_string());
    assert_no_secret(&format!("{e:?}"));
}

#[tokio::test]
async fn failing_plugin_reports_exit_status_and_stderr() {
    let config = config(&[("fails", &[], &[])]);
    let provider = &config.providers[0];
    let e = runner()
        .run(provider, &provider.request("test.registry.io/x"))
        .await
        .unwrap_err();
    assert_eq!(e.kind(), ExecErrorKind::ExitStatus);
    assert_eq!(
        e.to_string(),
        "error execing credential provider plugin fails for image test.registry.io/x: exit status 3: token expired for this node\n"
    );
    assert_no_secret(&e.to_string());
}

#[tokio::test]
async fn wrong_api_version_is_rejected() {
    let config = config(&[("wrong-version", &[], &[])]);
    let provider = &config.providers[0];
    let e = runner()
        .run(provider, &provider.request("test.registry.io/x"))
        .await
        .unwrap_err();
    assert_eq!(
        e.provider_error_kind(),
        Some(ProviderErrorKind::ApiVersionMismatch)
    );
    assert_no_secret(&e.to_string());
}

#[tokio::test]
async fn plugin_that_ignores_stdin_still_works() {
    let config = config(&[("no-stdin", &[], &[])]);
    let provider = &config.providers[0];
    let response = runner()
        .run(provider, &provider.request("test.registry.io/x"))
        .await
        .unwrap();
    assert!(response.auth.is_empty());
}

#[tokio::test]
async fn missing_binary() {
    let config = config(&[("does-not-exist", &[], &[])]);
    let provider = &config.providers[0];
    let e = runner()
        .run(provider, &provider.request("test.registry.io/x"))
        .await
        .unwrap_err();
    assert_eq!(e.kind(), ExecErrorKind::NotFound);
    let path = bin_dir().join("does-not-exist");
    assert_eq!(
        e.to_string(),
        format!(
            "error execing credential provider plugin does-not-exist for image test.registry.io/x: fork/exec {}: no such file or directory: ",
            path.display()
        )
    );
    let e = runner().check(&config).unwrap_err();
    assert_eq!(
        e.to_string(),
        format!("plugin binary executable {} did not exist", path.display())
    );
    let e = PluginRunner::new("/nonexistent/kubepull-bin")
        .check(&config)
        .unwrap_err();
    assert_eq!(
        e.to_string(),
        "plugin binary directory /nonexistent/kubepull-bin did not exist"
    );
}

// 8.17 #171: five concurrent identical requests run the plugin once.
#[tokio::test]
async fn concurrent_identical_requests_run_once() {
    let count_file = bin_dir().join(format!("count-{}", std::process::id()));
    let _ = std::fs::remove_file(&count_file);
    let count = count_file.to_str().unwrap().to_owned();
    let config = config(&[("good", &[], &[("COUNT_FILE", &count), ("PLUGIN_USER", "u")])]);
    let provider = &config.providers[0];
    let runner = runner().with_timeout(Duration::from_secs(20));
    let request = provider.request("test.registry.io/foo/bar");
    let (a, b, c, d, e) = tokio::join!(
        runner.run(provider, &request),
        runner.run(provider, &request),
        runner.run(provider, &request),
        runner.run(provider, &request),
        runner.run(provider, &request),
    );
    for r in [a, b, c, d, e] {
        assert_eq!(r.unwrap().auth["*.registry.io"].username, "u");
    }
    let runs = std::fs::read_to_string(&count_file)
        .unwrap()
        .lines()
        .count();
    assert_eq!(runs, 1);

    // With a different token per call (service-account mode) nothing is collapsed.
    let _ = std::fs::remove_file(&count_file);
    let with_token = |t: &str| {
        CredentialProviderRequest::new(V1, "test.registry.io/foo/bar")
            .with_service_account(kubepull::Secret::new(t), Default::default())
    };
    let (r1, r2, r3, r4, r5) = (
        with_token("1"),
        with_token("2"),
        with_token("3"),
        with_token("4"),
        with_token("5"),
    );
    let results = tokio::join!(
        runner.run(provider, &r1),
        runner.run(provider, &r2),
        runner.run(provider, &r3),
        runner.run(provider, &r4),
        runner.run(provider, &r5),
    );
    for r in [results.0, results.1, results.2, results.3, results.4] {
        r.unwrap();
    }
    let runs = std::fs::read_to_string(&count_file)
        .unwrap()
        .lines()
        .count();
    assert_eq!(runs, 5);
    let _ = std::fs::remove_file(&count_file);
}

#[tokio::test]
async fn providers_cache_and_merge() {
    let count_file = bin_dir().join(format!("count-cache-{}", std::process::id()));
    let _ = std::fs::remove_file(&count_file);
    let count = count_file.to_str().unwrap().to_owned();
    let config = config(&[
        (
            "good",
            &["a"],
            &[
                ("COUNT_FILE", &count),
                ("PLUGIN_USER", "first"),
                ("CACHE_DURATION", "1h"),
            ],
        ),
        ("fails", &[], &[]),
    ]);
    let providers =
        CredentialProviders::with_runner(config, runner().with_timeout(Duration::from_secs(20)));
    let credentials = providers.credentials("one.registry.io/app").await;
    assert_eq!(
        credentials.len(),
        1,
        "the failing provider contributes nothing"
    );
    assert_eq!(credentials[0].source(), "provider:good");
    assert_eq!(credentials[0].username, "first");
    // A second image of the same registry is served from the Registry cache entry.
    let outcomes = providers.provide("one.registry.io/other").await;
    assert!(outcomes[0].cached);
    assert!(outcomes[1].result.is_err());
    assert_eq!(
        std::fs::read_to_string(&count_file)
            .unwrap()
            .lines()
            .count(),
        1
    );
    // Images no provider matches run nothing.
    assert!(
        providers
            .provide("docker.io/library/nginx")
            .await
            .is_empty()
    );
    let _ = std::fs::remove_file(&count_file);
}

#[tokio::test]
async fn docker_credential_helper_get() {
    let helper = bin_dir().join("docker-credential-test");
    let timeout = Duration::from_secs(10);
    let found = credential_helper_get(&helper, "known.io", timeout)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(found.username, "me");
    assert_eq!(found.secret.expose_secret(), "helper-secret");
    let token = credential_helper_get(&helper, "token.io", timeout)
        .await
        .unwrap()
        .unwrap();
    assert!(matches!(
        token.into_auth(),
        kubepull::provider::helper::HelperAuth::IdentityToken(t) if t.expose_secret() == "refresh-token"
    ));
    assert!(
        credential_helper_get(&helper, "unknown.io", timeout)
            .await
            .unwrap()
            .is_none()
    );
    let e = credential_helper_get(&helper, "broken.io", timeout)
        .await
        .unwrap_err();
    assert_eq!(
        e.to_string(),
        "error getting credentials - err: exit status 1, out: `keychain locked`"
    );
    let e = credential_helper_get(&helper, "garbage.io", timeout)
        .await
        .unwrap_err();
    assert_eq!(
        e.provider_error_kind(),
        Some(ProviderErrorKind::HelperProtocol)
    );
    assert_no_secret(&e.to_string());
    let e = credential_helper_get(
        bin_dir().join("docker-credential-missing"),
        "known.io",
        timeout,
    )
    .await
    .unwrap_err();
    assert_eq!(e.kind(), ExecErrorKind::NotFound);
}
