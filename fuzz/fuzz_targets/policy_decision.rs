//! The decision functions are total and deterministic: any image string and any combination of
//! policy, presence, verdict, records and credentials gives an answer, twice the same, and
//! never a panic. Record decoding never panics either.
#![no_main]

use std::time::Duration;

use kubepull::policy::{
    DefaultedPullPolicy, Presence, PullBackoff, PullPolicy, Verification, decide,
    default_pull_policy,
};
use kubepull::verify::{
    CredentialPolicy, ImagePullIntent, ImagePullSecret, ImagePulledRecord, PodCredentials,
    PulledRecordState, VerificationPolicy, VerifyOptions, must_attempt_image_pull,
};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Some((&selector, rest)) = data.split_first() else {
        return;
    };
    let text = String::from_utf8_lossy(rest);
    let mut parts = text.splitn(3, '\u{0}');
    let image = parts.next().unwrap_or("");
    let record_json = parts.next().unwrap_or("");
    let hash = parts.next().unwrap_or("");

    // Pull policy text, defaulting, decision.
    let _ = image.parse::<PullPolicy>();
    let policy = PullPolicy::ALL[usize::from(selector) % 3];
    let presence = match (selector >> 2) % 3 {
        0 => Presence::Absent,
        1 => Presence::Present,
        _ => Presence::InspectFailed(hash.to_owned()),
    };
    let verification = match (selector >> 4) % 4 {
        0 => Verification::Disabled,
        1 => Verification::Accessible,
        2 => Verification::MustPull,
        _ => Verification::Failed(hash.to_owned()),
    };
    let d = decide(image, policy, &presence, &verification);
    assert_eq!(d, decide(image, policy, &presence, &verification));
    assert_eq!(
        d.error().is_some(),
        d.action() == kubepull::policy::Action::Fail
    );
    assert_eq!(default_pull_policy(image), default_pull_policy(image));
    let _ = DefaultedPullPolicy::from_field(image, hash);

    // Back-off over an arbitrary clock.
    let mut backoff = PullBackoff::new();
    let key = PullBackoff::key(hash, image);
    let now = Duration::from_secs(u64::from(selector) * 37);
    backoff.record_failure(&key, hash, now);
    assert!(backoff.check(&key, image, now).is_some());
    backoff.record_success(now + Duration::from_secs(u64::MAX / 2));
    assert!(backoff.is_empty());

    // Records and the must-pull decision.
    let _ = ImagePullIntent::from_json(record_json.as_bytes());
    let record = ImagePulledRecord::from_json(record_json.as_bytes()).ok();
    if let Some(r) = &record {
        assert_eq!(
            ImagePulledRecord::from_json(r.to_json().as_bytes()).as_ref(),
            Ok(r)
        );
    }
    let state = match (&record, selector % 3) {
        (Some(r), _) => PulledRecordState::Present(r),
        (None, 0) => PulledRecordState::Absent,
        (None, 1) => PulledRecordState::Unreadable,
        (None, _) => PulledRecordState::AccessError,
    };
    let verification_policy = VerificationPolicy::ALL[usize::from(selector >> 6) % 4];
    let Ok(credential_policy) = CredentialPolicy::new(verification_policy, [hash]) else {
        return;
    };
    let pod = PodCredentials {
        secrets: vec![ImagePullSecret::new("uid", "ns", "name", hash)],
        service_account: None,
    };
    for options in [VerifyOptions::default(), VerifyOptions::hardened()] {
        let run = || {
            must_attempt_image_pull(
                &credential_policy,
                options,
                image,
                hash,
                state,
                selector & 1 == 1,
                || Ok::<_, ()>(pod.clone()),
            )
        };
        assert_eq!(run(), run());
    }
});
