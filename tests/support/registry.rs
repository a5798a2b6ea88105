//! A throw-away `docker-registry` (distribution 2.8, Debian's package) on 127.0.0.1 with
//! htpasswd auth, in its own temporary directory; killed and removed on drop, also when the
//! test panics.
//!
//! `docker-registry` and `htpasswd` (apache2-utils) must be installed: a missing binary fails
//! the test with instructions, unless `KUBEPULL_SKIP_REGISTRY_TESTS=1` is set, in which case
//! [`TestRegistry::start`] returns `None` and the test returns early.

use std::io::{Read, Write};
use std::net::{Ipv4Addr, SocketAddr, TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

/// The user the registry accepts.
pub const USER: &str = "alice";
/// Its password.
pub const PASSWORD: &str = "right-password";

const SKIP_VAR: &str = "KUBEPULL_SKIP_REGISTRY_TESTS";
const INSTALL_HINT: &str = "install them with `apt-get install docker-registry apache2-utils` \
     (CI does), or set KUBEPULL_SKIP_REGISTRY_TESTS=1 to skip the registry tests";
const STARTUP_TIMEOUT: Duration = Duration::from_secs(30);
const START_TRIES: usize = 3;

/// A running registry.
pub struct TestRegistry {
    child: Child,
    dir: PathBuf,
    port: u16,
}

impl TestRegistry {
    /// Starts a registry, or returns `None` when registry tests are skipped.
    ///
    /// # Panics
    ///
    /// When `docker-registry` or `htpasswd` is missing (and tests are not skipped), or the
    /// registry does not come up.
    pub fn start() -> Option<TestRegistry> {
        if std::env::var(SKIP_VAR).is_ok_and(|v| v == "1") {
            eprintln!("{SKIP_VAR}=1: skipping a test that needs docker-registry");
            return None;
        }
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
                return Some(registry);
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
