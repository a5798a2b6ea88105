//! `ParseImageName` and `applyDefaultImageTag`: how the kubelet and the API server read an
//! image string before deciding anything.

use super::{PolicyError, PolicyErrorKind};
use crate::Reference;
use crate::go::quote;
use crate::reference::{ParseError, ReferenceView};

fn parse_error(image: &str, e: &ParseError) -> PolicyError {
    PolicyError::new(
        PolicyErrorKind::InvalidImageName,
        format!("couldn't parse image name {}: {e}", quote(image)),
    )
}

/// An image string as Kubernetes' `ParseImageName` splits it
/// (k/k `pkg/util/parsers`): the normalised repository, the tag and the digest.
///
/// When the image has neither tag nor digest the tag is `latest`; when it has a digest but no
/// tag, the tag stays empty.
///
/// ```
/// use kubepull::policy::ImageName;
///
/// let name = ImageName::parse("url:5000/repo")?;
/// assert_eq!((name.repo(), name.tag(), name.digest()), ("url:5000/repo", "latest", ""));
/// # Ok::<(), kubepull::policy::PolicyError>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct ImageName {
    repo: String,
    tag: String,
    digest: String,
}

impl ImageName {
    /// Parses like `ParseImageName`.
    ///
    /// # Errors
    ///
    /// [`PolicyErrorKind::InvalidImageName`], text `couldn't parse image name "<image>": <parse error>`.
    pub fn parse(image: &str) -> Result<ImageName, PolicyError> {
        let reference = Reference::parse(image).map_err(|e| parse_error(image, &e))?;
        let tag = reference.tag().unwrap_or("");
        let digest = reference.digest().unwrap_or("");
        let tag = if tag.is_empty() && digest.is_empty() {
            "latest"
        } else {
            tag
        };
        Ok(ImageName {
            repo: reference.name().to_owned(),
            tag: tag.to_owned(),
            digest: digest.to_owned(),
        })
    }

    /// The normalised repository without tag or digest (`docker.io/library/nginx`). This is
    /// what the kubelet looks credentials up with and what KEP-2535 records are keyed by.
    pub fn repo(&self) -> &str {
        &self.repo
    }

    /// The tag, `latest` when the image had neither tag nor digest, `""` when it had only a
    /// digest.
    pub fn tag(&self) -> &str {
        &self.tag
    }

    /// The digest (`sha256:…`), or `""`.
    pub fn digest(&self) -> &str {
        &self.digest
    }
}

/// The kubelet's `applyDefaultImageTag`: appends `:<tag>` when the image has no digest, a
/// non-empty tag, and does not already end in `:<tag>`. The name is **not** expanded
/// (`busybox` becomes `busybox:latest`, never `docker.io/library/busybox:latest`); this is the
/// string the kubelet sends to the container runtime.
///
/// ```
/// use kubepull::policy::apply_default_image_tag;
///
/// assert_eq!(apply_default_image_tag("busybox")?, "busybox:latest");
/// assert_eq!(apply_default_image_tag("busybox:1.36")?, "busybox:1.36");
/// # Ok::<(), kubepull::policy::PolicyError>(())
/// ```
///
/// # Errors
///
/// The [`ImageName::parse`] error when the image does not parse.
pub fn apply_default_image_tag(image: &str) -> Result<String, PolicyError> {
    // ImageName::parse without its allocations: only the tag and the digest matter here.
    let view = ReferenceView::parse(image).map_err(|e| parse_error(image, &e))?;
    let tag = match (view.tag(), view.digest()) {
        (None, None) => "latest",
        (tag, _) => tag.unwrap_or(""),
    };
    let already_tagged = image
        .strip_suffix(tag)
        .is_some_and(|rest| rest.ends_with(':'));
    if view.digest().is_none() && !tag.is_empty() && !already_tagged {
        Ok(format!("{image}:{tag}"))
    } else {
        Ok(image.to_owned())
    }
}
