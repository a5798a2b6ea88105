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

use std::collections::HashMap as StdHashMap;
use std::hash::{BuildHasher, Hasher, RandomState};

use super::pattern::{Compiled, DOCKER_HUB_KEY, RegistryKey, Target, compile};
use super::{Credential, KeyringOptions};

/// The index's maps: std's, with a faster keyed hash than SipHash for its short byte keys.
type HashMap<K, V> = StdHashMap<K, V, FoldState>;

/// Seeds for [`FoldHasher`], drawn from std's per-process random keys, so that which keys
/// collide cannot be known in advance (the keys come from pull secrets). A folded 64×64-bit
/// multiply per 8 bytes, in the manner of foldhash: not cryptographic, and several times
/// cheaper than SipHash-1-3 on keys of 10 to 40 bytes (profiled: about 190 instructions per
/// SipHash of a host name, most of a lookup's cost).
#[derive(Clone)]
struct FoldState {
    seed: u64,
    multiplier: u64,
}

impl Default for FoldState {
    fn default() -> Self {
        let random = RandomState::new();
        FoldState {
            seed: random.hash_one(0x243f_6a88_85a3_08d3_u64),
            multiplier: random.hash_one(0x1319_8a2e_0370_7344_u64) | 1,
        }
    }
}

impl BuildHasher for FoldState {
    type Hasher = FoldHasher;
    fn build_hasher(&self) -> FoldHasher {
        FoldHasher {
            acc: self.seed,
            multiplier: self.multiplier,
        }
    }
}

struct FoldHasher {
    acc: u64,
    multiplier: u64,
}

/// The high and low halves of the 128-bit product, folded together.
#[inline(always)]
fn fold_mul(a: u64, b: u64) -> u64 {
    let product = u128::from(a) * u128::from(b);
    (product as u64) ^ ((product >> 64) as u64)
}

impl Hasher for FoldHasher {
    #[inline]
    fn write(&mut self, bytes: &[u8]) {
        let mut acc = self.acc;
        let mut words = bytes.chunks_exact(8);
        for word in &mut words {
            let mut w = [0u8; 8];
            w.copy_from_slice(word);
            acc = fold_mul(acc ^ u64::from_le_bytes(w), self.multiplier);
        }
        let rest = words.remainder();
        if !rest.is_empty() {
            let mut w = [0u8; 8];
            w[..rest.len()].copy_from_slice(rest);
            acc = fold_mul(
                acc ^ u64::from_le_bytes(w),
                self.multiplier ^ rest.len() as u64,
            );
        }
        self.acc = acc;
    }

    #[inline]
    fn write_usize(&mut self, n: usize) {
        self.acc = fold_mul(self.acc ^ n as u64, self.multiplier);
    }

    #[inline]
    fn finish(&self) -> u64 {
        fold_mul(self.acc, self.multiplier.rotate_left(29) | 1)
    }
}

/// The entries filed under one (bucket, path): almost always exactly one.
enum Postings {
    One(usize),
    Many(Vec<usize>),
}

impl Postings {
    fn push(&mut self, entry: usize) {
        match self {
            Postings::One(first) => *self = Postings::Many(vec![*first, entry]),
            Postings::Many(entries) => entries.push(entry),
        }
    }

    fn visit(&self, visit: &mut impl FnMut(usize)) {
        match self {
            Postings::One(entry) => visit(*entry),
            Postings::Many(entries) => entries.iter().for_each(|&e| visit(e)),
        }
    }
}

/// Keys filed under one host (or one glob bucket), by path. Most buckets hold one path, kept
/// inline; buckets with several are hashed, and only the path lengths in use are probed.
enum PathGroup {
    One(Box<[u8]>, Postings),
    Many {
        by_path: HashMap<Box<[u8]>, Postings>,
        /// Distinct path lengths in `by_path`, ascending.
        lengths: Vec<usize>,
    },
}

impl PathGroup {
    fn new(path: &[u8], entry: usize) -> PathGroup {
        PathGroup::One(path.into(), Postings::One(entry))
    }

    fn insert(&mut self, path: &[u8], entry: usize) {
        match self {
            PathGroup::One(only, postings) if **only == *path => postings.push(entry),
            PathGroup::One(..) => {
                let PathGroup::One(only, postings) = std::mem::replace(
                    self,
                    PathGroup::Many {
                        by_path: HashMap::default(),
                        lengths: Vec::new(),
                    },
                ) else {
                    unreachable!("matched One above")
                };
                if let PathGroup::Many { by_path, lengths } = self {
                    lengths.push(only.len());
                    by_path.insert(only, postings);
                }
                self.insert(path, entry);
            }
            PathGroup::Many { by_path, lengths } => match by_path.get_mut(path) {
                Some(postings) => postings.push(entry),
                None => {
                    by_path.insert(path.into(), Postings::One(entry));
                    if let Err(at) = lengths.binary_search(&path.len()) {
                        lengths.insert(at, path.len());
                    }
                }
            },
        }
    }

    /// Visits every entry whose path is a byte prefix of `path`.
    fn visit(&self, path: &[u8], visit: &mut impl FnMut(usize)) {
        match self {
            PathGroup::One(only, postings) => {
                if path.starts_with(only) {
                    postings.visit(visit);
                }
            }
            PathGroup::Many { by_path, lengths } => {
                for &len in lengths {
                    if len > path.len() {
                        break;
                    }
                    if let Some(postings) = by_path.get(&path[..len]) {
                        postings.visit(visit);
                    }
                }
            }
        }
    }
}

/// bucket key → path group, with an insert that only copies the key for a new bucket.
#[derive(Default)]
struct Buckets(HashMap<Box<[u8]>, PathGroup>);

impl Buckets {
    fn insert(&mut self, bucket: &[u8], path: &[u8], entry: usize) {
        match self.0.get_mut(bucket) {
            Some(group) => group.insert(path, entry),
            None => {
                self.0.insert(bucket.into(), PathGroup::new(path, entry));
            }
        }
    }

    fn get(&self, bucket: &[u8]) -> Option<&PathGroup> {
        self.0.get(bucket)
    }
}

/// Glob keys of one (label count, port), by literal suffix, with the suffix label counts in
/// use so that a lookup probes only those.
#[derive(Default)]
struct GlobBuckets {
    by_suffix: Buckets,
    /// Distinct numbers of literal labels after the last glob label, ascending.
    suffix_labels: Vec<usize>,
}

impl GlobBuckets {
    fn insert(&mut self, suffix: &[u8], suffix_labels: usize, path: &[u8], entry: usize) {
        self.by_suffix.insert(suffix, path, entry);
        if let Err(at) = self.suffix_labels.binary_search(&suffix_labels) {
            self.suffix_labels.insert(at, suffix_labels);
        }
    }
}

/// How many labels the literal suffix `suffix` of `hostname` (with `label_count` labels)
/// holds. The suffix alone cannot tell: `""` is no label after `a.*` but one (empty) label
/// after `*.`.
fn literal_labels(hostname: &[u8], label_count: usize, suffix: &[u8]) -> usize {
    let prefix = &hostname[..hostname.len() - suffix.len()];
    let dots = prefix.iter().filter(|&&b| b == b'.').count();
    let prefix_labels = dots + usize::from(!prefix.ends_with(b"."));
    label_count - prefix_labels
}

struct Entry {
    /// `None`: the key no longer parses as a URL, so it matches nothing.
    compiled: Option<Compiled>,
    /// The entry's credentials, `credentials[start..end]` of the layer, in the order added;
    /// never empty.
    start: u32,
    end: u32,
}

/// Bytes `from..from + 16` of a key as a big-endian number (zero-padded), which orders like
/// the bytes themselves (ties are broken on the whole key).
fn chunk(key: &[u8], from: usize) -> u128 {
    let mut bytes = [0u8; 16];
    let rest = key.get(from..).unwrap_or_default();
    let n = rest.len().min(16);
    bytes[..n].copy_from_slice(&rest[..n]);
    u128::from_be_bytes(bytes)
}

/// An indexed `BasicDockerKeyring`.
#[derive(Default)]
pub(crate) struct Layer {
    /// In the kubelet's index order: keys deduplicated, descending by bytes.
    entries: Vec<Entry>,
    /// Every credential, in index order (the entries' ranges).
    credentials: Vec<Credential>,
    /// (port, host name) of keys without globs. Keyed by port first: ports are few.
    literal: HashMap<Box<[u8]>, Buckets>,
    /// (label count, port, literal suffix) of keys with globs.
    globs: HashMap<usize, HashMap<Box<[u8]>, GlobBuckets>>,
    /// Entries the Docker Hub fallback returns.
    hub: Vec<usize>,
}

impl Layer {
    /// Builds the index from credentials in the order they were added.
    pub(crate) fn build(credentials: Vec<Credential>, options: &KeyringOptions) -> Layer {
        // Go's index: keys deduplicated and sorted in reverse byte order. Ties keep the order
        // of addition, which is the order of a key's credentials.
        //
        // Sort (first 32 bytes, bytes, position) so most comparisons touch neither the
        // credential nor the key's heap block: with 100,000 keys those blocks are all over
        // memory, and keys often share a 16-byte prefix (`*.dkr.ecr.region-…`).
        let mut keyed: Vec<(u128, u128, &[u8], u32)> = credentials
            .iter()
            .enumerate()
            .map(|(i, c)| {
                let key = c.key.as_bytes();
                // Positions fit in u32: four billion credentials do not fit in memory.
                (chunk(key, 0), chunk(key, 16), key, i as u32)
            })
            .collect();
        keyed.sort_unstable_by(|a, b| {
            (b.0, b.1)
                .cmp(&(a.0, a.1))
                .then_with(|| b.2.cmp(a.2))
                .then(a.3.cmp(&b.3))
        });
        // Where each distinct key starts in the sorted order.
        let mut starts: Vec<u32> = Vec::new();
        for (n, w) in keyed.iter().enumerate() {
            let same = n > 0 && {
                let v = &keyed[n - 1];
                (v.0, v.1) == (w.0, w.1) && v.2 == w.2
            };
            if !same {
                starts.push(n as u32);
            }
        }
        let order: Vec<u32> = keyed.into_iter().map(|(_, _, _, i)| i).collect();
        let mut slots: Vec<Option<Credential>> = credentials.into_iter().map(Some).collect();
        let credentials: Vec<Credential> = order
            .iter()
            .filter_map(|&i| slots[i as usize].take())
            .collect();
        drop(slots);

        let mut layer = Layer {
            entries: Vec::with_capacity(starts.len()),
            ..Layer::default()
        };
        for (index, &start) in starts.iter().enumerate() {
            let end = starts
                .get(index + 1)
                .copied()
                .unwrap_or(credentials.len() as u32);
            let key: &RegistryKey = &credentials[start as usize].key;
            let is_hub = if options.case_insensitive_hosts {
                key.as_bytes()
                    .eq_ignore_ascii_case(DOCKER_HUB_KEY.as_bytes())
            } else {
                key.as_bytes() == DOCKER_HUB_KEY.as_bytes()
            };
            if is_hub {
                layer.hub.push(index);
            }
            // The kubelet re-parses the normalised key at every lookup; here, once.
            let compiled = compile(key.as_bytes(), options.case_insensitive_hosts).ok();
            if let Some(c) = compiled.as_ref().filter(|c| c.valid) {
                match c.literal_suffix() {
                    None => match layer.literal.get_mut(&*c.port) {
                        Some(hosts) => hosts.insert(&c.hostname, &c.path, index),
                        None => {
                            let mut hosts = Buckets::default();
                            hosts.insert(&c.hostname, &c.path, index);
                            layer.literal.insert(c.port.clone(), hosts);
                        }
                    },
                    Some(suffix) => {
                        let labels = literal_labels(&c.hostname, c.label_count(), suffix);
                        let ports = layer.globs.entry(c.label_count()).or_default();
                        match ports.get_mut(&*c.port) {
                            Some(suffixes) => suffixes.insert(suffix, labels, &c.path, index),
                            None => {
                                let mut suffixes = GlobBuckets::default();
                                suffixes.insert(suffix, labels, &c.path, index);
                                ports.insert(c.port.clone(), suffixes);
                            }
                        }
                    }
                }
            }
            layer.entries.push(Entry {
                compiled,
                start,
                end,
            });
        }
        layer.credentials = credentials;
        layer
    }

    /// Visits the index of every entry whose key matches `target`, in no particular order
    /// and possibly more than once (a `*.` key is reached by two probes). Allocates nothing:
    /// at most `1 + suffix label counts in use` hash probes per path length in use.
    pub(crate) fn visit_matches(
        &self,
        target: &Target<'_>,
        options: &KeyringOptions,
        mut visit: impl FnMut(usize),
    ) {
        let mut check = |i: usize| {
            if self.entries[i]
                .compiled
                .as_ref()
                .is_some_and(|c| c.matches_target(target, options.path_segment_boundaries))
            {
                visit(i);
            }
        };
        if !self.literal.is_empty() {
            if let Some(group) = self
                .literal
                .get(target.port())
                .and_then(|hosts| hosts.get(target.hostname()))
            {
                group.visit(&target.path, &mut check);
            }
        }
        if !self.globs.is_empty() {
            if let Some(suffixes) = self
                .globs
                .get(&target.label_count)
                .and_then(|ports| ports.get(target.port()))
            {
                for &labels in &suffixes.suffix_labels {
                    if labels >= target.label_count {
                        break;
                    }
                    if let Some(group) = suffixes.by_suffix.get(target.hostname_suffix(labels)) {
                        group.visit(&target.path, &mut check);
                    }
                }
            }
        }
    }

    /// The entries the Docker Hub fallback offers, in index order.
    pub(crate) fn hub(&self) -> &[usize] {
        &self.hub
    }

    /// The credentials of entry `i`, in the order added.
    pub(crate) fn entry_credentials(&self, i: usize) -> &[Credential] {
        let e = &self.entries[i];
        &self.credentials[e.start as usize..e.end as usize]
    }

    /// The keys in index order.
    pub(crate) fn keys(&self) -> impl Iterator<Item = &RegistryKey> {
        self.entries
            .iter()
            .map(|e| &self.credentials[e.start as usize].key)
    }

    /// Every credential in index order.
    pub(crate) fn credentials(&self) -> impl Iterator<Item = &Credential> {
        self.credentials.iter()
    }
}
