//! Running credential provider plugins and docker credential helpers as child processes
//! (feature `exec`), the way the kubelet and the docker CLI do. Everything it decides is
//! done by the pure [`provider`](crate::provider) module; this is the thin layer that
//! spawns, feeds stdin, reads stdout and stderr, and enforces a timeout.
//!
//! ```no_run
//! # async fn demo() -> Result<(), Box<dyn std::error::Error>> {
//! use kubepull::exec::CredentialProviders;
//! use kubepull::provider::CredentialProviderConfig;
//!
//! let config = CredentialProviderConfig::from_slice(&std::fs::read("/etc/kubernetes/credential-providers.json")?)?;
//! let providers = CredentialProviders::new(config, "/usr/libexec/kubernetes/kubelet-plugins/credential-provider/exec")?;
//! for credential in providers.credentials("123456789012.dkr.ecr.us-west-2.amazonaws.com/app").await {
//!     println!("{} {} {}", credential.source(), credential.key, credential.username);
//! }
//! # Ok(()) }
//! ```

// The I/O layer behind feature `exec`: it spawns processes and reads the clock and the
// environment, which the pure core may not (clippy.toml).
#![allow(clippy::disallowed_methods, clippy::disallowed_types)]

use std::collections::HashMap;
use std::ffi::OsString;
use std::fmt;
use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use tokio::io::{AsyncRead, AsyncReadExt, AsyncWriteExt};
use tokio::process::Command;
use tokio::sync::OnceCell;
use zeroize::{Zeroize, Zeroizing};

use crate::provider::helper::{self, HelperAction, HelperCredentials};
use crate::provider::{
    CredentialProvider, CredentialProviderConfig, CredentialProviderRequest,
    CredentialProviderResponse, MAX_DOCUMENT_LEN, PLUGIN_TIMEOUT, ProviderCache,
    ProviderCredential, ProviderError, ProviderErrorKind, credentials_from_responses,
    singleflight_key,
};

/// The most stderr kept for an error message, in bytes.
pub const MAX_STDERR_LEN: usize = 16 * 1024;

/// Why a plugin or helper run failed. `Display` follows the kubelet
/// (`error execing credential provider plugin <name> for image <image>: <err>: <stderr>`) or
/// docker's client; it never holds the plugin's stdout.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExecError {
    kind: ExecErrorKind,
    message: String,
}

/// What kind of failure an [`ExecError`] is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ExecErrorKind {
    /// The bin dir or the executable does not exist (or could not be started).
    NotFound,
    /// Starting the process or talking to it failed.
    Io,
    /// The run took longer than the timeout; the process was killed.
    Timeout,
    /// The process exited unsuccessfully.
    ExitStatus,
    /// The process wrote more than [`MAX_DOCUMENT_LEN`] bytes to stdout.
    TooLarge,
    /// The output was not a valid answer; see [`ExecError::provider_error_kind`].
    Response(ProviderErrorKind),
}

impl ExecError {
    fn new(kind: ExecErrorKind, message: impl Into<String>) -> ExecError {
        ExecError {
            kind,
            message: message.into(),
        }
    }

    /// What went wrong.
    pub fn kind(&self) -> ExecErrorKind {
        self.kind
    }

    /// For [`ExecErrorKind::Response`]: the response's problem.
    pub fn provider_error_kind(&self) -> Option<ProviderErrorKind> {
        match self.kind {
            ExecErrorKind::Response(kind) => Some(kind),
            _ => None,
        }
    }
}

impl fmt::Display for ExecError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for ExecError {}

impl From<ProviderError> for ExecError {
    fn from(e: ProviderError) -> ExecError {
        ExecError::new(ExecErrorKind::Response(e.kind()), e.to_string())
    }
}

/// What one successful process run produced (stderr is only used in errors). Wiped on drop:
/// a plugin's or helper's stdout holds its credentials.
struct Output {
    stdout: Zeroizing<Vec<u8>>,
}

/// Why one process run failed, before it is worded for the kubelet or docker.
enum RunFailure {
    /// Go's error text (`fork/exec …: no such file or directory`, `exit status 1`,
    /// `context deadline exceeded`), the kind, the stderr seen and the stdout seen (wiped on
    /// drop).
    Failed(ExecErrorKind, String, Vec<u8>, Zeroizing<Vec<u8>>),
}

/// How long the output pipes are still read once the process has exited. What it wrote
/// before exiting is already in the pipe and drains at once; a pipe still open after this
/// is held by a background process it left, which is not waited for.
pub const OUTPUT_GRACE: Duration = Duration::from_millis(200);

/// How long a killed process is waited for, so that it does not stay a zombie.
const REAP_WAIT: Duration = Duration::from_secs(1);

/// Reads into `out` at most `limit` bytes, then drains the rest so the child never blocks on
/// a full pipe; sets `cut` when output was cut. Writes into the caller's buffers so that what
/// was read survives when the caller stops waiting.
async fn read_capped<R: AsyncRead + Unpin>(
    reader: Option<R>,
    limit: usize,
    out: &mut Vec<u8>,
    cut: &mut bool,
) {
    let Some(mut reader) = reader else { return };
    let mut buf = Zeroizing::new([0u8; 8192]);
    loop {
        match reader.read(&mut buf[..]).await {
            Ok(0) | Err(_) => break,
            Ok(n) => {
                let room = limit.saturating_sub(out.len());
                if n > room {
                    *cut = true;
                }
                let take = n.min(room);
                if out.capacity() - out.len() < take {
                    // Grow by hand so no copy of earlier bytes is left unwiped.
                    let mut bigger = Zeroizing::new(Vec::with_capacity((out.len() + take) * 2));
                    bigger.extend_from_slice(out);
                    out.zeroize();
                    std::mem::swap(out, &mut bigger);
                }
                out.extend_from_slice(&buf[..take]);
            }
        }
    }
}

/// Kills the process group `pgid` (the plugin and everything it started that stayed in its
/// group). Errors (the group is already gone) are ignored.
#[cfg(unix)]
fn kill_group(pgid: Option<u32>) {
    if let Some(pid) = pgid
        .and_then(|id| i32::try_from(id).ok())
        .and_then(rustix::process::Pid::from_raw)
    {
        let _ = rustix::process::kill_process_group(pid, rustix::process::Signal::KILL);
    }
}

#[cfg(not(unix))]
fn kill_group(_pgid: Option<u32>) {}

/// Runs `program args…` with exactly `env`, `stdin` written and closed, stdout and stderr
/// captured, killed after `timeout`.
///
/// The process starts in a process group of its own (on Unix). On timeout the whole group is
/// killed, so grandchildren die too, and the process is reaped before this returns. Once the
/// process has exited, output is read for at most [`OUTPUT_GRACE`] more: a background job
/// that keeps the pipes open neither delays the answer nor turns it into a timeout.
async fn run_process(
    program: &Path,
    args: &[String],
    env: &[(OsString, OsString)],
    stdin: &[u8],
    timeout: Duration,
) -> Result<Output, RunFailure> {
    let mut command = Command::new(program);
    command
        .args(args)
        .env_clear()
        .envs(env.iter().map(|(k, v)| (k, v)))
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .kill_on_drop(true);
    #[cfg(unix)]
    command.process_group(0);
    let mut child = command.spawn().map_err(|e| {
        let kind = if e.kind() == std::io::ErrorKind::NotFound {
            ExecErrorKind::NotFound
        } else {
            ExecErrorKind::Io
        };
        RunFailure::Failed(
            kind,
            format!("fork/exec {}: {}", program.display(), go_errno_text(&e)),
            Vec::new(),
            Zeroizing::new(Vec::new()),
        )
    })?;
    let pgid = child.id();
    let mut child_stdin = child.stdin.take();
    let stdout = child.stdout.take();
    let stderr = child.stderr.take();
    let (mut out, mut out_cut) = (Zeroizing::new(Vec::new()), false);
    let (mut err, mut err_cut) = (Vec::new(), false);
    let outcome = {
        let io = async {
            let write = async {
                if let Some(mut pipe) = child_stdin.take() {
                    // A plugin that exits without reading stdin is not an error (Go ignores
                    // EPIPE).
                    let _ = pipe.write_all(stdin).await;
                    let _ = pipe.shutdown().await;
                }
            };
            let read_out = read_capped(stdout, MAX_DOCUMENT_LEN, &mut out, &mut out_cut);
            let read_err = read_capped(stderr, MAX_STDERR_LEN, &mut err, &mut err_cut);
            tokio::join!(write, read_out, read_err);
        };
        let work = async {
            tokio::pin!(io);
            tokio::select! {
                () = &mut io => child.wait().await,
                status = child.wait() => {
                    if tokio::time::timeout(OUTPUT_GRACE, &mut io).await.is_err() {
                        // Something the process left behind still holds a pipe.
                        kill_group(pgid);
                    }
                    status
                }
            }
        };
        tokio::time::timeout(timeout, work).await
    };
    match outcome {
        Err(_) => {
            kill_group(pgid);
            let _ = child.start_kill();
            let _ = tokio::time::timeout(REAP_WAIT, child.wait()).await;
            Err(RunFailure::Failed(
                ExecErrorKind::Timeout,
                "context deadline exceeded".to_owned(),
                Vec::new(),
                Zeroizing::new(Vec::new()),
            ))
        }
        Ok(Err(e)) => Err(RunFailure::Failed(
            ExecErrorKind::Io,
            e.to_string(),
            err,
            Zeroizing::new(Vec::new()),
        )),
        Ok(Ok(status)) => {
            if !status.success() {
                let text = match status.code() {
                    Some(code) => format!("exit status {code}"),
                    None => "signal: killed".to_owned(),
                };
                return Err(RunFailure::Failed(
                    ExecErrorKind::ExitStatus,
                    text,
                    err,
                    out,
                ));
            }
            if out_cut {
                return Err(RunFailure::Failed(
                    ExecErrorKind::TooLarge,
                    format!("stdout is longer than the {MAX_DOCUMENT_LEN} bytes kubepull reads"),
                    err,
                    Zeroizing::new(Vec::new()),
                ));
            }
            Ok(Output { stdout: out })
        }
    }
}

/// Go's wording of the common spawn errors.
fn go_errno_text(e: &std::io::Error) -> String {
    match e.kind() {
        std::io::ErrorKind::NotFound => "no such file or directory".to_owned(),
        std::io::ErrorKind::PermissionDenied => "permission denied".to_owned(),
        _ => e.to_string(),
    }
}

type Flight = Arc<OnceCell<Result<CredentialProviderResponse, ExecError>>>;

/// Runs credential provider plugins from a bin dir: request on stdin, the kubelet's
/// environment rule (the base environment, then the provider's `env`, later entries win),
/// a timeout (the kubelet's one minute by default), strict response parsing, and concurrent
/// identical requests collapsed into one run (singleflight per provider, keyed like the
/// kubelet: the image, or in service-account mode image + token hash + annotations).
pub struct PluginRunner {
    bin_dir: PathBuf,
    timeout: Duration,
    base_env: Vec<(OsString, OsString)>,
    flights: Mutex<HashMap<(String, Vec<u8>), Flight>>,
}

impl fmt::Debug for PluginRunner {
    /// Environment values are left out: they may hold cloud credentials.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("PluginRunner")
            .field("bin_dir", &self.bin_dir)
            .field("timeout", &self.timeout)
            .field("base_env_vars", &self.base_env.len())
            .finish_non_exhaustive()
    }
}

impl PluginRunner {
    /// A runner for plugins in `bin_dir`, with this process's environment as the base and
    /// the kubelet's one-minute timeout.
    pub fn new(bin_dir: impl Into<PathBuf>) -> PluginRunner {
        PluginRunner {
            bin_dir: bin_dir.into(),
            timeout: PLUGIN_TIMEOUT,
            base_env: std::env::vars_os().collect(),
            flights: Mutex::new(HashMap::new()),
        }
    }

    /// Sets the timeout of one run.
    pub fn with_timeout(mut self, timeout: Duration) -> PluginRunner {
        self.timeout = timeout;
        self
    }

    /// Replaces the base environment (the kubelet's `os.Environ()`).
    pub fn with_base_env(
        mut self,
        env: impl IntoIterator<Item = (impl Into<OsString>, impl Into<OsString>)>,
    ) -> PluginRunner {
        self.base_env = env.into_iter().map(|(k, v)| (k.into(), v.into())).collect();
        self
    }

    /// The executable path of a provider: `<bin dir>/<name>`.
    pub fn executable(&self, provider: &CredentialProvider) -> PathBuf {
        self.bin_dir.join(&provider.name)
    }

    /// The kubelet's start-up checks: the bin dir exists and every provider's executable
    /// is in it.
    ///
    /// # Errors
    ///
    /// `plugin binary directory <dir> did not exist` or
    /// `plugin binary executable <path> did not exist` ([`ExecErrorKind::NotFound`]).
    pub fn check(&self, config: &CredentialProviderConfig) -> Result<(), ExecError> {
        if !self.bin_dir.exists() {
            return Err(ExecError::new(
                ExecErrorKind::NotFound,
                format!(
                    "plugin binary directory {} did not exist",
                    self.bin_dir.display()
                ),
            ));
        }
        for provider in &config.providers {
            let path = self.executable(provider);
            if !path.is_file() {
                return Err(ExecError::new(
                    ExecErrorKind::NotFound,
                    format!("plugin binary executable {} did not exist", path.display()),
                ));
            }
        }
        Ok(())
    }

    /// Runs `provider` for `request` (collapsed with identical concurrent calls).
    ///
    /// # Errors
    ///
    /// The run failed (`error execing credential provider plugin <name> for image
    /// <image>: <err>: <stderr>`) or the response was rejected (the
    /// [`CredentialProviderResponse::parse`] texts).
    pub async fn run(
        &self,
        provider: &CredentialProvider,
        request: &CredentialProviderRequest,
    ) -> Result<CredentialProviderResponse, ExecError> {
        let flight_key = singleflight_key(
            &request.image,
            request
                .service_account_token
                .as_ref()
                .map(|token| (token, &request.service_account_annotations)),
        )?;
        let key = (provider.name.clone(), flight_key);
        let flight = {
            let mut flights = self.flights.lock().unwrap_or_else(|e| e.into_inner());
            flights.entry(key.clone()).or_default().clone()
        };
        let result = flight
            .get_or_init(|| self.run_uncollapsed(provider, request))
            .await
            .clone();
        let mut flights = self.flights.lock().unwrap_or_else(|e| e.into_inner());
        if flights.get(&key).is_some_and(|f| Arc::ptr_eq(f, &flight)) {
            flights.remove(&key);
        }
        result
    }

    /// Runs `provider` for `request` once, without collapsing.
    ///
    /// # Errors
    ///
    /// As [`PluginRunner::run`].
    pub async fn run_uncollapsed(
        &self,
        provider: &CredentialProvider,
        request: &CredentialProviderRequest,
    ) -> Result<CredentialProviderResponse, ExecError> {
        let mut env = self.base_env.clone();
        env.extend(
            provider
                .env
                .iter()
                .map(|v| (OsString::from(&v.name), OsString::from(&v.value))),
        );
        let input = request.to_json();
        let program = self.executable(provider);
        let output = run_process(
            &program,
            &provider.args,
            &env,
            input.expose_secret().as_bytes(),
            self.timeout,
        )
        .await
        .map_err(|RunFailure::Failed(kind, text, stderr, _stdout)| {
            // The kubelet echoes stderr; not when it looks like a credential.
            let stderr = if helper::may_hold_credential(&stderr) {
                std::borrow::Cow::Borrowed(helper::WITHHELD_OUTPUT)
            } else {
                String::from_utf8_lossy(&stderr)
            };
            ExecError::new(
                kind,
                format!(
                    "error execing credential provider plugin {} for image {}: {text}: {stderr}",
                    provider.name, request.image,
                ),
            )
        })?;
        Ok(CredentialProviderResponse::parse(
            &output.stdout,
            &provider.api_version,
        )?)
    }
}

/// What one provider contributed for an image.
#[derive(Debug, Clone)]
pub struct ProviderOutcome {
    /// The provider's name.
    pub provider: String,
    /// Whether the answer came from the cache.
    pub cached: bool,
    /// The credentials, or why there are none (the kubelet logs the error and goes on).
    pub result: Result<std::collections::BTreeMap<String, crate::provider::AuthConfig>, ExecError>,
}

/// The kubelet's external credential provider keyring for images of pods without
/// service-account mode: the validated config, a [`PluginRunner`] and one
/// [`ProviderCache`] per provider.
#[derive(Debug)]
pub struct CredentialProviders {
    config: CredentialProviderConfig,
    /// Each provider's `matchImages`, parsed once.
    patterns: Vec<Vec<crate::provider::MatchImage>>,
    runner: PluginRunner,
    caches: Mutex<HashMap<String, ProviderCache>>,
}

impl CredentialProviders {
    /// Validates `config` and prepares to run its plugins from `bin_dir`.
    ///
    /// # Errors
    ///
    /// The config is invalid (the kubelet's `failed to validate credential provider
    /// config: …` without that prefix).
    pub fn new(
        config: CredentialProviderConfig,
        bin_dir: impl Into<PathBuf>,
    ) -> Result<CredentialProviders, ProviderError> {
        config.validate()?;
        Ok(CredentialProviders::with_runner(
            config,
            PluginRunner::new(bin_dir),
        ))
    }

    /// Uses a configured runner (timeout, environment). The config is not validated here.
    pub fn with_runner(
        config: CredentialProviderConfig,
        runner: PluginRunner,
    ) -> CredentialProviders {
        let now = Instant::now();
        let caches = config
            .providers
            .iter()
            .map(|p| {
                (
                    p.name.clone(),
                    ProviderCache::new(p.default_cache_duration(), now),
                )
            })
            .collect();
        let patterns = config
            .providers
            .iter()
            .map(CredentialProvider::match_image_patterns)
            .collect();
        CredentialProviders {
            config,
            patterns,
            runner,
            caches: Mutex::new(caches),
        }
    }

    /// The config.
    pub fn config(&self) -> &CredentialProviderConfig {
        &self.config
    }

    /// The runner.
    pub fn runner(&self) -> &PluginRunner {
        &self.runner
    }

    /// Asks every provider whose `matchImages` match `image` (the repository without tag or
    /// digest), in config order: from its cache, else by running it and caching the answer.
    /// Providers in service-account mode are skipped (they need a pod's token).
    pub async fn provide(&self, image: &str) -> Vec<ProviderOutcome> {
        let mut outcomes = Vec::new();
        let matching = self
            .config
            .providers
            .iter()
            .zip(&self.patterns)
            .filter(|(_, patterns)| patterns.iter().any(|p| p.matches(image)))
            .map(|(provider, _)| provider);
        for provider in matching {
            if provider.token_attributes.is_some() {
                continue;
            }
            let cached = {
                let mut caches = self.caches.lock().unwrap_or_else(|e| e.into_inner());
                caches.get_mut(&provider.name).map(|c| {
                    c.lookup(image, b"", Instant::now())
                        .map(|hit| hit.map(|h| h.auth.clone()))
                })
            };
            match cached {
                Some(Ok(Some(auth))) => {
                    outcomes.push(ProviderOutcome {
                        provider: provider.name.clone(),
                        cached: true,
                        result: Ok(auth),
                    });
                    continue;
                }
                Some(Err(e)) => {
                    outcomes.push(ProviderOutcome {
                        provider: provider.name.clone(),
                        cached: false,
                        result: Err(e.into()),
                    });
                    continue;
                }
                _ => {}
            }
            let result = self.runner.run(provider, &provider.request(image)).await;
            let result = result.and_then(|response| {
                let mut caches = self.caches.lock().unwrap_or_else(|e| e.into_inner());
                if let Some(cache) = caches.get_mut(&provider.name) {
                    cache.store(image, b"", &response, Instant::now())?;
                }
                Ok(response.auth)
            });
            outcomes.push(ProviderOutcome {
                provider: provider.name.clone(),
                cached: false,
                result,
            });
        }
        outcomes
    }

    /// [`CredentialProviders::provide`] turned into keyring entries (failed providers
    /// contribute nothing, as in the kubelet).
    pub async fn credentials(&self, image: &str) -> Vec<ProviderCredential> {
        let outcomes = self.provide(image).await;
        credentials_from_responses(outcomes.iter().filter_map(|o| {
            o.result
                .as_ref()
                .ok()
                .map(|auth| (o.provider.as_str(), auth))
        }))
    }
}

/// Runs `<helper> get` with `server_url` on stdin, as docker's client does: `Ok(None)` when
/// the helper says it has nothing (`credentials not found in native keychain`).
///
/// `helper` is a program name (`docker-credential-pass`, looked up on `PATH`) or a path.
///
/// # Errors
///
/// ``error getting credentials - err: <e>, out: `<stdout>` `` when the helper fails, or the
/// [`HelperCredentials::parse_get_output`] error when its answer is not the protocol.
pub async fn credential_helper_get(
    helper: impl AsRef<Path>,
    server_url: &str,
    timeout: Duration,
) -> Result<Option<HelperCredentials>, ExecError> {
    let env: Vec<(OsString, OsString)> = std::env::vars_os().collect();
    let args = [HelperAction::Get.as_str().to_owned()];
    match run_process(
        helper.as_ref(),
        &args,
        &env,
        &helper::server_url_input(server_url),
        timeout,
    )
    .await
    {
        Ok(output) => match HelperCredentials::parse_get_output(&output.stdout) {
            Ok(credentials) => Ok(Some(credentials)),
            Err(e) if e.kind() == ProviderErrorKind::HelperNotFound => Ok(None),
            Err(e) => Err(e.into()),
        },
        Err(RunFailure::Failed(kind, text, _stderr, stdout)) => {
            if helper::is_not_found(&stdout) {
                return Ok(None);
            }
            Err(ExecError::new(
                kind,
                helper::client_error(HelperAction::Get, &text, &stdout),
            ))
        }
    }
}
