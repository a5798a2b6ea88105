//! The image name KEP-2535 keys records and matches the allowlist with.

use super::{VerifyError, VerifyErrorKind};
use crate::policy::ImageName;

/// `trimImageTagDigest` (`pkg/kubelet/images/pullmanager`, Kubernetes v1.36): the container
/// `image` **as written**, with only its `@digest` and `:tag` removed. The name is not
/// expanded: `ubuntu:22.04` gives `ubuntu`, never `docker.io/library/ubuntu`, so a record for
/// `ubuntu` and one for `docker.io/library/ubuntu` are different entries, and an allowlist
/// entry `docker.io/library/*` does not cover a pod image `ubuntu`.
///
/// The image must still be a valid reference: `registry.io/myorg/` and
/// `registry.io/myorg/:tag` are errors (`image_pull_policies_test.go` `TestTrimImageTagDigest`).
///
/// ```
/// use kubepull::verify::trim_tag_and_digest;
///
/// assert_eq!(trim_tag_and_digest("ubuntu:22.04")?, "ubuntu");
/// assert_eq!(trim_tag_and_digest("localhost:5000/myimage:v1")?, "localhost:5000/myimage");
/// assert_eq!(trim_tag_and_digest("secretorg/myimage:customtag")?, "secretorg/myimage");
/// assert!(trim_tag_and_digest("registry.io/myorg/").is_err());
/// # Ok::<(), kubepull::verify::VerifyError>(())
/// ```
///
/// # Errors
///
/// [`VerifyErrorKind::InvalidImageName`] when the image is not a valid reference, with the text of
/// [`ImageName::parse`].
pub fn trim_tag_and_digest(image: &str) -> Result<&str, VerifyError> {
    ImageName::parse(image)
        .map_err(|e| VerifyError::new(VerifyErrorKind::InvalidImageName, e.to_string()))?;
    let name = image.split_once('@').map_or(image, |(name, _)| name);
    let last_segment = name.rfind('/').map_or(0, |slash| slash + 1);
    Ok(match name[last_segment..].rfind(':') {
        Some(colon) => &name[..last_segment + colon],
        None => name,
    })
}
