//! `kubepull provider CONFIG IMAGE`: run the credential provider plugins of a kubelet config
//! whose `matchImages` match the image, as the kubelet does, and show the credentials in
//! kubelet order (passwords never shown).

use std::path::PathBuf;
use std::process::ExitCode;

use clap::Args;

use crate::{InputError, Output};

/// `kubepull provider`.
#[derive(Args)]
pub struct ProviderArgs {
    /// The kubelet's credential provider config (--image-credential-provider-config), JSON
    /// or YAML.
    #[arg(value_name = "CONFIG")]
    pub config: String,
    /// The image, as a pod names it.
    pub image: String,
    /// Where the plugins are (--image-credential-provider-bin-dir); default: CONFIG's
    /// directory.
    #[arg(long, value_name = "DIR")]
    pub bin_dir: Option<PathBuf>,
    #[command(flatten)]
    pub output: Output,
}

#[cfg(not(feature = "exec"))]
pub fn run(_args: &ProviderArgs) -> Result<ExitCode, InputError> {
    Err(InputError(
        "provider: this kubepull was built without feature `exec`, which runs plugins".to_owned(),
    ))
}

/// Runs `kubepull provider`.
///
/// # Errors
///
/// The config cannot be read or is invalid, or the image does not parse.
#[cfg(feature = "exec")]
pub fn run(args: &ProviderArgs) -> Result<ExitCode, InputError> {
    use kubepull::Reference;
    use kubepull::exec::CredentialProviders;
    use kubepull::keyring::Keyring;
    use kubepull::provider::{CredentialProviderConfig, auth_to_docker_config};
    use serde_json::json;

    use crate::credentials::Row;

    let bytes = crate::input::read(&args.config)?;
    let config = CredentialProviderConfig::from_slice(&bytes)
        .map_err(|e| InputError(format!("error decoding config {:?}: {e}", args.config)))?;
    let repository = Reference::parse(&args.image)
        .map_err(|e| InputError(e.to_string()))?
        .name()
        .to_owned();
    let bin_dir =
        args.bin_dir
            .clone()
            .unwrap_or_else(|| match std::path::Path::new(&args.config).parent() {
                Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
                _ => ".".into(),
            });
    let providers = CredentialProviders::new(config, bin_dir).map_err(|e| {
        InputError(format!(
            "failed to validate credential provider config: {e}"
        ))
    })?;
    let runtime = crate::probe::runtime()?;
    let outcomes = runtime.block_on(providers.provide(&repository));
    let mut builder = Keyring::builder();
    for outcome in &outcomes {
        if let Ok(auth) = &outcome.result {
            builder.add_provider_config(&outcome.provider, &auth_to_docker_config(auth));
        }
    }
    let keyring = builder.build().map_err(|e| InputError(e.to_string()))?;
    let rows: Vec<Row> = keyring
        .lookup_str(&repository)
        .into_iter()
        .map(Row::new)
        .collect();
    let all_ran = outcomes.iter().all(|o| o.result.is_ok());
    if args.output.json {
        let providers: Vec<_> = outcomes
            .iter()
            .map(|o| match &o.result {
                Ok(_) => json!({"name": o.provider, "cached": o.cached}),
                Err(e) => json!({"name": o.provider, "cached": o.cached, "error": e.to_string()}),
            })
            .collect();
        println!(
            "{}",
            json!({"image": repository, "providers": providers, "credentials": rows})
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
        if !rows.is_empty() {
            println!("credentials, in the order the kubelet tries them:");
        }
        for (i, row) in rows.iter().enumerate() {
            println!(
                "  {}. {}  {}  ({})",
                i + 1,
                row.key,
                row.username,
                row.source
            );
        }
    }
    Ok(crate::exit::from_success(all_ran))
}
