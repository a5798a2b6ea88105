//! Go's `BasicDockerKeyring.Lookup`, written as plainly as possible over the public pattern
//! type: per source kind, reverse-sorted normalised keys, `URLsMatchStr` on every key, then the
//! Docker Hub fallback. The reference the indexed keyring is checked against, shared by
//! `tests/keyring_diff.rs` and the `keyring_diff` fuzz target.

use kubepull::keyring::{
    DOCKER_HUB_KEY, KeyringOptions, RegistryKey, RegistryPattern, is_default_registry_match_with,
};

/// `entries` are (source kind 0 secret / 1 node / 2 provider, key as written, user); returns the
/// users in the order the kubelet would try them.
pub fn linear_lookup<K: AsRef<str>, U: AsRef<str>>(
    entries: &[(usize, K, U)],
    image: &str,
    options: &KeyringOptions,
) -> Vec<String> {
    let mut out = Vec::new();
    for layer in 0..3 {
        let mut index: Vec<(RegistryKey, Vec<String>)> = Vec::new();
        for (l, key, user) in entries {
            if *l != layer {
                continue;
            }
            let Ok(key) = RegistryKey::normalize(key.as_ref()) else {
                continue;
            };
            let user = user.as_ref().to_owned();
            match index.iter_mut().find(|(k, _)| *k == key) {
                Some((_, users)) => users.push(user),
                None => index.push((key, vec![user])),
            }
        }
        index.sort_by(|a, b| b.0.cmp(&a.0));
        let mut found: Vec<String> = Vec::new();
        for (key, users) in &index {
            if RegistryPattern::from_key(key, options).matches_with(image, options) {
                found.extend(users.iter().cloned());
            }
        }
        if found.is_empty() && is_default_registry_match_with(image, options) {
            for (key, users) in &index {
                let hub = if options.case_insensitive_hosts {
                    key.as_bytes()
                        .eq_ignore_ascii_case(DOCKER_HUB_KEY.as_bytes())
                } else {
                    key.as_bytes() == DOCKER_HUB_KEY.as_bytes()
                };
                if hub {
                    found.extend(users.iter().cloned());
                }
            }
        }
        out.extend(found);
    }
    out
}
