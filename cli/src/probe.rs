//! `--probe`: contact the registry as the kubelet would and report every attempt.
//!
//! The loop is the library's (`kubepull::oci::Puller::try_each`): anonymous when no
//! credential matches, otherwise each matching credential in kubelet order, each with a fresh
//! client, stopping at the first success. Any error, a platform missing from an index
//! included, moves on to the next credential, as the kubelet moves on after any failed CRI
//! pull. This module only classifies what happened and bounds each attempt in time.

use std::time::Duration;

use clap::Args;
use kubepull::Reference;
use kubepull::keyring::Credential;
use kubepull::oci::oci_client::client::{ClientConfig, ClientProtocol};
use kubepull::oci::oci_client::errors::{OciDistributionError, OciErrorCode};
use kubepull::oci::oci_client::manifest::OciManifest;
use kubepull::oci::{FailedAttempt, PlatformSelector, PullError, Puller, RealmRules};
use kubepull::platform::{Matcher, Platform};
use kubepull::provider::GoDuration;
use serde::Serialize;

use crate::InputError;

/// Where an attempt's text starts when the attempt ran out of time.
const TIMED_OUT: &str = "timed out after";
/// Where an attempt's text starts when the index has no manifest for the node's platform.
const NO_PLATFORM: &str = "no manifest in the index matches";

/// The probe's flags, shared by `lookup` and `explain`.
#[derive(Args, Clone)]
pub struct ProbeArgs {
    /// Contact the registry as the kubelet would: try the matching credentials in kubelet
    /// order (anonymous when none match), stop at the first success, resolve the manifest and,
    /// for an index, the node's platform. Every attempt is reported; passwords never are.
    #[arg(long)]
    pub probe: bool,
    /// Use plain HTTP for this registry, given as HOST or HOST:PORT (repeatable).
    #[arg(long = "insecure-registry", value_name = "HOST[:PORT]")]
    pub insecure_registries: Vec<String>,
    /// The longest one attempt may take, as a Go duration (10s, 1m30s).
    #[arg(long, value_name = "DURATION", default_value = "30s", value_parser = parse_timeout)]
    pub timeout: Duration,
    /// The node's platform, a containerd specifier (linux/arm64, linux/arm/v7, windows/amd64).
    #[arg(long, value_name = "SPEC", default_value = "linux/amd64")]
    pub platform: String,
    /// Refuse to send credentials to a bearer-token realm over plain HTTP (for an https
    /// registry) or on another host than the registry (Docker Hub's auth.docker.io is
    /// allowed). The kubelet's runtime, like Docker, sends them to any realm.
    #[arg(long)]
    pub strict_token_realms: bool,
}

fn parse_timeout(text: &str) -> Result<Duration, String> {
    let duration = GoDuration::parse(text).map_err(|e| e.to_string())?;
    match duration.as_std() {
        Some(d) if !d.is_zero() => Ok(d),
        _ => Err("the timeout must be positive".to_owned()),
    }
}

impl ProbeArgs {
    /// The node's platform, `--platform` completed against linux/amd64.
    ///
    /// # Errors
    ///
    /// `--platform` is not a platform specifier.
    pub fn node_platform(&self) -> Result<Platform, InputError> {
        let host = Platform::new("linux", "amd64");
        Platform::parse(&self.platform, &host)
            .map_err(|e| InputError(format!("--platform {}: {e}", self.platform)))
    }
}

/// What a probe, or one attempt, found.
#[derive(Serialize, Clone, Copy, PartialEq, Eq, Debug)]
#[serde(rename_all = "kebab-case")]
pub enum Outcome {
    /// The manifest (and the platform's, for an index) resolved.
    Ok,
    /// The registry refused the credential (401/403, or a token it would not give).
    Unauthorized,
    /// The repository or tag does not exist (404).
    NotFound,
    /// No answer: DNS, refused connection, TLS or HTTP mismatch, or the timeout.
    Unreachable,
    /// The index has no manifest for the node's platform.
    NoMatchingPlatform,
    /// Anything else.
    Error,
}

impl Outcome {
    /// The words of the text output.
    pub fn describe(self) -> &'static str {
        match self {
            Outcome::Ok => "ok",
            Outcome::Unauthorized => "unauthorized",
            Outcome::NotFound => "not found",
            Outcome::Unreachable => "unreachable",
            Outcome::NoMatchingPlatform => "no matching platform",
            Outcome::Error => "error",
        }
    }

    /// Which outcome the whole probe reports when every attempt failed: the most telling.
    fn rank(self) -> u8 {
        match self {
            Outcome::NoMatchingPlatform => 5,
            Outcome::NotFound => 4,
            Outcome::Unauthorized => 3,
            Outcome::Unreachable => 2,
            Outcome::Error => 1,
            Outcome::Ok => 0,
        }
    }
}

/// The `probe` object of the JSON contract.
#[derive(Serialize, Clone, Debug)]
pub struct Probe {
    /// The outcome: the successful attempt's, or the most telling failure.
    pub result: Outcome,
    /// The manifest's digest, as the registry gave it.
    pub digest: Option<String>,
    /// For an index, the digest of the node's platform's manifest.
    #[serde(rename = "platformDigest")]
    pub platform_digest: Option<String>,
    /// Every attempt, in order.
    pub attempts: Vec<Attempt>,
}

/// One attempt.
#[derive(Serialize, Clone, Debug)]
pub struct Attempt {
    /// The credential's source; `null` for the anonymous attempt.
    pub source: Option<String>,
    /// The credential's user name; `null` for the anonymous attempt.
    pub username: Option<String>,
    /// What happened.
    pub result: Outcome,
    /// The HTTP status the registry answered with, when known.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub status: Option<u16>,
    /// The registry's or client's words, with the attempt's password removed.
    pub message: String,
}

/// How to reach registries.
pub struct ProbeOptions {
    insecure: Vec<String>,
    timeout: Duration,
    platform: Platform,
    realms: RealmRules,
}

impl ProbeOptions {
    /// The options of `args`.
    ///
    /// # Errors
    ///
    /// `--platform` is not a platform specifier.
    pub fn new(args: &ProbeArgs) -> Result<ProbeOptions, InputError> {
        Ok(ProbeOptions {
            insecure: args.insecure_registries.clone(),
            timeout: args.timeout,
            platform: args.node_platform()?,
            realms: if args.strict_token_realms {
                RealmRules::default()
                    .refuse_plain_http()
                    .refuse_other_hosts()
                    .allow_host("auth.docker.io")
            } else {
                RealmRules::default()
            },
        })
    }

    /// Whether `domain` (`host` or `host:port`) was named by `--insecure-registry`, with or
    /// without its port.
    fn is_insecure(&self, domain: &str) -> bool {
        let host = match domain.rsplit_once(':') {
            Some((host, port))
                if !host.ends_with(':') && port.bytes().all(|b| b.is_ascii_digit()) =>
            {
                host
            }
            _ => domain,
        };
        self.insecure
            .iter()
            .any(|given| given == domain || given == host)
    }
}

/// A runtime for the probes: one thread, as the probes run one at a time.
///
/// # Errors
///
/// The runtime cannot start.
pub fn runtime() -> Result<tokio::runtime::Runtime, InputError> {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| InputError(format!("cannot start the probe's runtime: {e}")))
}

/// Probes `image` with `candidates` (the keyring's lookup, in order).
pub async fn probe(image: &Reference, candidates: &[&Credential], options: &ProbeOptions) -> Probe {
    let domain = image.domain().to_owned();
    let protocol = if options.is_insecure(&domain) {
        ClientProtocol::HttpsExcept(vec![domain])
    } else {
        ClientProtocol::Https
    };
    let timeout = options.timeout;
    let puller = Puller::new(move || ClientConfig {
        protocol: protocol.clone(),
        connect_timeout: Some(timeout),
        read_timeout: Some(timeout),
        ..ClientConfig::default()
    })
    .with_realm_rules(options.realms.clone());
    let matcher = Matcher::only(&options.platform);
    let wanted = options.platform.to_string();
    let outcome = puller
        .try_each(image, candidates, |client, reference, auth| {
            let matcher = matcher.clone();
            let wanted = wanted.clone();
            async move {
                let resolve = async {
                    let (manifest, digest) = client.pull_manifest(&reference, &auth).await?;
                    let OciManifest::ImageIndex(index) = manifest else {
                        return Ok((digest, None));
                    };
                    let Some(chosen) = matcher.select(&index.manifests) else {
                        let available: Vec<String> = index
                            .manifests
                            .iter()
                            .filter_map(|m| m.platform.as_ref())
                            .map(|p| format!("{}/{}", p.os, p.architecture))
                            .collect();
                        return Err(OciDistributionError::GenericError(Some(format!(
                            "{NO_PLATFORM} {wanted} (it has {})",
                            available.join(", ")
                        ))));
                    };
                    // Fetch it too: the index may name a manifest the registry lacks.
                    let platform_reference = reference.clone_with_digest(chosen.clone());
                    client.pull_manifest(&platform_reference, &auth).await?;
                    Ok((digest, Some(chosen)))
                };
                tokio::time::timeout(timeout, resolve)
                    .await
                    .unwrap_or_else(|_| {
                        Err(OciDistributionError::GenericError(Some(format!(
                            "{TIMED_OUT} {timeout:?}"
                        ))))
                    })
            }
        })
        .await;
    match outcome {
        Ok(pulled) => {
            let (digest, platform_digest) = pulled.value;
            let mut attempts: Vec<Attempt> = pulled.failed.iter().map(failed_attempt).collect();
            attempts.push(Attempt {
                source: pulled.credential.as_ref().map(|c| c.source.to_string()),
                username: pulled.credential.as_ref().map(|c| c.username.clone()),
                result: Outcome::Ok,
                status: None,
                message: match &platform_digest {
                    Some(p) => format!("{digest} ({} {p})", options.platform),
                    None => digest.clone(),
                },
            });
            Probe {
                result: Outcome::Ok,
                digest: Some(digest),
                platform_digest,
                attempts,
            }
        }
        Err(error) => failed_probe(&error),
    }
}

fn failed_probe(error: &PullError) -> Probe {
    let attempts: Vec<Attempt> = error.attempts().iter().map(failed_attempt).collect();
    let result = attempts
        .iter()
        .map(|a| a.result)
        .max_by_key(|r| r.rank())
        .unwrap_or(Outcome::Error);
    let attempts = if attempts.is_empty() {
        vec![Attempt {
            source: None,
            username: None,
            result: Outcome::Error,
            status: None,
            message: error.to_string(),
        }]
    } else {
        attempts
    };
    Probe {
        result,
        digest: None,
        platform_digest: None,
        attempts,
    }
}

fn failed_attempt(attempt: &FailedAttempt) -> Attempt {
    Attempt {
        source: attempt.credential().map(|c| c.source.to_string()),
        username: attempt.credential().map(|c| c.username.clone()),
        result: classify(attempt.error()),
        status: status(attempt.error()),
        message: attempt.message().to_owned(),
    }
}

/// The HTTP status behind an oci-client error, when it says.
fn status(error: &OciDistributionError) -> Option<u16> {
    match error {
        // oci-client raises this on a 401 answer.
        OciDistributionError::UnauthorizedError { .. } => Some(401),
        OciDistributionError::ServerError { code, .. } => Some(*code),
        OciDistributionError::RequestError(e) => e.status().map(|s| s.as_u16()),
        _ => None,
    }
}

/// What an oci-client error means for the person debugging the pull.
fn classify(error: &OciDistributionError) -> Outcome {
    match error {
        OciDistributionError::UnauthorizedError { .. }
        | OciDistributionError::AuthenticationFailure(_)
        | OciDistributionError::RegistryTokenDecodeError(_) => Outcome::Unauthorized,
        OciDistributionError::ServerError {
            code: 401 | 403, ..
        } => Outcome::Unauthorized,
        OciDistributionError::ServerError { code: 404, .. }
        | OciDistributionError::ImageManifestNotFoundError(_) => Outcome::NotFound,
        OciDistributionError::RegistryError { envelope, .. } => {
            let codes = || envelope.errors.iter().map(|e| &e.code);
            if codes().any(|c| matches!(c, OciErrorCode::Unauthorized | OciErrorCode::Denied)) {
                Outcome::Unauthorized
            } else if codes().any(|c| {
                matches!(
                    c,
                    OciErrorCode::ManifestUnknown
                        | OciErrorCode::NameUnknown
                        | OciErrorCode::NotFound
                        | OciErrorCode::BlobUnknown
                )
            }) {
                Outcome::NotFound
            } else {
                Outcome::Error
            }
        }
        OciDistributionError::RequestError(e) if e.is_connect() || e.is_timeout() => {
            Outcome::Unreachable
        }
        OciDistributionError::RequestError(e) if e.is_request() => Outcome::Unreachable,
        OciDistributionError::GenericError(Some(message)) if message.starts_with(TIMED_OUT) => {
            Outcome::Unreachable
        }
        OciDistributionError::GenericError(Some(message)) if message.starts_with(NO_PLATFORM) => {
            Outcome::NoMatchingPlatform
        }
        _ => Outcome::Error,
    }
}

/// The text lines of a probe: `1. deploy from secret:shop/regcred: 401 unauthorized`.
pub fn text_lines(probe: &Probe) -> Vec<String> {
    probe
        .attempts
        .iter()
        .enumerate()
        .map(|(i, a)| {
            let who = match (&a.username, &a.source) {
                (Some(user), Some(source)) => format!("{user} from {source}"),
                _ => "anonymous".to_owned(),
            };
            let status = a.status.map(|s| format!("{s} ")).unwrap_or_default();
            let what = match a.result {
                Outcome::Ok => format!("ok {}", a.message),
                other => format!("{status}{} ({})", other.describe(), a.message),
            };
            format!("{}. {who}: {what}", i + 1)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn options(insecure: &[&str]) -> ProbeOptions {
        ProbeOptions {
            insecure: insecure.iter().map(|s| (*s).to_owned()).collect(),
            timeout: Duration::from_secs(1),
            platform: Platform::new("linux", "amd64"),
            realms: RealmRules::default(),
        }
    }

    #[test]
    fn insecure_registries_match_with_or_without_the_port() {
        let o = options(&["127.0.0.1", "registry.local:5000"]);
        assert!(o.is_insecure("127.0.0.1:5000"));
        assert!(o.is_insecure("127.0.0.1"));
        assert!(o.is_insecure("registry.local:5000"));
        assert!(!o.is_insecure("registry.local:5001"));
        assert!(!o.is_insecure("registry.local"));
        assert!(!o.is_insecure("docker.io"));
    }

    #[test]
    fn timeouts_are_go_durations() {
        assert_eq!(parse_timeout("1m30s"), Ok(Duration::from_secs(90)));
        assert_eq!(parse_timeout("250ms"), Ok(Duration::from_millis(250)));
        assert!(parse_timeout("0s").is_err());
        assert!(parse_timeout("-1s").is_err());
        assert!(parse_timeout("ten").is_err());
    }

    #[test]
    fn the_most_telling_failure_wins() {
        let worst = [
            Outcome::Unauthorized,
            Outcome::NotFound,
            Outcome::Unreachable,
        ]
        .into_iter()
        .max_by_key(|r| r.rank());
        assert_eq!(worst, Some(Outcome::NotFound));
        assert!(Outcome::NoMatchingPlatform.rank() > Outcome::NotFound.rank());
    }
}
