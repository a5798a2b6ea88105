//! `kubepull provider CONFIG IMAGE [--bin-dir DIR] [--json]`: run the credential provider
//! plugins the kubelet would run for IMAGE, as configured in CONFIG (the kubelet's
//! `--image-credential-provider-config`; JSON, or YAML with feature `yaml`), and print the
//! credentials they return in the order the kubelet would try them (the answers filed into
//! one keyring and looked up), passwords redacted. Plugins are looked up in `--bin-dir`
//! (the kubelet's `--image-credential-provider-bin-dir`; default: CONFIG's directory).
//!
//! JSON output: `{"image":S,"providers":[{"name":S,"cached":bool,"error":S?}],
//! "credentials":[{"key":S,"username":S,"source":S}]}` or `{"image":S,"error":S}`.
//! Needs feature `exec`.

use std::process::ExitCode;

/// Runs the subcommand.
#[cfg(not(feature = "exec"))]
pub fn run(_args: &[String]) -> ExitCode {
    eprintln!(
        "kubepull provider: running plugins needs the `exec` feature; build the example with `--features exec`"
    );
    ExitCode::from(2)
}

/// Runs the subcommand.
#[cfg(feature = "exec")]
pub fn run(args: &[String]) -> ExitCode {
    use std::path::PathBuf;

    use kubepull::Reference;
    use kubepull::exec::CredentialProviders;
    use kubepull::provider::CredentialProviderConfig;
    use serde_json::json;

    let mut json_output = false;
    let mut bin_dir: Option<PathBuf> = None;
    let mut positional = Vec::new();
    let mut iter = args.iter();
    while let Some(arg) = iter.next() {
        match arg.as_str() {
            "--json" => json_output = true,
            "--bin-dir" => match iter.next() {
                Some(dir) => bin_dir = Some(dir.into()),
                None => return crate::common::usage_error("provider: --bin-dir needs a directory"),
            },
            flag if flag.starts_with("--") => {
                return crate::common::usage_error(&format!("provider: unknown flag {flag}"));
            }
            other => positional.push(other.to_owned()),
        }
    }
    let [config_path, image] = positional.as_slice() else {
        return crate::common::usage_error(
            "usage: kubepull provider CONFIG IMAGE [--bin-dir DIR] [--json]",
        );
    };
    let fail = |message: String| {
        if json_output {
            println!("{}", json!({"image": image, "error": message}));
        } else {
            eprintln!("kubepull provider: {message}");
        }
        ExitCode::FAILURE
    };
    let bytes = match std::fs::read(config_path) {
        Ok(bytes) => bytes,
        Err(e) => return fail(format!("cannot read {config_path}: {e}")),
    };
    let config = match CredentialProviderConfig::from_slice(&bytes) {
        Ok(config) => config,
        Err(e) => return fail(format!("error decoding config {config_path:?}: {e}")),
    };
    // The kubelet sends the normalised repository without tag or digest.
    let repository = match Reference::parse(image) {
        Ok(reference) => reference.name().to_owned(),
        Err(e) => return fail(e.to_string()),
    };
    let bin_dir = bin_dir.unwrap_or_else(|| {
        std::path::Path::new(config_path)
            .parent()
            .map(|p| {
                if p.as_os_str().is_empty() {
                    ".".into()
                } else {
                    p.to_path_buf()
                }
            })
            .unwrap_or_else(|| ".".into())
    });
    let providers = match CredentialProviders::new(config, bin_dir) {
        Ok(providers) => providers,
        Err(e) => {
            return fail(format!(
                "failed to validate credential provider config: {e}"
            ));
        }
    };
    let runtime = match tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime,
        Err(e) => return fail(format!("cannot start the async runtime: {e}")),
    };
    let outcomes = runtime.block_on(providers.provide(&repository));
    // The order the kubelet tries them: the answers filed into one keyring, looked up.
    let mut builder = kubepull::keyring::Keyring::builder();
    for outcome in &outcomes {
        if let Ok(auth) = &outcome.result {
            builder.add_provider_config(
                &outcome.provider,
                &kubepull::provider::auth_to_docker_config(auth),
            );
        }
    }
    let keyring = match builder.build() {
        Ok(keyring) => keyring,
        Err(e) => return fail(e.to_string()),
    };
    let credentials: Vec<(String, String, String)> = keyring
        .lookup_str(&repository)
        .iter()
        .map(|c| {
            (
                c.key().to_string(),
                c.username().to_owned(),
                c.source().to_string(),
            )
        })
        .collect();
    if json_output {
        let providers: Vec<_> = outcomes
            .iter()
            .map(|o| match &o.result {
                Ok(_) => json!({"name": o.provider, "cached": o.cached}),
                Err(e) => json!({"name": o.provider, "cached": o.cached, "error": e.to_string()}),
            })
            .collect();
        let credentials: Vec<_> = credentials
            .iter()
            .map(|(key, username, source)| json!({"key": key, "username": username, "source": source}))
            .collect();
        println!(
            "{}",
            json!({"image": repository, "providers": providers, "credentials": credentials})
        );
    } else {
        println!("image {repository}");
        if outcomes.is_empty() {
            println!("  no provider's matchImages match; the kubelet runs no plugin");
        }
        for o in &outcomes {
            match &o.result {
                Ok(auth) => println!(
                    "  provider {}: {} credential(s){}",
                    o.provider,
                    auth.len(),
                    if o.cached { " (cached)" } else { "" }
                ),
                Err(e) => println!("  provider {}: {e}", o.provider),
            }
        }
        if !outcomes.is_empty() {
            println!("credentials, in the order the kubelet tries them:");
        }
        for (key, username, source) in &credentials {
            println!("  {key}  {username}  password [REDACTED]  ({source})");
        }
    }
    ExitCode::SUCCESS
}
