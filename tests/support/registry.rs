//! A throw-away `docker-registry` (distribution 2.8, Debian's package) on 127.0.0.1 with
//! htpasswd auth, in its own temporary directory; killed and removed on drop, also when the
//! test panics.
//!
//! `docker-registry` and `htpasswd` (apache2-utils) must be installed: `cargo xtask test`
//! installs them. A missing program fails the test with that hint; a test never skips.
#![allow(dead_code)] // each test crate that includes this uses part of it

use std::io::{Read, Write};

use kubepull::oci::oci_client::Client;
use kubepull::oci::oci_client::client::{ClientConfig, ClientProtocol, Config, ImageLayer};
use kubepull::oci::oci_client::manifest::{
    ImageIndexEntry, OCI_IMAGE_INDEX_MEDIA_TYPE, OCI_IMAGE_MEDIA_TYPE, OciImageIndex,
};
use kubepull::oci::oci_client::secrets::RegistryAuth;
use std::net::{Ipv4Addr, SocketAddr, TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

/// The user the registry accepts.
pub const USER: &str = "alice";
/// Its password.
pub const PASSWORD: &str = "right-password";

const INSTALL_HINT: &str = "run the tests with `cargo xtask test`, which installs them, or \
     `apt-get install docker-registry apache2-utils`";
const STARTUP_TIMEOUT: Duration = Duration::from_secs(30);
const START_TRIES: usize = 3;

/// A running registry.
pub struct TestRegistry {
    child: Child,
    dir: PathBuf,
    port: u16,
}

impl TestRegistry {
    /// Starts a registry.
    ///
    /// # Panics
    ///
    /// When `docker-registry` or `htpasswd` is missing, or the registry does not come up.
    pub fn start() -> TestRegistry {
        require("docker-registry", &["--version"]);
        require("htpasswd", &["-Bbn", "probe", "probe"]);
        let dir = temp_dir();
        let htpasswd = Command::new("htpasswd")
            .args(["-Bbn", USER, PASSWORD])
            .output()
            .expect("running htpasswd");
        assert!(htpasswd.status.success(), "htpasswd failed: {htpasswd:?}");
        std::fs::write(dir.join("htpasswd"), &htpasswd.stdout).expect("writing htpasswd file");

        let mut last_log = String::new();
        for _ in 0..START_TRIES {
            let port = free_port();
            write_config(&dir, port);
            let log = std::fs::File::create(dir.join("registry.log")).expect("creating log");
            let child = Command::new("docker-registry")
                .arg("serve")
                .arg(dir.join("config.yml"))
                .stdin(Stdio::null())
                .stdout(log.try_clone().expect("cloning log handle"))
                .stderr(log)
                .spawn()
                .expect("spawning docker-registry");
            let mut registry = TestRegistry {
                child,
                dir: dir.clone(),
                port,
            };
            if registry.wait_until_ready() {
                return registry;
            }
            last_log = std::fs::read_to_string(dir.join("registry.log")).unwrap_or_default();
            registry.stop();
        }
        let _ = std::fs::remove_dir_all(&dir);
        panic!("docker-registry did not start after {START_TRIES} tries; last log:\n{last_log}");
    }

    /// `127.0.0.1:PORT`, the registry's domain in image references.
    pub fn host(&self) -> String {
        format!("127.0.0.1:{}", self.port)
    }

    /// oci-client's reference to `repository:tag` here.
    pub fn oci_ref(&self, repository: &str, tag: &str) -> kubepull::oci::oci_client::Reference {
        kubepull::oci::oci_client::Reference::with_tag(self.host(), repository.into(), tag.into())
    }

    /// Pushes a config blob, one layer and an OCI manifest for `linux/ARCH`; returns the
    /// manifest's digest and size.
    pub async fn push_image(&self, repository: &str, tag: &str, arch: &str) -> (String, i64) {
        let client = Client::new(http_config());
        let reference = self.oci_ref(repository, tag);
        let config = format!(
            r#"{{"architecture":"{arch}","os":"linux","rootfs":{{"type":"layers","diff_ids":[]}}}}"#
        );
        let layers = [ImageLayer::oci_v1(
            format!("kubepull test layer-{arch}").into_bytes(),
            None,
        )];
        client
            .push(
                &reference,
                &layers,
                Config::oci_v1(config.into_bytes(), None),
                &push_auth(),
                None,
            )
            .await
            .expect("pushing the test image");
        let (body, digest) = client
            .pull_manifest_raw(&reference, &push_auth(), &[OCI_IMAGE_MEDIA_TYPE])
            .await
            .expect("reading back the pushed manifest");
        (digest, body.len() as i64)
    }

    /// Pushes linux/amd64 and linux/arm64 images and an OCI index over them; returns the
    /// two digests.
    pub async fn push_index(&self, repository: &str, tag: &str) -> (String, String) {
        let (amd64, amd64_size) = self.push_image(repository, "amd64", "amd64").await;
        let (arm64, arm64_size) = self.push_image(repository, "arm64", "arm64").await;
        let entry = |digest: &str, size: i64, arch: &str| -> ImageIndexEntry {
            serde_json::from_value(serde_json::json!({
                "mediaType": OCI_IMAGE_MEDIA_TYPE,
                "digest": digest,
                "size": size,
                "platform": {"os": "linux", "architecture": arch},
            }))
            .expect("an index entry")
        };
        let index = OciImageIndex {
            schema_version: 2,
            media_type: Some(OCI_IMAGE_INDEX_MEDIA_TYPE.into()),
            manifests: vec![
                entry(&amd64, amd64_size, "amd64"),
                entry(&arm64, arm64_size, "arm64"),
            ],
            artifact_type: None,
            annotations: None,
        };
        Client::new(http_config())
            .push_manifest_list(&self.oci_ref(repository, tag), &push_auth(), index)
            .await
            .expect("pushing the index");
        (amd64, arm64)
    }

    /// The registry process's id.
    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    /// The temporary directory (config, htpasswd file, storage, log).
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// Polls `GET /v2/` until the registry answers with an HTTP status (401 here, since auth
    /// is on). False when the process exited or the time ran out.
    fn wait_until_ready(&mut self) -> bool {
        let deadline = Instant::now() + STARTUP_TIMEOUT;
        while Instant::now() < deadline {
            if let Ok(Some(_)) = self.child.try_wait() {
                return false;
            }
            if http_status(self.port).is_some() {
                // Another process may own the port and ours may be about to exit on it.
                std::thread::sleep(Duration::from_millis(100));
                return matches!(self.child.try_wait(), Ok(None));
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        false
    }

    fn stop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Drop for TestRegistry {
    fn drop(&mut self) {
        self.stop();
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

/// Plain HTTP, as the test registry speaks.
pub fn http_config() -> ClientConfig {
    ClientConfig {
        protocol: ClientProtocol::Http,
        ..ClientConfig::default()
    }
}

/// The registry's user and password.
pub fn push_auth() -> RegistryAuth {
    RegistryAuth::Basic(USER.into(), PASSWORD.into())
}

/// Fails with instructions when `program` cannot be run.
fn require(program: &str, args: &[&str]) {
    match Command::new(program)
        .args(args)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
    {
        Ok(_) => {}
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            panic!("`{program}` is not installed; the registry tests need it: {INSTALL_HINT}")
        }
        Err(e) => panic!("cannot run `{program}`: {e}; {INSTALL_HINT}"),
    }
}

fn temp_dir() -> PathBuf {
    static COUNTER: AtomicUsize = AtomicUsize::new(0);
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.subsec_nanos());
    let dir = std::env::temp_dir().join(format!(
        "kubepull-registry-{}-{}-{nanos}",
        std::process::id(),
        COUNTER.fetch_add(1, Ordering::Relaxed)
    ));
    std::fs::create_dir_all(dir.join("data")).expect("creating the registry's temp dir");
    dir
}

/// A port that was free a moment ago (the registry may still lose a race for it; `start`
/// retries).
fn free_port() -> u16 {
    TcpListener::bind((Ipv4Addr::LOCALHOST, 0))
        .and_then(|l| l.local_addr())
        .expect("binding 127.0.0.1:0")
        .port()
}

fn write_config(dir: &Path, port: u16) {
    let config = format!(
        "version: 0.1\n\
         log:\n  level: warn\n\
         storage:\n  filesystem:\n    rootdirectory: {data}\n\
         http:\n  addr: 127.0.0.1:{port}\n  secret: kubepull-test-upload-state\n\
         auth:\n  htpasswd:\n    realm: kubepull-test\n    path: {htpasswd}\n",
        data = dir.join("data").display(),
        htpasswd = dir.join("htpasswd").display(),
    );
    std::fs::write(dir.join("config.yml"), config).expect("writing registry config");
}

/// The status code of a plain `GET /v2/`, if anything HTTP answered.
fn http_status(port: u16) -> Option<u16> {
    let addr = SocketAddr::from((Ipv4Addr::LOCALHOST, port));
    let mut stream = TcpStream::connect_timeout(&addr, Duration::from_millis(200)).ok()?;
    stream.set_read_timeout(Some(Duration::from_secs(2))).ok()?;
    stream
        .write_all(b"GET /v2/ HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n")
        .ok()?;
    let mut head = [0u8; 12];
    stream.read_exact(&mut head).ok()?;
    let head = std::str::from_utf8(&head).ok()?;
    head.strip_prefix("HTTP/1.")?.get(2..5)?.parse().ok()
}
