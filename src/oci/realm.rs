//! Where a registry may have an attempt's credentials sent for a bearer token: the opt-in
//! hardening of [`Puller::with_realm_rules`](super::Puller::with_realm_rules).
//!
//! By default oci-client answers a registry's `WWW-Authenticate: Bearer realm="…"` itself and
//! sends the attempt's Basic credentials to whatever realm it names, as Docker and containerd
//! do. With rules set, kubepull makes the token exchange itself instead (the same requests:
//! `GET /v2/` without credentials, then `GET realm?scope=repository:NAME:pull&service=…` with
//! Basic credentials), checks the realm before any credential leaves, reads the answer with a
//! cap, and hands oci-client only the bearer token (`RegistryAuth::Bearer`), so oci-client
//! never sees the password and never asks the registry again.

use oci_client::client::{ClientConfig, ClientProtocol};
use oci_client::errors::OciDistributionError;
use oci_client::secrets::RegistryAuth;
use reqwest::Url;
use zeroize::Zeroizing;

/// The largest token-server answer kubepull reads when it fetches a token itself (under
/// [`RealmRules`]): 1 MiB. Real tokens are a few KiB; oci-client's own exchange has no cap.
pub const MAX_TOKEN_BYTES: usize = 1024 * 1024;

/// The largest part of a token server's error answer quoted in an attempt's message.
const MAX_QUOTED_ANSWER: usize = 1024;

/// Which token realms may receive an attempt's Basic credentials (opt-in hardening).
///
/// The default permits every realm, as Docker, containerd and oci-client do: a registry can
/// name a realm on another host, or a plain `http://` realm for an `https://` registry, and the
/// user name and password go there. Set with [`Puller::with_realm_rules`](super::Puller::with_realm_rules):
///
/// ```
/// use kubepull::oci::RealmRules;
///
/// let rules = RealmRules::default()
///     .refuse_plain_http()
///     .refuse_other_hosts()
///     .allow_host("auth.docker.io"); // Docker Hub's token server is not index.docker.io
/// assert!(rules.check("https", "quay.io", "https://quay.io/v2/auth").is_ok());
/// assert!(rules.check("https", "index.docker.io", "https://auth.docker.io/token").is_ok());
/// assert!(rules.check("https", "quay.io", "http://quay.io/v2/auth").is_err());
/// assert!(rules.check("https", "quay.io", "https://tokens.example/auth").is_err());
/// ```
///
/// What it guards against: a realm that sends credentials over plain HTTP or to a third host,
/// by misconfiguration or a redirect the registry did not mean. What it cannot: a registry
/// that is itself hostile receives the credentials anyway (it can answer with a Basic
/// challenge, and oci-client then sends them to the registry directly).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct RealmRules {
    refuse_plain_http: bool,
    refuse_other_hosts: bool,
    allowed_hosts: Vec<String>,
}

/// Why [`RealmRules`] refused a token realm; the attempt fails with this text and no
/// credential is sent. Realms are shown without any `user:password@`.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum RealmRefused {
    /// The realm is not an absolute URL.
    #[error("refusing token realm {realm:?} of registry {registry}: not an absolute URL")]
    NotUrl {
        /// The realm as the registry named it (at most 256 bytes of it).
        realm: String,
        /// The registry, `host[:port]`.
        registry: String,
    },
    /// An `https` registry named a realm that is not `https`.
    #[error(
        "refusing to send credentials for https registry {registry} to plain-HTTP token realm {realm}"
    )]
    PlainHttp {
        /// The realm.
        realm: String,
        /// The registry, `host[:port]`.
        registry: String,
    },
    /// The realm is on another host (or port) than the registry, and not allowed.
    #[error(
        "refusing to send credentials for registry {registry} to token realm {realm} on another host"
    )]
    OtherHost {
        /// The realm.
        realm: String,
        /// The registry, `host[:port]`.
        registry: String,
    },
}

impl RealmRules {
    /// Refuses a realm that is not `https` when the registry is reached over `https`.
    pub fn refuse_plain_http(mut self) -> RealmRules {
        self.refuse_plain_http = true;
        self
    }

    /// Refuses a realm whose host and port differ from the registry's (default ports
    /// included), except hosts given to [`RealmRules::allow_host`].
    pub fn refuse_other_hosts(mut self) -> RealmRules {
        self.refuse_other_hosts = true;
        self
    }

    /// Accepts realms on `host` (`host` or `host:port`, compared without case) for every
    /// registry, e.g. `auth.docker.io` for Docker Hub.
    pub fn allow_host(mut self, host: impl Into<String>) -> RealmRules {
        self.allowed_hosts.push(host.into().to_ascii_lowercase());
        self
    }

    /// Whether every realm is permitted (the default): oci-client then makes the exchange.
    pub(super) fn permits_all(&self) -> bool {
        !self.refuse_plain_http && !self.refuse_other_hosts
    }

    /// Checks `realm` for `registry` (`host[:port]`) reached over `registry_scheme` (`http`
    /// or `https`).
    ///
    /// # Errors
    ///
    /// [`RealmRefused`] when the realm is not a URL or a rule refuses it.
    pub fn check(
        &self,
        registry_scheme: &str,
        registry: &str,
        realm: &str,
    ) -> Result<(), RealmRefused> {
        self.checked(registry_scheme, registry, realm).map(drop)
    }

    fn checked(
        &self,
        registry_scheme: &str,
        registry: &str,
        realm: &str,
    ) -> Result<Url, RealmRefused> {
        let url = Url::parse(realm)
            .ok()
            .filter(|url| url.has_host())
            .ok_or_else(|| RealmRefused::NotUrl {
                realm: realm.chars().take(256).collect(),
                registry: registry.to_owned(),
            })?;
        let shown = || shown(&url);
        if self.refuse_plain_http && registry_scheme == "https" && url.scheme() != "https" {
            return Err(RealmRefused::PlainHttp {
                realm: shown(),
                registry: registry.to_owned(),
            });
        }
        if self.refuse_other_hosts && !self.same_host(registry_scheme, registry, &url) {
            return Err(RealmRefused::OtherHost {
                realm: shown(),
                registry: registry.to_owned(),
            });
        }
        Ok(url)
    }

    fn same_host(&self, registry_scheme: &str, registry: &str, realm: &Url) -> bool {
        let Some(host) = realm.host_str() else {
            return false;
        };
        let with_port = realm.port().map(|port| format!("{host}:{port}"));
        if self
            .allowed_hosts
            .iter()
            .any(|allowed| *allowed == host || with_port.as_deref() == Some(allowed.as_str()))
        {
            return true;
        }
        // Both sides through the URL parser, so case and default ports compare as URLs do.
        Url::parse(&format!("{registry_scheme}://{registry}/")).is_ok_and(|registry| {
            registry.host_str() == Some(host)
                && registry.port_or_known_default() == realm.port_or_known_default()
        })
    }
}

/// A realm as shown in messages: scheme, host, port and path, never userinfo or query.
fn shown(url: &Url) -> String {
    let mut shown = format!("{}://{}", url.scheme(), url.host_str().unwrap_or_default());
    if let Some(port) = url.port() {
        shown.push_str(&format!(":{port}"));
    }
    shown.push_str(url.path());
    shown
}

/// oci-client's scheme for `registry` under `protocol` (`ClientProtocol::scheme_for`, private
/// in oci-client 0.18).
fn scheme_for<'p>(protocol: &'p ClientProtocol, registry: &str) -> &'p str {
    match protocol {
        ClientProtocol::Http => "http",
        ClientProtocol::HttpsExcept(exceptions) if exceptions.iter().any(|e| e == registry) => {
            "http"
        }
        _ => "https",
    }
}

/// An HTTP client configured as oci-client 0.18 configures its own from `config`
/// (`impl TryFrom<ClientConfig> for Client`): certificates, timeouts, user agent, proxies.
fn http_client(config: &ClientConfig) -> Result<reqwest::Client, OciDistributionError> {
    let certificates = |certs: &[oci_client::client::Certificate]| {
        certs
            .iter()
            .map(reqwest::Certificate::try_from)
            .collect::<Result<Vec<_>, _>>()
    };
    let mut builder = reqwest::Client::builder()
        .danger_accept_invalid_certs(config.accept_invalid_certificates)
        .user_agent(config.user_agent);
    if !config.tls_certs_only.is_empty() {
        builder = builder.tls_certs_only(certificates(&config.tls_certs_only)?);
    }
    builder = builder.tls_certs_merge(certificates(&config.extra_root_certificates)?);
    if let Some(timeout) = config.read_timeout {
        builder = builder.read_timeout(timeout);
    }
    if let Some(timeout) = config.connect_timeout {
        builder = builder.connect_timeout(timeout);
    }
    let no_proxy = || {
        config
            .no_proxy
            .as_deref()
            .and_then(reqwest::NoProxy::from_string)
    };
    if let Some(proxy) = &config.https_proxy {
        builder = builder.proxy(reqwest::Proxy::https(proxy)?.no_proxy(no_proxy()));
    }
    if let Some(proxy) = &config.http_proxy {
        builder = builder.proxy(reqwest::Proxy::http(proxy)?.no_proxy(no_proxy()));
    }
    Ok(builder.build()?)
}

/// The first `Bearer` challenge's realm and service, parsed as oci-client 0.18 parses it
/// (http-auth's `ChallengeParser`, parameters compared without case).
fn bearer_challenge(header: &reqwest::header::HeaderValue) -> Option<(String, Option<String>)> {
    let header = header.to_str().ok()?;
    http_auth::ChallengeParser::new(header)
        .filter_map(Result::ok)
        .filter(|challenge| challenge.scheme.eq_ignore_ascii_case("Bearer"))
        .find_map(|challenge| {
            let param = |name: &str| {
                challenge
                    .params
                    .iter()
                    .rev()
                    .find(|(key, _)| key.eq_ignore_ascii_case(name))
                    .map(|(_, value)| value.to_unescaped())
            };
            Some((param("realm")?, param("service")))
        })
}

/// A token server's JSON answer: `token`, else `access_token` (Docker's token spec).
#[derive(serde::Deserialize)]
struct TokenAnswer {
    #[serde(default)]
    token: String,
    #[serde(default)]
    access_token: String,
}

/// Reads a response body, failing once it exceeds `cap` bytes; the bytes are wiped on drop.
async fn read_capped(
    mut response: reqwest::Response,
    cap: usize,
    what: &str,
) -> Result<Zeroizing<Vec<u8>>, OciDistributionError> {
    let mut body = Zeroizing::new(Vec::new());
    while let Some(chunk) = response.chunk().await? {
        if body.len() + chunk.len() > cap {
            return Err(OciDistributionError::AuthenticationFailure(format!(
                "{what} is larger than {cap} bytes"
            )));
        }
        body.extend_from_slice(&chunk);
    }
    Ok(body)
}

/// The auth an attempt hands oci-client under `rules`: `auth` itself when every realm is
/// permitted, for anonymous attempts, and when the registry asks for no bearer token;
/// otherwise a bearer token fetched from a realm the rules accept.
pub(super) async fn attempt_auth(
    rules: &RealmRules,
    config: &ClientConfig,
    reference: &oci_client::Reference,
    auth: RegistryAuth,
) -> Result<RegistryAuth, OciDistributionError> {
    let RegistryAuth::Basic(username, password) = &auth else {
        return Ok(auth);
    };
    if rules.permits_all() {
        return Ok(auth);
    }
    let registry = reference.resolve_registry();
    let scheme = scheme_for(&config.protocol, registry);
    let http = http_client(config)?;
    let ping = http
        .get(format!("{scheme}://{registry}/v2/"))
        .send()
        .await?;
    let challenge = ping
        .headers()
        .get(reqwest::header::WWW_AUTHENTICATE)
        .and_then(bearer_challenge);
    drop(ping);
    // No bearer challenge: oci-client sends Basic credentials to the registry itself.
    let Some((realm, service)) = challenge else {
        return Ok(auth);
    };
    let mut url = rules
        .checked(scheme, registry, &realm)
        .map_err(|refused| OciDistributionError::AuthenticationFailure(refused.to_string()))?;
    {
        let mut query = url.query_pairs_mut();
        query.append_pair(
            "scope",
            &format!("repository:{}:pull", reference.repository()),
        );
        if let Some(service) = &service {
            query.append_pair("service", service);
        }
    }
    let response = http
        .get(url)
        .basic_auth(username, Some(password))
        .send()
        .await?;
    let status = response.status();
    let body = read_capped(response, MAX_TOKEN_BYTES, "the token server's answer").await?;
    if status != reqwest::StatusCode::OK {
        let quoted = &body[..body.len().min(MAX_QUOTED_ANSWER)];
        return Err(OciDistributionError::AuthenticationFailure(
            String::from_utf8_lossy(quoted).into_owned(),
        ));
    }
    let answer: TokenAnswer = serde_json::from_slice(&body)
        .map_err(|e| OciDistributionError::RegistryTokenDecodeError(e.to_string()))?;
    let (token, access_token) = (
        Zeroizing::new(answer.token),
        Zeroizing::new(answer.access_token),
    );
    let token = if token.is_empty() {
        access_token
    } else {
        token
    };
    // oci-client puts the token in a header and panics on a value that is not one.
    if token.is_empty() || reqwest::header::HeaderValue::from_str(&token).is_err() {
        return Err(OciDistributionError::RegistryTokenDecodeError(
            "the token server answered no token, or one that is not a valid header value"
                .to_owned(),
        ));
    }
    Ok(RegistryAuth::Bearer(token.to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rules_refuse_what_they_name_and_nothing_else() {
        let strict = RealmRules::default()
            .refuse_plain_http()
            .refuse_other_hosts()
            .allow_host("Auth.Docker.IO");
        let http_only = RealmRules::default().refuse_plain_http();
        let hosts_only = RealmRules::default().refuse_other_hosts();
        let docker = RealmRules::default();
        // (rules, registry scheme, registry, realm, refused as)
        let rows: &[(&RealmRules, &str, &str, &str, Option<&str>)] = &[
            (&strict, "https", "quay.io", "https://quay.io/v2/auth", None),
            (
                &strict,
                "https",
                "quay.io",
                "https://QUAY.io:443/v2/auth",
                None,
            ),
            (
                &strict,
                "https",
                "quay.io:443",
                "https://quay.io/v2/auth",
                None,
            ),
            (
                &strict,
                "https",
                "index.docker.io",
                "https://auth.docker.io/token",
                None,
            ),
            (
                &strict,
                "https",
                "r.io",
                "http://r.io/token",
                Some("PlainHttp"),
            ),
            (
                &strict,
                "https",
                "r.io",
                "https://r.io:8443/token",
                Some("OtherHost"),
            ),
            (
                &strict,
                "https",
                "r.io",
                "https://evil.io/token",
                Some("OtherHost"),
            ),
            (
                &strict,
                "https",
                "r.io",
                "https://r.io.evil.io/token",
                Some("OtherHost"),
            ),
            (
                &strict,
                "http",
                "127.0.0.1:5000",
                "http://127.0.0.1:5000/t",
                None,
            ),
            (
                &strict,
                "http",
                "127.0.0.1:5000",
                "http://localhost:5000/t",
                Some("OtherHost"),
            ),
            (&strict, "https", "r.io", "/token", Some("NotUrl")),
            (&strict, "https", "r.io", "", Some("NotUrl")),
            (&strict, "https", "r.io", "mailto:a@r.io", Some("NotUrl")),
            (&http_only, "https", "r.io", "https://evil.io/token", None),
            (
                &http_only,
                "https",
                "r.io",
                "http://r.io/token",
                Some("PlainHttp"),
            ),
            (&http_only, "http", "r.io", "http://r.io/token", None),
            // Port 80 is another port than 443.
            (
                &hosts_only,
                "https",
                "r.io",
                "http://r.io/token",
                Some("OtherHost"),
            ),
            (&hosts_only, "http", "r.io", "http://r.io/token", None),
            (
                &hosts_only,
                "https",
                "r.io",
                "https://auth.docker.io/t",
                Some("OtherHost"),
            ),
            (&docker, "https", "r.io", "http://evil.io/token", None),
        ];
        for (rules, scheme, registry, realm, refused) in rows {
            let got = rules.check(scheme, registry, realm).err().map(|e| match e {
                RealmRefused::NotUrl { .. } => "NotUrl",
                RealmRefused::PlainHttp { .. } => "PlainHttp",
                RealmRefused::OtherHost { .. } => "OtherHost",
            });
            assert_eq!(got, *refused, "{scheme} {registry} {realm:?}");
        }
        assert!(docker.permits_all());
        assert!(!http_only.permits_all() && !hosts_only.permits_all());
    }

    #[test]
    fn refusals_never_show_userinfo_or_query() {
        let rules = RealmRules::default().refuse_plain_http();
        let error = rules
            .check("https", "r.io", "http://bob:S3cret@r.io/token?x=S3cret")
            .unwrap_err();
        assert_eq!(
            error.to_string(),
            "refusing to send credentials for https registry r.io to plain-HTTP token realm \
             http://r.io/token"
        );
    }

    #[test]
    fn the_first_bearer_challenge_is_used() {
        let header = |s: &'static str| reqwest::header::HeaderValue::from_static(s);
        assert_eq!(
            bearer_challenge(&header(
                r#"Basic realm="x", Bearer realm="https://r.io/t",service="r.io""#
            )),
            Some(("https://r.io/t".to_owned(), Some("r.io".to_owned())))
        );
        assert_eq!(
            bearer_challenge(&header(r#"bearer REALM="https://r.io/t""#)),
            Some(("https://r.io/t".to_owned(), None))
        );
        assert_eq!(bearer_challenge(&header(r#"Basic realm="r.io""#)), None);
        assert_eq!(bearer_challenge(&header(r#"Bearer service="r.io""#)), None);
        assert_eq!(bearer_challenge(&header("")), None);
    }

    #[test]
    fn scheme_follows_oci_client() {
        let except = ClientProtocol::HttpsExcept(vec!["localhost:5000".to_owned()]);
        assert_eq!(scheme_for(&except, "localhost:5000"), "http");
        assert_eq!(scheme_for(&except, "localhost"), "https");
        assert_eq!(scheme_for(&ClientProtocol::Http, "r.io"), "http");
        assert_eq!(scheme_for(&ClientProtocol::Https, "r.io"), "https");
    }
}

#[cfg(test)]
mod props {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        /// Hostile challenges and realms: parsing never panics, and what strict rules accept
        /// is an https URL on the registry's own host and port.
        #[test]
        fn strict_rules_accept_only_the_registrys_own_https_host(
            header in "[ -~]{0,200}",
            realm in "(https?://)?[a-zA-Z0-9.:@/\\[\\]%-]{0,60}",
            registry in "[a-z0-9.-]{1,20}(:[0-9]{1,5})?",
        ) {
            if let Ok(value) = reqwest::header::HeaderValue::from_str(&header) {
                let _ = bearer_challenge(&value);
            }
            let strict = RealmRules::default().refuse_plain_http().refuse_other_hosts();
            if let Ok(url) = strict.checked("https", &registry, &realm) {
                prop_assert_eq!(url.scheme(), "https");
                let own = Url::parse(&format!("https://{registry}/")).unwrap();
                prop_assert_eq!(url.host_str(), own.host_str());
                prop_assert_eq!(url.port_or_known_default(), own.port_or_known_default());
            }
        }
    }
}
