//! ServiceAccount `imagePullSecrets` automation (`plugin/pkg/admission/serviceaccount/admission.go`).
//!
//! Only the admission plugin reads a service account's pull secrets, once, when the pod is
//! created; the kubelet never does. These functions work on plain values (lists of secret
//! names) so they fit any object model.

use std::fmt;

/// The service account a pod runs as: its `serviceAccountName`, or `default` when empty.
pub fn service_account_name(pod_service_account_name: &str) -> &str {
    if pod_service_account_name.is_empty() {
        "default"
    } else {
        pod_service_account_name
    }
}

/// The pull secrets a newly created pod ends up with: its own `imagePullSecrets` if it
/// lists any, otherwise a copy of its service account's. The two are never merged.
///
/// Mirror (static) pods are not mutated by the plugin: use the pod's own list for them.
///
/// ```
/// use kubepull::keyring::effective_pull_secrets;
///
/// let sa = ["sa-cred"];
/// assert_eq!(effective_pull_secrets(&[], &sa), ["sa-cred"]);
/// assert_eq!(effective_pull_secrets(&["pod-cred"], &sa), ["pod-cred"]);
/// ```
pub fn effective_pull_secrets<'a, T>(pod: &'a [T], service_account: &'a [T]) -> &'a [T] {
    if pod.is_empty() { service_account } else { pod }
}

/// A pod pull secret its service account does not list, while the service account limits
/// secret references (`kubernetes.io/enforce-mountable-secrets: "true"` or the plugin's
/// `LimitSecretReferences`). `Display` is the admission error text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PullSecretNotAllowed {
    /// Position in `pod.spec.imagePullSecrets`.
    pub index: usize,
    /// The secret's name.
    pub name: String,
    /// The service account's name.
    pub service_account: String,
}

impl fmt::Display for PullSecretNotAllowed {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "imagePullSecrets[{}].name=\"{}\" is not allowed because service account {} does not reference that imagePullSecret",
            self.index, self.name, self.service_account
        )
    }
}

impl std::error::Error for PullSecretNotAllowed {}

/// The enforcement check: every pod pull secret must be listed by the service account.
///
/// # Errors
///
/// The first pod pull secret (in pod order) the service account does not list.
pub fn check_pull_secret_references<P: AsRef<str>, S: AsRef<str>>(
    pod: &[P],
    service_account_name: &str,
    service_account: &[S],
) -> Result<(), PullSecretNotAllowed> {
    for (index, name) in pod.iter().enumerate() {
        let name = name.as_ref();
        if !service_account.iter().any(|s| s.as_ref() == name) {
            return Err(PullSecretNotAllowed {
                index,
                name: name.to_owned(),
                service_account: service_account_name.to_owned(),
            });
        }
    }
    Ok(())
}
