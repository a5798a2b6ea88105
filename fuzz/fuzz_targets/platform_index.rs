//! Index / manifest list parsing and selection never panic; what parses serialises and
//! parses back to the same value.
#![no_main]

use kubepull::platform::{ImageIndex, Matcher, Platform};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let _ = ImageIndex::parse_with_media_type(
        data,
        "application/vnd.docker.distribution.manifest.list.v2+json",
    );
    let Ok(index) = ImageIndex::parse(data) else {
        return;
    };
    let hosts = [
        Platform::new("linux", "amd64"),
        Platform::new("linux", "arm64").with_variant("v9.3"),
        Platform::new("windows", "amd64").with_os_version("10.0.26100"),
        Platform::new("linux", "amd64").with_os_features(["gpu"]),
    ];
    for host in &hosts {
        for matcher in [
            Matcher::only(host),
            Matcher::only_strict(host),
            Matcher::any(&hosts),
            Matcher::only_os(host),
        ] {
            // select picks among exactly the platformed candidates.
            let selected = index.select(&matcher);
            let platformed = index
                .candidates(&matcher)
                .into_iter()
                .filter(|d| d.platform.is_some())
                .count();
            assert_eq!(selected.is_some(), platformed > 0);
        }
    }
    let again = ImageIndex::parse(index.to_json().as_bytes()).expect("own output parses");
    assert_eq!(again.manifests.len(), index.manifests.len());
    let _ = index.to_json_pretty();
});
