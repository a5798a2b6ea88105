//! One `BasicDockerKeyring`, indexed: keys normalised, deduplicated and sorted once at build,
//! then found by hash instead of by scanning.
//!
//! Candidates come from two maps. Keys without glob syntax in the host are filed under
//! (port, host name); keys with globs under (label count, port, the literal labels after the
//! last glob label). A lookup probes the target's own (port, host name) and, for each label
//! suffix of the target, the glob map: at most `labels + 1` hash probes per path length in
//! use, whatever the number of keys. Within a bucket, keys are filed by their path, and only
//! the path lengths that occur are probed. Every candidate is then checked with the full
//! `URLsMatch` rule, so the index only ever narrows, never decides.

use std::collections::HashMap;

use super::pattern::{DOCKER_HUB_KEY, RegistryKey, RegistryPattern, Target};
use super::{Credential, KeyringOptions, is_default_registry_match_with};

/// Keys filed under one host (or one glob bucket), by path.
#[derive(Default)]
struct PathGroup {
    by_path: HashMap<Box<[u8]>, Vec<usize>>,
    /// Distinct path lengths in `by_path`, ascending.
    lengths: Vec<usize>,
}

impl PathGroup {
    fn insert(&mut self, path: &[u8], entry: usize) {
        self.by_path.entry(path.into()).or_default().push(entry);
        if let Err(at) = self.lengths.binary_search(&path.len()) {
            self.lengths.insert(at, path.len());
        }
    }

    /// Adds every entry whose path is a byte prefix of `path`.
    fn collect(&self, path: &[u8], hits: &mut Vec<usize>) {
        for &len in &self.lengths {
            if len > path.len() {
                break;
            }
            if let Some(entries) = self.by_path.get(&path[..len]) {
                hits.extend_from_slice(entries);
            }
        }
    }
}

type Buckets = HashMap<Box<[u8]>, HashMap<Box<[u8]>, PathGroup>>;

struct Entry {
    key: RegistryKey,
    pattern: RegistryPattern,
    credentials: Vec<Credential>,
}

/// An indexed `BasicDockerKeyring`.
#[derive(Default)]
pub(crate) struct Layer {
    /// In the kubelet's index order: keys deduplicated, descending by bytes.
    entries: Vec<Entry>,
    /// port → host name → keys without globs.
    literal: Buckets,
    /// label count → port → literal suffix → keys with globs.
    globs: HashMap<usize, Buckets>,
    /// Entries the Docker Hub fallback returns.
    hub: Vec<usize>,
}

impl Layer {
    /// Builds the index from credentials in the order they were added.
    pub(crate) fn build(credentials: Vec<Credential>, options: &KeyringOptions) -> Layer {
        let mut slot: HashMap<RegistryKey, usize> = HashMap::new();
        let mut grouped: Vec<(RegistryKey, Vec<Credential>)> = Vec::new();
        for credential in credentials {
            match slot.get(&credential.key) {
                Some(&i) => grouped[i].1.push(credential),
                None => {
                    slot.insert(credential.key.clone(), grouped.len());
                    grouped.push((credential.key.clone(), vec![credential]));
                }
            }
        }
        drop(slot);
        // Go sorts the deduplicated index in reverse byte order.
        grouped.sort_unstable_by(|a, b| b.0.cmp(&a.0));

        let mut layer = Layer::default();
        for (i, (key, credentials)) in grouped.into_iter().enumerate() {
            let index = i;
            let pattern = RegistryPattern::from_key(&key, options);
            let is_hub = if options.case_insensitive_hosts {
                key.as_bytes()
                    .eq_ignore_ascii_case(DOCKER_HUB_KEY.as_bytes())
            } else {
                key.as_bytes() == DOCKER_HUB_KEY.as_bytes()
            };
            if is_hub {
                layer.hub.push(index);
            }
            if let Some(c) = pattern.compiled().filter(|c| c.valid) {
                let group = match c.literal_suffix() {
                    None => layer
                        .literal
                        .entry(c.port.clone())
                        .or_default()
                        .entry(c.hostname.clone())
                        .or_default(),
                    Some(suffix) => layer
                        .globs
                        .entry(c.label_count())
                        .or_default()
                        .entry(c.port.clone())
                        .or_default()
                        .entry(suffix.into())
                        .or_default(),
                };
                group.insert(&c.path, index);
            }
            layer.entries.push(Entry {
                key,
                pattern,
                credentials,
            });
        }
        layer
    }

    /// `BasicDockerKeyring.Lookup`: the credentials of every matching key in index order, or
    /// else the Docker Hub fallback. `target` is `image` parsed (None if Go cannot parse it).
    pub(crate) fn lookup<'a>(
        &'a self,
        image: &str,
        target: Option<&Target<'_>>,
        options: &KeyringOptions,
        out: &mut Vec<&'a Credential>,
    ) {
        let mut hits = Vec::new();
        if let Some(t) = target {
            if let Some(group) = self
                .literal
                .get(t.port())
                .and_then(|hosts| hosts.get(t.hostname()))
            {
                group.collect(&t.path, &mut hits);
            }
            if let Some(suffixes) = self
                .globs
                .get(&t.label_count)
                .and_then(|ports| ports.get(t.port()))
            {
                for labels in 0..t.label_count {
                    if let Some(group) = suffixes.get(t.hostname_suffix(labels)) {
                        group.collect(&t.path, &mut hits);
                    }
                }
            }
            hits.retain(|&i| {
                self.entries[i]
                    .pattern
                    .matches_target(t, options.path_segment_boundaries)
            });
            hits.sort_unstable();
        }
        if hits.is_empty() && is_default_registry_match_with(image, options) {
            hits.extend_from_slice(&self.hub);
        }
        for i in hits {
            out.extend(self.entries[i].credentials.iter());
        }
    }

    /// The keys in index order.
    pub(crate) fn keys(&self) -> impl Iterator<Item = &RegistryKey> {
        self.entries.iter().map(|e| &e.key)
    }

    /// Every credential in index order.
    pub(crate) fn credentials(&self) -> impl Iterator<Item = &Credential> {
        self.entries.iter().flat_map(|e| e.credentials.iter())
    }
}
