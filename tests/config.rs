//! Conformance tests for `kubepull::config` against spec/kubernetes.md §3, §4.7, §6 and the
//! vectors of §8.8, §8.9, §8.12 (secret data), §8.15, §8.18; data in tests/data/config/.

mod common;

use common::{rows, s};

use std::collections::BTreeMap;

use kubepull::Secret;
use kubepull::config::{
    AuthEntry, ConfigError, ConfigErrorKind, DockerConfig, DockerConfigJson, DockerRegistrySecret,
    KubeSecret, MAX_CONFIG_BYTES, decode_auth, encode_auth, validate_secret_data,
};
use serde_json::Value;

fn kind_of(name: &str) -> ConfigErrorKind {
    match name {
        "Syntax" => ConfigErrorKind::Syntax,
        "TypeMismatch" => ConfigErrorKind::TypeMismatch,
        "InvalidAuth" => ConfigErrorKind::InvalidAuth,
        other => panic!("unknown kind {other}"),
    }
}

/// Asserts an entry's decoded username, password and email.
fn assert_entry(id: &str, entry: &AuthEntry, expected: &Value) {
    assert_eq!(entry.username, s(expected, "username"), "{id}: username");
    assert_eq!(
        entry.password.expose_secret(),
        s(expected, "password"),
        "{id}: password"
    );
    assert_eq!(entry.email, s(expected, "email"), "{id}: email");
}

/// Asserts that no Debug or Display form of anything derived from a document carries a secret.
fn assert_no_leak(id: &str, rendered: &str, secrets: &[&str]) {
    for secret in secrets.iter().filter(|secret| secret.len() >= 3) {
        assert!(
            !rendered.contains(secret),
            "{id}: {secret:?} leaked into {rendered:?}"
        );
    }
}

/// The expected passwords that appear nowhere else in the expected entries (usernames, keys).
fn passwords_only(entries: &Value) -> Vec<String> {
    let public: Vec<String> = entries
        .as_object()
        .unwrap()
        .iter()
        .flat_map(|(key, e)| {
            [
                key.clone(),
                e["username"].to_string(),
                e["email"].to_string(),
            ]
        })
        .collect();
    entries
        .as_object()
        .unwrap()
        .values()
        .map(|e| e["password"].as_str().unwrap().to_owned())
        .filter(|p| !public.iter().any(|x| x.contains(p.as_str())))
        .collect()
}

/// Asserts a config's entries against `{"key": {"username","password","email"}}`.
fn assert_entries(id: &str, config: &DockerConfig, expected: &Value) {
    let expected = expected.as_object().expect("entries object");
    let keys: Vec<&str> = config.iter().map(|(key, _)| key).collect();
    let mut want: Vec<&str> = expected.keys().map(String::as_str).collect();
    want.sort_unstable();
    assert_eq!(keys, want, "{id}: keys");
    for (key, entry) in config.iter() {
        assert_entry(id, entry, &expected[key]);
    }
}

/// Asserts an error's kind and `Display` text, and that it leaks nothing.
fn assert_error(
    id: &str,
    error: &ConfigError,
    kind: ConfigErrorKind,
    text: &str,
    secrets: &[&str],
) {
    assert_eq!(error.kind(), kind, "{id}: kind of {error:?}");
    assert_eq!(error.to_string(), text, "{id}: Display");
    assert_no_leak(
        id,
        &format!("{error} {error:?} {}", error.detail()),
        secrets,
    );
}

#[test]
fn auth_field_vectors_8_8() {
    for row in rows("config/auth.jsonl") {
        let id = s(&row, "id");
        let auth = s(&row, "auth");
        match (decode_auth(auth), row.get("error")) {
            (Err(error), Some(text)) => {
                assert_error(
                    id,
                    &error,
                    ConfigErrorKind::InvalidAuth,
                    text.as_str().unwrap(),
                    &[auth.trim()],
                );
            }
            (Ok((username, password)), None) => {
                assert_eq!(username, s(&row, "username"), "{id}");
                assert_eq!(password.expose_secret(), s(&row, "password"), "{id}");
                // The same value inside an entry overrides username and password.
                let json = serde_json::json!({"username": "x", "password": "y", "auth": auth});
                let entry = AuthEntry::from_json(json.to_string().as_bytes()).unwrap();
                assert_eq!(entry.username, s(&row, "username"), "{id}: in entry");
                assert_eq!(
                    entry.auth.as_ref().map(Secret::expose_secret),
                    Some(auth),
                    "{id}: raw auth kept"
                );
                assert_no_leak(id, &format!("{entry:?}"), &[auth, s(&row, "password")]);
            }
            (result, expected) => panic!("{id}: got {result:?}, expected {expected:?}"),
        }
    }
}

#[test]
fn encoder_output_decodes_vector_68() {
    let encoded = encode_auth("foo", "bar");
    assert_eq!(encoded.expose_secret(), "Zm9vOmJhcg==");
    let (user, password) = decode_auth(encoded.expose_secret()).unwrap();
    assert_eq!((user.as_str(), password.expose_secret()), ("foo", "bar"));
}

#[test]
fn entry_vectors_8_9() {
    for row in rows("config/entries.jsonl") {
        let id = s(&row, "id");
        let input = s(&row, "input");
        match AuthEntry::from_json(input.as_bytes()) {
            Ok(entry) => {
                assert!(
                    row.get("error").is_none(),
                    "{id}: expected an error, got {entry:?}"
                );
                assert_entry(id, &entry, &row);
                let has_token = row.get("identity_token").is_some();
                assert_eq!(
                    entry.identity_token.is_some(),
                    has_token,
                    "{id}: token kept"
                );
                if has_token {
                    assert!(!entry.has_credentials(), "{id}: tokens are not credentials");
                }
            }
            Err(error) => {
                let text = row.get("error").and_then(Value::as_str);
                let text = text.unwrap_or_else(|| panic!("{id}: unexpected {error:?}"));
                assert_error(id, &error, kind_of(s(&row, "error_kind")), text, &["pants"]);
            }
        }
    }
}

#[test]
fn entry_encoding_vector_77() {
    let mut entry = AuthEntry::new("foo", "bar");
    entry.email = "foo@example.com".to_owned();
    assert_eq!(
        entry.to_json().expose_secret(),
        r#"{"username":"foo","password":"bar","email":"foo@example.com","auth":"Zm9vOmJhcg=="}"#
    );
    // Empty fields are omitted; auth is always written.
    assert_eq!(
        AuthEntry::new("", "").to_json().expose_secret(),
        r#"{"auth":"Og=="}"#
    );
    let back = AuthEntry::from_json(entry.to_json().expose_secret().as_bytes()).unwrap();
    assert_eq!(back.username, "foo");
    assert_eq!(back.password, entry.password);
    assert_eq!(back.email, entry.email);
}

#[test]
fn document_vectors_8_9() {
    for row in rows("config/documents.jsonl") {
        let id = s(&row, "id");
        let input = s(&row, "input").as_bytes();
        let result = match s(&row, "format") {
            "config.json" => DockerConfig::from_config_json(input),
            "dockercfg" => DockerConfig::from_dockercfg(input),
            other => panic!("{id}: format {other}"),
        };
        match (result, row.get("entries")) {
            (Ok(config), Some(entries)) => {
                assert_entries(id, &config, entries);
                let passwords = passwords_only(entries);
                let passwords: Vec<&str> = passwords.iter().map(String::as_str).collect();
                assert_no_leak(id, &format!("{config:?}"), &passwords);
            }
            (Err(error), None) => {
                let kind = kind_of(s(&row, "error_kind"));
                assert_error(id, &error, kind, s(&row, "error"), &["pants", "cGFudHM"]);
                if let Some(detail) = row.get("detail") {
                    assert_eq!(error.detail(), detail.as_str().unwrap(), "{id}: detail");
                    assert!(std::error::Error::source(&error).is_some(), "{id}: source");
                }
                assert_eq!(
                    error.registry_key(),
                    row.get("key").and_then(Value::as_str),
                    "{id}: key"
                );
            }
            (result, _) => panic!("{id}: unexpected {result:?}"),
        }
    }
}

#[test]
fn config_json_keeps_ignored_fields_readable() {
    let document = DockerConfigJson::from_slice(
        br#"{"auths":{"a.io":{"identitytoken":"tok-123"}},"credsStore":"desktop",
            "credHelpers":{"gcr.io":"gcloud","bad":5},"HttpHeaders":{"X-Token":"hdr-secret"}}"#,
    )
    .unwrap();
    assert_eq!(document.creds_store.as_deref(), Some("desktop"));
    assert_eq!(document.cred_helpers.len(), 1);
    assert_eq!(document.cred_helpers["gcr.io"], "gcloud");
    assert_eq!(
        document.http_headers["X-Token"].expose_secret(),
        "hdr-secret"
    );
    let entry = document.auths.get("a.io").unwrap();
    assert_eq!(
        entry.identity_token.as_ref().unwrap().expose_secret(),
        "tok-123"
    );
    assert!(!entry.has_credentials());
    assert_no_leak(
        "ignored",
        &format!("{document:?}"),
        &["tok-123", "hdr-secret"],
    );
    // The kubelet's shape: only auths and HttpHeaders are written.
    let json = document.to_json();
    assert!(
        json.expose_secret()
            .starts_with(r#"{"auths":{"a.io":{"auth":"Og=="}}"#)
    );
    assert!(
        json.expose_secret()
            .contains(r#""HttpHeaders":{"X-Token":"hdr-secret"}"#)
    );
    assert!(!json.expose_secret().contains("desktop"));
}

#[test]
fn documents_round_trip() {
    let config: DockerConfig = [
        (
            "https://index.docker.io/v1/".to_owned(),
            AuthEntry::new("hub", "p&<w>"),
        ),
        ("quay.io".to_owned(), {
            let mut entry = AuthEntry::new("q", "x:y\n");
            entry.email = "q@example.com".to_owned();
            entry
        }),
    ]
    .into_iter()
    .collect();
    let json = config.to_config_json();
    assert!(
        json.expose_secret()
            .contains(r#""password":"p\u0026\u003cw\u003e""#)
    );
    let back = DockerConfig::from_config_json(json.expose_secret().as_bytes()).unwrap();
    assert_same(&config, &back);
    let legacy = config.to_dockercfg();
    let back = DockerConfig::from_dockercfg(legacy.expose_secret().as_bytes()).unwrap();
    assert_same(&config, &back);
}

/// Same keys, usernames, passwords and emails (the raw `auth` differs after encoding).
fn assert_same(a: &DockerConfig, b: &DockerConfig) {
    assert_eq!(a.len(), b.len());
    for ((ka, ea), (kb, eb)) in a.iter().zip(b.iter()) {
        assert_eq!(ka, kb);
        assert_eq!(ea.username, eb.username);
        assert_eq!(ea.password, eb.password);
        assert_eq!(ea.email, eb.email);
    }
}

fn data_of(row: &Value) -> BTreeMap<String, Vec<u8>> {
    row["data"]
        .as_object()
        .unwrap()
        .iter()
        .map(|(k, v)| (k.clone(), v.as_str().unwrap().as_bytes().to_vec()))
        .collect()
}

#[test]
fn secret_data_vectors_8_12_and_4_7() {
    for row in rows("config/secret_data.jsonl") {
        let id = s(&row, "id");
        let ty = s(&row, "type");
        let data = data_of(&row);
        match (
            DockerConfig::from_secret_data(ty, &data),
            row.get("entries"),
        ) {
            (Ok(Some(config)), Some(entries)) => assert_entries(id, &config, entries),
            (Ok(None), None) => assert!(row.get("ignored").is_some(), "{id}: ignored"),
            (Err(error), None) => {
                let kind = kind_of(s(&row, "error_kind"));
                // Secret data errors are the raw texts, not the file readers' fixed one.
                assert_error(id, &error, kind, s(&row, "error"), &["base64!", "cGFudHM"]);
            }
            (result, _) => panic!("{id}: unexpected {result:?}"),
        }
        match (
            validate_secret_data(ty, &data),
            row.get("validation").and_then(Value::as_str),
        ) {
            (Ok(()), None) => {}
            (Err(error), Some(text)) => {
                assert_eq!(error.to_string(), text, "{id}: validation");
                assert_no_leak(
                    id,
                    &format!("{error:?}"),
                    &["dXNlcjpwYXNzd29yZA", "password"],
                );
            }
            (result, text) => panic!("{id}: validation {result:?}, expected {text:?}"),
        }
    }
}

#[test]
fn kubectl_vectors_8_15() {
    for row in rows("config/kubectl.jsonl") {
        let id = s(&row, "id");
        let mut builder = DockerRegistrySecret::new(s(&row, "name"))
            .username(s(&row, "username"))
            .password(s(&row, "password"))
            .append_hash(row.get("append_hash").is_some());
        if let Some(email) = row.get("email") {
            builder = builder.email(email.as_str().unwrap());
        }
        if let Some(server) = row.get("server") {
            builder = builder.server(server.as_str().unwrap());
        }
        assert_no_leak(id, &format!("{builder:?}"), &[s(&row, "password")]);
        match (builder.build(), row.get("error")) {
            (Ok(secret), None) => {
                assert_eq!(secret.name, s(&row, "expect_name"), "{id}: name");
                assert_eq!(secret.secret_type, "kubernetes.io/dockerconfigjson", "{id}");
                assert_eq!(secret.namespace, None, "{id}: namespace only when given");
                assert_eq!(secret.data.len(), 1, "{id}");
                let data = std::str::from_utf8(&secret.data[".dockerconfigjson"]).unwrap();
                assert_eq!(data, s(&row, "expect_data"), "{id}: data");
                // Parsed back through the kubelet's path, the credentials come out again.
                let config = secret.docker_config().unwrap().unwrap();
                let (_, entry) = config.iter().next().unwrap();
                assert_eq!(entry.password.expose_secret(), s(&row, "password"), "{id}");
                assert_no_leak(id, &format!("{secret:?}"), &[s(&row, "password"), data]);
            }
            (Err(error), Some(text)) => {
                assert_eq!(error.kind(), ConfigErrorKind::InvalidArguments, "{id}");
                assert_eq!(error.to_string(), text.as_str().unwrap(), "{id}");
            }
            (result, _) => panic!("{id}: unexpected {result:?}"),
        }
    }
}

#[test]
fn kubectl_from_file_vector_156() {
    let contents = r#"{"auths":{"x.io":{"auth":"Zm9vOmJhcg=="}}}"#;
    let plain = DockerRegistrySecret::new("foo")
        .from_file(None, contents)
        .build()
        .unwrap();
    let keyed = DockerRegistrySecret::new("foo")
        .from_file(Some(".dockerconfigjson"), contents)
        .build()
        .unwrap();
    assert_eq!(plain, keyed);
    assert_eq!(plain.data[".dockerconfigjson"], contents.as_bytes());
    assert_eq!(plain.secret_type, "kubernetes.io/dockerconfigjson");
    let twice = DockerRegistrySecret::new("foo")
        .from_file(None, contents)
        .from_file(None, contents)
        .build()
        .unwrap_err();
    assert_eq!(
        twice.to_string(),
        "cannot add key .dockerconfigjson, another key by that name already exists"
    );
    let namespaced = DockerRegistrySecret::new("foo")
        .username("u")
        .password("p")
        .namespace("ci")
        .build()
        .unwrap();
    assert_eq!(namespaced.namespace.as_deref(), Some("ci"));
}

#[test]
fn kube_secret_objects() {
    let dir = format!("{}/tests/data/config/secrets", env!("CARGO_MANIFEST_DIR"));
    let read = |name: &str| std::fs::read(format!("{dir}/{name}")).unwrap();
    let secret = KubeSecret::from_json(&read("regcred.json")).unwrap();
    assert_eq!(secret.name, "regcred");
    assert_eq!(secret.namespace.as_deref(), Some("ci"));
    assert_eq!(
        secret.uid.as_deref(),
        Some("6b1c7f1e-0000-4000-8000-000000000001")
    );
    assert_eq!(secret.qualified_name(), "ci/regcred");
    let config = secret.docker_config().unwrap().unwrap();
    assert_eq!(
        config.get("registry.example.com").unwrap().username,
        "ci-bot"
    );
    secret.validate().unwrap();
    assert_no_leak("regcred", &format!("{secret:?}"), &["hunter22", "Y2ktYm90"]);
    // Written back and read again: the same secret.
    let again = KubeSecret::from_json(secret.to_json().expose_secret().as_bytes()).unwrap();
    assert_eq!(again, secret);

    let opaque =
        KubeSecret::from_json(br#"{"metadata":{"name":"x"},"stringData":{"a":"b"}}"#).unwrap();
    assert_eq!(opaque.secret_type, "Opaque");
    assert_eq!(opaque.data["a"], b"b");
    assert!(opaque.docker_config().unwrap().is_none());

    for (input, text) in [
        (
            &b"{\"kind\":\"Pod\"}"[..],
            "expected kind \"Secret\", found \"Pod\"",
        ),
        (
            b"{\"data\":{\"k\":\"c2VjcmV0!\"}}",
            "data[k]: illegal base64 data at input byte 8",
        ),
        (
            b"{\"data\":\"c2VjcmV0\"}",
            "not a Secret object: a field has the wrong JSON type at line 1 column 18",
        ),
        (
            b"{\"data\":",
            "not a Secret object: unexpected end of JSON input",
        ),
        (b"", "not a Secret object: unexpected end of JSON input"),
    ] {
        let error = KubeSecret::from_json(input).unwrap_err();
        assert_eq!(error.kind(), ConfigErrorKind::InvalidSecretObject);
        assert_eq!(error.to_string(), text);
        assert_no_leak("secret errors", &format!("{error:?}"), &["c2VjcmV0"]);
    }
}

#[test]
fn hostile_input_errors_never_panics() {
    let huge = vec![b' '; MAX_CONFIG_BYTES + 1];
    for parse in [
        DockerConfig::from_config_json as fn(&[u8]) -> Result<DockerConfig, ConfigError>,
        DockerConfig::from_dockercfg,
    ] {
        assert_eq!(parse(&huge).unwrap_err().kind(), ConfigErrorKind::TooLarge);
        for input in [
            &b""[..],
            b"{",
            b"{\"auths\":{\"a\":{\"auth\":\"Zm9v",
            b"\xff\xfe",
            b"{\"a\xff\":{}}\x00",
            b"[[[[[[[[[[",
            &[b'['; 10_000],
            b"{\"auths\":{\"a\":{\"username\":\"\\ud800\"}},\"a\":{\"username\":\"\\ud800\"}}",
            b"{\"auths\":{\"a\":{\"password\":1e999}},\"a\":{\"password\":1e999}}",
        ] {
            let error = parse(input).expect_err("hostile input must fail");
            assert_eq!(
                error.to_string(),
                "error occurred while trying to unmarshal json"
            );
        }
    }
    assert_eq!(
        AuthEntry::from_json(&huge).unwrap_err().kind(),
        ConfigErrorKind::TooLarge
    );
    assert_eq!(
        KubeSecret::from_json(&huge).unwrap_err().kind(),
        ConfigErrorKind::TooLarge
    );
    let data = BTreeMap::from([(".dockercfg".to_owned(), huge.clone())]);
    assert_eq!(
        DockerConfig::from_secret_data("kubernetes.io/dockercfg", &data)
            .unwrap_err()
            .kind(),
        ConfigErrorKind::TooLarge
    );
    // Invalid UTF-8 inside strings is replaced, as Go does, not rejected.
    let config =
        DockerConfig::from_dockercfg(b"{\"a\xffb\":{\"username\":\"u\xe2\x82\"}}").unwrap();
    let (key, entry) = config.iter().next().unwrap();
    assert_eq!(key, "a\u{FFFD}b");
    assert_eq!(entry.username, "u\u{FFFD}\u{FFFD}");
    // Deep nesting inside ignored fields is skipped without recursion (Go accepts up to
    // 10,000 levels), and never overflows the stack.
    let deep = format!("{{\"x\":{}{}}}", "[".repeat(5000), "]".repeat(5000));
    assert!(
        DockerConfig::from_config_json(deep.as_bytes())
            .unwrap()
            .is_empty()
    );
    let deep = format!(
        "{{\"credHelpers\":{{\"a\":{}{}}}}}",
        "[".repeat(5000),
        "]".repeat(5000)
    );
    assert!(
        DockerConfig::from_config_json(deep.as_bytes())
            .unwrap()
            .is_empty()
    );
    let deep = format!("{{\"a\":{}{}}}", "[".repeat(5000), "]".repeat(5000));
    assert_eq!(
        DockerConfig::from_dockercfg(deep.as_bytes())
            .unwrap_err()
            .kind(),
        ConfigErrorKind::TypeMismatch
    );
}

/// Lints a file the way the CLI does: `.dockercfg` by name, anything else by content.
fn lint_path(path: &str) -> Vec<kubepull::config::Finding> {
    let bytes = std::fs::read(path).unwrap_or_else(|e| panic!("{path}: {e}"));
    if path.ends_with(".dockercfg") {
        kubepull::config::lint_dockercfg(&bytes)
    } else {
        kubepull::config::lint(&bytes)
    }
}

#[test]
fn lint_cases() {
    let dir = format!("{}/tests/data/config/lint", env!("CARGO_MANIFEST_DIR"));
    for row in rows("config/lint/expected.jsonl") {
        let file = s(&row, "file");
        let findings = lint_path(&format!("{dir}/{file}"));
        let got: Vec<(String, Option<String>)> = findings
            .iter()
            .map(|f| (f.kind.name().to_owned(), f.registry_key.clone()))
            .collect();
        let want: Vec<(String, Option<String>)> = row["findings"]
            .as_array()
            .unwrap()
            .iter()
            .map(|f| {
                (
                    f[0].as_str().unwrap().to_owned(),
                    f[1].as_str().map(str::to_owned),
                )
            })
            .collect();
        assert_eq!(got, want, "{file}: {findings:#?}");
        let secrets: Vec<&str> = row["secrets"]
            .as_array()
            .unwrap()
            .iter()
            .map(|v| v.as_str().unwrap())
            .collect();
        for finding in &findings {
            assert!(!finding.message.is_empty());
            assert_no_leak(file, &format!("{finding} {finding:?}"), &secrets);
        }
    }
}

#[test]
fn lint_messages_explain_the_consequence() {
    let dir = format!("{}/tests/data/config/lint", env!("CARGO_MANIFEST_DIR"));
    let findings = lint_path(&format!("{dir}/broken-secret.json"));
    let text: Vec<String> = findings.iter().map(ToString::to_string).collect();
    assert!(text[1].contains("7 labels"), "{}", text[1]);
    assert!(
        text[5].starts_with("error [malformed-auth] \"registry.example.com\": "),
        "{}",
        text[5]
    );
    assert!(
        text[5].contains("unable to parse auth field"),
        "{}",
        text[5]
    );
    assert!(text[6].contains("every pull"), "{}", text[6]);
    assert_eq!(findings[4].severity(), kubepull::config::Severity::Warning);
    assert_eq!(findings[6].severity(), kubepull::config::Severity::Error);
}

#[test]
fn lint_reads_a_list_of_secrets() {
    let dir = format!("{}/tests/data/config", env!("CARGO_MANIFEST_DIR"));
    let item = |path: &str| -> Value {
        serde_json::from_slice(&std::fs::read(format!("{dir}/{path}")).unwrap()).unwrap()
    };
    let list = serde_json::json!({
        "apiVersion": "v1",
        "kind": "List",
        "items": [item("secrets/regcred.json"), item("lint/opaque-secret.json"), {"kind": "ConfigMap"}],
    });
    let findings = kubepull::config::lint(list.to_string().as_bytes());
    assert_eq!(findings.len(), 1, "{findings:#?}");
    assert_eq!(
        findings[0].kind,
        kubepull::config::LintKind::TypeKeyMismatch
    );
    assert!(
        findings[0]
            .message
            .starts_with("secret default/opaque: type Opaque"),
        "{}",
        findings[0].message
    );
}

#[test]
fn lint_never_panics_on_hostile_input() {
    for input in [
        &b""[..],
        b"null",
        b"[]",
        b"\xff",
        b"{\"kind\":\"Secret\",\"data\":{\".dockerconfigjson\":\"!!\"}}",
        b"{\"auths\":{\"\":{},\"[\":{},\"a:\":{},\"[::1]:5000\":{},\"*.*\":{},\"\\\\\":{}}}",
        b"{\"auths\":{\"a.dkr.ecr\":{},\"x.azurecr.io\":{},\"https://u@h/v2/\":{}}}",
        &[b'{'; 100_000],
    ] {
        let _ = kubepull::config::lint(input);
        let _ = kubepull::config::lint_dockercfg(input);
    }
    let stars = format!(
        "{{\"auths\":{{\"a.dkr.ecr.b.{}\":{{}}}}}}",
        "*".repeat(10_000)
    );
    assert_eq!(kubepull::config::lint(stars.as_bytes()).len(), 2);
}

mod round_trip {
    use super::*;
    use proptest::prelude::*;

    fn entry() -> impl Strategy<Value = (String, AuthEntry)> {
        (any::<String>(), "[^:]*", any::<String>(), any::<String>()).prop_map(
            |(key, username, password, email)| {
                let mut entry = AuthEntry::new(username, password);
                entry.email = email;
                (key, entry)
            },
        )
    }

    proptest! {
        #[test]
        fn auth_encode_decode(username in "[^:]*", password in any::<String>()) {
            let encoded = encode_auth(&username, &password);
            let (user, pass) = decode_auth(encoded.expose_secret()).unwrap();
            prop_assert_eq!(user, username);
            prop_assert_eq!(pass.expose_secret(), password.as_str());
        }

        #[test]
        fn config_json_and_dockercfg(entries in proptest::collection::vec(entry(), 0..8)) {
            let config: DockerConfig = entries.into_iter().collect();
            let json = config.to_config_json();
            let back = DockerConfig::from_config_json(json.expose_secret().as_bytes()).unwrap();
            assert_same(&config, &back);
            let legacy = config.to_dockercfg();
            let back = DockerConfig::from_dockercfg(legacy.expose_secret().as_bytes()).unwrap();
            assert_same(&config, &back);
        }

        #[test]
        fn parsers_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..256)) {
            let _ = DockerConfig::from_config_json(&bytes);
            let _ = DockerConfig::from_dockercfg(&bytes);
            let _ = AuthEntry::from_json(&bytes);
            let _ = KubeSecret::from_json(&bytes);
            let _ = kubepull::config::lint(&bytes);
        }
    }
}

/// Every Debug and Display this issue offers, over values holding known secrets.
#[test]
fn nothing_prints_a_secret() {
    const SECRETS: [&str; 7] = [
        "password-echo-5",
        "pw-alpha-1",
        "tok-bravo-2",
        "rt-charlie-3",
        "hdr-delta-4",
        "cGFzc3dvcmQtZWNoby01",
        "nocolon-foxtrot-6",
    ];
    let nocolon = encode_auth_raw("nocolon-foxtrot-6");
    let document = r#"{"auths":{"a.io":{"username":"u","password":"pw-alpha-1","identitytoken":"tok-bravo-2","registrytoken":"rt-charlie-3"},
            "b.io":{"auth":"dTpwYXNzd29yZC1lY2hvLTU="}},"HttpHeaders":{"X":"hdr-delta-4"}}"#;
    let mut rendered = Vec::new();
    let parsed = DockerConfigJson::from_slice(document.as_bytes()).unwrap();
    rendered.push(format!("{parsed:?} {parsed:#?} {:?}", parsed.auths));
    for (key, entry) in parsed.auths.iter() {
        rendered.push(format!("{key} {entry:?} {entry:#?}"));
    }
    rendered.push(format!("{:?}", parsed.to_json()));
    // Errors around secrets: an `auth` without a colon, bad base64 next to a password, a
    // password of the wrong type, a secret value where an object belongs.
    for bad in [
        format!(r#"{{"auths":{{"c.io":{{"auth":"{nocolon}"}}}}}}"#),
        r#"{"auths":{"c.io":{"password":"pw-alpha-1","auth":"pw-alpha-1"}}}"#.to_owned(),
        r#"{"auths":{"c.io":"cGFzc3dvcmQtZWNoby01"}}"#.to_owned(),
        r#"{"auths":{"c.io":{"password":["pw-alpha-1"]}}}"#.to_owned(),
        r#"{"auths":{"c.io":{"auth":"pw-alpha-1"}}"#.to_owned(),
    ] {
        for error in [
            DockerConfig::from_config_json(bad.as_bytes()).unwrap_err(),
            DockerConfig::from_secret_data(
                "kubernetes.io/dockerconfigjson",
                &BTreeMap::from([(".dockerconfigjson".to_owned(), bad.clone().into_bytes())]),
            )
            .unwrap_err(),
        ] {
            rendered.push(format!("{error} {error:?} {error:#?} {}", error.detail()));
        }
        for finding in kubepull::config::lint(bad.as_bytes()) {
            rendered.push(format!("{finding} {finding:?}"));
        }
    }
    let secret = DockerRegistrySecret::new("n")
        .username("u")
        .password("pw-alpha-1");
    rendered.push(format!("{secret:?}"));
    let built = secret.build().unwrap();
    rendered.push(format!("{built:?} {built:#?} {:?}", built.to_json()));
    let (_, password) = decode_auth("dTpwYXNzd29yZC1lY2hvLTU=").unwrap();
    rendered.push(format!("{password:?} {password:#?}"));
    for text in &rendered {
        assert_no_leak("render", text, &SECRETS);
    }
}

fn encode_auth_raw(text: &str) -> String {
    use base64::Engine as _;
    base64::engine::general_purpose::STANDARD.encode(text)
}

/// Regression: lint once called `*.dkr.ecr.*.on.aws` a key that can never match, though the
/// keyring matches ECR's `on.aws` partition with it and `provider::cloud` knows the host. Lint
/// now judges keys through the keyring's own pattern and the cloud recognisers.
#[test]
fn lint_agrees_with_the_keyring_on_ecr_partitions() {
    use kubepull::keyring::{CredentialSource, Keyring};
    use kubepull::provider::cloud::{CloudRegistry, recognize};
    let image = "123456789012.dkr.ecr.us-east-1.on.aws/app";
    for key in [
        "*.dkr.ecr.*.on.aws",
        "*.dkr-ecr.*.on.aws",
        "*.dkr.ecr.*.amazonaws.eu",
    ] {
        let config = format!(r#"{{"auths":{{"{key}":{{"auth":"dTpw"}}}}}}"#);
        let kinds: Vec<&str> = kubepull::config::lint(config.as_bytes())
            .iter()
            .map(|f| f.kind.name())
            .collect();
        assert!(!kinds.contains(&"unmatchable-key"), "{key}: {kinds:?}");
    }
    let mut builder = Keyring::builder();
    builder.add(
        &CredentialSource::node("/n"),
        "*.dkr.ecr.*.on.aws",
        "AWS",
        kubepull::Secret::new("token"),
    );
    let keyring = builder.build().unwrap();
    assert_eq!(keyring.lookup_str(image).len(), 1);
    assert!(matches!(
        recognize("123456789012.dkr.ecr.us-east-1.on.aws"),
        Some(CloudRegistry::Ecr(_))
    ));
}
