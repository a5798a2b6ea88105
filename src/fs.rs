//! Reading the node credential search path from disk (feature `fs`).
//!
//! A thin layer over [`crate::searchpath`]: the working directory is the process's current
//! directory at call time and the home directory is `$HOME`, as in the kubelet. Files are
//! read with a size cap of [`MAX_CONFIG_BYTES`]; a larger
//! file counts as invalid and the search moves on. Only regular files are read: each file is
//! opened without blocking and its type checked on the open handle, so a FIFO named
//! `config.json` (which would block Go's reader forever) is skipped as unreadable.
//!
//! ```no_run
//! let config = kubepull::fs::node_config();
//! for (key, entry) in config.iter() {
//!     println!("{key}: {}", entry.username);
//! }
//! ```

// The I/O layer behind feature `fs`: it reads files and the environment, which the pure core
// may not (clippy.toml).
#![allow(clippy::disallowed_methods, clippy::disallowed_types)]

use std::fs::File;
use std::io::{self, Read};
use std::path::{Path, PathBuf};

use crate::config::{DockerConfig, MAX_CONFIG_BYTES};
use crate::searchpath::{DEFAULT_ROOT_DIR, Resolved, SearchPath, SearchPathError};

/// Reads one file for the search: `Ok(None)` if it does not exist, at most
/// `MAX_CONFIG_BYTES + 1` bytes otherwise (so an oversized file fails to parse).
///
/// The file is opened without blocking (`O_NONBLOCK` on Unix) and its type is checked on the
/// open handle, so a FIFO or a device at a candidate path is skipped instead of blocking the
/// caller, and nothing can be swapped in between the check and the read.
///
/// # Errors
///
/// Any I/O error except "not found", and `InvalidInput` for something that is not a regular
/// file.
pub fn read_capped(path: &Path) -> io::Result<Option<Vec<u8>>> {
    let file = match open_regular_file(path) {
        Ok(file) => file,
        Err(error) if error.kind() == io::ErrorKind::NotFound => return Ok(None),
        Err(error) => return Err(error),
    };
    // Sized up front so that reading does not reallocate and leave unwiped copies of the
    // file (the caller wipes the returned bytes; `SearchPath::resolve` does).
    let expected = usize::try_from(file.metadata()?.len()).unwrap_or(usize::MAX);
    let mut bytes = zeroize::Zeroizing::new(Vec::with_capacity(
        expected.min(MAX_CONFIG_BYTES).saturating_add(1),
    ));
    file.take(MAX_CONFIG_BYTES as u64 + 1)
        .read_to_end(&mut bytes)?;
    Ok(Some(std::mem::take(&mut *bytes)))
}

/// Opens `path` for reading if it is a regular file: without blocking (`O_NONBLOCK` on Unix),
/// with the type checked on the open handle, so a FIFO or a device is refused at once and
/// nothing can be swapped in between the check and the read. Callers that read untrusted
/// paths (the `kubepull` command does) cap what they read themselves.
///
/// ```no_run
/// use std::io::Read as _;
///
/// let mut bytes = Vec::new();
/// kubepull::fs::open_regular_file("pod.json".as_ref())?
///     .take(16 << 20)
///     .read_to_end(&mut bytes)?;
/// # Ok::<(), std::io::Error>(())
/// ```
///
/// # Errors
///
/// The file cannot be opened, or it is not a regular file: `InvalidInput` with the words
/// `a directory, not a regular file` (or `a FIFO`, `a socket`, `a device`).
pub fn open_regular_file(path: &Path) -> io::Result<File> {
    let file = open_nonblocking(path)?;
    let metadata = file.metadata()?;
    if !metadata.is_file() {
        return Err(io::Error::new(
            io::ErrorKind::InvalidInput,
            format!("{}, not a regular file", file_kind(&metadata)),
        ));
    }
    Ok(file)
}

/// What kind of file `metadata` describes, in words.
fn file_kind(metadata: &std::fs::Metadata) -> &'static str {
    let file_type = metadata.file_type();
    if file_type.is_dir() {
        return "a directory";
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt as _;
        if file_type.is_fifo() {
            return "a FIFO";
        }
        if file_type.is_socket() {
            return "a socket";
        }
        if file_type.is_char_device() || file_type.is_block_device() {
            return "a device";
        }
    }
    "something else"
}

/// `open(path, O_RDONLY | O_NONBLOCK)`: opening a FIFO for reading then returns at once
/// instead of waiting for a writer. On regular files the flag changes nothing.
#[cfg(unix)]
fn open_nonblocking(path: &Path) -> io::Result<File> {
    use std::os::unix::fs::OpenOptionsExt;
    std::fs::OpenOptions::new()
        .read(true)
        .custom_flags(O_NONBLOCK)
        .open(path)
}

#[cfg(not(unix))]
fn open_nonblocking(path: &Path) -> io::Result<File> {
    File::open(path)
}

/// The platform's `O_NONBLOCK` (the values of the `libc` crate, which kubepull does not
/// depend on for one constant).
#[cfg(all(
    unix,
    any(target_os = "linux", target_os = "android"),
    any(
        target_arch = "mips",
        target_arch = "mips64",
        target_arch = "mips32r6",
        target_arch = "mips64r6"
    )
))]
const O_NONBLOCK: i32 = 0x80;
#[cfg(all(
    unix,
    any(target_os = "linux", target_os = "android"),
    any(target_arch = "sparc", target_arch = "sparc64")
))]
const O_NONBLOCK: i32 = 0x4000;
#[cfg(all(
    unix,
    any(target_os = "linux", target_os = "android"),
    not(any(
        target_arch = "mips",
        target_arch = "mips64",
        target_arch = "mips32r6",
        target_arch = "mips64r6",
        target_arch = "sparc",
        target_arch = "sparc64"
    ))
))]
const O_NONBLOCK: i32 = 0o4000;
#[cfg(all(unix, not(any(target_os = "linux", target_os = "android"))))]
// macOS, iOS, the BSDs, Solaris and illumos all use 4.
const O_NONBLOCK: i32 = 0x4;

/// The search path of this process: `root_dir`, the current directory (now), and `$HOME`.
/// When the current directory cannot be determined, the candidates that need it are left
/// out, as the kubelet skips them.
pub fn search_path(root_dir: impl AsRef<Path>) -> SearchPath {
    let home = std::env::var_os("HOME")
        .filter(|home| !home.is_empty())
        .map(PathBuf::from);
    match std::env::current_dir() {
        Ok(working_dir) => SearchPath::new(root_dir, working_dir, home),
        Err(_) => SearchPath::without_working_dir(root_dir, home),
    }
}

/// Searches the disk from `root_dir` (the kubelet's `--root-dir`) as the kubelet does.
///
/// # Errors
///
/// [`SearchPathError`] when no valid file exists.
pub fn resolve(root_dir: impl AsRef<Path>) -> Result<Resolved, SearchPathError> {
    search_path(root_dir).resolve(read_capped)
}

/// The node keyring's input: the config from the default root dir (`/var/lib/kubelet`),
/// or an empty config when nothing valid is found, exactly as the kubelet's default
/// provider behaves.
pub fn node_config() -> DockerConfig {
    node_config_from(DEFAULT_ROOT_DIR)
}

/// [`node_config`] with another root dir.
pub fn node_config_from(root_dir: impl AsRef<Path>) -> DockerConfig {
    resolve(root_dir)
        .map(|found| found.config)
        .unwrap_or_default()
}
