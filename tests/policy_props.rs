//! Property tests: the pull decision and defaulting are total and consistent for any image.

use std::time::Duration;

use kubepull::policy::{
    Action, Presence, PullBackoff, PullPolicy, Verification, decide, default_pull_policy,
};
use proptest::prelude::*;

fn presence() -> impl Strategy<Value = Presence> {
    prop_oneof![
        Just(Presence::Absent),
        Just(Presence::Present),
        "\\PC{0,8}".prop_map(Presence::InspectFailed)
    ]
}

fn verification() -> impl Strategy<Value = Verification> {
    prop_oneof![
        Just(Verification::Disabled),
        Just(Verification::Accessible),
        Just(Verification::MustPull),
        "\\PC{0,8}".prop_map(Verification::Failed),
    ]
}

fn image() -> impl Strategy<Value = String> {
    prop_oneof![
        "[a-z0-9./:@-]{0,30}",
        "\\PC{0,20}",
        "[a-z]{1,8}(:[a-z0-9]{1,5})?(@sha256:[0-9a-f]{64})?",
    ]
}

proptest! {
    #[test]
    fn decision_is_total(image in image(), p in 0usize..3, presence in presence(), verification in verification()) {
        let policy = PullPolicy::ALL[p];
        let d = decide(&image, policy, &presence, &verification);
        prop_assert_eq!(&d, &decide(&image, policy, &presence, &verification));
        prop_assert_eq!(d.error().is_some(), d.action() == Action::Fail);
        // Only Never can refuse an image it has no reason to refuse otherwise.
        if let Some(e) = d.error() {
            if e.kind().as_str() == "ErrImageNeverPull" {
                prop_assert_eq!(policy, PullPolicy::Never);
            }
        }
        // Always always pulls a valid image.
        if policy == PullPolicy::Always && kubepull::Reference::parse(&image).is_ok() {
            prop_assert_eq!(d.action(), Action::Pull);
        }
        // Defaulting never fails and agrees with the tag rule.
        let default = default_pull_policy(&image);
        let latest = kubepull::policy::ImageName::parse(&image).is_ok_and(|n| n.tag() == "latest");
        prop_assert_eq!(default == PullPolicy::Always, latest);
    }

    #[test]
    fn backoff_delay_stays_in_bounds(gaps in prop::collection::vec(0u64..1_000, 1..30)) {
        let mut b = PullBackoff::new();
        let mut now = Duration::ZERO;
        for gap in gaps {
            now += Duration::from_secs(gap);
            b.record_failure("k", "e", now);
            let delay = b.delay("k").unwrap();
            prop_assert!(delay >= Duration::from_secs(10) && delay <= Duration::from_secs(300));
            prop_assert!(b.is_in_backoff("k", now));
        }
    }
}
