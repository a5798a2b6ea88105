//! Reading the user's files: only regular files and stdin (`-`), each under a size cap,
//! refused at once otherwise (a FIFO would block, `/dev/zero` never ends).

use std::fs::File;
use std::io::Read;

use kubepull::pod::Objects;
use zeroize::Zeroizing;

use crate::InputError;

/// The name that reads stdin.
pub const STDIN: &str = "-";

/// The cap on every input, the library's: [`kubepull::pod::MAX_OBJECTS_BYTES`] (16 MiB).
pub const MAX_INPUT_BYTES: usize = kubepull::pod::MAX_OBJECTS_BYTES;

/// The bytes of `path` (or stdin for `-`), wiped on drop since they may hold passwords.
///
/// # Errors
///
/// The path is not a regular file, cannot be read, or holds more than [`MAX_INPUT_BYTES`].
pub fn read(path: &str) -> Result<Zeroizing<Vec<u8>>, InputError> {
    let limit = MAX_INPUT_BYTES;
    let mut bytes = Zeroizing::new(Vec::new());
    if path == STDIN {
        std::io::stdin()
            .lock()
            .take(limit as u64 + 1)
            .read_to_end(&mut bytes)
            .map_err(|e| InputError(format!("cannot read stdin: {e}")))?;
    } else {
        let mut file = open_regular(path)?;
        file.by_ref()
            .take(limit as u64 + 1)
            .read_to_end(&mut bytes)
            .map_err(|e| InputError(format!("cannot read {path}: {e}")))?;
    }
    if bytes.len() > limit {
        let name = if path == STDIN { "stdin" } else { path };
        return Err(InputError(format!(
            "{name} is larger than {limit} bytes, the most kubepull reads"
        )));
    }
    Ok(bytes)
}

/// Opens `path` if it is a regular file, without blocking on a FIFO (the library's
/// `kubepull::fs::open_regular_file`), and refuses one larger than the cap at once.
fn open_regular(path: &str) -> Result<File, InputError> {
    let file = kubepull::fs::open_regular_file(path.as_ref()).map_err(|e| {
        if e.kind() == std::io::ErrorKind::InvalidInput {
            InputError(format!(
                "{path} is {e}; kubepull reads only regular files and stdin (-)"
            ))
        } else {
            InputError(format!("cannot read {path}: {e}"))
        }
    })?;
    let len = file
        .metadata()
        .map_err(|e| InputError(format!("cannot read {path}: {e}")))?
        .len();
    if len > MAX_INPUT_BYTES as u64 {
        return Err(InputError(format!(
            "{path} is {len} bytes, larger than {MAX_INPUT_BYTES}, the most kubepull reads"
        )));
    }
    Ok(file)
}

/// The Kubernetes objects in `path`: JSON or YAML, one object or a `kind: List`.
///
/// # Errors
///
/// As [`read`], or the content is not Kubernetes objects.
pub fn objects(path: &str) -> Result<Objects, InputError> {
    let bytes = read(path)?;
    Objects::from_slice(&bytes).map_err(|e| InputError(format!("{}: {e}", display_name(path))))
}

/// How an input is named in messages: as the user gave it, `stdin` for `-`.
pub fn display_name(path: &str) -> &str {
    if path == STDIN { "stdin" } else { path }
}
