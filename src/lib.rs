//! kubepull: the exact image-pull semantics of Kubernetes, as a pure Rust library.
//!
//! ```
//! use kubepull::Reference;
//!
//! let image: Reference = "nginx:1.25".parse()?;
//! assert_eq!(image.to_string(), "docker.io/library/nginx:1.25");
//! assert_eq!(image.domain(), "docker.io");
//! assert_eq!(image.path(), "library/nginx");
//! assert_eq!(image.tag(), Some("1.25"));
//! assert_eq!(image.familiar().to_string(), "nginx:1.25");
//! # Ok::<(), kubepull::reference::ParseError>(())
//! ```
//!
//! What the kubelet does between an image string and a pull, each part checked against the Go
//! code it reproduces:
//!
//! * [`reference`](mod@reference): parsing and normalising image references (distribution/reference v0.6,
//!   docker/distribution 2.8 as an option), with Go's error texts.
//! * [`policy`]: pull-policy defaulting, the kubelet's pull decision with its errors and
//!   events, pull back-off, the `AlwaysPullImages` admission plugin.
//! * [`verify`]: KEP-2535, whether a pod may use an image another pod's credentials pulled.
//! * [`config`]: `config.json`, `.dockercfg` and pull-secret data as the kubelet reads them,
//!   `kubectl create secret docker-registry`, and a lint for broken secrets.
//! * [`searchpath`]: where a node looks for its credential file.
//! * [`keyring`]: pod secrets, node file and plugin answers merged into one keyring, looked up
//!   in the order the kubelet tries credentials.
//! * [`pod`]: a pod's images and pull secrets, objects as kubectl prints them (one or a
//!   `List`, JSON or YAML), and [`pod::PullPlan`]: from a pod to each image's reference,
//!   policy and credentials in kubelet order in one call.
//! * [`platform`]: platforms, manifest lists and OCI indexes, containerd's matching.
//! * [`provider`]: kubelet credential provider plugins (config, `matchImages`, request,
//!   response, cache), cloud registry hosts, docker credential helpers; `exec` (feature `exec`)
//!   runs them as child processes.
//! * `k8s` (feature `k8s-openapi`): the same for k8s-openapi's `Pod`, `Secret` and
//!   `ServiceAccount`; `oci` (feature `oci-client`): pulling in kubelet order with oci-client,
//!   and pull sessions that reuse the credential that worked.
//!
//! The core is pure: it takes strings, bytes and values and returns values. It reads no file,
//! clock or environment variable and spawns nothing; the modules that touch the world sit behind
//! features (`fs`, `exec`, `k8s-openapi`, `oci-client`). Passwords, `auth` values and tokens are held in [`Secret`],
//! which never prints them and wipes them on drop.
#![forbid(unsafe_code)]
// The core is pure: no file, environment, clock, process or network (clippy.toml lists the
// calls). Only the feature-gated I/O modules `fs` and `exec` allow them.
#![deny(clippy::disallowed_methods, clippy::disallowed_types)]
#![cfg_attr(docsrs, feature(doc_cfg))]

mod apimachinery;
mod go;
mod secret;
mod yaml;

pub mod config;
pub mod keyring;
pub mod platform;
pub mod pod;
pub mod policy;
pub mod provider;
pub mod reference;
pub mod searchpath;
pub mod verify;

#[cfg(feature = "fs")]
#[cfg_attr(docsrs, doc(cfg(feature = "fs")))]
pub mod fs;

#[cfg(feature = "exec")]
#[cfg_attr(docsrs, doc(cfg(feature = "exec")))]
pub mod exec;

#[cfg(feature = "oci-client-no-provider")]
#[cfg_attr(docsrs, doc(cfg(feature = "oci-client")))]
pub mod oci;

#[cfg(feature = "k8s-openapi")]
#[cfg_attr(docsrs, doc(cfg(feature = "k8s-openapi")))]
pub mod k8s;

pub use config::{AuthEntry, DockerConfig, KubeSecret};
pub use keyring::{Credential, CredentialSource, Keyring};
pub use platform::Platform;
pub use policy::PullPolicy;
pub use reference::{Digest, Reference};
pub use secret::Secret;

// The README's examples are compiled and run as doc tests.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
struct ReadmeDoctests;
