//! Kubernetes objects as kubectl prints them (JSON or YAML, one object or a `List`): reading
//! never panics and stays bounded, a pull plan can always be made from what was read, and no
//! error text carries a Secret's value.
#![no_main]

use kubepull::pod::{Objects, PullPlan};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let objects = match Objects::from_slice(data) {
        Ok(objects) => objects,
        Err(error) => {
            assert_no_value_in(&error.to_string(), data);
            return;
        }
    };
    for pod in &objects.pods {
        let _ = pod.service_account_name();
        let plan = PullPlan::builder(pod)
            .service_account(objects.service_account(pod))
            .secrets(&objects.secrets)
            .build();
        match plan {
            Ok(plan) => {
                for image in plan.images() {
                    let _ = plan.credentials(image);
                }
            }
            Err(error) => assert_no_value_in(&error.to_string(), data),
        }
    }
});

/// Errors name fields, keys, kinds and positions; a long run of the input's string values
/// (where a password would be) never appears in them. A string followed by `:` is a key (a
/// Secret's data keys are not secret: kubectl describe shows them), not a value.
fn assert_no_value_in(message: &str, input: &[u8]) {
    let text = String::from_utf8_lossy(input);
    let mut strings = text.split('"').skip(1);
    while let Some(value) = strings.next() {
        let after = strings.next().unwrap_or_default();
        let is_key = after.trim_start().starts_with(':');
        if !is_key && value.len() >= 24 && value.bytes().all(|b| b.is_ascii_alphanumeric()) {
            assert!(
                !message.contains(value),
                "{message:?} quotes the input's value {value:?}"
            );
        }
    }
}
