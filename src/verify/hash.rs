//! The credential hash stored in pulled records (`hashAuthConfig`).

use std::borrow::Cow;

use serde::Serialize;
use zeroize::Zeroize;

use crate::Secret;
use crate::go::{escape_json_like_go as go_escape, sha256_hex};

/// The fields of the keyring's `AuthConfig` that the kubelet hashes, in its JSON order. Every
/// field is omitted from the JSON when empty. The keyring only ever fills `username`,
/// `password` and `email`; see [`credential_hash`] for that common case.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AuthConfig {
    /// `username`.
    pub username: String,
    /// `password`.
    pub password: Secret,
    /// `auth`.
    pub auth: Secret,
    /// `email`.
    pub email: String,
    /// `serveraddress`.
    pub server_address: String,
    /// `identitytoken`.
    pub identity_token: Secret,
    /// `registrytoken`.
    pub registry_token: Secret,
}

#[derive(Serialize)]
struct Wire<'a> {
    #[serde(skip_serializing_if = "str::is_empty")]
    username: &'a str,
    #[serde(skip_serializing_if = "str::is_empty")]
    password: &'a str,
    #[serde(skip_serializing_if = "str::is_empty")]
    auth: &'a str,
    #[serde(skip_serializing_if = "str::is_empty")]
    email: &'a str,
    #[serde(skip_serializing_if = "str::is_empty")]
    serveraddress: &'a str,
    #[serde(skip_serializing_if = "str::is_empty")]
    identitytoken: &'a str,
    #[serde(skip_serializing_if = "str::is_empty")]
    registrytoken: &'a str,
}

impl AuthConfig {
    /// The lowercase hex SHA-256 of the Go JSON encoding of these fields: the
    /// `credentialHash` the kubelet records for a secret-sourced credential.
    ///
    /// The hash covers neither the registry key nor the secret's identity, so two secrets
    /// holding the same credential hash the same.
    pub fn credential_hash(&self) -> String {
        let wire = Wire {
            username: &self.username,
            password: self.password.expose_secret(),
            auth: self.auth.expose_secret(),
            email: &self.email,
            serveraddress: &self.server_address,
            identitytoken: self.identity_token.expose_secret(),
            registrytoken: self.registry_token.expose_secret(),
        };
        // Serialising a struct of strings cannot fail; the kubelet records "" if it ever did.
        let Ok(mut json) = serde_json::to_string(&wire) else {
            return String::new();
        };
        let hash = match go_escape(&json) {
            Cow::Borrowed(text) => sha256_hex(text.as_bytes()),
            Cow::Owned(mut text) => {
                let hash = sha256_hex(text.as_bytes());
                text.zeroize();
                hash
            }
        };
        // The JSON holds the password: wipe it.
        json.zeroize();
        hash
    }
}

/// The credential hash of a keyring credential (username, password, email).
///
/// ```
/// use kubepull::{verify::credential_hash, Secret};
///
/// assert_eq!(
///     credential_hash("user", &Secret::new("password"), ""),
///     "a55436fc140d516560d072c5fe8700385ce9f41629abf65c1edcbcb39fac691d"
/// );
/// ```
pub fn credential_hash(username: &str, password: &Secret, email: &str) -> String {
    AuthConfig {
        username: username.to_owned(),
        password: password.clone(),
        email: email.to_owned(),
        ..AuthConfig::default()
    }
    .credential_hash()
}
