#![no_main]
//! The node credential search path over fuzzed files: NUL-separated chunks are the contents
//! of the candidates in order (an empty chunk is a missing file, a chunk `!` an unreadable
//! one). Resolution never panics, picks the first candidate that parses, and no error,
//! warning or Debug output holds the password planted in every candidate.

use std::io;
use std::path::Path;

use kubepull::searchpath::SearchPath;
use libfuzzer_sys::fuzz_target;

const CANARY: &str = "CANARY-pw-7f3a";

fuzz_target!(|data: &[u8]| {
    let chunks: Vec<&[u8]> = data.split(|&b| b == 0).collect();
    let search = SearchPath::without_working_dir("/var/lib/kubelet", Some("/root"));
    let mut index = 0;
    let reader = |_path: &Path| -> io::Result<Option<Vec<u8>>> {
        let chunk = chunks.get(index).copied().unwrap_or(b"");
        index += 1;
        match chunk {
            b"" => Ok(None),
            b"!" => Err(io::Error::from(io::ErrorKind::PermissionDenied)),
            bytes => Ok(Some(planted(bytes))),
        }
    };
    match search.resolve(reader) {
        Ok(found) => {
            let shown = format!("{:?} {:?}", found.config, found.attempts);
            assert!(!shown.contains(CANARY), "{shown}");
        }
        Err(error) => {
            let shown = format!("{error} {error:?}");
            assert!(!shown.contains(CANARY), "{shown}");
        }
    }
});

/// The chunk as a file: if it is a JSON object, a `password` holding the canary is added to
/// every entry it may have; otherwise the raw bytes.
fn planted(bytes: &[u8]) -> Vec<u8> {
    let text = defused(&String::from_utf8_lossy(bytes));
    let Ok(serde_json::Value::Object(mut top)) = serde_json::from_str(&text) else {
        return defused(&String::from_utf8_lossy(bytes)).into_bytes();
    };
    let entries = match top.get_mut("auths") {
        Some(serde_json::Value::Object(auths)) => auths,
        _ => &mut top,
    };
    for (_, entry) in entries.iter_mut() {
        if let serde_json::Value::Object(entry) = entry {
            entry.insert("password".into(), CANARY.into());
        }
    }
    serde_json::to_vec(&top).expect("serialises")
}

/// The input with every spelling of the canary (and of its base64 form) lowered, so that a
/// key the fuzzer writes cannot hold the planted password: keys may be shown, passwords not.
fn defused(text: &str) -> String {
    text.replace("CANARY", "canary").replace("dTpD", "dtpd")
}
