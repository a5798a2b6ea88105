//! Cloud registry hosts: which cloud a registry host belongs to, and the parts of the name
//! its credential plugin reads: cloud-provider-aws `cmd/ecr-credential-provider/main.go`
//! (`ecrPrivateHostPattern`), cloud-provider-gcp's `containerRegistryUrls`, cloud-provider-azure
//! `pkg/credentialprovider/azure_credentials.go`, Oracle's OCIR plugin config and IBM's
//! registry host list.
//!
//! ```
//! use kubepull::provider::cloud::{CloudRegistry, recognize};
//!
//! let Some(CloudRegistry::Ecr(ecr)) = recognize("123456789012.dkr.ecr-fips.us-gov-east-1.amazonaws.com") else {
//!     panic!("not ECR");
//! };
//! assert_eq!((ecr.account.as_str(), ecr.region.as_str(), ecr.fips), ("123456789012", "us-gov-east-1", true));
//! assert!(matches!(recognize("us-docker.pkg.dev"), Some(CloudRegistry::Google(_))));
//! assert_eq!(recognize("registry.k8s.io"), None);
//! ```

use std::sync::LazyLock;

use regex::Regex;

use super::{ProviderError, ProviderErrorKind};
use crate::go::quote as go_quote;
use crate::keyring::RegistryPattern;

/// cloud-provider-aws `ecrPrivateHostPattern`, with Go's ASCII-only `\d` written as
/// `[0-9]` (Rust's `\d` is Unicode).
pub const ECR_PRIVATE_HOST_PATTERN: &str = r"^([0-9]{12})\.dkr[\.\-]ecr(\-fips)?\.([a-zA-Z0-9][a-zA-Z0-9_-]*)\.(amazonaws\.(?:com(?:\.cn)?|eu)|on\.(?:aws|amazonwebservices\.com\.cn)|sc2s\.sgov\.gov|c2s\.ic\.gov|cloud\.adc-e\.uk|csp\.hci\.ic\.gov)$";

/// The partitions' DNS suffixes that [`ECR_PRIVATE_HOST_PATTERN`] accepts, one place for the
/// lint and the tests to enumerate real ECR host shapes.
pub(crate) const ECR_DNS_SUFFIXES: [&str; 9] = [
    "amazonaws.com",
    "amazonaws.com.cn",
    "amazonaws.eu",
    "on.aws",
    "on.amazonwebservices.com.cn",
    "sc2s.sgov.gov",
    "c2s.ic.gov",
    "cloud.adc-e.uk",
    "csp.hci.ic.gov",
];

/// A private ECR host of every shape (plain and dual-stack, FIPS or not, each partition) for
/// `account` and `region`, as the hosts a key might be meant for.
pub(crate) fn ecr_host_shapes(account: &str, region: &str) -> Vec<String> {
    let mut hosts = Vec::new();
    for suffix in ECR_DNS_SUFFIXES {
        for fips in ["", "-fips"] {
            hosts.push(format!("{account}.dkr.ecr{fips}.{region}.{suffix}"));
            hosts.push(format!("{account}.dkr-ecr{fips}.{region}.{suffix}"));
        }
    }
    hosts
}

/// The public ECR hosts (tokens always fetched in `us-east-1`).
pub const ECR_PUBLIC_HOSTS: [&str; 2] = ["public.ecr.aws", "ecr-public.aws.com"];

/// The `matchImages` the Kubernetes docs recommend for `ecr-credential-provider`.
pub const ECR_MATCH_IMAGES: [&str; 5] = [
    "*.dkr.ecr.*.amazonaws.com",
    "*.dkr.ecr.*.amazonaws.com.cn",
    "*.dkr.ecr-fips.*.amazonaws.com",
    "*.dkr.ecr.us-iso-east-1.c2s.ic.gov",
    "*.dkr.ecr.us-isob-east-1.sc2s.sgov.gov",
];

/// Google's registry hosts (`containerRegistryUrls` of cloud-provider-gcp), as globs.
pub const GCR_MATCH_IMAGES: [&str; 4] = [
    "container.cloud.google.com",
    "gcr.io",
    "*.gcr.io",
    "*.pkg.dev",
];

/// Azure's ACR patterns (`containerRegistryUrls`).
pub const ACR_MATCH_IMAGES: [&str; 4] = [
    "*.azurecr.io",
    "*.azurecr.cn",
    "*.azurecr.de",
    "*.azurecr.us",
];

/// Oracle OCIR's pattern (its sample kubelet config).
pub const OCIR_MATCH_IMAGES: [&str; 1] = ["*.ocir.io"];

/// IBM ICR: the global host, regional hosts and `private.<region>` hosts.
pub const ICR_MATCH_IMAGES: [&str; 3] = ["icr.io", "*.icr.io", "*.*.icr.io"];

/// IBM's deprecated registry hosts.
pub const ICR_LEGACY_HOSTS: [&str; 5] = [
    "registry.bluemix.net",
    "registry.ng.bluemix.net",
    "registry.eu-de.bluemix.net",
    "registry.eu-gb.bluemix.net",
    "registry.au-syd.bluemix.net",
];

static ECR_PRIVATE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(ECR_PRIVATE_HOST_PATTERN).expect("the ECR pattern is a valid regex")
});

static ACR_LOGIN_SERVER: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^[a-zA-Z0-9]+\.(azurecr\.io|azurecr\.cn|azurecr\.de|azurecr\.us)")
        .expect("the ACR pattern is a valid regex")
});

/// The glob patterns `recognize` matches with, compiled once.
struct CompiledGlobs {
    gcr: [RegistryPattern; 2],
    pkg_dev: RegistryPattern,
    acr: Vec<RegistryPattern>,
    ocir: RegistryPattern,
    icr: Vec<RegistryPattern>,
}

static GLOBS: LazyLock<CompiledGlobs> = LazyLock::new(|| {
    let p = |s: &str| RegistryPattern::parse(s).expect("built-in patterns parse");
    CompiledGlobs {
        gcr: [p("gcr.io"), p("*.gcr.io")],
        pkg_dev: p("*.pkg.dev"),
        acr: ACR_MATCH_IMAGES.iter().map(|s| p(s)).collect(),
        ocir: p(OCIR_MATCH_IMAGES[0]),
        icr: ICR_MATCH_IMAGES.iter().map(|s| p(s)).collect(),
    }
});

/// A cloud registry host.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum CloudRegistry {
    /// A private ECR registry.
    Ecr(EcrHost),
    /// Public ECR (`public.ecr.aws`, `ecr-public.aws.com`).
    EcrPublic,
    /// GCR or Artifact Registry.
    Google(GoogleRegistry),
    /// Azure Container Registry; the registry name (first label).
    Acr(String),
    /// Oracle OCIR; the region key (first label, e.g. `fra`).
    Ocir(String),
    /// IBM Cloud Container Registry.
    Icr(IcrHost),
}

/// The parts of a private ECR host.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EcrHost {
    /// The 12-digit account (registry ID).
    pub account: String,
    /// Whether it is a FIPS endpoint (`ecr-fips`).
    pub fips: bool,
    /// The region, e.g. `us-west-2`.
    pub region: String,
    /// The partition's DNS suffix, e.g. `amazonaws.com`, `amazonaws.com.cn`, `on.aws`.
    pub dns_suffix: String,
    /// Whether it is a dual-stack endpoint (`dkr-ecr…`).
    pub dual_stack: bool,
}

/// Which Google registry.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum GoogleRegistry {
    /// `gcr.io` and `*.gcr.io` (Container Registry).
    ContainerRegistry,
    /// `*.pkg.dev` (Artifact Registry).
    ArtifactRegistry,
    /// `container.cloud.google.com`.
    ContainerCloud,
}

/// The parts of an IBM ICR host.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IcrHost {
    /// The region label (`us`, `de`, …), empty for the global `icr.io`.
    pub region: String,
    /// Whether it is a private endpoint (`private.…`).
    pub private: bool,
    /// Whether it is one of the deprecated `*.bluemix.net` hosts.
    pub legacy: bool,
}

/// Matches a private ECR host with the cloud-provider-aws regex (exact, case-sensitive).
pub fn ecr_private_host(host: &str) -> Option<EcrHost> {
    let captures = ECR_PRIVATE.captures(host)?;
    let text = |i| captures.get(i).map_or("", |m| m.as_str());
    Some(EcrHost {
        account: text(1).to_owned(),
        fips: !text(2).is_empty(),
        region: text(3).to_owned(),
        dns_suffix: text(4).to_owned(),
        dual_stack: host.as_bytes().get(16) == Some(&b'-'),
    })
}

/// `parseRegionFromECRPrivateHost`: the region of a private ECR host, `""` otherwise.
pub fn ecr_region(host: &str) -> String {
    ecr_private_host(host).map(|h| h.region).unwrap_or_default()
}

/// `parseHostFromImageReference`: the host name of an image (`url.Parse("https://" +
/// image).Hostname()`, or of the image itself when it already has `://`).
///
/// # Errors
///
/// `error parsing image reference https://foobar  : parse "https://foobar  ": invalid
/// character " " in host name`.
pub fn parse_host_from_image_reference(image: &str) -> Result<String, ProviderError> {
    let url = if image.contains("://") {
        image.to_owned()
    } else {
        format!("https://{image}")
    };
    let (scheme, rest) = url.split_once("://").unwrap_or(("https", &url));
    let authority_end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    let authority = &rest[..authority_end];
    let host = authority.rsplit_once('@').map_or(authority, |(_, h)| h);
    // Validate with the same port of Go's host rules the matcher uses.
    if let Err(e) = super::pattern::MatchImage::parse(&format!("{host}{}", &rest[authority_end..]))
    {
        let reason = e.to_string();
        let reason = reason
            .split_once(": ")
            .map_or(reason.as_str(), |(_, r)| r)
            .to_owned();
        return Err(ProviderError::new(
            ProviderErrorKind::Url,
            format!(
                "error parsing image reference {url}: parse {}: {reason}",
                go_quote(&format!("{scheme}://{rest}"))
            ),
        ));
    }
    // Hostname(): strip the port and IPv6 brackets.
    let hostname = if let Some(inner) = host.strip_prefix('[') {
        inner.split_once(']').map_or(inner, |(h, _)| h)
    } else {
        host.rsplit_once(':')
            .filter(|(_, port)| port.bytes().all(|b| b.is_ascii_digit()))
            .map_or(host, |(h, _)| h)
    };
    Ok(hostname.to_owned())
}

/// cloud-provider-azure's `parseACRLoginServerFromImage`: the ACR login server an image
/// lives on, or `""`. With `custom_suffix` (a cloud's `ContainerRegistryDNSSuffix`, e.g.
/// `.azurecr.my.cloud`) an image containing it is cut after its last occurrence.
pub fn acr_login_server<'a>(image: &'a str, custom_suffix: Option<&str>) -> &'a str {
    if let Some(m) = ACR_LOGIN_SERVER.find(image) {
        let rest = &image[m.end()..];
        if rest.is_empty() || rest.starts_with('/') {
            return m.as_str();
        }
    }
    if let Some(suffix) = custom_suffix.filter(|s| !s.is_empty()) {
        if let Some(i) = image.rfind(suffix) {
            return &image[..i + suffix.len()];
        }
    }
    ""
}

/// Which cloud's host shape a key names ([`fits_cloud_hosts`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum CloudShape {
    /// `<account>.dkr.ecr.<region>.<partition suffix>` and its FIPS and dual-stack forms.
    Ecr,
    /// `<name>.azurecr.<io|cn|de|us>`.
    Acr,
}

/// Whether a key with these host `labels` can match a cloud's registry hosts, as far as its
/// label count and literal labels tell, judged by the recognisers. Images in a cloud's domain
/// are taken to be on its registry hosts (`x.dkr.ecr.y.amazonaws.cn` is no registry): `Some((cloud, false))` for a key that names a cloud's domain but fits none
/// of its hosts, `None` when it names no cloud. `matches` tells whether the key matches a host.
pub(crate) fn fits_cloud_hosts(
    labels: &[&str],
    matches: impl Fn(&str) -> bool,
) -> Option<(CloudShape, bool)> {
    // An ECR-like key under one of AWS's domains: other hosts are matched as written.
    const AWS_DOMAIN_LABELS: [&str; 8] = [
        "amazonaws",
        "aws",
        "amazonwebservices",
        "sc2s",
        "c2s",
        "adc-e",
        "hci",
        "sgov",
    ];
    let looks_ecr = labels.len() >= 2
        && ((labels[1] == "dkr" && labels.get(2).is_some_and(|l| l.starts_with("ecr")))
            || labels[1].starts_with("dkr-ecr"))
        && labels[2..].iter().any(|l| AWS_DOMAIN_LABELS.contains(l));
    if looks_ecr {
        // Literal account and region labels are kept, globs get sample values.
        let literal = |i: usize, sample: &'static str| match labels.get(i) {
            Some(label) if !label.contains(['*', '?', '[', '\\']) => label.to_string(),
            _ => sample.to_owned(),
        };
        let region_at = if labels[1] == "dkr" { 3 } else { 2 };
        let hosts = ecr_host_shapes(
            &literal(0, "123456789012"),
            &literal(region_at, "us-east-1"),
        );
        let fits = hosts
            .iter()
            .any(|host| ecr_private_host(host).is_some() && matches(host));
        return Some((CloudShape::Ecr, fits));
    }
    let n = labels.len();
    let looks_acr =
        n >= 2 && labels[n - 2] == "azurecr" && ["io", "cn", "de", "us"].contains(&labels[n - 1]);
    if looks_acr {
        let name = labels
            .first()
            .filter(|l| !l.contains(['*', '?', '[', '\\']))
            .copied()
            .unwrap_or("myregistry");
        let host = format!("{name}.{}.{}", labels[n - 2], labels[n - 1]);
        let fits = matches!(recognize(&host), Some(CloudRegistry::Acr(_))) && matches(&host);
        return Some((CloudShape::Acr, fits));
    }
    None
}

/// Which cloud registry `host` (a host name, without port) is, if any.
pub fn recognize(host: &str) -> Option<CloudRegistry> {
    if let Some(ecr) = ecr_private_host(host) {
        return Some(CloudRegistry::Ecr(ecr));
    }
    if ECR_PUBLIC_HOSTS.contains(&host) {
        return Some(CloudRegistry::EcrPublic);
    }
    if host == "container.cloud.google.com" {
        return Some(CloudRegistry::Google(GoogleRegistry::ContainerCloud));
    }
    let globs = &*GLOBS;
    if globs.gcr.iter().any(|g| g.matches(host)) {
        return Some(CloudRegistry::Google(GoogleRegistry::ContainerRegistry));
    }
    if globs.pkg_dev.matches(host) {
        return Some(CloudRegistry::Google(GoogleRegistry::ArtifactRegistry));
    }
    if globs.acr.iter().any(|g| g.matches(host)) {
        let name = host.split('.').next().unwrap_or_default();
        return Some(CloudRegistry::Acr(name.to_owned()));
    }
    if globs.ocir.matches(host) {
        let region = host.split('.').next().unwrap_or_default();
        return Some(CloudRegistry::Ocir(region.to_owned()));
    }
    if ICR_LEGACY_HOSTS.contains(&host) {
        return Some(CloudRegistry::Icr(IcrHost {
            region: String::new(),
            private: false,
            legacy: true,
        }));
    }
    if globs.icr.iter().any(|g| g.matches(host)) {
        let labels: Vec<&str> = host.split('.').collect();
        let (private, region) = match labels.as_slice() {
            ["private", "icr", "io"] => (true, ""),
            ["private", region, "icr", "io"] => (true, *region),
            [region, "icr", "io"] => (false, *region),
            _ => (false, ""),
        };
        return Some(CloudRegistry::Icr(IcrHost {
            region: region.to_owned(),
            private,
            legacy: false,
        }));
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_ecr_host_shape_is_recognised_as_ecr() {
        let hosts = ecr_host_shapes("123456789012", "us-east-1");
        assert_eq!(hosts.len(), ECR_DNS_SUFFIXES.len() * 4);
        for host in &hosts {
            assert!(ecr_private_host(host).is_some(), "{host}");
        }
        // A suffix outside the list is not ECR, so the list is the regex's whole alternation.
        assert!(ecr_private_host("123456789012.dkr.ecr.us-east-1.amazonaws.cn").is_none());
        assert!(ecr_private_host("123456789012.dkr.ecr.us-east-1.aws").is_none());
    }

    #[test]
    fn cloud_shapes_fit_or_not() {
        let fits = |key: &str| {
            let pattern = RegistryPattern::parse(key).unwrap();
            let labels: Vec<&str> = key.split('.').collect();
            fits_cloud_hosts(&labels, |host| pattern.matches(&format!("{host}/app")))
        };
        assert_eq!(fits("*.dkr.ecr.*.on.aws"), Some((CloudShape::Ecr, true)));
        assert_eq!(
            fits("*.dkr.ecr.*.amazonaws.com"),
            Some((CloudShape::Ecr, true))
        );
        assert_eq!(fits("*.dkr-ecr.*.on.aws"), Some((CloudShape::Ecr, true)));
        assert_eq!(
            fits("*.dkr.ecr-fips.*.amazonaws.com"),
            Some((CloudShape::Ecr, true))
        );
        assert_eq!(
            fits("123456789012.dkr.ecr.eu-west-1.amazonaws.com"),
            Some((CloudShape::Ecr, true))
        );
        assert_eq!(
            fits("*.dkr.ecr.*.amazonaws.cn"),
            Some((CloudShape::Ecr, false))
        );
        assert_eq!(
            fits("*.dkr.ecr.amazonaws.com"),
            Some((CloudShape::Ecr, false))
        );
        assert_eq!(fits("*.azurecr.io"), Some((CloudShape::Acr, true)));
        assert_eq!(fits("*.*.azurecr.io"), Some((CloudShape::Acr, false)));
        assert_eq!(fits("quay.io"), None);
        assert_eq!(
            fits("dkr.dkr-ecr"),
            None,
            "not under an AWS domain: matched as written"
        );
    }
}
