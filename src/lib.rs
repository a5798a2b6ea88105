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
//! The core is pure: it takes strings, bytes and values and returns values. It reads no file,
//! clock or environment variable and spawns nothing; the modules that touch the world sit behind
//! features.
#![forbid(unsafe_code)]
#![cfg_attr(docsrs, feature(doc_cfg))]

mod go;
mod secret;

pub mod config;
pub mod keyring;
pub mod platform;
pub mod policy;
pub mod provider;
pub mod reference;
pub mod searchpath;
pub mod verify;

#[cfg(feature = "fs")]
pub mod fs;

#[cfg(feature = "exec")]
#[cfg_attr(docsrs, doc(cfg(feature = "exec")))]
pub mod exec;

#[cfg(feature = "oci-client")]
pub mod oci;

pub use config::{AuthEntry, DockerConfig, KubeSecret};
pub use platform::Platform;
pub use policy::PullPolicy;
pub use reference::{Digest, Reference};

// The README's examples are compiled and run as doc tests.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
struct ReadmeDoctests;
pub use keyring::{Credential, CredentialSource, Keyring};
pub use secret::Secret;
