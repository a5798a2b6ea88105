//! The kubelet's per-pod, per-image pull back-off (`flowcontrol.Backoff`), over an injected
//! clock.

use std::collections::BTreeMap;
use std::time::Duration;

use super::{Event, EventType, ImageError, ImageErrorKind, reason};
use crate::go::quote;

/// The first back-off after a failed pull (`imageBackOffPeriod`).
pub const IMAGE_BACKOFF_INITIAL: Duration = Duration::from_secs(10);
/// The longest back-off (`MaxImageBackOff`).
pub const IMAGE_BACKOFF_MAX: Duration = Duration::from_secs(300);
/// The most keys a [`PullBackoff`] holds; a failure for a new key beyond it first drops the
/// entries that the kubelet's `GC` would drop, then the oldest one. The kubelet has no bound;
/// ours only matters past this many distinct failing `(pod, image)` pairs within ten minutes.
pub const MAX_BACKOFF_ENTRIES: usize = 65_536;

/// The pull back-off of one kubelet, as a pure state machine.
///
/// Time is a [`Duration`] since any fixed origin the caller chooses (a monotonic clock
/// reading); the caller passes `now` to every call. Keys are `"<podUID>_<requestedImage>"`
/// ([`PullBackoff::key`]), so back-off is per pod and per image string, not per node.
///
/// After a failure the delay is 10 s, then doubles (20, 40, 80, 160) up to 300 s. An entry
/// older than twice the maximum (600 s) is forgotten: the next failure starts again at 10 s.
///
/// ```
/// use std::time::Duration;
/// use kubepull::policy::PullBackoff;
///
/// let mut backoff = PullBackoff::new();
/// let key = PullBackoff::key("uid-1", "nginx:1.25");
/// let t0 = Duration::from_secs(1000);
/// assert!(backoff.check(&key, "nginx:1.25", t0).is_none());
/// backoff.begin_pull(&key);
/// backoff.record_failure(&key, "manifest unknown", t0);
/// let (error, event) = backoff.check(&key, "nginx:1.25", t0 + Duration::from_secs(5)).unwrap();
/// assert_eq!(error.kind().as_str(), "ImagePullBackOff");
/// assert_eq!(event.message, r#"Back-off pulling image "nginx:1.25": manifest unknown"#);
/// assert!(backoff.check(&key, "nginx:1.25", t0 + Duration::from_secs(10)).is_none());
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PullBackoff {
    initial: Duration,
    max: Duration,
    entries: BTreeMap<String, Entry>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
struct Entry {
    backoff: Duration,
    last_update: Duration,
    last_error: Option<String>,
}

impl Default for PullBackoff {
    fn default() -> PullBackoff {
        PullBackoff::new()
    }
}

impl PullBackoff {
    /// The kubelet's back-off: 10 s doubling to 300 s.
    pub fn new() -> PullBackoff {
        PullBackoff::with_periods(IMAGE_BACKOFF_INITIAL, IMAGE_BACKOFF_MAX)
    }

    /// A back-off with other periods (older kubelets used `MaxContainerBackOff` as the cap).
    pub fn with_periods(initial: Duration, max: Duration) -> PullBackoff {
        PullBackoff {
            initial,
            max,
            entries: BTreeMap::new(),
        }
    }

    /// The kubelet's key: `"<podUID>_<requestedImage>"`.
    pub fn key(pod_uid: &str, requested_image: &str) -> String {
        format!("{pod_uid}_{requested_image}")
    }

    fn expired(&self, entry: &Entry, now: Duration) -> bool {
        now.saturating_sub(entry.last_update) > self.max.saturating_mul(2)
    }

    /// `IsInBackOffSinceUpdate`: whether a pull for `key` must wait at `now`.
    pub fn is_in_backoff(&self, key: &str, now: Duration) -> bool {
        match self.entries.get(key) {
            Some(entry) if !self.expired(entry, now) => {
                now.saturating_sub(entry.last_update) < entry.backoff
            }
            _ => false,
        }
    }

    /// The current delay for `key` (10 s after one failure, ...), if it has an entry.
    pub fn delay(&self, key: &str) -> Option<Duration> {
        self.entries.get(key).map(|e| e.backoff)
    }

    /// The number of keys held.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// Whether no key is held.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// The kubelet's check before a pull: when in back-off, the `ImagePullBackOff` error and
    /// the `Normal BackOff` event, whose message is `Back-off pulling image "<image>"`,
    /// followed by `: <previous error>` when a failure message is stored.
    pub fn check(
        &self,
        key: &str,
        requested_image: &str,
        now: Duration,
    ) -> Option<(ImageError, Event)> {
        if !self.is_in_backoff(key, now) {
            return None;
        }
        let mut message = format!("Back-off pulling image {}", quote(requested_image));
        if let Some(previous) = self.entries.get(key).and_then(|e| e.last_error.as_deref()) {
            message.push_str(": ");
            message.push_str(previous);
        }
        let event = Event::new(EventType::Normal, reason::BACK_OFF, message.clone());
        Some((
            ImageError::new(ImageErrorKind::ImagePullBackOff, message),
            event,
        ))
    }

    /// A new pull attempt starts: the stored failure message for `key` is dropped.
    pub fn begin_pull(&mut self, key: &str) {
        if let Some(entry) = self.entries.get_mut(key) {
            entry.last_error = None;
        }
    }

    /// The pull failed at `now` with `message` (flowcontrol's `Next`): the first failure, or
    /// one after the entry expired, sets the initial delay; later ones double it up to the cap.
    pub fn record_failure(&mut self, key: &str, message: &str, now: Duration) {
        let backoff = match self.entries.get(key) {
            Some(entry) if !self.expired(entry, now) => {
                entry.backoff.saturating_mul(2).min(self.max)
            }
            _ => self.initial,
        };
        if !self.entries.contains_key(key) && self.entries.len() >= MAX_BACKOFF_ENTRIES {
            self.gc(now);
            if self.entries.len() >= MAX_BACKOFF_ENTRIES {
                let oldest = self
                    .entries
                    .iter()
                    .min_by_key(|(_, e)| e.last_update)
                    .map(|(k, _)| k.clone());
                if let Some(oldest) = oldest {
                    self.entries.remove(&oldest);
                }
            }
        }
        self.entries.insert(
            key.to_owned(),
            Entry {
                backoff,
                last_update: now,
                last_error: Some(message.to_owned()),
            },
        );
    }

    /// A pull succeeded at `now`. Like the kubelet (`backOff.GC()`), this forgets every entry
    /// not updated for twice the maximum, and nothing else: the succeeding key keeps its
    /// delay until it expires.
    pub fn record_success(&mut self, now: Duration) {
        self.gc(now);
    }

    /// flowcontrol's `GC`: drops entries older than twice the maximum.
    pub fn gc(&mut self, now: Duration) {
        let limit = self.max.saturating_mul(2);
        self.entries
            .retain(|_, e| now.saturating_sub(e.last_update) <= limit);
    }

    /// flowcontrol's `Reset`: forgets `key`.
    pub fn reset(&mut self, key: &str) {
        self.entries.remove(key);
    }
}
