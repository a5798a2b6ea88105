#![no_main]
//! Platform annotation and the legacy `-$(ARCH)` names: lines are image, architecture, OS,
//! OS version, variant. Nothing panics; a suffixed name splits back into the image and the
//! architecture it was built from.

use kubepull::Reference;
use kubepull::platform::{
    Annotation, LEGACY_ARCHITECTURES, Platform, arch_suffixed, os_arch_tagged, split_arch_suffix,
};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let mut lines = text.split('\n');
    let mut next = || lines.next().unwrap_or("").to_owned();
    let (image, architecture, os, os_version, variant) = (next(), next(), next(), next(), next());
    let features: Vec<String> = next()
        .split(',')
        .filter(|f| !f.is_empty())
        .map(str::to_owned)
        .collect();

    let annotation = Annotation {
        os: os.clone(),
        architecture: architecture.clone(),
        os_version: os_version.clone(),
        os_features: features,
        variant,
    };
    let base: Option<Platform> = image.parse().ok();
    if let Ok(platform) = annotation.apply(base.as_ref()) {
        let _ = platform.to_string();
        let again = annotation
            .apply(Some(&platform))
            .expect("annotating twice succeeds");
        assert_eq!(again, platform, "annotation is idempotent");
    }

    let Ok(reference) = image.parse::<Reference>() else {
        return;
    };
    if let Ok(suffixed) = arch_suffixed(&reference, &architecture) {
        // Any architecture containerd knows can be written; only those published under legacy
        // names are read back, and a name that itself ends in `-windows` reads as the Windows
        // form.
        let written = suffixed.path().rsplit('-').next().unwrap_or_default();
        match split_arch_suffix(&suffixed) {
            Some(split) => {
                assert_eq!(split.architecture, written, "{suffixed}");
                if !reference.path().ends_with("-windows") {
                    assert_eq!(split.image.path(), reference.path(), "{suffixed}");
                }
            }
            None => assert!(
                !LEGACY_ARCHITECTURES.contains(&written),
                "{suffixed} does not split"
            ),
        }
    }
    let _ = split_arch_suffix(&reference);
    let version = (!os_version.is_empty()).then_some(os_version.as_str());
    let _ = os_arch_tagged(&reference, &os, &architecture, version);
});
