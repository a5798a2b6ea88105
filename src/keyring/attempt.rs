//! The kubelet's pull loop over keyring candidates (Kubernetes v1.35
//! `pkg/kubelet/kuberuntime/kuberuntime_image.go` `PullImage`),
//! independent of any registry client or async runtime.

use std::fmt;
use std::future::Future;

use super::Credential;

/// A pull that succeeded: the attempt's value, the credential used (`None` for the
/// anonymous attempt) and the attempts that failed before it, in order. The credential's
/// [`source`](Credential::source) is what KEP-2535 records.
#[derive(Debug)]
pub struct PullSuccess<'a, T, E> {
    /// What the successful attempt returned.
    pub value: T,
    /// The credential that worked, `None` when the pull was anonymous.
    pub credential: Option<&'a Credential>,
    /// The earlier candidates that failed, in order.
    pub failed: Vec<FailedAttempt<'a, E>>,
}

/// One failed attempt.
#[derive(Debug)]
pub struct FailedAttempt<'a, E> {
    /// The credential tried, `None` for the anonymous attempt.
    pub credential: Option<&'a Credential>,
    /// What the attempt returned.
    pub error: E,
}

/// Every attempt failed. `Display` is the kubelet's aggregate: the single error's text, or
/// `[e1, e2]` with repeated texts listed once. No credential appears in it.
#[derive(Debug)]
pub struct PullFailure<'a, E> {
    /// The attempts in the order they were made (at least one).
    pub attempts: Vec<FailedAttempt<'a, E>>,
}

impl<E: fmt::Display> fmt::Display for PullFailure<'_, E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let messages = self.attempts.iter().map(|a| a.error.to_string());
        f.write_str(&crate::apimachinery::aggregate(messages))
    }
}

impl<E: fmt::Debug + fmt::Display> std::error::Error for PullFailure<'_, E> {}

/// Runs the kubelet's loop: with no candidates, one anonymous attempt; otherwise each
/// candidate in order until one succeeds. Any error moves on to the next candidate (the
/// kubelet does not tell 401 from other errors), and there is no anonymous attempt after
/// the credentials failed.
///
/// ```
/// use kubepull::Secret;
/// use kubepull::keyring::{CredentialSource, Keyring, try_credentials};
///
/// let secret = CredentialSource::secret("default", "regcred", "uid");
/// let mut builder = Keyring::builder();
/// builder.add(&secret, "quay.io", "wrong", Secret::new("x"))
///        .add(&secret, "quay.io", "right", Secret::new("y"));
/// let keyring = builder.build()?;
/// let candidates = keyring.lookup_str("quay.io/org/app");
///
/// let pulled = try_credentials(&candidates, |credential| match credential {
///     Some(c) if c.username() == "right" => Ok("sha256:abc"),
///     _ => Err("unauthorized"),
/// }).unwrap();
/// assert_eq!(pulled.value, "sha256:abc");
/// assert_eq!(pulled.credential.unwrap().username(), "right");
/// assert_eq!(pulled.failed[0].error, "unauthorized"); // "wrong" was tried first
/// # Ok::<(), kubepull::keyring::KeyringError>(())
/// ```
///
/// # Errors
///
/// Every attempt failed; the failure lists each attempt.
pub fn try_credentials<'a, T, E>(
    candidates: &[&'a Credential],
    mut attempt: impl FnMut(Option<&'a Credential>) -> Result<T, E>,
) -> Result<PullSuccess<'a, T, E>, PullFailure<'a, E>> {
    let mut failures = Vec::new();
    for credential in plan(candidates) {
        match attempt(credential) {
            Ok(value) => {
                return Ok(PullSuccess {
                    value,
                    credential,
                    failed: failures,
                });
            }
            Err(error) => failures.push(FailedAttempt { credential, error }),
        }
    }
    Err(PullFailure { attempts: failures })
}

/// [`try_credentials`] for an async attempt; runtime-agnostic (it only awaits what the
/// closure returns, one attempt at a time).
///
/// # Errors
///
/// Every attempt failed; the failure lists each attempt.
pub async fn try_credentials_async<'a, T, E, F, Fut>(
    candidates: &[&'a Credential],
    mut attempt: F,
) -> Result<PullSuccess<'a, T, E>, PullFailure<'a, E>>
where
    F: FnMut(Option<&'a Credential>) -> Fut,
    Fut: Future<Output = Result<T, E>>,
{
    let mut failures = Vec::new();
    for credential in plan(candidates) {
        match attempt(credential).await {
            Ok(value) => {
                return Ok(PullSuccess {
                    value,
                    credential,
                    failed: failures,
                });
            }
            Err(error) => failures.push(FailedAttempt { credential, error }),
        }
    }
    Err(PullFailure { attempts: failures })
}

/// The attempts in order: the candidates, or one anonymous attempt when there are none.
fn plan<'a>(candidates: &[&'a Credential]) -> Vec<Option<&'a Credential>> {
    if candidates.is_empty() {
        vec![None]
    } else {
        candidates.iter().map(|&c| Some(c)).collect()
    }
}
