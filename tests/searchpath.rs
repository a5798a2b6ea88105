//! The node credential search path (Kubernetes v1.35 `pkg/credentialprovider/config.go`
//! `ReadDockerConfigFile`, `ReadDockerConfigJSONFile`) over an
//! in-memory file system; data in tests/data/config/searchpath_*.jsonl.

mod common;

use common::rows;

use std::collections::BTreeMap;
use std::io;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use kubepull::searchpath::{CACHE_LIFETIME, ConfigFormat, NodeConfigCache, Outcome, SearchPath};
use serde_json::Value;

fn search_path(row: &Value) -> SearchPath {
    SearchPath::new(
        row["root"].as_str().unwrap(),
        row["cwd"].as_str().unwrap(),
        row["home"].as_str(),
    )
}

/// An in-memory file system: path → contents, or an I/O error for `{"unreadable": true}`.
fn reader(row: &Value) -> impl FnMut(&Path) -> io::Result<Option<Vec<u8>>> + use<> {
    let files: BTreeMap<PathBuf, Value> = row["files"]
        .as_object()
        .unwrap()
        .iter()
        .map(|(path, value)| (PathBuf::from(path), value.clone()))
        .collect();
    move |path: &Path| match files.get(path) {
        None => Ok(None),
        Some(Value::String(text)) => Ok(Some(text.as_bytes().to_vec())),
        Some(_) => Err(io::Error::from(io::ErrorKind::PermissionDenied)),
    }
}

#[test]
fn candidate_order_3_1() {
    for row in rows("config/searchpath_candidates.jsonl") {
        let id = row["id"].as_str().unwrap();
        let search = search_path(&row);
        let candidates = search.candidates();
        let paths: Vec<&str> = candidates
            .iter()
            .map(|c| c.path.to_str().unwrap())
            .collect();
        let want: Vec<&str> = row["candidates"]
            .as_array()
            .unwrap()
            .iter()
            .map(|v| v.as_str().unwrap())
            .collect();
        assert_eq!(paths, want, "{id}");
        let formats: Vec<ConfigFormat> = candidates.iter().map(|c| c.format).collect();
        assert_eq!(formats[..4], [ConfigFormat::ConfigJson; 4], "{id}");
        assert_eq!(formats[4..], [ConfigFormat::Dockercfg; 4], "{id}");
        // Nothing exists: the kubelet's errors, with its directory lists.
        let error = search.resolve(|_: &Path| Ok(None)).unwrap_err();
        assert_eq!(error.to_string(), row["error"].as_str().unwrap(), "{id}");
        assert_eq!(
            error.config_json_message(),
            row["config_json_error"].as_str().unwrap(),
            "{id}"
        );
        assert_eq!(error.attempts().len(), 8, "{id}");
    }
}

#[test]
fn resolution_3_1_and_3_4() {
    for row in rows("config/searchpath_resolve.jsonl") {
        let id = row["id"].as_str().unwrap();
        let search = search_path(&row);
        match (search.resolve(reader(&row)), row.get("error")) {
            (Ok(found), None) => {
                assert_eq!(found.path, Path::new(row["path"].as_str().unwrap()), "{id}");
                let keys: Vec<&str> = found.config.iter().map(|(key, _)| key).collect();
                let want: Vec<&str> = row["keys"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .map(|v| v.as_str().unwrap())
                    .collect();
                assert_eq!(keys, want, "{id}");
                assert_eq!(
                    found.attempts.last().unwrap().outcome,
                    Outcome::Found,
                    "{id}"
                );
                assert_eq!(
                    found.attempts.last().unwrap().candidate.path,
                    found.path,
                    "{id}"
                );
                if let Some(outcomes) = row.get("outcomes") {
                    let tried: Vec<&str> = found
                        .attempts
                        .iter()
                        .filter(|a| a.outcome != Outcome::Missing)
                        .map(|a| match a.outcome {
                            Outcome::Invalid(_) => "invalid",
                            Outcome::Unreadable(_) => "unreadable",
                            Outcome::Found => "found",
                            _ => "other",
                        })
                        .collect();
                    let want: Vec<&str> = outcomes
                        .as_array()
                        .unwrap()
                        .iter()
                        .map(|v| v.as_str().unwrap())
                        .collect();
                    assert_eq!(tried, want, "{id}");
                }
                let node = search.node_config(reader(&row));
                assert_eq!(node, found.config, "{id}: node_config");
            }
            (Err(error), Some(text)) => {
                assert_eq!(error.to_string(), text.as_str().unwrap(), "{id}");
                assert!(
                    search.node_config(reader(&row)).is_empty(),
                    "{id}: empty on error"
                );
                let rendered = format!("{error:?}");
                assert!(!rendered.contains("cGFudHM"), "{id}: leaked {rendered}");
            }
            (result, _) => panic!("{id}: unexpected {result:?}"),
        }
    }
}

#[test]
fn unknown_working_dir_leaves_relative_candidates_out() {
    let search = SearchPath::without_working_dir("/var/lib/kubelet", Some("/root"));
    let paths: Vec<PathBuf> = search.candidates().into_iter().map(|c| c.path).collect();
    let want = [
        "/var/lib/kubelet/config.json",
        "/root/.docker/config.json",
        "/.docker/config.json",
        "/var/lib/kubelet/.dockercfg",
        "/root/.dockercfg",
        "/.dockercfg",
    ];
    assert_eq!(paths, want.map(PathBuf::from));
}

#[test]
fn oversized_file_is_skipped() {
    let search = SearchPath::new("/k", "/w", Some("/h"));
    let found = search
        .resolve(|path: &Path| {
            Ok(match path.to_str().unwrap() {
                "/k/config.json" => Some(vec![b' '; kubepull::config::MAX_CONFIG_BYTES + 1]),
                "/w/config.json" => Some(b"{}".to_vec()),
                _ => None,
            })
        })
        .unwrap();
    assert_eq!(found.path, Path::new("/w/config.json"));
    match &found.attempts[0].outcome {
        Outcome::Invalid(error) => {
            assert_eq!(error.kind(), kubepull::config::ConfigErrorKind::TooLarge)
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn cache_is_a_value_with_an_injected_clock() {
    assert_eq!(CACHE_LIFETIME, Duration::from_secs(300));
    let start = Instant::now();
    let mut cache: NodeConfigCache<&str> = NodeConfigCache::new();
    assert_eq!(cache.get(start), None);
    let mut reads = 0;
    let mut read = |value| {
        reads += 1;
        value
    };
    assert_eq!(*cache.get_or_refresh(start, || read("first")), "first");
    let almost = start + CACHE_LIFETIME - Duration::from_nanos(1);
    assert_eq!(*cache.get_or_refresh(almost, || read("second")), "first");
    // Go's `time.Now().Before(expiration)`: at exactly the expiry the cache is refreshed.
    let expiry = start + CACHE_LIFETIME;
    assert_eq!(*cache.get_or_refresh(expiry, || read("third")), "third");
    assert_eq!(cache.get(expiry + Duration::from_secs(299)), Some(&"third"));
    assert_eq!(cache.get(expiry + CACHE_LIFETIME), None);
    assert_eq!(reads, 2);
}

#[cfg(feature = "fs")]
#[test]
fn fs_reads_a_real_directory() {
    let root = std::env::temp_dir().join(format!("kubepull-searchpath-{}", std::process::id()));
    std::fs::create_dir_all(&root).unwrap();
    assert_eq!(
        kubepull::fs::read_capped(&root.join("missing")).unwrap(),
        None
    );
    // A directory named config.json is unreadable and skipped.
    std::fs::create_dir_all(root.join("config.json")).unwrap();
    assert!(kubepull::fs::read_capped(&root.join("config.json")).is_err());
    std::fs::write(
        root.join(".dockercfg"),
        br#"{"fs.io":{"auth":"Zm9vOmJhcg=="}}"#,
    )
    .unwrap();
    let found = kubepull::fs::resolve(&root);
    // The working directory, $HOME and / may hold real files on this machine; only assert
    // when ours is the one found, which is the case on a clean machine.
    if let Ok(found) = found {
        if found.path.starts_with(&root) {
            assert_eq!(found.config.get("fs.io").unwrap().username, "foo");
        }
    }
    let search = kubepull::fs::search_path(&root);
    assert_eq!(search.candidates()[0].path, root.join("config.json"));
    let direct =
        SearchPath::without_working_dir(&root, None::<&str>).node_config(kubepull::fs::read_capped);
    assert_eq!(direct.get("fs.io").unwrap().username, "foo");
    std::fs::remove_dir_all(&root).unwrap();
}
