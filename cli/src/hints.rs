//! What a node needs when an image is on a cloud registry and no credential matches: the
//! kubelet credential provider plugin that serves that cloud. Hosts are recognised by the
//! library (`kubepull::provider::cloud`); the plugin facts are the clouds' published ones.

use kubepull::provider::cloud::{self, CloudRegistry};
use serde::Serialize;

/// The hint of the JSON output (`cloudHint`).
#[derive(Serialize)]
pub struct CloudHint {
    /// The registry service.
    pub registry: &'static str,
    /// The kubelet credential provider plugin that serves it (`providers[].name`).
    pub plugin: &'static str,
    /// `matchImages` for its entry in the kubelet's credential provider config.
    #[serde(rename = "matchImages")]
    pub match_images: Vec<&'static str>,
    /// What the node needs, in words.
    pub needs: String,
}

/// The permissions the Kubernetes images page lists for pulling from ECR.
const ECR_PERMISSIONS: &str = "ecr:GetAuthorizationToken, ecr:BatchCheckLayerAvailability, \
ecr:GetDownloadUrlForLayer, ecr:GetRepositoryPolicy, ecr:DescribeRepositories, ecr:ListImages, \
ecr:BatchGetImage";

const NODE_SETUP: &str = "the plugin binary in the kubelet's --image-credential-provider-bin-dir \
and an entry for it in the file named by --image-credential-provider-config";

/// The hint for `domain`, when it is a cloud registry host.
pub fn for_domain(domain: &str) -> Option<CloudHint> {
    let hint = match cloud::recognize(domain)? {
        CloudRegistry::Ecr(ecr) => CloudHint {
            registry: "Amazon ECR",
            plugin: "ecr-credential-provider",
            match_images: cloud::ECR_MATCH_IMAGES.to_vec(),
            needs: format!(
                "{NODE_SETUP}; the node's IAM role needs {ECR_PERMISSIONS} on account {} in {}",
                ecr.account, ecr.region
            ),
        },
        CloudRegistry::EcrPublic => CloudHint {
            registry: "Amazon ECR Public",
            plugin: "ecr-credential-provider",
            match_images: cloud::ECR_PUBLIC_HOSTS.to_vec(),
            needs: format!(
                "public images pull anonymously; for authenticated pulls (higher rate limits), \
                 {NODE_SETUP}, with ecr-public:GetAuthorizationToken and \
                 sts:GetServiceBearerToken"
            ),
        },
        CloudRegistry::Google(_) => CloudHint {
            registry: "Google Artifact Registry / Container Registry",
            plugin: "auth-provider-gcp",
            match_images: cloud::GCR_MATCH_IMAGES.to_vec(),
            needs: format!(
                "{NODE_SETUP}; the node's service account needs roles/artifactregistry.reader on the repository"
            ),
        },
        CloudRegistry::Acr(name) => CloudHint {
            registry: "Azure Container Registry",
            plugin: "acr-credential-provider",
            match_images: cloud::ACR_MATCH_IMAGES.to_vec(),
            needs: format!(
                "{NODE_SETUP} (with the node's azure.json as its argument); the node's identity needs the AcrPull role on registry {name}"
            ),
        },
        CloudRegistry::Ocir(region) => CloudHint {
            registry: "Oracle Cloud Infrastructure Registry",
            plugin: "credential-provider-oke",
            match_images: cloud::OCIR_MATCH_IMAGES.to_vec(),
            needs: format!(
                "{NODE_SETUP}; the node's instance principal needs a policy allowing it to read repos in region {region}"
            ),
        },
        CloudRegistry::Icr(_) => CloudHint {
            registry: "IBM Cloud Container Registry",
            plugin: "(none: IBM ships no kubelet plugin)",
            match_images: cloud::ICR_MATCH_IMAGES.to_vec(),
            needs: "a pull secret (user iamapikey, an IAM API key as the password) in the pod's \
                    namespace, listed in imagePullSecrets or on its ServiceAccount"
                .to_owned(),
        },
        _ => return None,
    };
    Some(hint)
}

#[cfg(test)]
mod tests {
    use super::for_domain;

    #[test]
    fn every_cloud_has_a_hint_and_other_hosts_none() {
        let cases = [
            (
                "123456789012.dkr.ecr.us-east-1.amazonaws.com",
                "ecr-credential-provider",
            ),
            ("public.ecr.aws", "ecr-credential-provider"),
            ("europe-west1-docker.pkg.dev", "auth-provider-gcp"),
            ("gcr.io", "auth-provider-gcp"),
            ("shop.azurecr.io", "acr-credential-provider"),
            ("fra.ocir.io", "credential-provider-oke"),
            ("us.icr.io", "(none: IBM ships no kubelet plugin)"),
        ];
        for (domain, plugin) in cases {
            assert_eq!(
                for_domain(domain).map(|h| h.plugin),
                Some(plugin),
                "{domain}"
            );
        }
        assert!(for_domain("registry.example.com").is_none());
        assert!(for_domain("docker.io").is_none());
    }
}
